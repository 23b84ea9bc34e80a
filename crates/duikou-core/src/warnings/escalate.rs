//! When a warning becomes a supervision slip (督办单): a red finding of a rule the thresholds
//! name in `slip_rules` opens one, due for a reply `slip_reply_days` working days later, with
//! a title and a requirement that say why.

use chrono::NaiveDate;

use super::{Finding, Level, Thresholds};
use crate::calendar::WorkCalendar;

/// The slip a warning opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoSlip {
    pub title: String,
    pub requirement: String,
    pub reply_due: NaiveDate,
}

/// The slip `finding` on project `project_name` opens as of `as_of`, if the thresholds ask
/// for one (whether one is open for the warning already is the caller's to know).
pub fn slip_for(
    finding: &Finding,
    project_name: &str,
    t: &Thresholds,
    calendar: &WorkCalendar,
    as_of: NaiveDate,
) -> Option<AutoSlip> {
    if finding.level != Level::Red || !t.slip_rules.contains(&finding.rule) {
        return None;
    }
    let reply_due = calendar
        .checked_add_working_days(as_of, t.slip_reply_days)
        .map_or(as_of, |a| a.value);
    Some(AutoSlip {
        title: format!("关于「{project_name}」{}的督办单", finding.rule.label_zh()),
        requirement: format!(
            "{}。请责任单位于{reply_due}前报送整改方案（措施与完成时限）。",
            finding.reason
        ),
        reply_due,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(level: Level, t: &Thresholds) -> Finding {
        Finding {
            rule: t.slip_rules[0],
            level,
            reason: "项目已逾期".into(),
            facts: Vec::new(),
            thresholds_version: t.version.clone(),
            as_of: NaiveDate::from_ymd_opt(2024, 9, 27).unwrap(),
        }
    }

    #[test]
    fn a_red_finding_of_a_slip_rule_opens_a_slip_due_in_working_days() {
        let t = Thresholds::default();
        let cal = WorkCalendar::official();
        // Friday 2024-09-27 + 5 working days skips the National Day break.
        let as_of = NaiveDate::from_ymd_opt(2024, 9, 27).unwrap();
        let s = slip_for(&finding(Level::Red, &t), "某项目", &t, cal, as_of).unwrap();
        let expected = cal
            .checked_add_working_days(as_of, t.slip_reply_days)
            .unwrap()
            .value;
        assert_eq!(s.reply_due, expected);
        assert!(s.reply_due > NaiveDate::from_ymd_opt(2024, 10, 7).unwrap());
        assert!(s.title.contains("某项目"));
        assert!(s.requirement.starts_with("项目已逾期。"));
        assert!(slip_for(&finding(Level::Yellow, &t), "某项目", &t, cal, as_of).is_none());
        let none = Thresholds {
            slip_rules: Vec::new(),
            ..Thresholds::default()
        };
        assert!(slip_for(&finding(Level::Red, &t), "某项目", &none, cal, as_of).is_none());
    }
}
