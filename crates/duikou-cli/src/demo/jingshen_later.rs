//! The 京沈 projects the reports name that do not count among the published figures: landed in
//! another period, below 1亿, or not landed. Facts as in `jingshen_named`; dates, hosts and
//! amounts the reports do not give are illustrative.

use duikou_core::progress_report::Period;
use duikou_core::project::Category::{Consulting, Finance, Investment, Other, Technology, Trade};
use duikou_core::Stage::{Completed, Landed, Negotiating, Signed, Started};

use super::amounts::{WAN, YI};
use super::generic::named;
use super::plan::{money, ProjectPlan};
use super::Ctx;

const BS: Option<&str> = Some("beijing-shenyang");

/// Named projects of later years that do not count among the 22 (below 1亿, or landed in
/// another period, or not landed).
pub fn later(ctx: &mut Ctx) -> Vec<ProjectPlan> {
    let (jd, crcc, mcc, yida, bayuegua, tsinghua, shounong) = (
        ctx.org("jd"),
        ctx.org("crcc"),
        ctx.org("mcc22"),
        ctx.org("yida"),
        ctx.org("bayuegua"),
        ctx.org("tsinghua"),
        ctx.org("shounong"),
    );
    let zgc = Some("zhongguancun-shenyang-hitech");
    let mut v = vec![
        named(
            ctx,
            "于洪京沈合作产业园（一期）",
            Investment,
            "210114",
            BS,
            &[
                (Negotiating, (2018, 9, 10)),
                (Signed, (2019, 3, 20)),
                (Landed, (2019, 6, 18)),
                (Started, (2020, 4, 15)),
                (Completed, (2022, 6, 20)),
            ],
        )
        .industry("智能制造")
        .source("110000")
        .planned(15 * YI)
        .note("一期主体工程竣工"),
        named(
            ctx,
            "亿达信创园项目",
            Investment,
            "210192",
            BS,
            &[
                (Negotiating, (2020, 8, 3)),
                (Signed, (2021, 3, 26)),
                (Landed, (2021, 9, 15)),
                (Started, (2022, 3, 18)),
            ],
        )
        .industry("新一代信息技术")
        .investor("亿达中国控股有限公司", yida)
        .source("110108")
        .planned(25 * YI),
        named(
            ctx,
            "中关村文创孵化中心等基础设施PPP项目",
            Investment,
            "210192",
            BS,
            &[
                (Negotiating, (2020, 5, 6)),
                (Signed, (2020, 12, 18)),
                (Landed, (2021, 4, 20)),
                (Started, (2021, 7, 8)),
            ],
        )
        .industry("城市基础设施")
        .investor(
            "中国铁建股份有限公司、中国二十二冶集团有限公司",
            crcc.or(mcc),
        )
        .source("110000")
        .planned(110 * YI)
        .agreed(110 * YI)
        .note("以PPP方式引入社会资本110亿元"),
        named(
            ctx,
            "八月瓜全产业链科技创新服务平台",
            Technology,
            "210112",
            BS,
            &[(Negotiating, (2021, 11, 15)), (Signed, (2022, 5, 26))],
        )
        .industry("科技服务")
        .investor("北京八月瓜科技有限公司", bayuegua)
        .source("110000")
        .planned(8000 * WAN)
        .note("由京沈互派干部对接促成签约"),
        named(
            ctx,
            "禾丰牧业与京东集团鸡肉产品电商销售合作",
            Trade,
            "210113",
            BS,
            &[
                (Negotiating, (2020, 10, 12)),
                (Signed, (2021, 3, 15)),
                (Landed, (2021, 5, 10)),
            ],
        )
        .industry("商贸流通")
        .investor("京东集团", jd)
        .source("110000")
        .note("扩大10种鸡肉类产品销售渠道，预计年销售额1200万元"),
        named(
            ctx,
            "盛京银行与北京市大兴区金融合作项目",
            Finance,
            "210103",
            BS,
            &[(Negotiating, (2021, 8, 9)), (Signed, (2021, 11, 19))],
        )
        .industry("金融服务")
        .investor("盛京银行", None)
        .source("110115")
        .note("企业培育、信贷支持、投贷联动"),
        named(
            ctx,
            "秋实公司与北菜集团生鲜果蔬产销直供合作",
            Trade,
            "210100",
            BS,
            &[
                (Negotiating, (2019, 11, 4)),
                (Signed, (2020, 3, 16)),
                (Landed, (2020, 4, 20)),
            ],
        )
        .industry("商贸流通")
        .source("110000"),
        named(
            ctx,
            "山山伟业与首农集团一木山楂产地直供合作",
            Trade,
            "210100",
            BS,
            &[
                (Negotiating, (2019, 12, 2)),
                (Signed, (2020, 5, 11)),
                (Landed, (2020, 6, 8)),
            ],
        )
        .industry("商贸流通")
        .investor("北京首农食品集团有限公司", shounong)
        .source("110000"),
        named(
            ctx,
            "沈河区与首旅集团酒店管理提升合作",
            Consulting,
            "210103",
            BS,
            &[
                (Negotiating, (2020, 9, 1)),
                (Signed, (2021, 1, 20)),
                (Landed, (2021, 3, 5)),
            ],
        )
        .industry("文化旅游")
        .investor("北京首都旅游集团有限责任公司", None)
        .source("110000"),
        named(
            ctx,
            "沈阳故宫博物院与北京企业文创产品合作开发",
            Other,
            "210103",
            BS,
            &[
                (Negotiating, (2020, 7, 13)),
                (Signed, (2020, 11, 30)),
                (Landed, (2021, 2, 1)),
            ],
        )
        .industry("文化旅游")
        .source("110000")
        .note("与4家北京企业合作，开发五大主题文创产品20余种"),
        named(
            ctx,
            "清华大学新型高效供热产品研发合作",
            Technology,
            "210100",
            BS,
            &[(Negotiating, (2021, 3, 8)), (Signed, (2021, 9, 17))],
        )
        .industry("节能环保")
        .investor("清华大学", tsinghua)
        .source("110108"),
        named(
            ctx,
            "清华大学新能源汽车关键技术研究合作",
            Technology,
            "210100",
            BS,
            &[(Negotiating, (2021, 3, 8)), (Signed, (2021, 9, 17))],
        )
        .industry("新能源汽车")
        .investor("清华大学", tsinghua)
        .source("110108"),
        named(
            ctx,
            "物联网多参数集成智能油液传感器关键技术攻关",
            Technology,
            "210100",
            BS,
            &[
                (Negotiating, (2021, 6, 21)),
                (Signed, (2021, 10, 11)),
                (Landed, (2021, 11, 2)),
            ],
        )
        .industry("高端装备")
        .source("110000")
        .note("京沈科技需求“揭榜挂帅”项目"),
        named(
            ctx,
            "格谱检测与沈阳企业检测技术合作",
            Technology,
            "210100",
            BS,
            &[(Negotiating, (2021, 5, 17)), (Signed, (2021, 8, 30))],
        )
        .industry("科技服务")
        .investor("北京格谱检测科技有限公司", None)
        .source("110000"),
    ];
    // Enterprises that moved into the 沈阳中关村 smart-manufacturing centre in 2022 H1: below
    // 1亿, so they land in the period without counting among the 22.
    for (name, investor, planned, landed) in [
        (
            "农信互联沈阳中关村智能制造创新中心项目",
            "北京农信互联科技集团有限公司",
            5000,
            (2022, 4, 12),
        ),
        (
            "乾承机械沈阳中关村智能制造创新中心项目",
            "乾承机械",
            3000,
            (2022, 5, 20),
        ),
        (
            "源讯科技沈阳中关村智能制造创新中心项目",
            "法国源讯",
            6000,
            (2022, 3, 8),
        ),
    ] {
        let p = named(
            ctx,
            name,
            Investment,
            "210192",
            zgc,
            &[
                (Negotiating, (2021, 9, 6)),
                (Signed, (2021, 12, 10)),
                (Landed, landed),
            ],
        )
        .industry("智能制造")
        .investor(investor, None)
        .source("110108")
        .planned(planned * WAN);
        v.push(p);
    }
    v
}

/// The trade figures of the 禾丰–京东 cooperation: cumulative sales by year end.
pub fn wellhope_reports(p: &mut ProjectPlan) {
    for (year, wan) in [(2021, 480), (2022, 1_650), (2023, 2_900), (2024, 4_150)] {
        p.report(Period::Month(year, 12), |r| {
            r.trade_volume = money(wan * WAN)
        });
    }
}
