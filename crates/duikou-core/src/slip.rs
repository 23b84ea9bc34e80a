//! Supervision slips (督办单): a red warning (or a supervisor by hand) asks the owner for a
//! rectification plan (整改方案) by a reply deadline; the supervisor accepts or returns it;
//! the plan's items are ticked off until the supervisor closes the slip (销号). An extension
//! (申请延期) is asked for before the current deadline, with a reason, and approved or refused.
//!
//! This module holds the rules of the workflow; the store keeps slips and their history.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Errors, FieldError, ValidationError};
use crate::input::{Input, Reader};

/// Where a slip stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlipStatus {
    /// 待答复: issued, waiting for the owner's plan.
    Issued,
    /// 待审核: the owner replied with a plan.
    Replied,
    /// 已退回: the supervisor returned the plan; the owner replies again.
    Returned,
    /// 整改中: the plan is accepted and being carried out.
    Accepted,
    /// 已销号: closed by the supervisor.
    Closed,
}

impl SlipStatus {
    pub const ALL: [SlipStatus; 5] = [
        SlipStatus::Issued,
        SlipStatus::Replied,
        SlipStatus::Returned,
        SlipStatus::Accepted,
        SlipStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SlipStatus::Issued => "issued",
            SlipStatus::Replied => "replied",
            SlipStatus::Returned => "returned",
            SlipStatus::Accepted => "accepted",
            SlipStatus::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<SlipStatus> {
        SlipStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            SlipStatus::Issued => "待答复",
            SlipStatus::Replied => "待审核",
            SlipStatus::Returned => "已退回",
            SlipStatus::Accepted => "整改中",
            SlipStatus::Closed => "已销号",
        }
    }

    /// The owner must answer by `reply_due` in these states.
    pub fn awaits_reply(self) -> bool {
        matches!(self, SlipStatus::Issued | SlipStatus::Returned)
    }
}

/// One measure of a rectification plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanItem {
    /// What will be done.
    pub action: String,
    /// By when.
    pub due: NaiveDate,
    /// Done on (set when progress is reported).
    #[serde(default)]
    pub done_on: Option<NaiveDate>,
}

/// A pending request to move the deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Extension {
    pub new_due: NaiveDate,
    pub reason: String,
    pub requested_on: NaiveDate,
}

/// What the workflow looks at in a slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipState {
    pub status: SlipStatus,
    pub reply_due: NaiveDate,
    pub plan: Vec<PlanItem>,
    pub extension: Option<Extension>,
}

impl SlipState {
    /// The deadline in force: the reply's while a plan is awaited or under review, else the
    /// last due date of the plan.
    pub fn current_due(&self) -> NaiveDate {
        match self.status {
            SlipStatus::Accepted | SlipStatus::Closed => self
                .plan
                .iter()
                .map(|p| p.due)
                .max()
                .unwrap_or(self.reply_due),
            _ => self.reply_due,
        }
    }

    /// Past the deadline in force and not closed.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status != SlipStatus::Closed
            && today > self.current_due()
            && !(self.status == SlipStatus::Accepted
                && self.plan.iter().all(|p| p.done_on.is_some()))
    }
}

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The owner of the project (edits it).
    Owner,
    /// The supervising office or leader.
    Supervisor,
}

/// A step of the workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum SlipAction {
    /// The owner answers with a plan (replaces a returned one).
    Reply { plan: Vec<PlanItem>, note: String },
    /// The supervisor accepts the plan.
    Accept {
        #[serde(default)]
        note: String,
    },
    /// The supervisor returns the plan, saying why.
    Return { note: String },
    /// The owner reports an item of the plan done.
    Progress {
        item: usize,
        done_on: NaiveDate,
        #[serde(default)]
        note: String,
    },
    /// The owner asks to move the deadline in force, before it passes.
    RequestExtension { new_due: NaiveDate, reason: String },
    /// The supervisor approves or refuses the pending request.
    DecideExtension {
        approve: bool,
        #[serde(default)]
        note: String,
    },
    /// 销号: the supervisor closes the slip.
    Close { note: String },
}

/// Rows a reply's plan may have when typed (`plan[0].action`, `plan[0].due`, …).
pub const MAX_PLAN_ROWS: usize = 50;

/// An action parsed from what the writer typed, with the typed row of each plan item (rows
/// left blank are skipped, so the store's `plan[k]` is typed row `plan_rows[k]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAction {
    pub action: SlipAction,
    pub plan_rows: Vec<usize>,
}

impl SlipAction {
    /// The fields the action named `name` reads (`approve_extension` and `refuse_extension`
    /// are the two answers of `decide_extension`).
    pub fn fields(name: &str) -> Vec<String> {
        match name {
            "reply" => (0..MAX_PLAN_ROWS)
                .flat_map(|i| [format!("plan[{i}].action"), format!("plan[{i}].due")])
                .chain(["note".to_owned()])
                .collect(),
            "progress" => vec!["item".into(), "done_on".into(), "note".into()],
            "request_extension" => vec!["new_due".into(), "reason".into()],
            _ => vec!["note".into()],
        }
    }

    /// Parses the action named `name` from a form's or the command line's fields, naming
    /// every bad or missing field.
    pub fn parse(name: &str, input: &Input) -> Result<ParsedAction, Vec<FieldError>> {
        let mut r = Reader::new(input);
        let note = input.get("note").to_owned();
        let mut plan_rows = Vec::new();
        let action = match name {
            "reply" => {
                let (plan, rows) = plan_of(&mut r);
                plan_rows = rows;
                Some(SlipAction::Reply { plan, note })
            }
            "accept" => Some(SlipAction::Accept { note }),
            "return" => Some(SlipAction::Return { note }),
            "progress" => {
                let item = match input.get("item") {
                    "" => {
                        r.required("item");
                        None
                    }
                    v => v.parse::<usize>().ok().or_else(|| {
                        r.errs.push(FieldError::new("item", "number", "请输入数字"));
                        None
                    }),
                };
                let done_on = r.required_date("done_on");
                item.zip(done_on)
                    .map(|(item, done_on)| SlipAction::Progress {
                        item,
                        done_on,
                        note,
                    })
            }
            "request_extension" => {
                r.required_date("new_due")
                    .map(|new_due| SlipAction::RequestExtension {
                        new_due,
                        reason: input.get("reason").to_owned(),
                    })
            }
            "approve_extension" | "refuse_extension" => Some(SlipAction::DecideExtension {
                approve: name == "approve_extension",
                note,
            }),
            "close" => Some(SlipAction::Close { note }),
            _ => {
                let e = FieldError::new("action", "choice", format!("未知的督办操作「{name}」"));
                r.errs.push(e);
                None
            }
        };
        r.finish(action)
            .map(|action| ParsedAction { action, plan_rows })
    }
}

/// The plan typed in rows `plan[i].action` / `plan[i].due`, blank rows skipped, and the row
/// of each item; at least one item.
fn plan_of(r: &mut Reader) -> (Vec<PlanItem>, Vec<usize>) {
    let mut plan = Vec::new();
    let mut rows = Vec::new();
    for i in 0..MAX_PLAN_ROWS {
        let action_field = format!("plan[{i}].action");
        let due_field = format!("plan[{i}].due");
        let action = r.input.get(&action_field).to_owned();
        if action.is_empty() && r.input.get(&due_field).is_empty() {
            continue;
        }
        let due = r.required_date(&due_field);
        if action.is_empty() {
            r.required(&action_field);
        }
        if let Some(due) = due {
            plan.push(PlanItem {
                action,
                due,
                done_on: None,
            });
            rows.push(i);
        }
    }
    if plan.is_empty() && r.errs.is_empty() {
        let e = FieldError::new("plan", "plan_required", "整改方案至少包含一项措施");
        r.errs.push(e);
    }
    (plan, rows)
}

impl SlipAction {
    pub fn code(&self) -> &'static str {
        match self {
            SlipAction::Reply { .. } => "reply",
            SlipAction::Accept { .. } => "accept",
            SlipAction::Return { .. } => "return",
            SlipAction::Progress { .. } => "progress",
            SlipAction::RequestExtension { .. } => "request_extension",
            SlipAction::DecideExtension { .. } => "decide_extension",
            SlipAction::Close { .. } => "close",
        }
    }

    /// Who may take it.
    pub fn party(&self) -> Party {
        match self {
            SlipAction::Reply { .. }
            | SlipAction::Progress { .. }
            | SlipAction::RequestExtension { .. } => Party::Owner,
            _ => Party::Supervisor,
        }
    }

    /// The note of the action, for the history.
    pub fn note(&self) -> &str {
        match self {
            SlipAction::Reply { note, .. }
            | SlipAction::Accept { note }
            | SlipAction::Return { note }
            | SlipAction::Progress { note, .. }
            | SlipAction::DecideExtension { note, .. }
            | SlipAction::Close { note } => note,
            SlipAction::RequestExtension { reason, .. } => reason,
        }
    }
}

fn refused(status: SlipStatus, what: &str) -> ValidationError {
    ValidationError::one(
        "status",
        "invalid_status",
        format!("督办单当前为「{}」，不能{what}", status.label_zh()),
    )
}

fn text(e: &mut Errors, field: &str, value: &str, required: bool, label: &str) {
    if required && value.trim().is_empty() {
        e.push(field, "required", format!("请填写{label}"));
    }
    if let Err(bad) = crate::text::check(field, value, crate::text::TextKind::Text) {
        e.push(bad.field, bad.code, format!("{label}{}", bad.message));
    }
}

/// Applies `action` to `state` on `today`, or says why not (naming the field).
pub fn apply(
    state: &SlipState,
    action: &SlipAction,
    today: NaiveDate,
) -> Result<SlipState, ValidationError> {
    let mut next = state.clone();
    let mut e = Errors::new();
    match action {
        SlipAction::Reply { plan, note } => {
            if !state.status.awaits_reply() {
                return Err(refused(state.status, "提交整改方案"));
            }
            text(&mut e, "note", note, false, "说明");
            if plan.is_empty() {
                e.push("plan", "required", "整改方案至少包含一项措施");
            }
            if plan.len() > 50 {
                e.push("plan", "too_many", "整改方案最多50项措施");
            }
            for (i, item) in plan.iter().enumerate() {
                text(
                    &mut e,
                    &format!("plan[{i}].action"),
                    &item.action,
                    true,
                    "整改措施",
                );
                if item.due < today {
                    e.push(
                        format!("plan[{i}].due"),
                        "in_the_past",
                        format!("完成时限{}早于今天", item.due),
                    );
                }
                if item.done_on.is_some() {
                    e.push(
                        format!("plan[{i}].done_on"),
                        "not_allowed",
                        "提交方案时不能填写完成日期，请在整改进展中填报",
                    );
                }
            }
            next.status = SlipStatus::Replied;
            next.plan = plan.clone();
            next.extension = None;
        }
        SlipAction::Accept { note } => {
            if state.status != SlipStatus::Replied {
                return Err(refused(state.status, "审核通过"));
            }
            text(&mut e, "note", note, false, "审核意见");
            next.status = SlipStatus::Accepted;
        }
        SlipAction::Return { note } => {
            if state.status != SlipStatus::Replied {
                return Err(refused(state.status, "退回"));
            }
            text(&mut e, "note", note, true, "退回理由");
            next.status = SlipStatus::Returned;
        }
        SlipAction::Progress {
            item,
            done_on,
            note,
        } => {
            if state.status != SlipStatus::Accepted {
                return Err(refused(state.status, "填报整改进展"));
            }
            text(&mut e, "note", note, false, "进展说明");
            match next.plan.get_mut(*item) {
                None => e.push(
                    "item",
                    "unknown_item",
                    format!("整改方案没有第{}项", item + 1),
                ),
                Some(p) if p.done_on.is_some() => {
                    e.push("item", "already_done", format!("第{}项已完成", item + 1))
                }
                Some(p) => {
                    if *done_on > today {
                        e.push("done_on", "in_the_future", "完成日期不能晚于今天");
                    }
                    p.done_on = Some(*done_on);
                }
            }
        }
        SlipAction::RequestExtension { new_due, reason } => {
            if state.status == SlipStatus::Closed {
                return Err(refused(state.status, "申请延期"));
            }
            text(&mut e, "reason", reason, true, "延期理由");
            let due = state.current_due();
            if today > due {
                e.push(
                    "new_due",
                    "too_late",
                    format!("延期须在期限{due}之前申请，现已逾期"),
                );
            }
            if *new_due <= due {
                e.push("new_due", "not_later", format!("新期限应晚于现期限{due}"));
            }
            if state.extension.is_some() {
                e.push("new_due", "pending", "已有待审批的延期申请");
            }
            next.extension = Some(Extension {
                new_due: *new_due,
                reason: reason.trim().to_owned(),
                requested_on: today,
            });
        }
        SlipAction::DecideExtension { approve, note } => {
            let Some(ext) = &state.extension else {
                return Err(ValidationError::one(
                    "approve",
                    "nothing_pending",
                    "没有待审批的延期申请",
                ));
            };
            text(&mut e, "note", note, !approve, "审批意见");
            if *approve {
                match state.status {
                    SlipStatus::Accepted => {
                        // The plan's last items move to the new deadline.
                        let old = state.current_due();
                        for p in &mut next.plan {
                            if p.due == old && p.done_on.is_none() {
                                p.due = ext.new_due;
                            }
                        }
                    }
                    _ => next.reply_due = ext.new_due,
                }
            }
            next.extension = None;
        }
        SlipAction::Close { note } => {
            if state.status != SlipStatus::Accepted {
                return Err(refused(state.status, "销号"));
            }
            text(&mut e, "note", note, true, "销号意见");
            if let Some(i) = state.plan.iter().position(|p| p.done_on.is_none()) {
                e.push(
                    "plan",
                    "unfinished",
                    format!("整改方案第{}项尚未完成，不能销号", i + 1),
                );
            }
            next.status = SlipStatus::Closed;
            next.extension = None;
        }
    }
    e.finish()?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(pairs: &[(&str, &str)]) -> Input {
        Input::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn a_reply_reads_the_typed_rows_and_names_each_bad_one() {
        let ok = SlipAction::parse(
            "reply",
            &typed(&[
                ("plan[0].action", "约谈业主"),
                ("plan[0].due", "2026-12-10"),
                ("plan[2].action", "复工"),
                ("plan[2].due", "2026-12-20"),
                ("note", " 已部署 "),
            ]),
        )
        .unwrap();
        assert_eq!(ok.plan_rows, vec![0, 2]);
        let SlipAction::Reply { plan, note } = ok.action else {
            panic!("a reply")
        };
        assert_eq!((plan.len(), note.as_str()), (2, "已部署"));
        let bad = SlipAction::parse(
            "reply",
            &typed(&[("plan[0].action", "约谈"), ("plan[1].due", "2026-02-30")]),
        )
        .unwrap_err();
        let fields: Vec<_> = bad.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("plan[0].due", "required"),
                ("plan[1].due", "date"),
                ("plan[1].action", "required")
            ]
        );
        let empty = SlipAction::parse("reply", &typed(&[])).unwrap_err();
        assert_eq!(empty[0].code, "plan_required");
    }

    #[test]
    fn every_action_parses_and_an_unknown_one_is_named() {
        let progress = typed(&[("item", "1"), ("done_on", "2026-12-01")]);
        assert!(matches!(
            SlipAction::parse("progress", &progress).unwrap().action,
            SlipAction::Progress { item: 1, .. }
        ));
        let missing = SlipAction::parse("progress", &typed(&[("item", "x")])).unwrap_err();
        let fields: Vec<_> = missing.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["item", "done_on"]);
        assert!(matches!(
            SlipAction::parse("refuse_extension", &typed(&[]))
                .unwrap()
                .action,
            SlipAction::DecideExtension { approve: false, .. }
        ));
        let e = SlipAction::parse("request_extension", &typed(&[])).unwrap_err();
        assert_eq!(e[0].field, "new_due");
        let e = SlipAction::parse("launch", &typed(&[])).unwrap_err();
        assert_eq!((e[0].field.as_str(), e[0].code), ("action", "choice"));
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    fn issued() -> SlipState {
        SlipState {
            status: SlipStatus::Issued,
            reply_due: d(3, 10),
            plan: Vec::new(),
            extension: None,
        }
    }

    fn item(action: &str, due: NaiveDate) -> PlanItem {
        PlanItem {
            action: action.into(),
            due,
            done_on: None,
        }
    }

    fn field(r: Result<SlipState, ValidationError>) -> String {
        r.expect_err("refused").0[0].field.clone()
    }

    #[test]
    fn the_whole_way_from_issue_to_closing() {
        let s = issued();
        let plan = vec![
            item("协调用地指标", d(3, 20)),
            item("完成土地挂牌", d(4, 30)),
        ];
        let s = apply(
            &s,
            &SlipAction::Reply {
                plan,
                note: String::new(),
            },
            d(3, 8),
        )
        .expect("reply");
        assert_eq!(s.status, SlipStatus::Replied);
        let returned = apply(
            &s,
            &SlipAction::Return {
                note: "时限过长".into(),
            },
            d(3, 9),
        )
        .expect("return");
        assert_eq!(returned.status, SlipStatus::Returned);
        let s = apply(
            &returned,
            &SlipAction::Reply {
                plan: vec![
                    item("协调用地指标", d(3, 20)),
                    item("完成土地挂牌", d(4, 15)),
                ],
                note: "压缩时限".into(),
            },
            d(3, 9),
        )
        .expect("second reply");
        let s = apply(
            &s,
            &SlipAction::Accept {
                note: String::new(),
            },
            d(3, 10),
        )
        .expect("accept");
        assert_eq!(s.current_due(), d(4, 15));
        // Closing with an item open is refused, naming the plan.
        assert_eq!(
            field(apply(
                &s,
                &SlipAction::Close { note: "好".into() },
                d(3, 21)
            )),
            "plan"
        );
        let s = apply(
            &s,
            &SlipAction::Progress {
                item: 0,
                done_on: d(3, 18),
                note: String::new(),
            },
            d(3, 18),
        )
        .expect("progress 0");
        let s = apply(
            &s,
            &SlipAction::Progress {
                item: 1,
                done_on: d(4, 10),
                note: String::new(),
            },
            d(4, 12),
        )
        .expect("progress 1");
        let s = apply(
            &s,
            &SlipAction::Close {
                note: "同意销号".into(),
            },
            d(4, 12),
        )
        .expect("close");
        assert_eq!(s.status, SlipStatus::Closed);
        assert!(!s.overdue(d(12, 31)));
    }

    #[test]
    fn an_extension_is_asked_before_the_deadline_and_moves_it_when_approved() {
        let s = issued();
        let ask = |new_due, today| {
            apply(
                &s,
                &SlipAction::RequestExtension {
                    new_due,
                    reason: "需上级审批".into(),
                },
                today,
            )
        };
        assert_eq!(
            field(ask(d(3, 17), d(3, 11))),
            "new_due",
            "after the deadline"
        );
        assert_eq!(field(ask(d(3, 10), d(3, 9))), "new_due", "not later");
        let pending = ask(d(3, 17), d(3, 10)).expect("on the deadline day");
        assert_eq!(
            field(apply(
                &pending,
                &SlipAction::RequestExtension {
                    new_due: d(3, 20),
                    reason: "再延".into()
                },
                d(3, 10)
            )),
            "new_due"
        );
        let refused = apply(
            &pending,
            &SlipAction::DecideExtension {
                approve: false,
                note: String::new(),
            },
            d(3, 10),
        );
        assert_eq!(field(refused), "note", "a refusal says why");
        let approved = apply(
            &pending,
            &SlipAction::DecideExtension {
                approve: true,
                note: String::new(),
            },
            d(3, 10),
        )
        .expect("approve");
        assert_eq!(approved.reply_due, d(3, 17));
        assert!(approved.extension.is_none());
        assert!(!approved.overdue(d(3, 15)));
        assert!(approved.overdue(d(3, 18)));
    }

    #[test]
    fn a_plan_is_checked_item_by_item() {
        let r = apply(
            &issued(),
            &SlipAction::Reply {
                plan: vec![item("", d(3, 20)), item("补办手续", d(1, 2))],
                note: String::new(),
            },
            d(3, 8),
        );
        let fields: Vec<String> = r
            .expect_err("bad plan")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["plan[0].action", "plan[1].due"]);
        assert_eq!(
            field(apply(
                &issued(),
                &SlipAction::Reply {
                    plan: vec![],
                    note: String::new()
                },
                d(3, 8)
            )),
            "plan"
        );
        // Only a replied plan can be accepted or returned.
        assert_eq!(
            field(apply(
                &issued(),
                &SlipAction::Accept {
                    note: String::new()
                },
                d(3, 8)
            )),
            "status"
        );
    }
}
