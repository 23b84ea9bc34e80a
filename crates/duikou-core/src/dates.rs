//! The range of dates the system accepts from outside: 2000-01-01 through 2100-12-31.
//!
//! Dates are stored as ISO text and compared as text; a date of another era (or a year of
//! five digits, which ISO writes with a sign) would sort wrongly and reach deadlines computed
//! from it. Every date a request carries is read through [`sane`] or [`sane_opt`], so a date
//! out of range is refused with its field named, before anything is computed from it.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};

/// The first and last years accepted.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

/// China's wall-clock time (UTC+8, no daylight saving) of a moment: offices work by it.
pub fn china_time(t: DateTime<Utc>) -> NaiveDateTime {
    (t + chrono::Duration::hours(8)).naive_utc()
}

/// The calendar date in China of a moment.
pub fn china_date(t: DateTime<Utc>) -> NaiveDate {
    china_time(t).date()
}

/// Whether a date is inside the accepted range.
pub fn in_range(d: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&d.year())
}

/// The message for a date out of range.
pub fn out_of_range_message() -> String {
    format!("日期须在{FIRST_YEAR}年至{LAST_YEAR}年之间")
}

fn checked<E: serde::de::Error>(d: NaiveDate) -> Result<NaiveDate, E> {
    if in_range(d) {
        Ok(d)
    } else {
        Err(E::custom(format!("{}：{d}", out_of_range_message())))
    }
}

/// `#[serde(deserialize_with = "duikou_core::dates::sane")]` for a date.
pub fn sane<'de, D: Deserializer<'de>>(de: D) -> Result<NaiveDate, D::Error> {
    checked(NaiveDate::deserialize(de)?)
}

/// `#[serde(default, deserialize_with = "duikou_core::dates::sane_opt")]` for an optional date.
pub fn sane_opt<'de, D: Deserializer<'de>>(de: D) -> Result<Option<NaiveDate>, D::Error> {
    Option::<NaiveDate>::deserialize(de)?
        .map(checked)
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Probe {
        #[serde(deserialize_with = "sane")]
        on: NaiveDate,
        #[serde(default, deserialize_with = "sane_opt")]
        until: Option<NaiveDate>,
    }

    fn parse(json: &str) -> Result<Probe, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn dates_inside_the_range_are_read() {
        let p = parse(r#"{"on": "2000-01-01", "until": "2100-12-31"}"#).unwrap();
        assert_eq!(p.on.year(), 2000);
        assert_eq!(p.until.map(|d| d.year()), Some(2100));
        assert!(parse(r#"{"on": "2024-02-29"}"#).unwrap().until.is_none());
        assert!(parse(r#"{"on": "2024-02-29", "until": null}"#).is_ok());
    }

    #[test]
    fn dates_outside_the_range_are_refused() {
        for bad in [
            r#"{"on": "9999-12-31"}"#,
            r#"{"on": "1999-12-31"}"#,
            r#"{"on": "2024-01-01", "until": "2101-01-01"}"#,
            r#"{"on": "+10000-01-05"}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
