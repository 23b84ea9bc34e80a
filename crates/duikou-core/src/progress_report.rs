//! Periodic progress reports (月报/季报): cumulative figures of a project as of a period's end.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Errors, FieldError, ValidationError};
use crate::input::Input;
use crate::money::{Money, MoneyUnit};

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
    /// 更正说明: why a cumulative figure is lower than the earlier report's, or why a report
    /// was corrected; kept with the report and in its history.
    #[serde(default)]
    pub correction: Option<String>,
}

/// The fields a report's form or command line gives.
pub const INPUT_FIELDS: [&str; 7] = [
    "period",
    "invested_to_date",
    "funds_in_place",
    "trade_volume",
    "output_value",
    "note",
    "correction",
];

impl ProgressReportFields {
    /// A report as typed ([`INPUT_FIELDS`]): money in 万元 unless the text names its unit
    /// ("3.5亿元"), in the project's currency. Every bad field is named.
    pub fn from_input(input: &Input) -> Result<ProgressReportFields, Vec<FieldError>> {
        let mut errs = Vec::new();
        let period = Period::parse(input.get("period"));
        if period.is_none() {
            errs.push(FieldError::new(
                "period",
                "period",
                "报告期应形如 2024-06、2024-Q2、2024-H1 或 2024",
            ));
        }
        let mut currency = None;
        let mut money = |field: &str| {
            crate::money::read_amount(field, input.get(field), MoneyUnit::Wan, &mut currency)
                .unwrap_or_else(|e| {
                    errs.push(e);
                    None
                })
        };
        let (invested_to_date, funds_in_place, trade_volume, output_value) = (
            money("invested_to_date"),
            money("funds_in_place"),
            money("trade_volume"),
            money("output_value"),
        );
        let fields = period.map(|period| ProgressReportFields {
            period,
            invested_to_date,
            funds_in_place,
            trade_volume,
            output_value,
            note: input.opt("note"),
            correction: input.opt("correction"),
        });
        match (fields, errs.is_empty()) {
            (Some(f), true) => match f.validate() {
                Ok(()) => Ok(f),
                Err(v) => Err(v.0),
            },
            _ => Err(errs),
        }
    }

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
        for (field, text) in [("note", &self.note), ("correction", &self.correction)] {
            crate::validate::optional_text(
                &mut errs,
                field,
                text.as_deref(),
                crate::text::TextKind::Text,
            );
        }
        errs.finish()
    }

    /// The rules a report meets on `today`, against the project's latest report of an
    /// earlier period (`earlier`): a period that has not begun cannot be reported, and a
    /// cumulative figure (累计完成投资, 到位资金) lower than the earlier report's is taken only
    /// with a 更正说明, which the writer gives to confirm the fall.
    pub fn check_as_of(
        &self,
        today: NaiveDate,
        earlier: Option<&ProgressReportFields>,
    ) -> Result<(), ValidationError> {
        let mut errs = Errors::new();
        if self.period.start() > today {
            errs.push("period", "future", "报告期尚未开始，不能填报");
        }
        let explained = self
            .correction
            .as_deref()
            .is_some_and(|t| !t.trim().is_empty());
        if let (Some(e), false) = (earlier, explained) {
            for (field, now, before) in [
                (
                    "invested_to_date",
                    self.invested_to_date,
                    e.invested_to_date,
                ),
                ("funds_in_place", self.funds_in_place, e.funds_in_place),
            ] {
                if let (Some(now), Some(before)) = (now, before) {
                    if now < before {
                        errs.push(
                            field,
                            "decrease",
                            format!(
                                "累计数低于{}期的{}元；如确需下调，请填写更正说明",
                                e.period,
                                before.yuan()
                            ),
                        );
                    }
                }
            }
        }
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

    fn fields(period: &str, invested: Option<i64>) -> ProgressReportFields {
        ProgressReportFields {
            period: Period::parse(period).unwrap(),
            invested_to_date: invested.map(Money::from_yuan),
            funds_in_place: None,
            trade_volume: None,
            output_value: None,
            note: None,
            correction: None,
        }
    }

    #[test]
    fn a_period_not_begun_is_refused_and_a_fall_needs_a_reason() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert!(fields("2026-12", None).check_as_of(today, None).is_ok());
        assert!(fields("2026-Q4", None).check_as_of(today, None).is_ok());
        let e = fields("2027-01", None)
            .check_as_of(today, None)
            .unwrap_err();
        assert_eq!((e.0[0].field.as_str(), e.0[0].code), ("period", "future"));
        let earlier = fields("2026-10", Some(500));
        let fall = fields("2026-11", Some(400));
        let e = fall.check_as_of(today, Some(&earlier)).unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code),
            ("invested_to_date", "decrease")
        );
        assert!(fields("2026-11", Some(500))
            .check_as_of(today, Some(&earlier))
            .is_ok());
        let explained = ProgressReportFields {
            correction: Some("统计口径调整".into()),
            ..fall
        };
        assert!(explained.check_as_of(today, Some(&earlier)).is_ok());
    }

    #[test]
    fn a_report_reads_from_typed_fields_in_wan_naming_each_bad_one() {
        let ok = ProgressReportFields::from_input(&Input::from_pairs([
            ("period", "2026-11"),
            ("invested_to_date", "1.5亿元"),
            ("funds_in_place", "300"),
            ("note", " 主体封顶 "),
        ]))
        .unwrap();
        assert_eq!(ok.invested_to_date, Some(Money::from_yuan(150_000_000)));
        assert_eq!(ok.funds_in_place, Some(Money::from_yuan(3_000_000)));
        assert_eq!(ok.note.as_deref(), Some("主体封顶"));
        let bad = ProgressReportFields::from_input(&Input::from_pairs([
            ("period", "2026-13"),
            ("invested_to_date", "很多"),
        ]))
        .unwrap_err();
        let named: Vec<_> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, vec!["period", "invested_to_date"]);
    }

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
