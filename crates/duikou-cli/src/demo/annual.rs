//! This year's investment plans (年度投资计划) of the demo's started projects, and a progress
//! report for last month that leaves some on 序时进度, some behind by 10–30 points (yellow)
//! and some further behind (red), so the schedule warning has something real to show.

use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use duikou_core::progress_report::{Period, ProgressReportFields};
use duikou_core::warnings::AnnualPlan;
use duikou_core::{Actor, Money, Stage};
use duikou_store::{ProjectFilter, ProjectSort, Store};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// How many started projects get a plan for this year.
const PLANNED: i64 = 18;

/// Shares of the expected amount actually reached, cycled over the projects (percent).
const REACHED: [i64; 6] = [100, 92, 80, 65, 55, 30];

/// Gives plans and last month's report to some started projects. Returns how many. Nothing
/// before March: last month's report would be a year-end one.
pub async fn create(
    store: &Store,
    actor: &Actor,
    rng: &mut ChaCha8Rng,
    today: NaiveDate,
) -> Result<usize> {
    let months = today.month0();
    if months < 2 {
        return Ok(0);
    }
    let filter = ProjectFilter {
        stage: Some(Stage::Started),
        ..ProjectFilter::default()
    };
    // Past the projects that already run an approval process (the first ones by id).
    let page = store
        .projects(&filter, ProjectSort::Id, true, PLANNED, 0)
        .await?;
    let year = today.year();
    let Some(period) = Period::parse(&format!("{year}-{months:02}")) else {
        return Ok(0);
    };
    let mut n = 0;
    for (i, project) in page.items.iter().enumerate() {
        let base = project
            .fields
            .planned_investment
            .map_or(0, |m| m.yuan())
            .max(100_000_000);
        // A tenth to a third of the total this year, in whole 万元.
        let amount = base / 10_000 * rng.gen_range(10..34) / 100 * 10_000;
        store
            .as_system(&actor.name)
            .set_annual_plan(
                project.id,
                &AnnualPlan {
                    year,
                    amount_yuan: amount,
                    curve: None,
                },
            )
            .await?;
        let reports = store.progress_reports(project.id).await?;
        // The latest cumulative figure before `before` (the reports' own order is not by period).
        let latest_before = |before: NaiveDate| {
            reports
                .iter()
                .filter(|r| r.period_end < before)
                .max_by_key(|r| r.period_end)
                .and_then(|r| r.fields.invested_to_date)
                .map_or(0, |m| m.yuan())
        };
        let before_year = latest_before(NaiveDate::from_ymd_opt(year, 1, 1).expect("a year"));
        let expected = duikou_core::warnings::linear_expected_yuan(amount, months);
        let reached = expected / 100 * REACHED[i % REACHED.len()];
        // A cumulative figure never falls below one already reported this year.
        let so_far = latest_before(period.end());
        store
            .as_system(&actor.name)
            .create_progress_report(
                project.id,
                &ProgressReportFields {
                    period,
                    invested_to_date: Some(Money::from_yuan(
                        (before_year + reached / 10_000 * 10_000).max(so_far),
                    )),
                    funds_in_place: None,
                    trade_volume: None,
                    output_value: None,
                    note: Some("按月填报".to_owned()),
                    correction: None,
                },
            )
            .await?;
        n += 1;
    }
    Ok(n)
}
