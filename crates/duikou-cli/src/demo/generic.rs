//! Generated projects: descriptive fields, a random but rule-abiding stage history, and
//! year-end progress reports whose cumulative figures grow with the stage.

use chrono::{Datelike, Duration, NaiveDate};
use duikou_core::progress_report::Period;
use duikou_core::project::Category;
use duikou_core::Stage;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::amounts::{lognormal, nice, part, WAN, YI};
use super::plan::{data_end, date_between, money, ymd, ProjectPlan};
use super::{names, regions, Ctx};

/// Where a generated project sits.
pub struct Draw<'a> {
    pub category: Category,
    pub partnership: Option<&'a str>,
    pub host: &'a str,
    pub source: Option<&'a str>,
}

/// Category weights of generated projects: mostly investment.
pub fn category(rng: &mut ChaCha8Rng) -> Category {
    match rng.gen_range(0..100) {
        0..=59 => Category::Investment,
        60..=69 => Category::Trade,
        70..=83 => Category::Technology,
        84..=88 => Category::Finance,
        89..=93 => Category::Consulting,
        _ => Category::Other,
    }
}

/// A generated project with its descriptive fields and no history yet.
pub fn project(ctx: &mut Ctx, d: &Draw<'_>) -> ProjectPlan {
    let owner = ctx.gov(d.host);
    let partnership = d.partnership.and_then(|s| ctx.partnerships.get(s).copied());
    let rng = &mut ctx.rng;
    let source_city = d.source.map(regions::city_of).unwrap_or("");
    let g = names::generate(rng, d.category, source_city, d.host);
    let name = ctx.names.take(g.name);
    let mut p = ProjectPlan::new(name, d.category, d.host);
    let f = &mut p.fields;
    f.partnership_id = partnership;
    f.source_region_code = d.source.map(str::to_owned);
    f.owner_org_id = owner;
    f.industry = Some(g.industry.to_owned());
    f.investor = g.investor;
    f.planned_investment = match d.category {
        Category::Investment => money(lognormal(rng, 3 * YI, 1.0, 2000 * WAN)),
        Category::Technology if rng.gen_bool(0.5) => {
            money(lognormal(rng, 3000 * WAN, 0.8, 100 * WAN))
        }
        _ => None,
    };
    p
}

/// A random history: created as a lead or in negotiation within `window`, then forward
/// towards a drawn final stage; a few are suspended (some resumed) or terminated.
pub fn history(rng: &mut ChaCha8Rng, p: &mut ProjectPlan, window: (NaiveDate, NaiveDate)) {
    let start = date_between(rng, window.0, window.1);
    let first = if rng.gen_bool(0.3) {
        Stage::Lead
    } else {
        Stage::Negotiating
    };
    p.to(first, start);
    let target = match rng.gen_range(0..100) {
        0..=9 => Stage::Negotiating,
        10..=29 => Stage::Signed,
        30..=44 => Stage::Landed,
        45..=69 => Stage::Started,
        70..=84 => Stage::Completed,
        _ => Stage::Operating,
    };
    p.advance(rng, target, (30, 300), (start, data_end()));
    side_states(rng, p, start);
}

/// Now and then a suspension (often resumed) or a termination after the last step, not
/// before `after`.
pub fn side_states(rng: &mut ChaCha8Rng, p: &mut ProjectPlan, after: NaiveDate) {
    let Some(last) = p.last_date() else { return };
    let roll = rng.gen_range(0..100);
    let at = (last + Duration::days(rng.gen_range(60..400))).max(after);
    if at > data_end() || p.stage() == Some(Stage::Operating) {
        return;
    }
    if roll < 6 {
        let held = p.stage().unwrap_or(Stage::Signed);
        p.to(Stage::Suspended, at);
        let back = at + Duration::days(rng.gen_range(90..300));
        if roll < 3 && back <= data_end() {
            p.to(held, back);
        }
    } else if roll < 9 {
        p.to(Stage::Terminated, at);
    }
}

/// The agreement amount of a project that signed, by category.
pub fn agreement(rng: &mut ChaCha8Rng, p: &ProjectPlan) -> Option<i64> {
    p.entered(Stage::Signed)?;
    let planned = p.fields.planned_investment.map(|m| m.yuan());
    Some(match (p.fields.category, planned) {
        (Category::Investment, Some(pl)) => part(pl, rng.gen_range(0.6..1.0)),
        (Category::Trade, _) => lognormal(rng, 3000 * WAN, 0.9, 50 * WAN),
        (Category::Finance, _) => lognormal(rng, 5 * YI, 0.8, 1000 * WAN),
        (Category::Consulting, _) => lognormal(rng, 500 * WAN, 0.7, 20 * WAN),
        (_, Some(pl)) => pl,
        _ => lognormal(rng, 1000 * WAN, 0.9, 30 * WAN),
    })
}

/// People, dates and place of a project that has got far enough to have them.
pub fn decorate(rng: &mut ChaCha8Rng, p: &mut ProjectPlan) {
    let host = p.fields.host_region_code.clone();
    let signed = p.entered(Stage::Signed);
    let started = p.entered(Stage::Started);
    let planned = p.fields.planned_investment.map_or(0, |m| m.yuan());
    if signed.is_some() && (planned >= YI || rng.gen_bool(0.4)) {
        p.fields.leader = Some(names::leader(rng, &host));
        p.fields.service_officer = Some(names::service_officer(rng, &host));
        if planned >= 5 * YI {
            let short: String = p.fields.name.chars().take(12).collect();
            p.fields.task_force = Some(format!("{short}推进专班"));
        }
    }
    if p.fields.category == Category::Investment {
        let f = &mut p.fields;
        // Offices keep planned dates for the projects they still chase: a start planned
        // before mid-2025 that never came, or a production date before 2026, was dropped from
        // the book (the draws stay the same, so the published figures do not move).
        let mut drawn = None;
        if let (Some(s), None) = (signed, f.planned_start) {
            let start = started.unwrap_or(s + Duration::days(rng.gen_range(90..240)));
            drawn = Some(start);
            if started.is_some() || start >= ymd(2025, 6, 1) {
                f.planned_start = Some(start);
            }
        }
        if let (Some(start), None) = (f.planned_start.or(drawn), f.planned_production) {
            let production = start + Duration::days(rng.gen_range(300..1100));
            if production >= ymd(2026, 1, 1) {
                f.planned_production = Some(production);
            }
        }
        if f.address.is_none() {
            f.address = Some(names::address(rng, &host));
        }
        if planned > 0 && f.land_area_mu.is_none() {
            let per_mu = rng.gen_range(150.0..600.0) * WAN as f64;
            f.land_area_mu = Some(((planned as f64 / per_mu) * 2.0).round().max(10.0) / 2.0);
        }
    }
}

/// Figures a series of reports starts from (the last controlled report before it).
#[derive(Debug, Clone, Copy, Default)]
pub struct Base {
    pub invested: i64,
    pub funds: i64,
    pub trade: i64,
    pub output: i64,
}

/// Year-end reports (and a 2025-06 one) from `from_year` on, cumulative and never falling.
pub fn year_end_reports(rng: &mut ChaCha8Rng, p: &mut ProjectPlan, from_year: i32, base: Base) {
    let mut cur = base;
    let category = p.fields.category;
    let planned = p.fields.planned_investment.map_or(0, |m| m.yuan());
    let agreed = p.fields.agreement_amount.map_or(0, |m| m.yuan());
    let periods = (from_year..=2024)
        .map(|y| Period::Month(y, 12))
        .chain([Period::Month(2025, 6)]);
    for period in periods {
        let end = period.end();
        if end > data_end() || p.stage_on(end) == Some(Stage::Terminated) {
            break;
        }
        let Some(stage) = p.main_stage_on(end) else {
            continue;
        };
        if !stage.at_or_beyond(Stage::Signed) {
            continue;
        }
        let years_in = |s: Stage| p.entered(s).map(|d| (end.year() - d.year()).max(0) as f64);
        let mut next = cur;
        if planned > 0 && stage.at_or_beyond(Stage::Landed) {
            let share = match stage {
                Stage::Landed => rng.gen_range(0.0..0.08),
                Stage::Started => (0.2 + 0.3 * years_in(Stage::Started).unwrap_or(0.0)).min(0.9),
                Stage::Completed => rng.gen_range(0.92..0.99),
                _ => 1.0,
            };
            next.invested = cur.invested.max(part(planned, share));
        }
        if category == Category::Investment && next.invested > 0 {
            let funds = part(
                planned,
                (next.invested as f64 / planned as f64) * rng.gen_range(1.0..1.15),
            );
            next.funds = cur.funds.max(funds);
        }
        if category == Category::Finance && agreed > 0 {
            next.funds = cur.funds.max(part(agreed, rng.gen_range(0.3..1.0)));
        }
        if category == Category::Trade {
            let year = nice(agreed.max(500 * WAN) as f64 * rng.gen_range(0.2..0.6));
            next.trade = cur.trade + year;
        }
        if stage == Stage::Operating && planned > 0 {
            next.output = cur.output + nice(planned as f64 * rng.gen_range(0.3..0.9));
        }
        let some = |v: i64| (v > 0).then_some(v);
        let (inv, funds, trade, output) = (
            some(next.invested),
            some(next.funds),
            some(next.trade),
            some(next.output),
        );
        if inv.or(funds).or(trade).or(output).is_some() {
            p.report(period, |r| {
                r.invested_to_date = inv.and_then(money);
                r.funds_in_place = funds.and_then(money);
                r.trade_volume = trade.and_then(money);
                r.output_value = output.and_then(money);
            });
        }
        cur = next;
    }
}

/// A whole generated project: fields, history within `window`, money, people and reports.
/// A project of ≥1亿 does not land within `avoid` (a period whose figures are published).
pub fn full(
    ctx: &mut Ctx,
    d: &Draw<'_>,
    window: (NaiveDate, NaiveDate),
    avoid: Option<(NaiveDate, NaiveDate)>,
) -> ProjectPlan {
    let mut p = project(ctx, d);
    history(&mut ctx.rng, &mut p, window);
    if let Some((from, to)) = avoid {
        if p.fields.planned_investment.is_some_and(|m| m.yuan() >= YI) {
            p.keep_out(Stage::Landed, from, to);
        }
    }
    finish(ctx, &mut p, window.0.year(), Base::default());
    p
}

/// The money, people, reports (from `from_year`, starting at `base`) and problems of a project
/// whose history is set. An agreement amount already set is kept; a named project gets none
/// invented (nor problems).
pub fn finish(ctx: &mut Ctx, p: &mut ProjectPlan, from_year: i32, base: Base) {
    let rng = &mut ctx.rng;
    if p.fields.agreement_amount.is_none() && p.fields.generated {
        p.fields.agreement_amount = agreement(rng, p).and_then(money);
    }
    decorate(rng, p);
    year_end_reports(rng, p, from_year, base);
    super::problems::maybe(ctx, p);
}

/// A project the reports name: not generated, with its dated history.
pub fn named(
    ctx: &mut Ctx,
    name: &str,
    category: Category,
    host: &str,
    partnership: Option<&str>,
    events: &[(Stage, (i32, u32, u32))],
) -> ProjectPlan {
    let name = ctx.names.take(name.to_owned());
    let mut p = ProjectPlan::new(name, category, host);
    p.fields.generated = false;
    p.fields.partnership_id = partnership.and_then(|s| ctx.pid(s));
    p.fields.owner_org_id = ctx.gov(host);
    for (stage, (y, m, d)) in events {
        p.to(*stage, ymd(*y, *m, *d));
    }
    p
}

/// Picks one of a list.
pub fn one<'a>(rng: &mut ChaCha8Rng, list: &[&'a str]) -> &'a str {
    list[rng.gen_range(0..list.len())]
}
