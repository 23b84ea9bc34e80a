//! Open follow-ups: deficiencies whose documents are not yet supplied (容缺待补正) and
//! commitments not yet verified (承诺待核查), with their deadlines, for the warnings.

use chrono::NaiveDate;
use serde::Serialize;

use super::clock::Clock;
use super::state::StepState;
use super::template::{Template, MAX_LIMIT_DAYS};
use crate::calendar::WorkCalendar;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OpenItemKind {
    /// 容缺受理: documents to supply.
    Deficiency,
    /// 告知承诺: a promise to verify.
    Commitment,
}

/// One open deficiency or commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenItem {
    pub step_key: String,
    pub step_name: String,
    pub kind: OpenItemKind,
    /// `accepted_on` or `granted_on`.
    pub opened_on: NaiveDate,
    /// `supply_days` or `verify_days`.
    pub days: i32,
    /// `days` working days after `opened_on` (that day not counted).
    pub deadline: NaiveDate,
    /// Working days after today up to the deadline (`working_days_between(today,
    /// deadline)`): 0 on the deadline, negative once past it.
    pub working_days_left: i64,
    /// `today > deadline`.
    pub overdue: bool,
    pub estimated: bool,
}

/// Deficiencies without `supplied_on`, in template order (states of unknown keys last).
pub fn open_deficiencies(
    template: &Template,
    states: &[StepState],
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> Vec<OpenItem> {
    open_items(template, states, calendar, today, |s| {
        let d = s.deficiency.as_ref().filter(|d| d.supplied_on.is_none())?;
        Some((OpenItemKind::Deficiency, d.accepted_on, d.supply_days))
    })
}

/// Commitments without `verified_on`, in template order (states of unknown keys last).
pub fn open_commitments(
    template: &Template,
    states: &[StepState],
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> Vec<OpenItem> {
    open_items(template, states, calendar, today, |s| {
        let c = s.commitment.as_ref().filter(|c| c.verified_on.is_none())?;
        Some((OpenItemKind::Commitment, c.granted_on, c.verify_days))
    })
}

fn open_items(
    template: &Template,
    states: &[StepState],
    calendar: &WorkCalendar,
    today: NaiveDate,
    pick: impl Fn(&StepState) -> Option<(OpenItemKind, NaiveDate, i32)>,
) -> Vec<OpenItem> {
    let position = |s: &StepState| {
        template
            .steps()
            .position(|d| d.key == s.key)
            .unwrap_or(usize::MAX)
    };
    let mut ordered: Vec<&StepState> = states.iter().collect();
    ordered.sort_by_key(|s| position(s));
    let mut clock = Clock::new(calendar, today);
    let mut out = Vec::new();
    for state in ordered {
        let Some((kind, opened_on, days)) = pick(state) else {
            continue;
        };
        let deadline = clock.add(opened_on, i64::from(days.clamp(1, MAX_LIMIT_DAYS)));
        let left = calendar.working_days_between(today, deadline);
        let mut years = clock.take_years();
        years.extend(left.uncovered_years);
        out.push(OpenItem {
            step_key: state.key.clone(),
            step_name: template
                .step(&state.key)
                .map_or_else(|| state.key.clone(), |d| d.name.clone()),
            kind,
            opened_on,
            days,
            deadline,
            working_days_left: left.value,
            overdue: today > deadline,
            estimated: !years.is_empty(),
        });
    }
    out
}
