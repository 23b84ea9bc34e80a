//! The partnerships of the demo: the seven state-council pairings of 2016, the 大连–上海
//! district and zone pairings nested under `shanghai-dalian`, 中关村–沈阳高新区 under
//! `beijing-shenyang`, and the 北京经开区–天津经开区 zone pairing.
//!
//! Side A is the sending (eastern) side, side B the receiving side. Apart from 金普新区–浦东新区
//! (金普 is mapped to 金州区 210213) the reports do not say which districts pair with which; the
//! other nine district pairings are illustrative. Dates other than 2017-04-18 (京沈) are
//! illustrative too: 2017-03-07 is the date of the state-council work plan.

use std::collections::HashMap;

use chrono::NaiveDate;
use duikou_core::partnership::{PartnershipInput, PartnershipKind, Side};
use duikou_core::Actor;
use duikou_store::Store;

use PartnershipKind::{Counterpart, DistrictPairing, ZonePairing};

pub struct Pair {
    pub slug: &'static str,
    pub name: &'static str,
    pub kind: PartnershipKind,
    pub parent: Option<&'static str>,
    /// (region code, org key) of side A.
    pub a: (&'static str, Option<&'static str>),
    pub b: (&'static str, Option<&'static str>),
    pub since: (i32, u32, u32),
}

const fn pair(
    slug: &'static str,
    name: &'static str,
    kind: PartnershipKind,
    parent: Option<&'static str>,
    a: (&'static str, Option<&'static str>),
    b: (&'static str, Option<&'static str>),
    since: (i32, u32, u32),
) -> Pair {
    Pair {
        slug,
        name,
        kind,
        parent,
        a,
        b,
        since,
    }
}

const PLAN: (i32, u32, u32) = (2017, 3, 7);
const SHDL: Option<&str> = Some("shanghai-dalian");
const DISTRICTS: (i32, u32, u32) = (2018, 5, 24);

/// The Dalian districts and their Shanghai partners: (slug, name, Shanghai code, Dalian code).
#[rustfmt::skip]
pub const DISTRICT_PAIRS: &[(&str, &str, &str, &str)] = &[
    ("pudong-jinpu", "浦东新区—金普新区结对合作", "310115", "210213"),
    ("huangpu-zhongshan", "黄浦区—中山区结对合作", "310101", "210202"),
    ("jingan-xigang", "静安区—西岗区结对合作", "310106", "210203"),
    ("xuhui-shahekou", "徐汇区—沙河口区结对合作", "310104", "210204"),
    ("minhang-ganjingzi", "闵行区—甘井子区结对合作", "310112", "210211"),
    ("baoshan-lvshunkou", "宝山区—旅顺口区结对合作", "310113", "210212"),
    ("jiading-pulandian", "嘉定区—普兰店区结对合作", "310114", "210214"),
    ("chongming-changhai", "崇明区—长海县结对合作", "310151", "210224"),
    ("songjiang-wafangdian", "松江区—瓦房店市结对合作", "310117", "210281"),
    ("fengxian-zhuanghe", "奉贤区—庄河市结对合作", "310120", "210283"),
];

/// The zone pairings under `shanghai-dalian`: (slug, name, Shanghai zone, Dalian zone).
#[rustfmt::skip]
pub const ZONE_PAIRS: &[(&str, &str, &str, &str)] = &[
    ("zhangjiang-dalian-hitech", "上海张江高新区—大连高新区结对合作", "310191", "210291"),
    ("shanghai-chem-changxing", "上海化学工业区—长兴岛经济区结对合作", "310192", "210292"),
    ("jinshan-huayuankou", "上海金山化工区—花园口经济区结对合作", "310193", "210293"),
];

pub fn top_level() -> Vec<Pair> {
    vec![
        pair(
            "jiangsu-liaoning",
            "江苏省—辽宁省对口合作",
            Counterpart,
            None,
            ("320000", Some("js-office")),
            ("210000", Some("ln-office")),
            PLAN,
        ),
        pair(
            "zhejiang-jilin",
            "浙江省—吉林省对口合作",
            Counterpart,
            None,
            ("330000", Some("zj-office")),
            ("220000", Some("jl-office")),
            PLAN,
        ),
        pair(
            "guangdong-heilongjiang",
            "广东省—黑龙江省对口合作",
            Counterpart,
            None,
            ("440000", Some("gd-office")),
            ("230000", Some("hlj-office")),
            PLAN,
        ),
        pair(
            "beijing-shenyang",
            "北京市—沈阳市对口合作",
            Counterpart,
            None,
            ("110000", Some("bj-office")),
            ("210100", Some("sy-office")),
            (2017, 4, 18),
        ),
        pair(
            "shanghai-dalian",
            "上海市—大连市对口合作",
            Counterpart,
            None,
            ("310000", Some("sh-office")),
            ("210200", Some("dl-office")),
            PLAN,
        ),
        pair(
            "tianjin-changchun",
            "天津市—长春市对口合作",
            Counterpart,
            None,
            ("120000", Some("tj-office")),
            ("220100", Some("cc-office")),
            PLAN,
        ),
        pair(
            "shenzhen-harbin",
            "深圳市—哈尔滨市对口合作",
            Counterpart,
            None,
            ("440300", Some("sz-office")),
            ("230100", Some("hrb-office")),
            PLAN,
        ),
        pair(
            "zhongguancun-shenyang-hitech",
            "中关村示范区—沈阳高新区对接合作",
            ZonePairing,
            Some("beijing-shenyang"),
            ("110108", Some("zgc")),
            ("210191", Some("gov:210191")),
            (2018, 6, 12),
        ),
        pair(
            "beijing-etda-tianjin-etda",
            "北京经济技术开发区—天津经济技术开发区合作",
            ZonePairing,
            None,
            ("110191", Some("gov:110191")),
            ("120191", Some("gov:120191")),
            (2021, 4, 1),
        ),
    ]
}

/// All demo partnerships, parents first.
pub fn all() -> Vec<Pair> {
    let mut v = top_level();
    for (slug, name, sh, dl) in DISTRICT_PAIRS {
        v.push(pair(
            slug,
            name,
            DistrictPairing,
            SHDL,
            (sh, None),
            (dl, None),
            DISTRICTS,
        ));
    }
    for (slug, name, sh, dl) in ZONE_PAIRS {
        let b = (*dl, Some(org_key(dl)));
        v.push(pair(
            slug,
            name,
            ZonePairing,
            SHDL,
            (sh, Some(org_key(sh))),
            b,
            DISTRICTS,
        ));
    }
    v
}

fn org_key(code: &str) -> &'static str {
    match code {
        "310191" => "gov:310191",
        "310192" => "gov:310192",
        "310193" => "gov:310193",
        "210291" => "gov:210291",
        "210292" => "gov:210292",
        _ => "gov:210293",
    }
}

/// Creates the partnerships; returns their ids by slug.
pub async fn create(
    store: &Store,
    actor: &Actor,
    orgs: &HashMap<&'static str, i64>,
) -> anyhow::Result<HashMap<&'static str, i64>> {
    let mut ids: HashMap<&'static str, i64> = HashMap::new();
    for p in all() {
        let side = |(region, org): (&str, Option<&str>)| Side {
            region_code: Some(region.to_owned()),
            org_id: org.and_then(|k| orgs.get(k).copied()),
        };
        let input = PartnershipInput {
            slug: p.slug.to_owned(),
            name: p.name.to_owned(),
            kind: p.kind,
            parent_id: p.parent.and_then(|s| ids.get(s).copied()),
            side_a: side(p.a),
            side_b: side(p.b),
            since: NaiveDate::from_ymd_opt(p.since.0, p.since.1, p.since.2),
        };
        let created = store
            .as_system(&actor.name)
            .create_partnership(&input)
            .await?;
        ids.insert(p.slug, created.id);
    }
    Ok(ids)
}
