//! The projects of the other pairings (generated, a few dozen each), the 北京经开区–天津经开区
//! projects, and named projects of zones outside any pairing (杨凌, 嘉兴秀洲, 桂林).

use duikou_core::money::Currency;
use duikou_core::progress_report::Period;
use duikou_core::project::Category;
use duikou_core::Stage::{Landed, Negotiating, Operating, Signed, Started};

use super::amounts::{WAN, YI};
use super::generic::{self, named, one, Base, Draw};
use super::plan::{money, ymd, ProjectPlan};
use super::Ctx;

/// (partnership, hosts, sources, how many).
const PAIRINGS: &[(&str, &[&str], &[&str], usize)] = &[
    (
        "tianjin-changchun",
        &[
            "220100", "220102", "220104", "220106", "220171", "220172", "220173", "220174",
            "220174",
        ],
        &["120000", "120101", "120104", "120116", "120191"],
        55,
    ),
    (
        "shenzhen-harbin",
        &[
            "230100", "230102", "230103", "230108", "230109", "230191", "230191", "230191",
        ],
        &["440300", "440304", "440305"],
        55,
    ),
    (
        "jiangsu-liaoning",
        &["210300", "210700", "210800", "211100", "210100", "210200"],
        &["320000", "320100", "320200", "320500"],
        40,
    ),
    (
        "zhejiang-jilin",
        &["220200", "220500", "220100", "220173"],
        &["330000", "330100", "330200", "330400"],
        40,
    ),
    (
        "guangdong-heilongjiang",
        &["230200", "230600", "231000", "230100"],
        &["440000", "440100", "440600", "440300"],
        40,
    ),
    ("beijing-etda-tianjin-etda", &["120191"], &["110191"], 12),
];

pub fn plans(ctx: &mut Ctx) -> Vec<ProjectPlan> {
    let mut ps = Vec::new();
    for (slug, hosts, sources, n) in PAIRINGS {
        let since = if *slug == "beijing-etda-tianjin-etda" {
            ymd(2021, 4, 1)
        } else {
            ymd(2017, 3, 7)
        };
        for _ in 0..*n {
            let category = generic::category(&mut ctx.rng);
            let host = one(&mut ctx.rng, hosts);
            let source = one(&mut ctx.rng, sources);
            let d = Draw {
                category,
                partnership: Some(slug),
                host,
                source: Some(source),
            };
            ps.push(generic::full(ctx, &d, (since, ymd(2025, 3, 31)), None));
        }
    }
    ps.extend(smc(ctx));
    ps.extend(zones(ctx));
    for _ in 0..4 {
        let d = Draw {
            category: Category::Investment,
            partnership: None,
            host: "450391",
            source: Some("440000"),
        };
        ps.push(generic::full(
            ctx,
            &d,
            (ymd(2020, 1, 2), ymd(2024, 12, 31)),
            None,
        ));
    }
    ps
}

/// SMC (天津): phase 1 in production (output about 10亿 in 2023), phase 2 broke ground on
/// 2024-03-08; both phases aim at 30亿 a year.
fn smc(ctx: &mut Ctx) -> Vec<ProjectPlan> {
    let smc = ctx.org("smc");
    let etda = Some("beijing-etda-tianjin-etda");
    let mut one_ = named(
        ctx,
        "SMC（天津）制造项目（一期）",
        Category::Investment,
        "120191",
        etda,
        &[
            (Negotiating, (2019, 3, 11)),
            (Signed, (2019, 7, 2)),
            (Landed, (2019, 9, 16)),
            (Started, (2020, 3, 30)),
            (Operating, (2022, 6, 28)),
        ],
    )
    .industry("高端装备")
    .investor("SMC（中国）有限公司", smc)
    .source("110191")
    .planned(12 * YI);
    one_.report(Period::Month(2022, 12), |r| {
        r.invested_to_date = money(12 * YI);
        r.output_value = money(31_000 * WAN);
    });
    one_.report(Period::Month(2023, 12), |r| {
        r.invested_to_date = money(12 * YI);
        r.output_value = money(131_000 * WAN);
    });
    let mut two = named(
        ctx,
        "SMC（天津）制造项目（二期）",
        Category::Investment,
        "120191",
        etda,
        &[
            (Negotiating, (2023, 5, 8)),
            (Signed, (2023, 10, 26)),
            (Landed, (2024, 1, 15)),
            (Started, (2024, 3, 8)),
        ],
    )
    .industry("高端装备")
    .investor("SMC（中国）有限公司", smc)
    .source("110191")
    .planned(15 * YI)
    .note("一、二期达产后年产值目标30亿元");
    generic::finish(ctx, &mut two, 2024, Base::default());
    generic::decorate(&mut ctx.rng, &mut one_);
    vec![one_, two]
}

/// Named projects of zones outside the pairings.
fn zones(ctx: &mut Ctx) -> Vec<ProjectPlan> {
    let buchang = ctx.org("buchang");
    let devoncare = ctx.org("devoncare");
    let mut yangling = named(ctx, "步长（杨凌）医药产业园一期", Category::Investment, "610491", None, &[
        (Negotiating, (2017, 5, 15)), (Signed, (2017, 9, 8)), (Landed, (2017, 12, 20)),
        (Started, (2018, 4, 16)), (Operating, (2020, 6, 18)),
    ])
    .industry("生物医药")
    .investor("步长制药", buchang)
    .planned(12 * YI)
    .note("园区规划800亩、计划总投资20亿元；一期320亩、建筑面积18万平方米，中药板块2020年6月投产，预计2022年全面投产，带动就业300余人");
    yangling.fields.land_area_mu = Some(320.0);
    let mut xiuzhou = named(
        ctx,
        "德康秀洲大健康产业基地一期",
        Category::Investment,
        "330491",
        None,
        &[
            (Negotiating, (2019, 6, 10)),
            (Signed, (2019, 12, 18)),
            (Landed, (2020, 5, 12)),
            (Started, (2020, 8, 18)),
        ],
    )
    .industry("大健康")
    .investor("德康（嘉兴）健康产业有限公司", devoncare)
    .planned(YI)
    .note("总投资1亿美元，预计2022年一季度投产");
    xiuzhou.fields.currency = Currency::Usd;
    xiuzhou.fields.land_area_mu = Some(158.0);
    xiuzhou.fields.planned_production = Some(ymd(2022, 3, 31));
    let future_food = named(
        ctx,
        "未来食品创新中心",
        Category::Other,
        "330491",
        None,
        &[(Negotiating, (2020, 10, 19)), (Signed, (2021, 1, 26))],
    )
    .industry("食品加工")
    .note("签约同时设立10亿元产业基金");
    let mut v = vec![yangling, xiuzhou, future_food];
    for p in &mut v {
        generic::decorate(&mut ctx.rng, p);
    }
    v
}
