//! What a writer does to one step of a project (项目管家): start, finish, 容缺受理 and the
//! supply of what was missing, 告知承诺 and its verification, re-plan, stop and restart the
//! clock, skip. Each is a [`StepCommand`] parsed from an [`Input`] (a page's form, a JSON
//! body, a command line) and applied to the step's state; the result is then checked with
//! [`super::validate_update`] against the template and the other steps when it is written.

use chrono::{DateTime, NaiveDate, Utc};

use super::state::{
    Commitment, DateField, Deficiency, StepState, StepStatus, Suspension, SuspensionReason,
};
use super::template::StepDef;
use crate::error::FieldError;
use crate::input::{Input, Reader};

/// Days to supply the documents a 容缺受理 lists, unless the writer says otherwise.
pub const DEFAULT_SUPPLY_DAYS: i32 = 5;
/// Days to verify a 告知承诺's promise, unless the writer says otherwise.
pub const DEFAULT_VERIFY_DAYS: i32 = 20;

/// The actions on a step, by their code (the last segment of their address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepAction {
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

impl StepAction {
    pub const ALL: [StepAction; 10] = [
        StepAction::Start,
        StepAction::Finish,
        StepAction::Deficiency,
        StepAction::Supply,
        StepAction::Commitment,
        StepAction::Verify,
        StepAction::Replan,
        StepAction::Suspend,
        StepAction::Resume,
        StepAction::Skip,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StepAction::Start => "start",
            StepAction::Finish => "finish",
            StepAction::Deficiency => "deficiency",
            StepAction::Supply => "supply",
            StepAction::Commitment => "commitment",
            StepAction::Verify => "verify",
            StepAction::Replan => "replan",
            StepAction::Suspend => "suspend",
            StepAction::Resume => "resume",
            StepAction::Skip => "skip",
        }
    }

    pub fn parse(code: &str) -> Option<StepAction> {
        StepAction::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The fields the action reads.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            StepAction::Start => &["actual_start", "reason"],
            StepAction::Finish => &["actual_start", "actual_finish", "reason"],
            StepAction::Deficiency => &["accepted_on", "missing_documents", "supply_days"],
            StepAction::Supply => &["supplied_on"],
            StepAction::Commitment => &["granted_on", "promised", "verify_days"],
            StepAction::Verify => &["verified_on"],
            StepAction::Replan => &["not_before", "due_override", "reason"],
            StepAction::Suspend => &["suspension_reason", "from", "note"],
            StepAction::Resume => &["to"],
            StepAction::Skip => &["skip_reason"],
        }
    }

    /// Whether a step in `s` of definition `def` offers the action now.
    pub fn offered(self, def: &StepDef, s: &StepState) -> bool {
        let finished = s.is_finished();
        let started = s.actual_start.is_some();
        let open_stop = s.suspensions.iter().any(|x| x.to.is_none());
        match self {
            StepAction::Start | StepAction::Replan => !finished,
            StepAction::Finish => s.status != StepStatus::Skipped,
            StepAction::Deficiency => def.allow_deficiency && s.deficiency.is_none() && !finished,
            StepAction::Supply => s
                .deficiency
                .as_ref()
                .is_some_and(|d| d.supplied_on.is_none()),
            StepAction::Commitment => def.allow_commitment && s.commitment.is_none() && !finished,
            StepAction::Verify => s
                .commitment
                .as_ref()
                .is_some_and(|c| c.verified_on.is_none()),
            StepAction::Suspend => started && !finished && !open_stop,
            StepAction::Resume => open_stop,
            StepAction::Skip => !started && !finished,
        }
    }

    /// The actions a step offers now, in order.
    pub fn offers(def: &StepDef, s: &StepState) -> Vec<StepAction> {
        StepAction::ALL
            .into_iter()
            .filter(|a| a.offered(def, s))
            .collect()
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

/// One action on a step with what it needs, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepCommand {
    Start {
        on: NaiveDate,
        reason: Option<String>,
    },
    Finish {
        start: Option<NaiveDate>,
        finish: NaiveDate,
        reason: Option<String>,
    },
    Deficiency {
        accepted_on: NaiveDate,
        missing_documents: Vec<String>,
        supply_days: i32,
    },
    Supply {
        on: NaiveDate,
    },
    Commitment {
        granted_on: NaiveDate,
        promised: String,
        verify_days: i32,
    },
    Verify {
        on: NaiveDate,
    },
    Replan {
        not_before: Option<NaiveDate>,
        due_override: Option<NaiveDate>,
        reason: Option<String>,
    },
    Suspend {
        reason: SuspensionReason,
        from: NaiveDate,
        note: String,
    },
    Resume {
        to: NaiveDate,
    },
    Skip {
        reason: String,
    },
}

/// The error of a change of a recorded date (or of the plan) without a reason.
fn reason_missing() -> FieldError {
    FieldError::new("reason", "step_reason", "更改已记录的日期或计划须说明原因")
}

impl StepCommand {
    /// Parses `action` from `input`, naming every bad or unknown field.
    pub fn parse(action: StepAction, input: &Input) -> Result<StepCommand, Vec<FieldError>> {
        let mut r = Reader::new(input);
        r.errs.extend(input.unknown(action.fields()));
        let c = match action {
            StepAction::Start => r
                .required_date("actual_start")
                .map(|on| StepCommand::Start {
                    on,
                    reason: input.opt("reason"),
                }),
            StepAction::Finish => {
                let start = r.date("actual_start");
                r.required_date("actual_finish")
                    .map(|finish| StepCommand::Finish {
                        start,
                        finish,
                        reason: input.opt("reason"),
                    })
            }
            StepAction::Deficiency => deficiency(&mut r),
            StepAction::Supply => r
                .required_date("supplied_on")
                .map(|on| StepCommand::Supply { on }),
            StepAction::Commitment => {
                let on = r.required_date("granted_on");
                let promised = r.required_text("promised");
                let days = r.required_int("verify_days");
                on.zip(promised)
                    .zip(days)
                    .map(
                        |((granted_on, promised), verify_days)| StepCommand::Commitment {
                            granted_on,
                            promised,
                            verify_days,
                        },
                    )
            }
            StepAction::Verify => r
                .required_date("verified_on")
                .map(|on| StepCommand::Verify { on }),
            StepAction::Replan => {
                let not_before = r.date("not_before");
                let due_override = r.date("due_override");
                Some(StepCommand::Replan {
                    not_before,
                    due_override,
                    reason: input.opt("reason"),
                })
            }
            StepAction::Suspend => {
                let code = input.get("suspension_reason");
                let reason = SUSPENSION_REASONS
                    .iter()
                    .find(|(_, c)| *c == code)
                    .map(|(r, _)| *r);
                if reason.is_none() {
                    r.required("suspension_reason");
                }
                let from = r.required_date("from");
                reason.zip(from).map(|(reason, from)| StepCommand::Suspend {
                    reason,
                    from,
                    note: input.get("note").to_owned(),
                })
            }
            StepAction::Resume => r.required_date("to").map(|to| StepCommand::Resume { to }),
            StepAction::Skip => r
                .required_text("skip_reason")
                .map(|reason| StepCommand::Skip { reason }),
        };
        r.finish(c)
    }

    /// The step's next state after the command, by `actor` at `at`; changes of recorded
    /// dates are logged with the command's reason (and refused without one).
    pub fn apply(
        &self,
        old: &StepState,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<StepState, Vec<FieldError>> {
        let mut b = Build {
            state: old.clone(),
            errs: Vec::new(),
            actor,
            at,
        };
        match self {
            StepCommand::Start { on, reason } => {
                b.set_actual(DateField::ActualStart, *on, reason);
                if matches!(b.state.status, StepStatus::Pending | StepStatus::Blocked) {
                    b.state.status = StepStatus::InProgress;
                }
            }
            StepCommand::Finish {
                start,
                finish,
                reason,
            } => {
                match start {
                    Some(s) => b.set_actual(DateField::ActualStart, *s, reason),
                    None if b.state.actual_start.is_none() => {
                        b.errs
                            .push(FieldError::new("actual_start", "required", "不能为空"))
                    }
                    None => {}
                }
                b.set_actual(DateField::ActualFinish, *finish, reason);
                b.state.status = StepStatus::Done;
            }
            StepCommand::Deficiency {
                accepted_on,
                missing_documents,
                supply_days,
            } => {
                b.ensure_started(*accepted_on);
                b.state.deficiency = Some(Deficiency {
                    missing_documents: missing_documents.clone(),
                    supply_days: *supply_days,
                    accepted_on: *accepted_on,
                    supplied_on: None,
                });
                if b.state.status != StepStatus::Done {
                    b.state.status = StepStatus::AcceptedWithDeficiency;
                }
            }
            StepCommand::Supply { on } => {
                if let Some(def) = b.state.deficiency.as_mut() {
                    def.supplied_on = Some(*on);
                }
            }
            StepCommand::Commitment {
                granted_on,
                promised,
                verify_days,
            } => {
                b.ensure_started(*granted_on);
                b.state.commitment = Some(Commitment {
                    promised: promised.clone(),
                    verify_days: *verify_days,
                    granted_on: *granted_on,
                    verified_on: None,
                });
                if b.state.status != StepStatus::Done {
                    b.state.status = StepStatus::GrantedOnCommitment;
                }
            }
            StepCommand::Verify { on } => {
                if let Some(c) = b.state.commitment.as_mut() {
                    c.verified_on = Some(*on);
                }
            }
            StepCommand::Replan {
                not_before,
                due_override,
                reason,
            } => b.replan(*not_before, *due_override, reason),
            StepCommand::Suspend { reason, from, note } => b.state.suspensions.push(Suspension {
                reason: *reason,
                from: *from,
                to: None,
                note: note.clone(),
            }),
            StepCommand::Resume { to } => {
                if let Some(s) = b.state.suspensions.iter_mut().find(|s| s.to.is_none()) {
                    s.to = Some(*to);
                }
            }
            StepCommand::Skip { reason } => {
                b.state.status = StepStatus::Skipped;
                b.state.skip_reason = Some(reason.clone());
            }
        }
        if b.errs.is_empty() {
            Ok(b.state)
        } else {
            Err(b.errs)
        }
    }
}

fn deficiency(r: &mut Reader<'_>) -> Option<StepCommand> {
    let on = r.required_date("accepted_on");
    let docs: Vec<String> = r
        .input
        .get("missing_documents")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if docs.is_empty() {
        r.required("missing_documents");
    }
    let days = r.required_int("supply_days");
    on.zip(days)
        .filter(|_| !docs.is_empty())
        .map(|(accepted_on, supply_days)| StepCommand::Deficiency {
            accepted_on,
            missing_documents: docs,
            supply_days,
        })
}

struct Build<'a> {
    state: StepState,
    errs: Vec<FieldError>,
    actor: &'a str,
    at: DateTime<Utc>,
}

impl Build<'_> {
    /// Sets an actual date; replacing a recorded one is logged with `reason`.
    fn set_actual(&mut self, field: DateField, date: NaiveDate, reason: &Option<String>) {
        match self.state.date(field) {
            None => match field {
                DateField::ActualStart => self.state.actual_start = Some(date),
                _ => self.state.actual_finish = Some(date),
            },
            Some(old) if old == date => {}
            Some(_) => match reason {
                Some(r) => {
                    self.state
                        .change_date(field, Some(date), r.clone(), self.actor, self.at)
                }
                None => self.errs.push(reason_missing()),
            },
        }
    }

    /// Starts the step on `date` unless it has started.
    fn ensure_started(&mut self, date: NaiveDate) {
        if self.state.actual_start.is_none() {
            self.state.actual_start = Some(date);
        }
    }

    fn replan(
        &mut self,
        not_before: Option<NaiveDate>,
        due: Option<NaiveDate>,
        reason: &Option<String>,
    ) {
        let changes: Vec<(DateField, Option<NaiveDate>)> = [
            (DateField::NotBefore, not_before),
            (DateField::DueOverride, due),
        ]
        .into_iter()
        .filter(|(f, v)| self.state.date(*f) != *v)
        .collect();
        if changes.is_empty() {
            self.errs.push(FieldError::new(
                "due_override",
                "plan_unchanged",
                "计划日期没有变化",
            ));
            return;
        }
        let Some(reason) = reason else {
            self.errs.push(reason_missing());
            return;
        };
        for (field, value) in changes {
            self.state
                .change_date(field, value, reason.clone(), self.actor, self.at);
        }
    }
}

#[cfg(test)]
mod tests;
