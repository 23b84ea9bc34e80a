//! The projects of `beijing-shenyang` (and the 中关村–沈阳高新区 pairing under it).
//!
//! - First year: exactly 139 projects exist on 2018-04-30, all signed or beyond; their planned
//!   investment is a split of 1678亿, and the latest reports on or before 2018-04 of those
//!   started by then hold a split of 362亿 completed investment. Every other project of the
//!   scope is created after 2018-04-30.
//! - 2022 H1: exactly 22 projects of ≥1亿 enter `landed` between 2022-01-01 and 2022-06-30,
//!   planned 239.5亿 in all; every other project of ≥1亿 lands outside that period (smaller
//!   ones may land in it: the 1亿 filter leaves them out).

use anyhow::Result;
use chrono::{Duration, NaiveDate};
use duikou_core::progress_report::Period;
use duikou_core::project::Category;
use duikou_core::Stage;
use rand::seq::SliceRandom;
use rand::Rng;

use super::amounts::{allocate, part, split, WAN, YI};
use super::generic::{self, one, Base, Draw};
use super::plan::{data_end, date_between, money, ymd, ProjectPlan};
use super::{jingshen_later, jingshen_named as named, Ctx};

const SY_HOSTS: &[&str] = &[
    "210102", "210103", "210104", "210105", "210106", "210106", "210111", "210112", "210112",
    "210113", "210114", "210115", "210124", "210181", "210191", "210191", "210192", "210192",
];
const BJ_SOURCES: &[&str] = &[
    "110000", "110000", "110101", "110102", "110105", "110108", "110112", "110113", "110114",
    "110115", "110191",
];

pub const FIRST_YEAR_COUNT: usize = 139;
pub const FIRST_YEAR_PLANNED: i64 = 1678 * YI;
pub const FIRST_YEAR_INVESTED: i64 = 362 * YI;
pub const H1_2022_COUNT: usize = 22;
pub const H1_2022_PLANNED: i64 = 23_950_000_000;

fn first_year_end() -> NaiveDate {
    ymd(2018, 4, 30)
}

pub fn h1_2022() -> (NaiveDate, NaiveDate) {
    (ymd(2022, 1, 1), ymd(2022, 6, 30))
}

fn draw<'a>(rng: &mut rand_chacha::ChaCha8Rng, category: Category) -> Draw<'a> {
    let host = one(rng, SY_HOSTS);
    if host == "210191" && rng.gen_bool(0.6) {
        return Draw {
            category,
            partnership: Some("zhongguancun-shenyang-hitech"),
            host,
            source: Some("110108"),
        };
    }
    Draw {
        category,
        partnership: Some("beijing-shenyang"),
        host,
        source: Some(one(rng, BJ_SOURCES)),
    }
}

pub fn plans(ctx: &mut Ctx) -> Result<Vec<ProjectPlan>> {
    let mut v = first_year(ctx)?;
    v.extend(landed_2022(ctx)?);
    v.extend(later(ctx));
    Ok(v)
}

/// A stage reached by 2018-04-30, drawn.
fn first_year_stage(rng: &mut rand_chacha::ChaCha8Rng) -> Stage {
    match rng.gen_range(0..100) {
        0..=24 => Stage::Signed,
        25..=46 => Stage::Landed,
        47..=86 => Stage::Started,
        87..=93 => Stage::Completed,
        _ => Stage::Operating,
    }
}

fn first_year(ctx: &mut Ctx) -> Result<Vec<ProjectPlan>> {
    let asof = first_year_end();
    let launch = ymd(2017, 4, 18);
    let mut ps = named::first_year(ctx);
    while ps.len() < FIRST_YEAR_COUNT {
        let category = if ctx.rng.gen_bool(0.88) {
            Category::Investment
        } else {
            Category::Technology
        };
        let d = draw(&mut ctx.rng, category);
        let mut p = generic::project(ctx, &d);
        let rng = &mut ctx.rng;
        let target = first_year_stage(rng);
        let latest = if target.at_or_beyond(Stage::Started) {
            ymd(2017, 8, 31)
        } else {
            ymd(2018, 2, 28)
        };
        let created = date_between(rng, launch, latest);
        if rng.gen_bool(0.2) {
            p.to(Stage::Lead, created);
        }
        let negotiating = created + Duration::days(rng.gen_range(0..30));
        p.to(Stage::Negotiating, negotiating);
        let signed = (negotiating + Duration::days(rng.gen_range(15..75))).min(ymd(2018, 4, 20));
        p.to(Stage::Signed, signed);
        p.advance(rng, target, (20, 110), (signed, asof));
        ps.push(p);
    }
    // Planned investment: a split of 1678亿 over all but the named projects that are not
    // investment ones (a tourism route has no planned investment); the smallest shares go to
    // the generated technology projects.
    let (small, big): (Vec<usize>, Vec<usize>) = (0..ps.len())
        .filter(|i| ps[*i].fields.generated || ps[*i].fields.category == Category::Investment)
        .partition(|i| ps[*i].fields.category != Category::Investment);
    let n = small.len() + big.len();
    let mut amounts = split(&mut ctx.rng, FIRST_YEAR_PLANNED, n, 2000 * WAN, 1.1)?;
    amounts.sort_unstable();
    let mut big_amounts = amounts.split_off(small.len());
    big_amounts.shuffle(&mut ctx.rng);
    for (i, a) in small.iter().zip(amounts).chain(big.iter().zip(big_amounts)) {
        ps[*i].fields.planned_investment = money(a);
    }
    // Completed investment as of 2018-04: the projects started by then share 362亿.
    let started: Vec<usize> = (0..ps.len())
        .filter(|i| ps[*i].fields.planned_investment.is_some())
        .filter(|i| {
            let stage = ps[*i].main_stage_on(asof);
            stage.is_some_and(|s| s.at_or_beyond(Stage::Started))
        })
        .collect();
    let planned = |p: &ProjectPlan| p.fields.planned_investment.map_or(0, |m| m.yuan());
    let mut weights = Vec::new();
    let mut caps = Vec::new();
    for i in &started {
        let p = &ps[*i];
        let (factor, cap) = match p.main_stage_on(asof) {
            Some(Stage::Started) => (1.0, 0.8),
            _ => (2.5, 0.97),
        };
        weights.push(planned(p) as f64 * factor * ctx.rng.gen_range(0.3..1.0));
        caps.push((planned(p) as f64 * cap) as i64 / WAN * WAN);
    }
    let invested = allocate(FIRST_YEAR_INVESTED, &weights, &caps)?;
    let mut bases = vec![Base::default(); ps.len()];
    for (i, v) in started.iter().zip(invested) {
        let p = &mut ps[*i];
        let pl = planned(p);
        let rng = &mut ctx.rng;
        if p.entered(Stage::Started)
            .is_some_and(|d| d <= ymd(2017, 11, 30))
        {
            let early = part(v, rng.gen_range(0.4..0.8));
            p.report(Period::Month(2017, 12), |r| {
                r.invested_to_date = money(early)
            });
        }
        let funds = if p.fields.category == Category::Investment {
            part(pl, v as f64 / pl as f64 * rng.gen_range(1.0..1.2)).max(v)
        } else {
            0
        };
        let output = if p.main_stage_on(asof) == Some(Stage::Operating) {
            part(pl, rng.gen_range(0.05..0.2))
        } else {
            0
        };
        p.report(Period::Month(2018, 4), |r| {
            r.invested_to_date = money(v);
            r.funds_in_place = (funds > 0).then_some(funds).and_then(money);
            r.output_value = (output > 0).then_some(output).and_then(money);
        });
        bases[*i] = Base {
            invested: v,
            funds,
            trade: 0,
            output,
        };
    }
    // After the first year: onwards, with the odd suspension, and no landing in 2022 H1.
    let (h1_from, h1_to) = h1_2022();
    for (p, base) in ps.iter_mut().zip(bases) {
        let rng = &mut ctx.rng;
        let target = match rng.gen_range(0..100) {
            0..=9 => Stage::Landed,
            10..=44 => Stage::Started,
            45..=69 => Stage::Completed,
            _ => Stage::Operating,
        };
        // Named projects keep the history the reports give.
        if p.fields.generated {
            let after = (asof + Duration::days(1), data_end());
            p.advance(rng, target, (90, 540), after);
            generic::side_states(rng, p, asof + Duration::days(30));
        }
        p.keep_out(Stage::Landed, h1_from, h1_to);
        generic::finish(ctx, p, 2018, base);
    }
    Ok(ps)
}

fn landed_2022(ctx: &mut Ctx) -> Result<Vec<ProjectPlan>> {
    let (h1_from, h1_to) = h1_2022();
    let mut ps = named::landed_2022(ctx);
    let named_sum: i64 = ps
        .iter()
        .filter_map(|p| p.fields.planned_investment.map(|m| m.yuan()))
        .sum();
    let n = H1_2022_COUNT - ps.len();
    let amounts = split(
        &mut ctx.rng,
        H1_2022_PLANNED - named_sum,
        n,
        12_000 * WAN,
        0.8,
    )?;
    for amount in amounts {
        let d = draw(&mut ctx.rng, Category::Investment);
        let mut p = generic::project(ctx, &d);
        p.fields.planned_investment = money(amount);
        let rng = &mut ctx.rng;
        let created = date_between(rng, ymd(2020, 3, 1), ymd(2021, 6, 30));
        p.to(Stage::Negotiating, created);
        let signed = date_between(rng, created + Duration::days(20), ymd(2021, 12, 20));
        p.to(Stage::Signed, signed);
        p.to(
            Stage::Landed,
            date_between(rng, ymd(2022, 1, 4), ymd(2022, 6, 28)),
        );
        ps.push(p);
    }
    for p in &mut ps {
        let rng = &mut ctx.rng;
        let landed = p.entered(Stage::Landed).unwrap_or(h1_to);
        let target = match rng.gen_range(0..100) {
            0..=19 => Stage::Landed,
            20..=69 => Stage::Started,
            70..=89 => Stage::Completed,
            _ => Stage::Operating,
        };
        if p.fields.generated {
            let after = (landed + Duration::days(30), data_end());
            p.advance(rng, target, (60, 400), after);
            generic::side_states(rng, p, h1_to + Duration::days(1));
        }
        debug_assert!(landed >= h1_from);
        generic::finish(ctx, p, 2022, Base::default());
    }
    Ok(ps)
}

fn later(ctx: &mut Ctx) -> Vec<ProjectPlan> {
    let mut ps = jingshen_later::later(ctx);
    for p in &mut ps {
        generic::finish(ctx, p, 2019, Base::default());
        if p.fields.name.starts_with("禾丰牧业") {
            p.reports.clear();
            jingshen_later::wellhope_reports(p);
        }
    }
    let window = (ymd(2018, 5, 1), ymd(2025, 3, 31));
    for _ in 0..140 {
        let category = generic::category(&mut ctx.rng);
        let d = draw(&mut ctx.rng, category);
        ps.push(generic::full(ctx, &d, window, Some(h1_2022())));
    }
    ps
}
