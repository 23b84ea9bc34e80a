//! The organisations of the demo: the cooperation offices of each side, some departments,
//! district governments, zone committees, universities and the enterprises the reports name.
//! Office names follow the usual pattern of such offices; they are illustrative.

use std::collections::HashMap;

use duikou_core::org::{OrgInput, OrgKind};
use duikou_core::Actor;
use duikou_store::Store;

use OrgKind::{Department, DistrictGovernment, Enterprise, Office, University, ZoneCommittee};

/// (key, name, kind, region code, parent key). A government or zone committee is found by its
/// region code (key "gov:CODE"), the others by their key.
#[rustfmt::skip]
pub const ORGS: &[(&str, &str, OrgKind, &str, Option<&str>)] = &[
    // 北京 side of 京沈
    ("bj-office", "北京市支援合作办公室", Office, "110000", None),
    ("bj-fgw", "北京市发展和改革委员会", Department, "110000", None),
    ("bj-jxj", "北京市经济和信息化局", Department, "110000", None),
    ("bj-kw", "北京市科学技术委员会", Department, "110000", None),
    ("bj-sw", "北京市商务局", Department, "110000", None),
    ("gov:110102", "北京市西城区人民政府", DistrictGovernment, "110102", None),
    ("gov:110105", "北京市朝阳区人民政府", DistrictGovernment, "110105", None),
    ("gov:110108", "北京市海淀区人民政府", DistrictGovernment, "110108", None),
    ("gov:110115", "北京市大兴区人民政府", DistrictGovernment, "110115", None),
    ("zgc", "中关村科技园区管理委员会", ZoneCommittee, "110108", None),
    ("gov:110191", "北京经济技术开发区管理委员会", ZoneCommittee, "110191", None),
    // 沈阳 side
    ("sy-fgw", "沈阳市发展和改革委员会", Department, "210100", None),
    ("sy-office", "沈阳市对口合作工作办公室", Office, "210100", Some("sy-fgw")),
    ("sy-yshj", "沈阳市营商环境建设局", Department, "210100", None),
    ("sy-zrzy", "沈阳市自然资源局", Department, "210100", None),
    ("sy-sw", "沈阳市商务局", Department, "210100", None),
    ("gov:210102", "沈阳市和平区人民政府", DistrictGovernment, "210102", None),
    ("gov:210103", "沈阳市沈河区人民政府", DistrictGovernment, "210103", None),
    ("gov:210104", "沈阳市大东区人民政府", DistrictGovernment, "210104", None),
    ("gov:210105", "沈阳市皇姑区人民政府", DistrictGovernment, "210105", None),
    ("gov:210106", "沈阳市铁西区人民政府", DistrictGovernment, "210106", None),
    ("gov:210111", "沈阳市苏家屯区人民政府", DistrictGovernment, "210111", None),
    ("gov:210112", "沈阳市浑南区人民政府", DistrictGovernment, "210112", None),
    ("gov:210113", "沈阳市沈北新区管理委员会", DistrictGovernment, "210113", None),
    ("gov:210114", "沈阳市于洪区人民政府", DistrictGovernment, "210114", None),
    ("gov:210115", "沈阳市辽中区人民政府", DistrictGovernment, "210115", None),
    ("gov:210124", "法库县人民政府", DistrictGovernment, "210124", None),
    ("gov:210181", "新民市人民政府", DistrictGovernment, "210181", None),
    ("gov:210191", "沈阳高新技术产业开发区管理委员会", ZoneCommittee, "210191", None),
    ("gov:210192", "沈阳中关村科技园管理委员会", ZoneCommittee, "210192", None),
    // 上海 and 大连
    ("sh-office", "上海市人民政府合作交流办公室", Office, "310000", None),
    ("sh-fgw", "上海市发展和改革委员会", Department, "310000", None),
    ("gov:310115", "上海市浦东新区人民政府", DistrictGovernment, "310115", None),
    ("gov:310191", "上海张江高科技园区管理委员会", ZoneCommittee, "310191", None),
    ("gov:310192", "上海化学工业区管理委员会", ZoneCommittee, "310192", None),
    ("gov:310193", "上海金山第二工业区管理委员会", ZoneCommittee, "310193", None),
    ("dl-fgw", "大连市发展和改革委员会", Department, "210200", None),
    ("dl-office", "大连市对口合作工作办公室", Office, "210200", Some("dl-fgw")),
    ("dl-kj", "大连市科学技术局", Department, "210200", None),
    ("dl-sw", "大连市商务局", Department, "210200", None),
    ("gov:210202", "大连市中山区人民政府", DistrictGovernment, "210202", None),
    ("gov:210203", "大连市西岗区人民政府", DistrictGovernment, "210203", None),
    ("gov:210204", "大连市沙河口区人民政府", DistrictGovernment, "210204", None),
    ("gov:210211", "大连市甘井子区人民政府", DistrictGovernment, "210211", None),
    ("gov:210212", "大连市旅顺口区人民政府", DistrictGovernment, "210212", None),
    ("gov:210213", "大连金普新区管理委员会", DistrictGovernment, "210213", None),
    ("gov:210214", "大连市普兰店区人民政府", DistrictGovernment, "210214", None),
    ("gov:210224", "长海县人民政府", DistrictGovernment, "210224", None),
    ("gov:210281", "瓦房店市人民政府", DistrictGovernment, "210281", None),
    ("gov:210283", "庄河市人民政府", DistrictGovernment, "210283", None),
    ("gov:210291", "大连高新技术产业园区管理委员会", ZoneCommittee, "210291", None),
    ("gov:210292", "大连长兴岛经济区管理委员会", ZoneCommittee, "210292", None),
    ("gov:210293", "大连花园口经济区管理委员会", ZoneCommittee, "210293", None),
    // the other pairings
    ("tj-office", "天津市合作交流办公室", Office, "120000", None),
    ("gov:120191", "天津经济技术开发区管理委员会", ZoneCommittee, "120191", None),
    ("cc-office", "长春市对口合作工作办公室", Office, "220100", None),
    ("gov:220171", "长春经济技术开发区管理委员会", ZoneCommittee, "220171", None),
    ("gov:220172", "长春净月高新技术产业开发区管理委员会", ZoneCommittee, "220172", None),
    ("gov:220173", "长春高新技术产业开发区管理委员会", ZoneCommittee, "220173", None),
    ("gov:220174", "长春汽车经济技术开发区管理委员会", ZoneCommittee, "220174", None),
    ("sz-office", "深圳市对口合作工作办公室", Office, "440300", None),
    ("hrb-office", "哈尔滨市对口合作工作办公室", Office, "230100", None),
    ("gov:230109", "哈尔滨市松北区人民政府", DistrictGovernment, "230109", None),
    ("gov:230191", "深圳（哈尔滨）产业园区管理委员会", ZoneCommittee, "230191", None),
    ("js-office", "江苏省对口合作工作领导小组办公室", Office, "320000", None),
    ("ln-office", "辽宁省对口合作工作领导小组办公室", Office, "210000", None),
    ("zj-office", "浙江省对口合作工作领导小组办公室", Office, "330000", None),
    ("jl-office", "吉林省对口合作工作领导小组办公室", Office, "220000", None),
    ("gd-office", "广东省对口合作工作领导小组办公室", Office, "440000", None),
    ("hlj-office", "黑龙江省对口合作工作领导小组办公室", Office, "230000", None),
    // zones without a pairing
    ("gov:450391", "桂林国家高新技术产业开发区管理委员会", ZoneCommittee, "450391", None),
    ("gov:610491", "杨凌农业高新技术产业示范区管理委员会", ZoneCommittee, "610491", None),
    ("gov:330491", "嘉兴秀洲高新技术产业开发区管理委员会", ZoneCommittee, "330491", None),
    // universities
    ("tsinghua", "清华大学", University, "110108", None),
    ("dlut", "大连理工大学", University, "210211", None),
    ("sjtu", "上海交通大学", University, "310112", None),
    // enterprises named in the reports
    ("oriental-yuhong", "北京东方雨虹防水技术股份有限公司", Enterprise, "110000", None),
    ("jd", "京东集团", Enterprise, "110000", None),
    ("wellhope", "禾丰食品股份有限公司", Enterprise, "210100", None),
    ("crcc", "中国铁建股份有限公司", Enterprise, "110000", None),
    ("mcc22", "中国二十二冶集团有限公司", Enterprise, "130200", None),
    ("buchang", "步长制药", Enterprise, "610400", None),
    ("devoncare", "德康（嘉兴）健康产业有限公司", Enterprise, "330411", None),
    ("capital-group", "北京首都创业集团有限公司", Enterprise, "110000", None),
    ("shounong", "北京首农食品集团有限公司", Enterprise, "110000", None),
    ("jingcheng", "北京京城机电控股有限责任公司", Enterprise, "110000", None),
    ("bayuegua", "北京八月瓜科技有限公司", Enterprise, "110000", None),
    ("zhongnan", "中南高科产业集团", Enterprise, "320000", None),
    ("yida", "亿达中国控股有限公司", Enterprise, "210200", None),
    ("sinovel", "华锐风电科技（集团）股份有限公司", Enterprise, "110000", None),
    ("smc", "SMC（中国）有限公司", Enterprise, "110191", None),
];

/// Creates the demo orgs; returns their ids by key.
pub async fn create(store: &Store, actor: &Actor) -> anyhow::Result<HashMap<&'static str, i64>> {
    let mut ids: HashMap<&'static str, i64> = HashMap::new();
    for (key, name, kind, region, parent) in ORGS {
        let input = OrgInput {
            name: (*name).to_owned(),
            kind: *kind,
            region_code: (*region).to_owned(),
            parent_id: parent.and_then(|p| ids.get(p).copied()),
        };
        let org = store.as_system(&actor.name).create_org(&input).await?;
        ids.insert(key, org.id);
    }
    Ok(ids)
}
