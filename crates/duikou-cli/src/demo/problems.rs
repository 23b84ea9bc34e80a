//! Problems (问题 / 堵点) of generated projects: the obstacle typical of the stage a project was
//! in, an owner, a due date, and for many a resolution.

use chrono::Duration;
use duikou_core::problem::{ProblemCategory, ProblemFields, ProblemStatus};
use duikou_core::project::Category;
use duikou_core::Stage;
use rand::Rng;

use super::plan::{data_end, ProjectPlan};
use super::{regions, Ctx};

use ProblemCategory::{
    Agreement, Expropriation, Funding, Land, LandSupply, Permits, Planning, Relocation,
};

fn descriptions(c: ProblemCategory) -> &'static [&'static str] {
    match c {
        Agreement => &[
            "投资协议中用地价格和产出承诺条款双方尚存分歧",
            "补充协议待双方法务部门会签",
        ],
        Planning => &[
            "项目地块控制性详细规划调整尚未批复，影响设计方案审查",
            "地块容积率与企业建设方案不符，需调整规划条件",
        ],
        Land => &[
            "项目所需建设用地指标尚未落实",
            "地块现状为农用地，需先办理农用地转用手续",
        ],
        Expropriation => &[
            "地块内集体土地征收补偿方案尚未获批",
            "征收范围内地上附着物补偿标准未达成一致",
        ],
        Relocation => &[
            "地块内居民动迁安置尚未完成",
            "地块内原有企业厂房搬迁进度滞后",
        ],
        LandSupply => &[
            "土地挂牌出让时间晚于企业预期，影响开工计划",
            "净地交付条件尚未具备，供地时间待定",
        ],
        Funding => &[
            "企业银行授信尚未获批，后续建设资金未能按期到位",
            "项目资本金到位比例低于协议约定",
        ],
        Permits => &[
            "施工图审查意见尚未全部回复，施工许可暂无法办理",
            "环境影响评价报告需补充论证，审批时间延后",
        ],
        _ => &["其他需协调事项"],
    }
}

const RESOLUTIONS: &[&str] = &[
    "经专题协调会研究，明确了责任单位和办理时限，问题已解决",
    "牵头部门会同有关单位现场办公，已协调解决",
    "采用容缺受理方式先行办理，相关材料已补齐",
    "经双方多轮磋商达成一致，已签订补充协议",
];

/// The obstacles typical of a stage.
fn categories(stage: Stage) -> &'static [ProblemCategory] {
    match stage {
        Stage::Signed => &[Agreement, Planning, Land, Expropriation],
        Stage::Landed => &[Relocation, LandSupply, Permits, Planning],
        _ => &[Funding, Permits],
    }
}

/// The unit that owns a problem of this kind in the host's city, else the host's own
/// government or zone committee.
fn owner(ctx: &Ctx, host: &str, c: ProblemCategory) -> Option<i64> {
    let city_unit = match (regions::city_of(host), c) {
        ("沈阳市", Planning | Land | LandSupply) => Some("sy-zrzy"),
        ("沈阳市", Permits) => Some("sy-yshj"),
        ("沈阳市", Funding) => Some("sy-fgw"),
        ("大连市", Funding) => Some("dl-fgw"),
        _ => None,
    };
    city_unit
        .and_then(|k| ctx.orgs.get(k).copied())
        .or_else(|| ctx.gov(host))
}

/// Gives some signed investment projects one or two problems of the stages they went through.
pub fn maybe(ctx: &mut Ctx, p: &mut ProjectPlan) {
    if !p.fields.generated
        || p.fields.category != Category::Investment
        || p.entered(Stage::Signed).is_none()
    {
        return;
    }
    if !ctx.rng.gen_bool(0.22) {
        return;
    }
    let n = ctx.rng.gen_range(1..=2);
    let stages: Vec<(Stage, chrono::NaiveDate)> = p
        .events
        .iter()
        .filter(|e| matches!(e.stage, Stage::Signed | Stage::Landed | Stage::Started))
        .map(|e| (e.stage, e.date))
        .collect();
    for _ in 0..n {
        let (stage, since) = stages[ctx.rng.gen_range(0..stages.len())];
        let cats = categories(stage);
        let c = cats[ctx.rng.gen_range(0..cats.len())];
        let texts = descriptions(c);
        let description = texts[ctx.rng.gen_range(0..texts.len())].to_owned();
        if p.problems.iter().any(|q| q.description == description) {
            continue;
        }
        let raised = since + Duration::days(ctx.rng.gen_range(10..60));
        let due = raised + Duration::days(ctx.rng.gen_range(30..120));
        let solved = raised + Duration::days(ctx.rng.gen_range(20..200));
        let resolved = solved <= data_end() && ctx.rng.gen_bool(0.6);
        let host = p.fields.host_region_code.clone();
        p.problems.push(ProblemFields {
            category: c,
            description,
            owner_org_id: owner(ctx, &host, c),
            due_date: Some(due),
            status: if resolved {
                ProblemStatus::Resolved
            } else if ctx.rng.gen_bool(0.5) {
                ProblemStatus::InProgress
            } else {
                ProblemStatus::Open
            },
            resolution: resolved
                .then(|| RESOLUTIONS[ctx.rng.gen_range(0..RESOLUTIONS.len())].to_owned()),
            resolved_on: resolved.then_some(solved),
            progress: None,
        });
    }
}
