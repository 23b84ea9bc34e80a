//! The log of date changes: append-only, and every change of a recorded date (any change
//! of a plan date) logged with a reason and an actor.

use chrono::{DateTime, NaiveDate, Utc};

use super::state::{DateField, StepState};
use crate::error::Errors;

/// Stamps the changes `new` appends to `old`'s log with who acts and when: both are the
/// server's, never a client's. The changes `old` already holds are left for
/// [`check_date_log`] to compare.
pub fn stamp_appended(old: &StepState, new: &mut StepState, actor: &str, at: DateTime<Utc>) {
    for change in new.date_changes.iter_mut().skip(old.date_changes.len()) {
        actor.clone_into(&mut change.actor);
        change.at = at;
    }
}

/// Checks `new.date_changes` against `old`'s; `me` names the step in messages.
pub(super) fn check_date_log(me: &str, old: &StepState, new: &StepState, errs: &mut Errors) {
    let kept = old.date_changes.len();
    if new.date_changes.len() < kept || new.date_changes[..kept] != old.date_changes[..] {
        errs.push(
            "date_changes",
            "history",
            format!("环节{me}的日期变更记录只能追加，不能修改或删除"),
        );
        return;
    }
    let added = &new.date_changes[kept..];
    for (i, change) in added.iter().enumerate() {
        let at = format!("date_changes[{}]", kept + i);
        crate::text::push(
            errs,
            &format!("{at}.reason"),
            &change.reason,
            crate::text::TextKind::Text,
        );
        if change.reason.trim().is_empty() {
            errs.push(
                format!("{at}.reason"),
                "required",
                format!("环节{me}的日期变更须说明原因"),
            );
        }
        if change.actor.trim().is_empty() {
            errs.push(
                format!("{at}.actor"),
                "required",
                format!("环节{me}的日期变更须写明变更人"),
            );
        }
    }
    for field in DateField::ALL {
        let (was, now) = (old.date(field), new.date(field));
        if was == now || (was.is_none() && !field.is_plan()) {
            continue;
        }
        let logged = added
            .iter()
            .any(|c| c.field == field && c.new == now && (was.is_none() || c.old == was));
        if !logged {
            let show = |d: Option<NaiveDate>| d.map_or("空".to_owned(), |d| d.to_string());
            errs.push(
                field.code(),
                "reason_required",
                format!(
                    "环节{}的{}由{}改为{}，须记录变更原因和变更人",
                    me,
                    field.label_zh(),
                    show(was),
                    show(now)
                ),
            );
        }
    }
}
