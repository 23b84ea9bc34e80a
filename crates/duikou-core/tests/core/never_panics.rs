//! Every parser that takes outside input answers arbitrary bytes with a value or an error,
//! never a panic: money, dates, project codes, periods, region codes, calendar files, step
//! templates and step states. Each is fed raw bytes (decoded lossily, as a request body or an
//! uploaded file would be) and, to reach deeper, text mutated from a valid input.

use chrono::NaiveDate;
use duikou_core::calendar::WorkCalendar;
use duikou_core::money::{parse_money, MoneyUnit};
use duikou_core::progress_report::Period;
use duikou_core::project_code::ProjectCode;
use duikou_core::region::RegionCode;
use duikou_core::steps::{plan, validate_update, StepState, Template};
use proptest::prelude::*;

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn any_unit() -> impl Strategy<Value = MoneyUnit> {
    prop_oneof![
        Just(MoneyUnit::Yuan),
        Just(MoneyUnit::Wan),
        Just(MoneyUnit::Yi)
    ]
}

/// A valid text with a few bytes overwritten, inserted or cut: most mutants still look like
/// the format, so the parser goes past its first check.
fn mutated(valid: &'static str) -> impl Strategy<Value = String> {
    let len = valid.len();
    prop::collection::vec((0..=len, any::<u8>(), 0u8..3), 1..8).prop_map(move |edits| {
        let mut bytes = valid.as_bytes().to_vec();
        for (at, byte, how) in edits {
            let at = at.min(bytes.len());
            match how {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ => {
                    bytes.truncate(at.max(1));
                }
            }
        }
        text_of(&bytes)
    })
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct DateBody {
    #[serde(deserialize_with = "duikou_core::dates::sane")]
    at: NaiveDate,
    #[serde(default, deserialize_with = "duikou_core::dates::sane_opt")]
    until: Option<NaiveDate>,
}

const SAMPLE_CALENDAR: &str = "date,kind,name,year\n2026-10-01,off,国庆节,2026\n\
\"2026-10-11\",work,国庆节,2026\n2027/1/1,休,元旦,2027\n";

const SAMPLE_STATE: &str = r#"{"status":"done","started":"2026-03-02","finished":"2026-03-20",
"date_changes":[{"field":"planned_finish","from":"2026-03-10","to":"2026-03-20","reason":"补正"}]}"#;

fn template() -> Template {
    Template::shipped().remove(0)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 4).expect("a date")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn money_from_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64), unit in any_unit()) {
        if let Ok(parsed) = parse_money(&text_of(&bytes), unit) {
            prop_assert!(parsed.amount.yuan() >= 0);
        }
    }

    #[test]
    fn money_from_mutants(text in mutated("约1,234.5678亿元"), unit in any_unit()) {
        let _ = parse_money(&text, unit);
    }

    #[test]
    fn dates_from_bytes(bytes in prop::collection::vec(any::<u8>(), 0..48)) {
        let json = format!("{{\"at\":{}}}", serde_json::Value::String(text_of(&bytes)));
        let _ = serde_json::from_str::<DateBody>(&json);
        let _ = serde_json::from_slice::<DateBody>(&bytes);
    }

    #[test]
    fn dates_from_mutants(text in mutated(r#"{"at":"2026-02-28","until":"2100-12-31"}"#)) {
        if let Ok(body) = serde_json::from_str::<DateBody>(&text) {
            prop_assert!(duikou_core::dates::in_range(body.at));
        }
    }

    #[test]
    fn project_codes_from_bytes(bytes in prop::collection::vec(any::<u8>(), 0..48)) {
        let _ = ProjectCode::parse(&text_of(&bytes));
    }

    #[test]
    fn project_codes_from_mutants(text in mutated("2611-210106-04-01-123456")) {
        if let Ok(code) = ProjectCode::parse(&text) {
            prop_assert!(code.as_str().is_ascii());
        }
    }

    #[test]
    fn periods_and_region_codes_from_bytes(bytes in prop::collection::vec(any::<u8>(), 0..24)) {
        let text = text_of(&bytes);
        let _ = Period::parse(&text);
        let _ = RegionCode::parse(&text);
    }

    #[test]
    fn periods_and_region_codes_from_mutants(p in mutated("2026-11"), r in mutated("210106")) {
        let _ = Period::parse(&p);
        let _ = RegionCode::parse(&r);
    }

    #[test]
    fn calendar_files_from_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = WorkCalendar::from_csv(&text_of(&bytes));
    }

    #[test]
    fn calendar_files_from_mutants(text in mutated(SAMPLE_CALENDAR)) {
        if let Ok(cal) = WorkCalendar::from_csv(&text) {
            // A calendar that was read can be asked about any day of the accepted range.
            let _ = cal.add_working_days(today(), 30);
            let _ = cal.is_working_day(NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date"));
        }
    }

    #[test]
    fn step_states_from_bytes(bytes in prop::collection::vec(any::<u8>(), 0..128)) {
        let _ = serde_json::from_slice::<StepState>(&bytes);
    }

    #[test]
    fn step_states_from_mutants(text in mutated(SAMPLE_STATE)) {
        // A state that parses goes through the same check as a PUT of a step.
        if let Ok(state) = serde_json::from_str::<StepState>(&text) {
            let template = template();
            let key = template.steps().next().map(|s| s.key.clone());
            if let Some(key) = key {
                let _ = validate_update(&template, &[], &key, &state, today());
            }
        }
    }
}

proptest! {
    // Templates are big; fewer cases, each mutating the whole shipped JSON.
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn templates_from_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = Template::from_json(&text_of(&bytes));
    }

    #[test]
    fn templates_from_mutants(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)) {
        let mut bytes = template().to_json().into_bytes();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        // A template that still reads is planned like an uploaded one would be.
        if let Ok(t) = Template::from_json(&text_of(&bytes)) {
            let _ = plan(&t, today(), &[], WorkCalendar::official(), today());
        }
    }
}
