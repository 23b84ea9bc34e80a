//! The regions of the demo: the provinces and cities of the seven state-council pairings of
//! 2016, the districts the projects sit in (GB/T 2260 codes), and development zones as regions of
//! kind `zone`. Zone codes are made up (two digits 9x under their city's four): no zone here has
//! a GB/T 2260 code of its own, except the four 长春 zones, which carry their NBS 统计用区划代码.

use duikou_core::region::{RegionInput, RegionKind};
use duikou_core::Actor;
use duikou_store::{Store, StoreError};

use RegionKind::{City, District, Province, Zone};

/// (code, name, kind, parent), parents first.
pub const REGIONS: &[(&str, &str, RegionKind, Option<&str>)] = &[
    ("110000", "北京市", Province, None),
    ("110101", "东城区", District, Some("110000")),
    ("110102", "西城区", District, Some("110000")),
    ("110105", "朝阳区", District, Some("110000")),
    ("110108", "海淀区", District, Some("110000")),
    ("110112", "通州区", District, Some("110000")),
    ("110113", "顺义区", District, Some("110000")),
    ("110114", "昌平区", District, Some("110000")),
    ("110115", "大兴区", District, Some("110000")),
    ("110191", "北京经济技术开发区", Zone, Some("110115")),
    ("120000", "天津市", Province, None),
    ("120101", "和平区", District, Some("120000")),
    ("120104", "南开区", District, Some("120000")),
    ("120116", "滨海新区", District, Some("120000")),
    ("120191", "天津经济技术开发区", Zone, Some("120116")),
    ("130000", "河北省", Province, None),
    ("130200", "唐山市", City, Some("130000")),
    ("210000", "辽宁省", Province, None),
    ("210100", "沈阳市", City, Some("210000")),
    ("210102", "和平区", District, Some("210100")),
    ("210103", "沈河区", District, Some("210100")),
    ("210104", "大东区", District, Some("210100")),
    ("210105", "皇姑区", District, Some("210100")),
    ("210106", "铁西区", District, Some("210100")),
    ("210111", "苏家屯区", District, Some("210100")),
    ("210112", "浑南区", District, Some("210100")),
    ("210113", "沈北新区", District, Some("210100")),
    ("210114", "于洪区", District, Some("210100")),
    ("210115", "辽中区", District, Some("210100")),
    ("210124", "法库县", District, Some("210100")),
    ("210181", "新民市", District, Some("210100")),
    ("210191", "沈阳高新技术产业开发区", Zone, Some("210112")),
    ("210192", "沈阳中关村科技园", Zone, Some("210112")),
    ("210200", "大连市", City, Some("210000")),
    ("210202", "中山区", District, Some("210200")),
    ("210203", "西岗区", District, Some("210200")),
    ("210204", "沙河口区", District, Some("210200")),
    ("210211", "甘井子区", District, Some("210200")),
    ("210212", "旅顺口区", District, Some("210200")),
    ("210213", "金州区", District, Some("210200")),
    ("210214", "普兰店区", District, Some("210200")),
    ("210224", "长海县", District, Some("210200")),
    ("210281", "瓦房店市", District, Some("210200")),
    ("210283", "庄河市", District, Some("210200")),
    ("210291", "大连高新技术产业园区", Zone, Some("210211")),
    ("210292", "大连长兴岛经济区", Zone, Some("210281")),
    ("210293", "大连花园口经济区", Zone, Some("210283")),
    ("210300", "鞍山市", City, Some("210000")),
    ("210700", "锦州市", City, Some("210000")),
    ("210800", "营口市", City, Some("210000")),
    ("211100", "盘锦市", City, Some("210000")),
    ("220000", "吉林省", Province, None),
    ("220100", "长春市", City, Some("220000")),
    ("220102", "南关区", District, Some("220100")),
    ("220104", "朝阳区", District, Some("220100")),
    ("220106", "绿园区", District, Some("220100")),
    ("220171", "长春经济技术开发区", Zone, Some("220100")),
    ("220172", "长春净月高新技术产业开发区", Zone, Some("220100")),
    ("220173", "长春高新技术产业开发区", Zone, Some("220100")),
    ("220174", "长春汽车经济技术开发区", Zone, Some("220100")),
    ("220200", "吉林市", City, Some("220000")),
    ("220500", "通化市", City, Some("220000")),
    ("230000", "黑龙江省", Province, None),
    ("230100", "哈尔滨市", City, Some("230000")),
    ("230102", "道里区", District, Some("230100")),
    ("230103", "南岗区", District, Some("230100")),
    ("230108", "平房区", District, Some("230100")),
    ("230109", "松北区", District, Some("230100")),
    ("230191", "深圳（哈尔滨）产业园区", Zone, Some("230109")),
    ("230200", "齐齐哈尔市", City, Some("230000")),
    ("230600", "大庆市", City, Some("230000")),
    ("231000", "牡丹江市", City, Some("230000")),
    ("310000", "上海市", Province, None),
    ("310101", "黄浦区", District, Some("310000")),
    ("310104", "徐汇区", District, Some("310000")),
    ("310106", "静安区", District, Some("310000")),
    ("310112", "闵行区", District, Some("310000")),
    ("310113", "宝山区", District, Some("310000")),
    ("310114", "嘉定区", District, Some("310000")),
    ("310115", "浦东新区", District, Some("310000")),
    ("310116", "金山区", District, Some("310000")),
    ("310117", "松江区", District, Some("310000")),
    ("310120", "奉贤区", District, Some("310000")),
    ("310151", "崇明区", District, Some("310000")),
    ("310191", "上海张江高科技园区", Zone, Some("310115")),
    ("310192", "上海化学工业区", Zone, Some("310116")),
    ("310193", "上海金山第二工业区", Zone, Some("310116")),
    ("320000", "江苏省", Province, None),
    ("320100", "南京市", City, Some("320000")),
    ("320200", "无锡市", City, Some("320000")),
    ("320500", "苏州市", City, Some("320000")),
    ("330000", "浙江省", Province, None),
    ("330100", "杭州市", City, Some("330000")),
    ("330200", "宁波市", City, Some("330000")),
    ("330400", "嘉兴市", City, Some("330000")),
    ("330411", "秀洲区", District, Some("330400")),
    ("330491", "嘉兴秀洲高新技术产业开发区", Zone, Some("330411")),
    ("440000", "广东省", Province, None),
    ("440100", "广州市", City, Some("440000")),
    ("440300", "深圳市", City, Some("440000")),
    ("440304", "福田区", District, Some("440300")),
    ("440305", "南山区", District, Some("440300")),
    ("440600", "佛山市", City, Some("440000")),
    ("450000", "广西壮族自治区", Province, None),
    ("450300", "桂林市", City, Some("450000")),
    ("450305", "七星区", District, Some("450300")),
    ("450391", "桂林国家高新技术产业开发区", Zone, Some("450305")),
    ("610000", "陕西省", Province, None),
    ("610400", "咸阳市", City, Some("610000")),
    ("610403", "杨陵区", District, Some("610400")),
    ("610491", "杨凌农业高新技术产业示范区", Zone, Some("610403")),
];

fn entry(
    code: &str,
) -> Option<&'static (&'static str, &'static str, RegionKind, Option<&'static str>)> {
    REGIONS.iter().find(|r| r.0 == code)
}

/// The name of a demo region ("浑南区"), or the code itself when unknown.
pub fn name(code: &str) -> &str {
    entry(code).map(|r| r.1).unwrap_or(code)
}

pub fn kind(code: &str) -> Option<RegionKind> {
    entry(code).map(|r| r.2)
}

/// Short names of zones, as people say them.
const SHORT: &[(&str, &str)] = &[
    ("110191", "北京经开区"),
    ("120191", "天津经开区"),
    ("210191", "沈阳高新区"),
    ("210192", "沈阳中关村"),
    ("210291", "大连高新区"),
    ("210292", "长兴岛"),
    ("210293", "花园口"),
    ("220171", "长春经开区"),
    ("220172", "净月"),
    ("220173", "长春高新区"),
    ("220174", "长春汽开区"),
    ("230191", "深哈产业园"),
    ("310191", "张江"),
    ("310192", "上海化工区"),
    ("310193", "金山二工区"),
    ("330491", "秀洲高新区"),
    ("450391", "桂林高新区"),
    ("610491", "杨凌示范区"),
];

/// The short name of a place, as used inside project names: "浑南", "沈北", "长兴岛", "大连".
pub fn short(code: &str) -> String {
    if let Some((_, s)) = SHORT.iter().find(|(c, _)| *c == code) {
        return (*s).to_owned();
    }
    let n = name(code);
    let stripped = n
        .strip_suffix("新区")
        .or_else(|| n.strip_suffix(['区', '县', '市', '省']))
        .unwrap_or(n);
    if stripped.chars().count() >= 2 {
        stripped.to_owned()
    } else {
        n.to_owned()
    }
}

/// The city (or municipality) a region belongs to, for names like "沈阳市浑南区".
pub fn city_of(code: &str) -> &'static str {
    let mut cur = entry(code);
    while let Some(r) = cur {
        if matches!(r.2, City | Province) {
            return r.1;
        }
        cur = r.3.and_then(entry);
    }
    ""
}

/// A region's name with its city in front when it is a district or zone: "沈阳市浑南区".
pub fn full_name(code: &str) -> String {
    match kind(code) {
        Some(District) => format!("{}{}", city_of(code), name(code)),
        _ => name(code).to_owned(),
    }
}

/// Creates the demo regions that do not exist yet; returns how many were created.
pub async fn create(store: &Store, actor: &Actor) -> anyhow::Result<usize> {
    let mut created = 0;
    for (code, name, kind, parent) in REGIONS {
        match store.region(code).await {
            Ok(_) => continue,
            Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        let input = RegionInput {
            code: (*code).to_owned(),
            name: (*name).to_owned(),
            kind: *kind,
            parent_code: parent.map(str::to_owned),
        };
        store.as_system(&actor.name).create_region(&input).await?;
        created += 1;
    }
    Ok(created)
}
