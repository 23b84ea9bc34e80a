//! The projects of `shanghai-dalian` and the district and zone pairings under it.
//!
//! As of 2018-12-31 exactly 131 projects of the scope are signed or beyond. 89 of them carry
//! agreement amounts: 24 investment projects (127.8亿, all of it in place by their 2018-12
//! reports), trade projects (7亿, traded by 2018-12) and technology, finance, consulting and
//! other projects (78.1亿). The other 42 signed no amount. Projects still in talks at the end of
//! 2018 carry no agreement amount (even when they sign later: the store keeps an amount, not its
//! history), and nothing of the scope reports money for a period ending in 2018 except those
//! 24 investment and 8 trade projects, so later records cannot move the figures as of
//! 2018-12-31, whether read from the funnel (`reached`) or by category (`by_category`).

use anyhow::Result;
use chrono::{Duration, NaiveDate};
use duikou_core::progress_report::Period;
use duikou_core::project::Category;
use duikou_core::Stage::{
    self, Completed, Landed, Negotiating, Operating, Signed, Started, Terminated,
};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::amounts::{part, split, WAN, YI};
use super::generic::{self, named, Base, Draw};
use super::partnerships::{DISTRICT_PAIRS, ZONE_PAIRS};
use super::plan::{data_end, date_between, money, ymd, ProjectPlan};
use super::Ctx;

pub const INVESTMENT_COUNT: usize = 24;
pub const INVESTMENT_AMOUNT: i64 = 12_780_000_000;
pub const TRADE_COUNT: usize = 8;
pub const TRADE_AMOUNT: i64 = 7 * YI;
pub const OTHER_COUNT: usize = 57;
pub const OTHER_AMOUNT: i64 = 7_810_000_000;

fn end_2018() -> NaiveDate {
    ymd(2018, 12, 31)
}

/// A host in Dalian with its pairing and a Shanghai source: a zone, a district or the city.
fn draw(rng: &mut ChaCha8Rng, category: Category) -> Draw<'static> {
    let roll = rng.gen_range(0..100);
    if roll < 35 {
        let (slug, _, sh, dl) = ZONE_PAIRS[rng.gen_range(0..ZONE_PAIRS.len())];
        Draw {
            category,
            partnership: Some(slug),
            host: dl,
            source: Some(sh),
        }
    } else if roll < 80 {
        let (slug, _, sh, dl) = DISTRICT_PAIRS[rng.gen_range(0..DISTRICT_PAIRS.len())];
        Draw {
            category,
            partnership: Some(slug),
            host: dl,
            source: Some(sh),
        }
    } else {
        Draw {
            category,
            partnership: Some("shanghai-dalian"),
            host: "210200",
            source: Some("310000"),
        }
    }
}

pub fn plans(ctx: &mut Ctx) -> Result<Vec<ProjectPlan>> {
    let mut v = signed_by_2018(ctx)?;
    v.extend(in_talks_2018(ctx));
    v.extend(later(ctx));
    Ok(v)
}

/// Created between 2017-03 and 2018-10, signed in 2018 at the latest, moved on within 2018 as
/// far as `by_2018`, then onwards from 2019.
fn history_2018(rng: &mut ChaCha8Rng, p: &mut ProjectPlan, by_2018: Stage, early: bool) {
    let latest = if early {
        ymd(2018, 5, 31)
    } else {
        ymd(2018, 10, 31)
    };
    let created = date_between(rng, ymd(2017, 3, 20), latest);
    p.to(Negotiating, created);
    let signed = (created + Duration::days(rng.gen_range(15..150))).min(ymd(2018, 12, 28));
    p.to(Signed, signed);
    p.advance(rng, by_2018, (20, 150), (signed, end_2018()));
    let target = *[Landed, Started, Completed, Operating]
        .choose(rng)
        .unwrap_or(&Started);
    p.advance(rng, target, (90, 500), (ymd(2019, 1, 2), data_end()));
    generic::side_states(rng, p, ymd(2019, 3, 1));
}

fn signed_by_2018(ctx: &mut Ctx) -> Result<Vec<ProjectPlan>> {
    let mut ps = Vec::new();
    // Investment projects whose agreed money was all in place by the end of 2018.
    let amounts = split(
        &mut ctx.rng,
        INVESTMENT_AMOUNT,
        INVESTMENT_COUNT,
        5000 * WAN,
        0.9,
    )?;
    for agreed in amounts {
        let d = draw(&mut ctx.rng, Category::Investment);
        let mut p = generic::project(ctx, &d);
        let rng = &mut ctx.rng;
        let by_2018 = *[Landed, Started, Started, Completed]
            .choose(rng)
            .unwrap_or(&Started);
        history_2018(rng, &mut p, by_2018, true);
        let planned = part(agreed * 2, rng.gen_range(0.5..0.8)).max(agreed);
        p.fields.planned_investment = money(planned);
        p.fields.agreement_amount = money(agreed);
        let signed = p.entered(Signed).unwrap_or(end_2018());
        if signed <= ymd(2018, 5, 31) {
            let early = part(agreed, rng.gen_range(0.3..0.8));
            p.report(Period::Month(2018, 6), |r| r.funds_in_place = money(early));
        }
        let invested = match p.main_stage_on(end_2018()) {
            Some(s) if s.at_or_beyond(Started) => part(planned, rng.gen_range(0.3..0.8)),
            _ => part(planned, rng.gen_range(0.0..0.1)),
        };
        p.report(Period::Month(2018, 12), |r| {
            r.funds_in_place = money(agreed);
            r.invested_to_date = money(invested);
        });
        let base = Base {
            invested,
            funds: agreed,
            ..Base::default()
        };
        generic::finish(ctx, &mut p, 2019, base);
        ps.push(p);
    }
    // Trade projects: what was agreed was traded by the end of 2018.
    for agreed in split(&mut ctx.rng, TRADE_AMOUNT, TRADE_COUNT, 1000 * WAN, 0.6)? {
        let d = draw(&mut ctx.rng, Category::Trade);
        let mut p = generic::project(ctx, &d);
        history_2018(&mut ctx.rng, &mut p, Landed, false);
        p.fields.agreement_amount = money(agreed);
        p.report(Period::Month(2018, 12), |r| r.trade_volume = money(agreed));
        let base = Base {
            trade: agreed,
            ..Base::default()
        };
        generic::finish(ctx, &mut p, 2019, base);
        ps.push(p);
    }
    // Technology, finance, consulting and other: the largest amounts are financing.
    let mut amounts = split(&mut ctx.rng, OTHER_AMOUNT, OTHER_COUNT, 100 * WAN, 1.2)?;
    amounts.sort_unstable_by(|a, b| b.cmp(a));
    for (i, agreed) in amounts.into_iter().enumerate() {
        let category = if i < 7 {
            Category::Finance
        } else {
            match ctx.rng.gen_range(0..10) {
                0..=4 => Category::Technology,
                5..=6 => Category::Consulting,
                _ => Category::Other,
            }
        };
        let d = draw(&mut ctx.rng, category);
        let mut p = generic::project(ctx, &d);
        let by_2018 = *[Signed, Landed, Started]
            .choose(&mut ctx.rng)
            .unwrap_or(&Signed);
        history_2018(&mut ctx.rng, &mut p, by_2018, false);
        p.fields.agreement_amount = money(agreed);
        if p.fields.planned_investment.is_some() {
            p.fields.planned_investment = money(agreed);
        }
        generic::finish(ctx, &mut p, 2019, Base::default());
        ps.push(p);
    }
    // Signed without an amount: the named ones, then generated ones.
    let mut none = named_2018(ctx);
    let kinds = [
        (Category::Investment, 12),
        (Category::Technology, 9),
        (Category::Consulting, 6),
        (Category::Other, 9),
    ];
    for (category, n) in kinds {
        for _ in 0..n {
            let d = draw(&mut ctx.rng, category);
            let mut p = generic::project(ctx, &d);
            let by_2018 = *[Signed, Signed, Landed]
                .choose(&mut ctx.rng)
                .unwrap_or(&Signed);
            history_2018(&mut ctx.rng, &mut p, by_2018, false);
            none.push(p);
        }
    }
    for mut p in none {
        let agreed_later = p.fields.agreement_amount.is_some();
        generic::finish(ctx, &mut p, 2019, Base::default());
        if !agreed_later {
            p.fields.agreement_amount = None;
        }
        ps.push(p);
    }
    Ok(ps)
}

/// Named projects of 2017–2018 that signed without an amount.
fn named_2018(ctx: &mut Ctx) -> Vec<ProjectPlan> {
    let sinovel = ctx.org("sinovel");
    let sjtu = ctx.org("sjtu");
    let sd = Some("shanghai-dalian");
    vec![
        named(
            ctx,
            "深远海海上风电漂浮式基础关键技术合作",
            Category::Technology,
            "210200",
            sd,
            &[
                (Negotiating, (2018, 1, 22)),
                (Signed, (2018, 4, 16)),
                (Landed, (2018, 6, 20)),
                (Started, (2018, 9, 10)),
                (Completed, (2019, 2, 28)),
            ],
        )
        .industry("新能源")
        .investor("华锐风电科技（集团）股份有限公司", sinovel)
        .source("310000")
        .note("与上海绿色环保能源有限公司合作，已形成课题成果"),
        named(
            ctx,
            "辽宁医学PEEK材料工程研发中心",
            Category::Technology,
            "210213",
            Some("pudong-jinpu"),
            &[
                (Negotiating, (2017, 12, 4)),
                (Signed, (2018, 3, 28)),
                (Landed, (2018, 7, 6)),
                (Started, (2018, 11, 15)),
            ],
        )
        .industry("医疗器械")
        .investor("大连派思益科技有限公司", None)
        .source("310101")
        .note("与上海交通大学医学院附属第九人民医院共建，在大连理工大学开发区校区设联合实验室"),
        named(
            ctx,
            "国家技术转移东部中心大连分中心",
            Category::Technology,
            "210291",
            Some("zhangjiang-dalian-hitech"),
            &[
                (Negotiating, (2017, 9, 11)),
                (Signed, (2017, 11, 20)),
                (Landed, (2018, 3, 15)),
                (Operating, (2018, 10, 26)),
            ],
        )
        .industry("科技服务")
        .source("310000"),
        named(
            ctx,
            "大连科技服务人才培训基地",
            Category::Other,
            "210200",
            sd,
            &[
                (Negotiating, (2018, 3, 5)),
                (Signed, (2018, 6, 12)),
                (Landed, (2018, 9, 18)),
            ],
        )
        .industry("科技服务")
        .source("310000")
        .note("在上海国家技术转移东部中心挂牌，举办技术转移人才培训班"),
        named(
            ctx,
            "东北亚国际航运中心与贸易中心融合发展路径研究",
            Category::Consulting,
            "210200",
            sd,
            &[
                (Negotiating, (2018, 2, 26)),
                (Signed, (2018, 4, 10)),
                (Started, (2018, 5, 2)),
                (Completed, (2018, 12, 20)),
            ],
        )
        .industry("现代物流")
        .source("310000")
        .note("大连市发展改革研究中心与上海市人民政府发展研究中心合作课题"),
        named(
            ctx,
            "大连市农业布局专项规划编制合作",
            Category::Consulting,
            "210200",
            sd,
            &[(Negotiating, (2018, 5, 14)), (Signed, (2018, 8, 15))],
        )
        .industry("现代农业")
        .investor("上海交通大学", sjtu)
        .source("310112"),
    ]
}

/// In talks at the end of 2018, some signing later (without an amount, see below); and one
/// terminated in 2018.
fn in_talks_2018(ctx: &mut Ctx) -> Vec<ProjectPlan> {
    let mut ps = Vec::new();
    for i in 0..20 {
        let category = generic::category(&mut ctx.rng);
        let d = draw(&mut ctx.rng, category);
        let mut p = generic::project(ctx, &d);
        let rng = &mut ctx.rng;
        let created = date_between(rng, ymd(2018, 3, 1), ymd(2018, 12, 15));
        p.to(if i % 3 == 0 { Stage::Lead } else { Negotiating }, created);
        if i % 3 == 0 && rng.gen_bool(0.5) {
            p.to(Negotiating, date_between(rng, created, end_2018()));
        }
        let target = *[Negotiating, Signed, Landed, Started, Completed]
            .choose(rng)
            .unwrap_or(&Signed);
        p.advance(rng, target, (60, 400), (ymd(2019, 1, 2), data_end()));
        generic::side_states(rng, &mut p, ymd(2019, 3, 1));
        generic::finish(ctx, &mut p, 2019, Base::default());
        // The store keeps today's agreement amount, not its history: an amount entered when
        // such a project signed in 2019 would count in the by-category sums as of 2018.
        p.fields.agreement_amount = None;
        ps.push(p);
    }
    // Signed in 2017 and terminated in 2018: off the funnel at the end of 2018.
    let d = draw(&mut ctx.rng, Category::Technology);
    let mut p = generic::project(ctx, &d);
    p.to(Negotiating, ymd(2017, 6, 5))
        .to(Signed, ymd(2017, 9, 12))
        .to(Terminated, ymd(2018, 8, 20));
    ps.push(p);
    ps
}

/// Projects begun from 2019 on, and the 2019 New Year farm-produce fair in Shanghai.
fn later(ctx: &mut Ctx) -> Vec<ProjectPlan> {
    let mut fair = named(
        ctx,
        "大连特产参加上海新春农产品大联展",
        Category::Trade,
        "210200",
        Some("shanghai-dalian"),
        &[
            (Negotiating, (2019, 1, 3)),
            (Signed, (2019, 1, 8)),
            (Landed, (2019, 1, 22)),
        ],
    )
    .industry("商贸流通")
    .source("310000")
    .note("大连市7家单位组团参展，4天展期现场销售约25万元");
    fair.report(Period::Month(2019, 1), |r| r.trade_volume = money(25 * WAN));
    let mut ps = vec![fair];
    for _ in 0..50 {
        let category = generic::category(&mut ctx.rng);
        let d = draw(&mut ctx.rng, category);
        ps.push(generic::full(
            ctx,
            &d,
            (ymd(2019, 1, 2), ymd(2025, 3, 31)),
            None,
        ));
    }
    ps
}
