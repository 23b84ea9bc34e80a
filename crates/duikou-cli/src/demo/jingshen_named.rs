//! The 京沈 projects the reports name. Names, enterprises and the facts they report (what
//! landed, what started, "10 kinds of chicken products, 1200万 a year", "social capital 110亿")
//! come from the reports; exact dates, hosts and amounts the reports do not give are
//! illustrative.

use duikou_core::project::Category::{Investment, Other, Technology, Trade};
use duikou_core::Stage::{Landed, Lead, Negotiating, Signed, Started};

use super::amounts::{WAN, YI};
use super::generic::named;
use super::plan::ProjectPlan;
use super::Ctx;

const BS: Option<&str> = Some("beijing-shenyang");

/// Named projects of the first year (to 2018-04): planned amounts come from the split of 1678亿.
pub fn first_year(ctx: &mut Ctx) -> Vec<ProjectPlan> {
    let shounong = ctx.org("shounong");
    vec![
        named(
            ctx,
            "首农集团法库县企县合作现代农业项目",
            Investment,
            "210124",
            BS,
            &[
                (Negotiating, (2017, 5, 12)),
                (Signed, (2017, 6, 28)),
                (Landed, (2017, 8, 15)),
                (Started, (2017, 10, 9)),
            ],
        )
        .industry("现代农业")
        .investor("北京首农食品集团有限公司", shounong)
        .source("110000"),
        named(
            ctx,
            "明日宇航与沈飞航空结构件合作项目",
            Investment,
            "210105",
            BS,
            &[
                (Lead, (2017, 4, 25)),
                (Negotiating, (2017, 6, 2)),
                (Signed, (2017, 9, 20)),
                (Landed, (2018, 1, 16)),
            ],
        )
        .industry("航空航天")
        .investor("北京明日宇航", None)
        .source("110000"),
        named(
            ctx,
            "中关村与三好街双创合作项目",
            Technology,
            "210102",
            BS,
            &[
                (Negotiating, (2017, 5, 5)),
                (Signed, (2017, 7, 18)),
                (Landed, (2017, 9, 1)),
                (Started, (2017, 11, 6)),
            ],
        )
        .industry("科技服务")
        .source("110108"),
        named(
            ctx,
            "“三京”旅游线路联合打造项目",
            Other,
            "210100",
            BS,
            &[
                (Negotiating, (2017, 5, 20)),
                (Signed, (2017, 7, 6)),
                (Landed, (2017, 8, 1)),
                (Started, (2017, 9, 15)),
            ],
        )
        .industry("文化旅游")
        .source("110000")
        .note("京沈两市旅游部门联合打造"),
        named(
            ctx,
            "沈阳名优农产品进京销售合作项目",
            Trade,
            "210100",
            BS,
            &[
                (Negotiating, (2017, 6, 8)),
                (Signed, (2017, 8, 22)),
                (Landed, (2017, 10, 10)),
                (Started, (2017, 12, 1)),
            ],
        )
        .industry("商贸流通")
        .source("110000")
        .note("牛肉、食用菌、西芹、大米等10余种农产品进入北京市场"),
    ]
}

/// Named projects that landed in 2022-01..06 with ≥1亿 planned.
pub fn landed_2022(ctx: &mut Ctx) -> Vec<ProjectPlan> {
    let yuhong = ctx.org("oriental-yuhong");
    let zhongnan = ctx.org("zhongnan");
    vec![
        named(
            ctx,
            "京沈高精尖产业智库服务平台",
            Technology,
            "210112",
            BS,
            &[
                (Negotiating, (2021, 6, 8)),
                (Signed, (2021, 11, 8)),
                (Landed, (2022, 3, 22)),
            ],
        )
        .industry("科技服务")
        .source("110000")
        .planned(12_000 * WAN),
        named(
            ctx,
            "北京东方雨虹防水材料辽宁区域总部项目",
            Investment,
            "210106",
            BS,
            &[
                (Negotiating, (2021, 4, 12)),
                (Signed, (2021, 10, 16)),
                (Landed, (2022, 4, 26)),
                (Started, (2022, 9, 6)),
            ],
        )
        .industry("新材料")
        .investor("北京东方雨虹防水技术股份有限公司", yuhong)
        .source("110000")
        .planned(15 * YI),
        named(
            ctx,
            "于洪京沈合作产业园（二期）",
            Investment,
            "210114",
            BS,
            &[
                (Negotiating, (2021, 5, 10)),
                (Signed, (2021, 9, 28)),
                (Landed, (2022, 2, 23)),
                (Started, (2022, 5, 16)),
            ],
        )
        .industry("智能制造")
        .source("110000")
        .planned(18 * YI)
        .note("重点承接京津冀产业外溢"),
        named(
            ctx,
            "中南高科智造谷项目",
            Investment,
            "210192",
            BS,
            &[
                (Negotiating, (2021, 3, 1)),
                (Signed, (2021, 7, 9)),
                (Landed, (2022, 1, 18)),
                (Started, (2022, 4, 28)),
            ],
        )
        .industry("智能制造")
        .investor("中南高科产业集团", zhongnan)
        .source("110108")
        .planned(30 * YI),
        named(
            ctx,
            "“星火·链网”（沈阳）超级节点和骨干节点项目",
            Investment,
            "210192",
            BS,
            &[
                (Negotiating, (2021, 8, 2)),
                (Signed, (2021, 12, 20)),
                (Landed, (2022, 3, 30)),
                (Started, (2022, 8, 12)),
            ],
        )
        .industry("数字经济")
        .source("110000")
        .planned(36_000 * WAN),
        named(
            ctx,
            "中国工业互联网研究院辽宁分院项目",
            Technology,
            "210112",
            BS,
            &[
                (Negotiating, (2021, 7, 15)),
                (Signed, (2021, 10, 22)),
                (Landed, (2022, 6, 15)),
            ],
        )
        .industry("数字经济")
        .source("110000")
        .planned(2 * YI),
    ]
}
