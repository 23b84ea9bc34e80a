//! 年度投资计划 on a project's page: the year's plan read from a form (the amount, and the
//! monthly curve as cumulative per cents), and where the project stands against it — the
//! year's completion and the gap to 序时进度, computed as the `schedule_behind` rule does.

use chrono::{Datelike, NaiveDate};

use super::engine::AnnualPlan;
use crate::error::{Errors, FieldError};
use crate::input::Input;
use crate::money::{parse_money, MoneyUnit};

/// The fields of the plan form.
pub const INPUT_FIELDS: [&str; 3] = ["year", "amount", "curve"];

impl AnnualPlan {
    /// The plan a form gives: `year`, `amount` (万元 unless the text names its unit) and an
    /// optional `curve`, 12 cumulative per cents separated by commas or spaces ("5 15 30 … 100",
    /// one decimal at most). Every bad field is named.
    pub fn from_input(input: &Input) -> Result<AnnualPlan, Vec<FieldError>> {
        let mut e = Errors::new();
        let year = match input.get("year").trim().parse::<i32>() {
            Ok(y) if (1900..=2200).contains(&y) => Some(y),
            _ => {
                e.push("year", "year", "请填写年份（如2026）");
                None
            }
        };
        let amount = match parse_money(input.get("amount"), MoneyUnit::Wan) {
            Ok(m) => Some(m.amount.yuan()),
            Err(err) => {
                e.push("amount", "money", err.to_string());
                None
            }
        };
        // The curve's shape is checked whatever the other fields hold.
        let curve = parse_curve(input.get("curve")).and_then(|curve| {
            let shape = AnnualPlan {
                year: 2000,
                amount_yuan: 0,
                curve: curve.clone(),
            };
            shape.check().map(|()| curve)
        });
        let curve = match curve {
            Ok(c) => Some(c),
            Err(message) => {
                e.push("curve", "curve", message);
                None
            }
        };
        match (year, amount, curve) {
            (Some(year), Some(amount_yuan), Some(curve)) if e.is_empty() => Ok(AnnualPlan {
                year,
                amount_yuan,
                curve,
            }),
            _ => Err(e.finish().err().map(|v| v.0).unwrap_or_default()),
        }
    }

    /// The curve as the form shows it: cumulative per cents, "5 15 30 … 100".
    pub fn curve_text(&self) -> String {
        self.curve
            .as_ref()
            .map(|c| {
                c.iter()
                    .map(|v| match v % 10 {
                        0 => (v / 10).to_string(),
                        r => format!("{}.{r}", v / 10),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    }
}

/// Per cents with at most one decimal, to per mille; empty is no curve (linear).
fn parse_curve(text: &str) -> Result<Option<Vec<i64>>, String> {
    let parts: Vec<&str> = text
        .split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(parts.len());
    for p in parts {
        let p = p.trim_end_matches('%');
        let (whole, tenth) = match p.split_once('.') {
            Some((w, t)) if t.len() == 1 => (w, t),
            Some(_) => return Err(format!("“{p}”最多保留一位小数")),
            None => (p, "0"),
        };
        match (whole.parse::<i64>(), tenth.parse::<i64>()) {
            (Ok(w), Ok(t)) if w >= 0 => out.push(w * 10 + t),
            _ => return Err(format!("“{p}”不是百分数")),
        }
    }
    Ok(Some(out))
}

/// Where a project stands against its plan for the year of `as_of`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearProgress {
    pub plan_yuan: i64,
    /// Whole months of the year gone by (序时进度 moves at each month end).
    pub months: u32,
    pub expected_yuan: i64,
    /// Invested this year: the latest cumulative figure of the year less the last one before.
    pub actual_yuan: i64,
}

impl YearProgress {
    /// `reports`: (period end, cumulative invested) of the project's reports, in any order.
    pub fn of(
        plan: &AnnualPlan,
        reports: impl IntoIterator<Item = (NaiveDate, i64)>,
        as_of: NaiveDate,
    ) -> YearProgress {
        let year_start = NaiveDate::from_ymd_opt(plan.year, 1, 1).unwrap_or(as_of);
        let mut sorted: Vec<(NaiveDate, i64)> = reports
            .into_iter()
            .filter(|(end, _)| *end <= as_of)
            .collect();
        sorted.sort_by_key(|(end, _)| *end);
        let before = sorted
            .iter()
            .rev()
            .find(|(end, _)| *end < year_start)
            .map_or(0, |r| r.1);
        let actual = sorted
            .iter()
            .rev()
            .find(|(end, _)| *end >= year_start)
            .map(|r| r.1 - before)
            .unwrap_or(0);
        let months = if as_of.year() == plan.year {
            as_of.month0()
        } else if as_of.year() > plan.year {
            12
        } else {
            0
        };
        YearProgress {
            plan_yuan: plan.amount_yuan,
            months,
            expected_yuan: plan.expected_yuan(months),
            actual_yuan: actual,
        }
    }

    /// The year's completion, in per cent of the plan ("41.6"); None without a plan amount.
    pub fn done_percent(&self) -> Option<String> {
        (self.plan_yuan > 0)
            .then(|| super::percent(i128::from(self.actual_yuan), i128::from(self.plan_yuan)))
    }

    /// 序时进度 in per cent of the plan.
    pub fn expected_percent(&self) -> Option<String> {
        (self.plan_yuan > 0)
            .then(|| super::percent(i128::from(self.expected_yuan), i128::from(self.plan_yuan)))
    }

    /// Points behind 序时进度 (negative: ahead), as the rule counts them.
    pub fn behind_points(&self) -> Option<String> {
        (self.plan_yuan > 0).then(|| {
            super::percent(
                i128::from(self.expected_yuan) - i128::from(self.actual_yuan),
                i128::from(self.plan_yuan),
            )
        })
    }
}
