//! Headline statistics of projects: counts and money sums by stage and category, the funnel
//! of stages reached, the ≥1亿 band and the stages entered within a period.
//!
//! The store groups projects by (stage, category, ≥1亿) and sums; this module assembles those
//! groups into the figures a report quotes, so that the arithmetic is tested without a database.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::project::Category;
use crate::stage::Stage;

/// The threshold of the size band "亿元及以上": ≥ 1亿元 (以上 includes the boundary).
pub const LARGE_PROJECT_YUAN: i64 = 100_000_000;

/// The money fields that statistics sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MoneyField {
    PlannedInvestment,
    AgreementAmount,
    InvestedToDate,
    FundsInPlace,
    TradeVolume,
    OutputValue,
}

impl MoneyField {
    pub const ALL: [MoneyField; 6] = [
        MoneyField::PlannedInvestment,
        MoneyField::AgreementAmount,
        MoneyField::InvestedToDate,
        MoneyField::FundsInPlace,
        MoneyField::TradeVolume,
        MoneyField::OutputValue,
    ];
}

/// A sum of one money field and how many projects had a value for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldSum {
    pub sum: Money,
    pub count: i64,
}

/// Count and sums of a group of projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    pub count: i64,
    pub planned_investment: FieldSum,
    pub agreement_amount: FieldSum,
    pub invested_to_date: FieldSum,
    pub funds_in_place: FieldSum,
    pub trade_volume: FieldSum,
    pub output_value: FieldSum,
}

impl Totals {
    pub fn field(&self, f: MoneyField) -> FieldSum {
        match f {
            MoneyField::PlannedInvestment => self.planned_investment,
            MoneyField::AgreementAmount => self.agreement_amount,
            MoneyField::InvestedToDate => self.invested_to_date,
            MoneyField::FundsInPlace => self.funds_in_place,
            MoneyField::TradeVolume => self.trade_volume,
            MoneyField::OutputValue => self.output_value,
        }
    }
    fn field_mut(&mut self, f: MoneyField) -> &mut FieldSum {
        match f {
            MoneyField::PlannedInvestment => &mut self.planned_investment,
            MoneyField::AgreementAmount => &mut self.agreement_amount,
            MoneyField::InvestedToDate => &mut self.invested_to_date,
            MoneyField::FundsInPlace => &mut self.funds_in_place,
            MoneyField::TradeVolume => &mut self.trade_volume,
            MoneyField::OutputValue => &mut self.output_value,
        }
    }
    /// Adds another group; saturates rather than wraps (sums of i64 yuan cannot reach it in
    /// practice: 9.2×10^18 元).
    pub fn add(&mut self, other: &Totals) {
        self.count += other.count;
        for f in MoneyField::ALL {
            let o = other.field(f);
            let s = self.field_mut(f);
            s.sum = Money::from_yuan(s.sum.yuan().saturating_add(o.sum.yuan()));
            s.count += o.count;
        }
    }
    pub fn set(&mut self, f: MoneyField, sum: i64, count: i64) {
        *self.field_mut(f) = FieldSum {
            sum: Money::from_yuan(sum),
            count,
        };
    }
}

/// One group as the store returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub stage: Stage,
    pub category: Category,
    pub large: bool,
    pub totals: Totals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageTotals {
    pub stage: Stage,
    #[serde(flatten)]
    pub totals: Totals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryTotals {
    pub category: Category,
    #[serde(flatten)]
    pub totals: Totals,
}

/// The figures for a scope as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectStats {
    pub as_of: NaiveDate,
    pub total: Totals,
    pub by_stage: Vec<StageTotals>,
    pub by_category: Vec<CategoryTotals>,
    /// Projects at or beyond each main-line stage (签约及以后 ...): the funnel.
    pub reached: Vec<StageTotals>,
    /// Projects of ≥1亿元 planned investment.
    pub large: Totals,
    /// The projects that entered each stage within the period, when one was asked for.
    pub period: Option<PeriodStats>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodStats {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub entered: Vec<StageTotals>,
}

/// Assembles the store's groups into the headline figures. Stages and categories with no
/// project are listed with zeros, so that a chart or a bulletin sees every bar.
pub fn assemble(as_of: NaiveDate, rows: &[GroupRow], period: Option<PeriodStats>) -> ProjectStats {
    let mut total = Totals::default();
    let mut large = Totals::default();
    let mut by_stage: Vec<StageTotals> = Stage::ALL
        .iter()
        .map(|s| StageTotals {
            stage: *s,
            totals: Totals::default(),
        })
        .collect();
    let mut by_category: Vec<CategoryTotals> = Category::ALL
        .iter()
        .map(|c| CategoryTotals {
            category: *c,
            totals: Totals::default(),
        })
        .collect();
    for row in rows {
        let row = &without_unsigned_agreements(row);
        total.add(&row.totals);
        if row.large {
            large.add(&row.totals);
        }
        if let Some(s) = by_stage.iter_mut().find(|s| s.stage == row.stage) {
            s.totals.add(&row.totals);
        }
        if let Some(c) = by_category.iter_mut().find(|c| c.category == row.category) {
            c.totals.add(&row.totals);
        }
    }
    let reached = Stage::MAIN_LINE
        .iter()
        .map(|target| {
            let mut t = Totals::default();
            for s in by_stage.iter().filter(|s| s.stage.at_or_beyond(*target)) {
                t.add(&s.totals);
            }
            StageTotals {
                stage: *target,
                totals: t,
            }
        })
        .collect();
    ProjectStats {
        as_of,
        total,
        by_stage,
        by_category,
        reached,
        large,
        period,
    }
}

/// An agreement amount is a fact of signing: a project still at 线索 or 洽谈 on the date has
/// no agreement yet, whatever amount it was given later.
fn without_unsigned_agreements(row: &GroupRow) -> GroupRow {
    let mut row = row.clone();
    if !row.stage.counts_agreement() {
        row.totals.agreement_amount = FieldSum::default();
    }
    row
}

/// How a project's move from `from` to `to` changes the funnel (projects at or beyond each
/// main-line stage): the stages whose count rises (+1) or falls (−1), in stage order.
pub fn funnel_change(from: Stage, to: Stage) -> Vec<(Stage, i64)> {
    Stage::MAIN_LINE
        .into_iter()
        .filter_map(|s| {
            let d = i64::from(to.at_or_beyond(s)) - i64::from(from.at_or_beyond(s));
            (d != 0).then_some((s, d))
        })
        .collect()
}

/// Sums rows of stages entered into one list in stage order, zeros included.
pub fn entered_by_stage(rows: &[(Stage, Totals)]) -> Vec<StageTotals> {
    Stage::ALL
        .iter()
        .map(|stage| {
            let mut totals = Totals::default();
            for (_, t) in rows.iter().filter(|(s, _)| s == stage) {
                totals.add(t);
            }
            StageTotals {
                stage: *stage,
                totals,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(stage: Stage, category: Category, large: bool, count: i64, planned: i64) -> GroupRow {
        let mut totals = Totals {
            count,
            ..Totals::default()
        };
        totals.set(MoneyField::PlannedInvestment, planned, count);
        GroupRow {
            stage,
            category,
            large,
            totals,
        }
    }

    #[test]
    fn the_funnel_counts_every_stage_at_or_beyond() {
        let d = NaiveDate::from_ymd_opt(2018, 12, 31).unwrap();
        let rows = [
            row(Stage::Lead, Category::Investment, false, 5, 10),
            row(Stage::Signed, Category::Trade, true, 3, 300_000_000),
            row(Stage::Started, Category::Investment, true, 2, 500_000_000),
            row(Stage::Suspended, Category::Other, false, 1, 7),
        ];
        let s = assemble(d, &rows, None);
        assert_eq!(s.total.count, 11);
        let reached = |st: Stage| {
            s.reached
                .iter()
                .find(|r| r.stage == st)
                .unwrap()
                .totals
                .count
        };
        assert_eq!(
            reached(Stage::Lead),
            10,
            "suspended projects are off the main line"
        );
        assert_eq!(reached(Stage::Signed), 5);
        assert_eq!(reached(Stage::Landed), 2);
        assert_eq!(reached(Stage::Operating), 0);
        assert_eq!(s.large.count, 5);
        assert_eq!(s.large.planned_investment.sum.yuan(), 800_000_000);
        assert_eq!(s.by_category.len(), Category::ALL.len());
        assert_eq!(s.by_stage.len(), Stage::ALL.len());
    }

    #[test]
    fn a_move_changes_the_funnel_by_the_stages_between() {
        use Stage::*;
        assert_eq!(
            funnel_change(Signed, Operating),
            vec![(Landed, 1), (Started, 1), (Completed, 1), (Operating, 1)]
        );
        assert_eq!(
            funnel_change(Started, Signed),
            vec![(Landed, -1), (Started, -1)]
        );
        // A suspended project counts in no stage of the funnel; stopping one at 开工 takes it
        // out of every stage it had reached.
        assert_eq!(funnel_change(Suspended, Landed).len(), 4);
        assert_eq!(
            funnel_change(Started, Terminated),
            vec![
                (Lead, -1),
                (Negotiating, -1),
                (Signed, -1),
                (Landed, -1),
                (Started, -1)
            ]
        );
        assert!(funnel_change(Landed, Landed).is_empty());
    }

    #[test]
    fn a_project_not_yet_signed_has_no_agreement_amount_on_the_date() {
        let d = NaiveDate::from_ymd_opt(2018, 12, 31).unwrap();
        let mut negotiating = row(Stage::Negotiating, Category::Trade, false, 1, 0);
        negotiating
            .totals
            .set(MoneyField::AgreementAmount, 700_000_000, 1);
        let mut signed = row(Stage::Signed, Category::Trade, false, 1, 0);
        signed
            .totals
            .set(MoneyField::AgreementAmount, 100_000_000, 1);
        let s = assemble(d, &[negotiating, signed], None);
        assert_eq!(s.total.agreement_amount.sum.yuan(), 100_000_000);
        assert_eq!(s.total.agreement_amount.count, 1);
        assert_eq!(s.by_stage.len(), Stage::ALL.len());
    }
}
