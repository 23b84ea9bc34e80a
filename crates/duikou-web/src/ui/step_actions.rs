//! What each form of the step page does to a step's state: start, finish, 容缺受理 and its
//! supply, 告知承诺 and its verification, re-plan, stop and restart the clock, skip. Each
//! builds the step's next state from the form; the core checks it (`validate_update`) when the
//! store writes it, and its errors come back under the form's fields.

use chrono::{DateTime, NaiveDate, Utc};
use duikou_core::steps::{
    Commitment, DateField, Deficiency, StepState, StepStatus, Suspension, SuspensionReason,
};
use duikou_core::FieldError;

use super::forms::parse_date;
use super::i18n::Lang;
use super::page::FormData;

/// The forms of the step page, by the last segment of their address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Start,
    Finish,
    Deficiency,
    Supply,
    Commitment,
    Verify,
    Replan,
    Suspend,
    Resume,
    Skip,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::Start,
        Action::Finish,
        Action::Deficiency,
        Action::Supply,
        Action::Commitment,
        Action::Verify,
        Action::Replan,
        Action::Suspend,
        Action::Resume,
        Action::Skip,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Finish => "finish",
            Action::Deficiency => "deficiency",
            Action::Supply => "supply",
            Action::Commitment => "commitment",
            Action::Verify => "verify",
            Action::Replan => "replan",
            Action::Suspend => "suspend",
            Action::Resume => "resume",
            Action::Skip => "skip",
        }
    }

    pub fn parse(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The fields of the action's form.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Action::Start => &["actual_start", "reason"],
            Action::Finish => &["actual_start", "actual_finish", "reason"],
            Action::Deficiency => &["accepted_on", "missing_documents", "supply_days"],
            Action::Supply => &["supplied_on"],
            Action::Commitment => &["granted_on", "promised", "verify_days"],
            Action::Verify => &["verified_on"],
            Action::Replan => &["not_before", "due_override", "reason"],
            Action::Suspend => &["suspension_reason", "from", "note"],
            Action::Resume => &["to"],
            Action::Skip => &["skip_reason"],
        }
    }
}

/// The reasons a step's clock stops, with their codes.
pub const SUSPENSION_REASONS: [(SuspensionReason, &str); 5] = [
    (SuspensionReason::DeficiencySupply, "deficiency_supply"),
    (SuspensionReason::ExpertReview, "expert_review"),
    (SuspensionReason::PublicNotice, "public_notice"),
    (SuspensionReason::Hearing, "hearing"),
    (SuspensionReason::Other, "other"),
];

pub fn suspension_code(r: SuspensionReason) -> &'static str {
    SUSPENSION_REASONS
        .iter()
        .find(|(x, _)| *x == r)
        .map(|(_, c)| *c)
        .unwrap_or("other")
}

/// The form field a core error of a step names: `deficiency.supply_days` → `supply_days`,
/// `suspensions[0].from` → `from`, `date_changes[3].reason` → `reason`.
pub fn form_field(core: &str) -> String {
    let last = core.rsplit('.').next().unwrap_or(core);
    if core.starts_with("date_changes") {
        return "reason".to_owned();
    }
    last.to_owned()
}

/// Who acts and when, for the log of date changes.
pub struct Ctx<'a> {
    pub lang: Lang,
    pub actor: &'a str,
    pub now: DateTime<Utc>,
}

struct Build<'a> {
    ctx: &'a Ctx<'a>,
    data: &'a FormData,
    state: StepState,
    errs: Vec<FieldError>,
}

impl Build<'_> {
    fn required(&mut self, field: &str) {
        let t = self.ctx.lang.t("err.required");
        self.errs.push(FieldError::new(field, "required", t));
    }

    fn date(&mut self, field: &str) -> Option<NaiveDate> {
        parse_date(self.ctx.lang, self.data, field, &mut self.errs)
    }

    fn required_date(&mut self, field: &str) -> Option<NaiveDate> {
        let d = self.date(field);
        if d.is_none() && self.data.get(field).is_empty() {
            self.required(field);
        }
        d
    }

    fn required_text(&mut self, field: &str) -> Option<String> {
        let t = self.data.opt(field);
        if t.is_none() {
            self.required(field);
        }
        t
    }

    fn days(&mut self, field: &str) -> Option<i32> {
        match self.data.get(field) {
            "" => {
                self.required(field);
                None
            }
            v => match v.parse::<i32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    let t = self.ctx.lang.t("err.number");
                    self.errs.push(FieldError::new(field, "number", t));
                    None
                }
            },
        }
    }

    /// The reason typed for a change of a recorded date, or an error under `reason`.
    fn reason(&mut self) -> Option<String> {
        let r = self.data.opt("reason");
        if r.is_none() {
            let t = self.ctx.lang.t("step.reason_required");
            self.errs.push(FieldError::new("reason", "required", t));
        }
        r
    }

    /// Sets an actual date; replacing a recorded one is logged with the form's reason.
    fn set_actual(&mut self, field: DateField, date: NaiveDate) {
        match self.state.date(field) {
            None => match field {
                DateField::ActualStart => self.state.actual_start = Some(date),
                _ => self.state.actual_finish = Some(date),
            },
            Some(old) if old == date => {}
            Some(_) => {
                if let Some(reason) = self.reason() {
                    let (who, at) = (self.ctx.actor, self.ctx.now);
                    self.state.change_date(field, Some(date), reason, who, at);
                }
            }
        }
    }

    /// Starts the step on `date` unless it has started.
    fn ensure_started(&mut self, date: NaiveDate) {
        if self.state.actual_start.is_none() {
            self.state.actual_start = Some(date);
        }
    }
}

/// The step's next state after `action` with the form's `data`, or the form's errors.
pub fn apply(
    action: Action,
    old: &StepState,
    data: &FormData,
    ctx: &Ctx<'_>,
) -> Result<StepState, Vec<FieldError>> {
    let mut b = Build {
        ctx,
        data,
        state: old.clone(),
        errs: Vec::new(),
    };
    match action {
        Action::Start => start(&mut b),
        Action::Finish => finish(&mut b),
        Action::Deficiency => deficiency(&mut b),
        Action::Supply => {
            if let Some(d) = b.required_date("supplied_on") {
                if let Some(def) = b.state.deficiency.as_mut() {
                    def.supplied_on = Some(d);
                }
            }
        }
        Action::Commitment => commitment(&mut b),
        Action::Verify => {
            if let Some(d) = b.required_date("verified_on") {
                if let Some(c) = b.state.commitment.as_mut() {
                    c.verified_on = Some(d);
                }
            }
        }
        Action::Replan => replan(&mut b),
        Action::Suspend => suspend(&mut b),
        Action::Resume => {
            if let Some(d) = b.required_date("to") {
                if let Some(s) = b.state.suspensions.iter_mut().find(|s| s.to.is_none()) {
                    s.to = Some(d);
                }
            }
        }
        Action::Skip => {
            if let Some(r) = b.required_text("skip_reason") {
                b.state.status = StepStatus::Skipped;
                b.state.skip_reason = Some(r);
            }
        }
    }
    if b.errs.is_empty() {
        Ok(b.state)
    } else {
        Err(b.errs)
    }
}

fn start(b: &mut Build<'_>) {
    if let Some(d) = b.required_date("actual_start") {
        b.set_actual(DateField::ActualStart, d);
        if matches!(b.state.status, StepStatus::Pending | StepStatus::Blocked) {
            b.state.status = StepStatus::InProgress;
        }
    }
}

fn finish(b: &mut Build<'_>) {
    let start = if b.state.actual_start.is_none() {
        b.required_date("actual_start")
    } else {
        b.date("actual_start")
    };
    let finish = b.required_date("actual_finish");
    if let Some(s) = start {
        b.set_actual(DateField::ActualStart, s);
    }
    if let Some(f) = finish {
        b.set_actual(DateField::ActualFinish, f);
        b.state.status = StepStatus::Done;
    }
}

fn deficiency(b: &mut Build<'_>) {
    let on = b.required_date("accepted_on");
    let docs: Vec<String> = b
        .data
        .get("missing_documents")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if docs.is_empty() {
        b.required("missing_documents");
    }
    let days = b.days("supply_days");
    if let (Some(on), Some(days)) = (on, days) {
        b.ensure_started(on);
        b.state.deficiency = Some(Deficiency {
            missing_documents: docs,
            supply_days: days,
            accepted_on: on,
            supplied_on: None,
        });
        if b.state.status != StepStatus::Done {
            b.state.status = StepStatus::AcceptedWithDeficiency;
        }
    }
}

fn commitment(b: &mut Build<'_>) {
    let on = b.required_date("granted_on");
    let promised = b.required_text("promised");
    let days = b.days("verify_days");
    if let (Some(on), Some(promised), Some(days)) = (on, promised, days) {
        b.ensure_started(on);
        b.state.commitment = Some(Commitment {
            promised,
            verify_days: days,
            granted_on: on,
            verified_on: None,
        });
        if b.state.status != StepStatus::Done {
            b.state.status = StepStatus::GrantedOnCommitment;
        }
    }
}

fn replan(b: &mut Build<'_>) {
    let not_before = b.date("not_before");
    let due = b.date("due_override");
    if !b.errs.is_empty() {
        return;
    }
    let changes: Vec<(DateField, Option<NaiveDate>)> = [
        (DateField::NotBefore, not_before),
        (DateField::DueOverride, due),
    ]
    .into_iter()
    .filter(|(f, v)| b.state.date(*f) != *v)
    .collect();
    if changes.is_empty() {
        let t = b.ctx.lang.t("step.replan_nothing");
        b.errs.push(FieldError::new("due_override", "unchanged", t));
        return;
    }
    if let Some(reason) = b.reason() {
        for (field, value) in changes {
            let (who, at) = (b.ctx.actor, b.ctx.now);
            b.state.change_date(field, value, reason.clone(), who, at);
        }
    }
}

fn suspend(b: &mut Build<'_>) {
    let reason = SUSPENSION_REASONS
        .iter()
        .find(|(_, c)| *c == b.data.get("suspension_reason"))
        .map(|(r, _)| *r);
    if reason.is_none() {
        b.required("suspension_reason");
    }
    let from = b.required_date("from");
    if let (Some(reason), Some(from)) = (reason, from) {
        b.state.suspensions.push(Suspension {
            reason,
            from,
            to: None,
            note: b.data.get("note").to_owned(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    fn ctx() -> Ctx<'static> {
        Ctx {
            lang: Lang::ZhHans,
            actor: "editor",
            now: Utc::now(),
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn finishing_a_pending_step_starts_it_too() {
        let old = StepState::new("a");
        let f = data(&[
            ("actual_start", "2024-06-03"),
            ("actual_finish", "2024-06-05"),
        ]);
        let new = apply(Action::Finish, &old, &f, &ctx()).unwrap();
        assert_eq!(new.status, StepStatus::Done);
        assert_eq!(new.actual_start, Some(d("2024-06-03")));
        assert_eq!(new.actual_finish, Some(d("2024-06-05")));
        assert!(new.date_changes.is_empty(), "first dates need no reason");
    }

    #[test]
    fn changing_a_recorded_start_needs_a_reason_and_is_logged() {
        let old = StepState {
            status: StepStatus::InProgress,
            actual_start: Some(d("2024-06-03")),
            ..StepState::new("a")
        };
        let f = data(&[("actual_start", "2024-06-04")]);
        let errs = apply(Action::Start, &old, &f, &ctx()).unwrap_err();
        assert_eq!(errs[0].field, "reason");
        let f = data(&[("actual_start", "2024-06-04"), ("reason", "录入错误")]);
        let new = apply(Action::Start, &old, &f, &ctx()).unwrap();
        assert_eq!(new.date_changes.len(), 1);
        assert_eq!(new.date_changes[0].old, Some(d("2024-06-03")));
    }

    #[test]
    fn a_deficiency_lists_documents_one_a_line_and_needs_its_days() {
        let old = StepState::new("a");
        let f = data(&[
            ("accepted_on", "2024-06-03"),
            ("missing_documents", "环评批复\n\n 节能审查意见 "),
            ("supply_days", "十"),
        ]);
        let errs = apply(Action::Deficiency, &old, &f, &ctx()).unwrap_err();
        assert_eq!(errs[0].field, "supply_days");
        let f = data(&[
            ("accepted_on", "2024-06-03"),
            ("missing_documents", "环评批复\n\n 节能审查意见 "),
            ("supply_days", "10"),
        ]);
        let new = apply(Action::Deficiency, &old, &f, &ctx()).unwrap();
        assert_eq!(new.status, StepStatus::AcceptedWithDeficiency);
        assert_eq!(
            new.deficiency.unwrap().missing_documents,
            vec!["环评批复", "节能审查意见"]
        );
    }

    #[test]
    fn a_replan_without_change_or_reason_is_refused() {
        let old = StepState::new("a");
        let errs = apply(Action::Replan, &old, &data(&[]), &ctx()).unwrap_err();
        assert_eq!(errs[0].field, "due_override");
        let f = data(&[("due_override", "2024-07-01")]);
        let errs = apply(Action::Replan, &old, &f, &ctx()).unwrap_err();
        assert_eq!(errs[0].field, "reason");
    }

    #[test]
    fn core_field_names_map_to_form_fields() {
        assert_eq!(form_field("deficiency.supply_days"), "supply_days");
        assert_eq!(form_field("suspensions[1].from"), "from");
        assert_eq!(form_field("date_changes[2].actor"), "reason");
        assert_eq!(form_field("actual_finish"), "actual_finish");
    }
}
