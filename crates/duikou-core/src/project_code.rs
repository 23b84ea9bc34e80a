//! 投资项目统一代码 (fixed-asset investment project code) per GB/T 40058-2021, and the older
//! 2017 form. See shared/reference/domain-facts.md §2.
//!
//! Only the shape, the time segment and the province of the region segment are checked. The
//! department/industry, type and random/check segments are opaque: their value lists and the
//! check-digit algorithm are not verified, so no check digit is computed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Which generation of the code a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CodeForm {
    /// 2020-11 onwards: YYMM-RRRRRR-DD-PP-NNNNNC
    Current,
    /// about 2017–2020: YYYY-RRRRRR-II-TT-NNNNNN
    Legacy,
}

/// A validated project code: 24 characters, five segments joined by '-'.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct ProjectCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectCodeError {
    #[error("项目代码应为24位，形如 2509-320193-89-01-544060")]
    Shape,
    #[error("项目代码的时间段无效：{0}")]
    Time(String),
    #[error("项目代码的地区段无效：{0}")]
    Region(String),
}

/// Length of a code in characters (all ASCII once normalised).
const CODE_LEN: usize = 24;
/// Byte offsets of the four hyphens in `TTTT-RRRRRR-DD-PP-NNNNNC`.
const HYPHENS: [usize; 4] = [4, 11, 14, 17];

/// First two digits of the GB/T 2260 province-level codes, including 71 台湾, 81 香港, 82 澳门.
const PROVINCE_PREFIXES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// Years in which legacy (2017-style) codes carry a four-digit year in the time segment.
const LEGACY_YEARS: std::ops::RangeInclusive<u32> = 2015..=2020;

/// Dash-like characters people paste instead of '-' (after NFKC, which already folds the
/// full-width '－' and small '﹣').
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' // hyphen
            | '\u{2011}' // non-breaking hyphen
            | '\u{2012}' // figure dash
            | '\u{2013}' // en dash
            | '\u{2014}' // em dash
            | '\u{2015}' // horizontal bar
            | '\u{2212}' // minus sign
            | '\u{FE58}' // small em dash
    )
}

/// The form of a time segment, or why it is invalid. The segment is 4 ASCII digits.
fn time_form(segment: &str) -> Result<CodeForm, ProjectCodeError> {
    let invalid = || ProjectCodeError::Time(segment.to_owned());
    let value: u32 = segment.parse().map_err(|_| invalid())?;
    let (year_2, month) = (value / 100, value % 100);
    if month > 12 {
        // Only a four-digit year of the legacy platform can end above 12.
        if LEGACY_YEARS.contains(&value) {
            Ok(CodeForm::Legacy)
        } else {
            Err(invalid())
        }
    } else if month >= 1 && year_2 >= 20 {
        // YYMM. "2011"/"2012" are November/December 2020.
        Ok(CodeForm::Current)
    } else {
        Err(invalid())
    }
}

impl ProjectCode {
    /// Checks shape (`^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$` after trimming and folding full-width
    /// characters), the time segment (legacy year 2015..=2020, or YYMM with month 01..=12 and
    /// year 20..=99) and that the region segment looks like a GB/T 2260 code (province
    /// prefix 11..=82). The type, department and check-digit segments are kept opaque.
    pub fn parse(text: &str) -> Result<ProjectCode, ProjectCodeError> {
        let normalised: String = text
            .trim()
            .nfkc()
            .map(|c| if is_dash(c) { '-' } else { c })
            .collect::<String>()
            .trim()
            .to_owned();
        let bytes = normalised.as_bytes();
        let well_shaped = bytes.len() == CODE_LEN
            && bytes.iter().enumerate().all(|(i, b)| {
                if HYPHENS.contains(&i) {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !well_shaped {
            return Err(ProjectCodeError::Shape);
        }
        // All ASCII from here, so byte slicing is safe.
        time_form(&normalised[0..4])?;
        let region = &normalised[5..11];
        if !PROVINCE_PREFIXES.contains(&&region[..2]) {
            return Err(ProjectCodeError::Region(region.to_owned()));
        }
        Ok(ProjectCode(normalised))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn form(&self) -> CodeForm {
        // A stored code has passed `parse`, so its time segment is valid; a month above 12 is
        // only possible for a legacy year.
        match self
            .time_segment()
            .get(2..4)
            .and_then(|m| m.parse::<u32>().ok())
        {
            Some(month) if month > 12 => CodeForm::Legacy,
            _ => CodeForm::Current,
        }
    }
    /// The 4-digit time segment: YYMM for current codes, YYYY for legacy ones.
    pub fn time_segment(&self) -> &str {
        self.0.get(0..4).unwrap_or_default()
    }
    /// The 6-digit region segment.
    pub fn region_segment(&self) -> &str {
        self.0.get(5..11).unwrap_or_default()
    }
}

impl TryFrom<String> for ProjectCode {
    type Error = ProjectCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ProjectCode::parse(&value)
    }
}

impl From<ProjectCode> for String {
    fn from(value: ProjectCode) -> Self {
        value.0
    }
}

impl FromStr for ProjectCode {
    type Err = ProjectCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProjectCode::parse(s)
    }
}

impl fmt::Display for ProjectCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(text: &str) -> ProjectCode {
        ProjectCode::parse(text).expect("valid project code")
    }

    #[test]
    fn accepts_current_code() {
        let code = parsed("2509-320193-89-01-544060");
        assert_eq!(code.as_str(), "2509-320193-89-01-544060");
        assert_eq!(code.form(), CodeForm::Current);
        assert_eq!(code.time_segment(), "2509");
        assert_eq!(code.region_segment(), "320193");
    }

    #[test]
    fn accepts_legacy_code() {
        let code = parsed("2018-210112-36-03-012345");
        assert_eq!(code.form(), CodeForm::Legacy);
        assert_eq!(code.region_segment(), "210112");
    }

    #[test]
    fn tells_legacy_years_from_current_months() {
        for (time, form) in [
            ("2015", CodeForm::Legacy),
            ("2017", CodeForm::Legacy),
            ("2019", CodeForm::Legacy),
            ("2020", CodeForm::Legacy),
            ("2011", CodeForm::Current),
            ("2012", CodeForm::Current),
            ("2101", CodeForm::Current),
            ("2306", CodeForm::Current),
            ("9912", CodeForm::Current),
        ] {
            let code = parsed(&format!("{time}-440300-01-01-000001"));
            assert_eq!(code.form(), form, "{time}");
        }
    }

    #[test]
    fn folds_full_width_digits_and_dashes() {
        let expected = "2509-320193-89-01-544060";
        for text in [
            "２５０９－３２０１９３－８９－０１－５４４０６０",
            "2509—320193—89—01—544060",
            "2509–320193–89–01–544060",
            "2509\u{2212}320193\u{2010}89\u{2011}01\u{FE63}544060",
            "  2509-320193-89-01-544060\u{3000}",
            "\t２５０９-320193-89-01-544060\n",
        ] {
            assert_eq!(parsed(text).as_str(), expected, "{text:?}");
        }
    }

    #[test]
    fn rejects_wrong_shapes() {
        for text in [
            "",
            "2509-320193-89-01-54406",
            "2509-320193-89-01-5440600",
            "2509-320193-89-0154-4060",
            "2509320193890154406012",
            "2509-320193-89-01-54406a",
            "2509 320193 89 01 544060",
            "2509-320193-89-01- 544060",
            "2509--320193-89-01-544060",
            "91320000MA1XXXXXX1",
            "2509-320193-89-01-544060-1",
        ] {
            assert_eq!(
                ProjectCode::parse(text),
                Err(ProjectCodeError::Shape),
                "{text:?}"
            );
        }
    }

    #[test]
    fn rejects_bad_time_segments() {
        for time in [
            "2500", "2513", "2000", "1905", "1912", "1918", "2014", "2021", "2099", "0000",
        ] {
            let text = format!("{time}-320193-89-01-544060");
            assert_eq!(
                ProjectCode::parse(&text),
                Err(ProjectCodeError::Time(time.to_owned())),
                "{time}"
            );
        }
    }

    #[test]
    fn rejects_unknown_province() {
        for region in [
            "000000", "100000", "240100", "390000", "660000", "720000", "830000", "990000",
        ] {
            let text = format!("2509-{region}-89-01-544060");
            assert_eq!(
                ProjectCode::parse(&text),
                Err(ProjectCodeError::Region(region.to_owned())),
                "{region}"
            );
        }
    }

    #[test]
    fn accepts_every_province_prefix() {
        for prefix in PROVINCE_PREFIXES {
            assert!(ProjectCode::parse(&format!("2509-{prefix}0100-89-01-544060")).is_ok());
        }
    }

    #[test]
    fn round_trips_through_serde_string_forms() {
        let code = parsed("２５０９－３２０１９３－８９－０１－５４４０６０");
        let text: String = code.clone().into();
        assert_eq!(text, "2509-320193-89-01-544060");
        assert_eq!(ProjectCode::try_from(text), Ok(code.clone()));
        assert_eq!(code.to_string().parse::<ProjectCode>(), Ok(code));
    }

    /// Text shaped like a code, often valid: mixed full-width digits, assorted dashes,
    /// surrounding spaces, and time/region segments drawn near the valid ranges.
    fn code_like_text() -> impl Strategy<Value = String> {
        let time = prop_oneof![
            (20_u32..=99, 0_u32..=13).prop_map(|(y, m)| format!("{y:02}{m:02}")),
            (2013_u32..=2022).prop_map(|y| y.to_string()),
            "[0-9]{4}",
        ];
        let region = prop_oneof![
            (
                proptest::sample::select(PROVINCE_PREFIXES.to_vec()),
                "[0-9]{4}"
            )
                .prop_map(|(p, r)| format!("{p}{r}")),
            "[0-9]{6}",
        ];
        let dash = proptest::sample::select(vec!["-", "－", "—", "–", "\u{2212}", "_"]);
        (
            time,
            region,
            "[0-9]{2}",
            "[0-9]{2}",
            "[0-9]{6}",
            proptest::collection::vec(dash, 4),
            proptest::collection::vec(any::<bool>(), 24),
            proptest::sample::select(vec!["", " ", "\u{3000}"]),
        )
            .prop_map(|(t, r, d, p, n, dashes, wide, pad)| {
                let raw = format!(
                    "{t}{}{r}{}{d}{}{p}{}{n}",
                    dashes[0], dashes[1], dashes[2], dashes[3]
                );
                let body: String = raw
                    .chars()
                    .zip(wide.iter().cycle())
                    .map(|(c, &w)| match c.to_digit(10) {
                        Some(v) if w => char::from_u32(0xFF10 + v).unwrap_or(c),
                        _ => c,
                    })
                    .collect();
                format!("{pad}{body}{pad}")
            })
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in "\\PC*") {
            let _ = ProjectCode::parse(&text);
        }

        #[test]
        fn accepted_codes_round_trip(text in code_like_text()) {
            if let Ok(code) = ProjectCode::parse(&text) {
                prop_assert_eq!(code.as_str().len(), CODE_LEN);
                prop_assert!(code.as_str().is_ascii());
                prop_assert_eq!(ProjectCode::parse(code.as_str()), Ok(code.clone()));
                prop_assert_eq!(code.to_string().parse::<ProjectCode>(), Ok(code.clone()));
            }
        }

        #[test]
        fn well_formed_current_codes_are_accepted(
            year in 20_u32..=99,
            month in 1_u32..=12,
            province in proptest::sample::select(PROVINCE_PREFIXES.to_vec()),
            rest in "[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{6}",
        ) {
            let text = format!("{year:02}{month:02}-{province}{rest}");
            let code = ProjectCode::parse(&text);
            prop_assert!(code.is_ok(), "{}", text);
            if let Ok(code) = code {
                prop_assert_eq!(code.form(), CodeForm::Current);
            }
        }

        #[test]
        fn well_formed_legacy_codes_are_accepted(
            year in 2015_u32..=2020,
            province in proptest::sample::select(PROVINCE_PREFIXES.to_vec()),
            rest in "[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{6}",
        ) {
            let code = ProjectCode::parse(&format!("{year}-{province}{rest}"));
            prop_assert_eq!(code.map(|c| c.form()), Ok(CodeForm::Legacy));
        }
    }
}
