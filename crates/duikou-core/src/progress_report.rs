//! Periodic progress reports (月报/季报): cumulative figures of a project as of a period's end.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Errors, ValidationError};
use crate::money::Money;

/// A reporting period: a month "2018-12", a quarter "2018-Q4", a half year "2018-H1" or a
/// year "2018".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Month(i32, u32),
    Quarter(i32, u32),
    Half(i32, u32),
    Year(i32),
}

impl Period {
    pub fn parse(text: &str) -> Option<Period> {
        let t = text.trim();
        let (year, rest) = match t.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (t, None),
        };
        if year.len() != 4 {
            return None;
        }
        let y: i32 = year.parse().ok().filter(|y| (1990..=2100).contains(y))?;
        let num = |s: &str, max: u32| s.parse::<u32>().ok().filter(|n| (1..=max).contains(n));
        match rest {
            None => Some(Period::Year(y)),
            Some(r) => {
                if let Some(q) = r.strip_prefix('Q').or_else(|| r.strip_prefix('q')) {
                    num(q, 4).map(|q| Period::Quarter(y, q))
                } else if let Some(h) = r.strip_prefix('H').or_else(|| r.strip_prefix('h')) {
                    num(h, 2).map(|h| Period::Half(y, h))
                } else if r.len() == 2 {
                    num(r, 12).map(|m| Period::Month(y, m))
                } else {
                    None
                }
            }
        }
    }

    /// First day of the period.
    pub fn start(self) -> NaiveDate {
        let (y, m) = match self {
            Period::Month(y, m) => (y, m),
            Period::Quarter(y, q) => (y, (q - 1) * 3 + 1),
            Period::Half(y, h) => (y, (h - 1) * 6 + 1),
            Period::Year(y) => (y, 1),
        };
        NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default()
    }

    /// Last day of the period (inclusive).
    pub fn end(self) -> NaiveDate {
        let (y, last_month) = match self {
            Period::Month(y, m) => (y, m),
            Period::Quarter(y, q) => (y, q * 3),
            Period::Half(y, h) => (y, h * 6),
            Period::Year(y) => (y, 12),
        };
        let next = if last_month == 12 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(y, last_month + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or_default()
    }

    /// The month of a date, as a period.
    pub fn month_of(date: NaiveDate) -> Period {
        Period::Month(date.year(), date.month())
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Half(y, h) => write!(f, "{y}-H{h}"),
            Period::Year(y) => write!(f, "{y}"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Period::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "报告期应形如 2018-12、2018-Q4、2018-H1 或 2018：{s}"
            ))
        })
    }
}

/// The figures of one report: cumulative since the project began, as of the period's end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProgressReportFields {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2018-12"))]
    pub period: Period,
    pub invested_to_date: Option<Money>,
    pub funds_in_place: Option<Money>,
    pub trade_volume: Option<Money>,
    pub output_value: Option<Money>,
    pub note: Option<String>,
}

impl ProgressReportFields {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut errs = Errors::new();
        for (field, value) in [
            ("invested_to_date", self.invested_to_date),
            ("funds_in_place", self.funds_in_place),
            ("trade_volume", self.trade_volume),
            ("output_value", self.output_value),
        ] {
            crate::validate::non_negative_money(&mut errs, field, value);
        }
        crate::validate::optional_text(
            &mut errs,
            "note",
            self.note.as_deref(),
            crate::text::TextKind::Text,
        );
        errs.finish()
    }
}

/// A stored report: its fields and its identity (a flat JSON object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressReport {
    pub id: i64,
    pub project_id: i64,
    #[serde(flatten)]
    pub fields: ProgressReportFields,
    pub period_end: NaiveDate,
    pub version: i64,
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ProgressReport {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use crate::openapi::{date, flattened, int64};
        flattened(
            <ProgressReportFields as utoipa::PartialSchema>::schema(),
            vec![
                ("id", int64()),
                ("project_id", int64()),
                ("period_end", date()),
                ("version", int64()),
            ],
        )
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ProgressReport {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <ProgressReportFields as utoipa::ToSchema>::schemas(schemas);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn periods_parse_and_print_back() {
        for text in ["2018-12", "2018-Q4", "2022-H1", "2018"] {
            assert_eq!(
                Period::parse(text).map(|p| p.to_string()).as_deref(),
                Some(text)
            );
        }
        for bad in [
            "2018-13", "2018-Q5", "2018-H3", "18-12", "2018-1", "", "abcd",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_period_ends_on_its_last_day() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(Period::parse("2024-02").unwrap().end(), d(2024, 2, 29));
        assert_eq!(Period::parse("2018-Q4").unwrap().end(), d(2018, 12, 31));
        assert_eq!(Period::parse("2022-H1").unwrap().end(), d(2022, 6, 30));
        assert_eq!(Period::parse("2022-H1").unwrap().start(), d(2022, 1, 1));
    }

    proptest! {
        #[test]
        fn every_month_period_round_trips(y in 1990i32..2100, m in 1u32..=12) {
            let p = Period::Month(y, m);
            prop_assert_eq!(Period::parse(&p.to_string()), Some(p));
            prop_assert!(p.start() <= p.end());
        }
    }
}
