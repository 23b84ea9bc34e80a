//! The rules a new state of a step must keep ([`validate_update`]).

use chrono::{Datelike, NaiveDate};

use super::history::check_date_log;
use super::named;
use super::state::{DateField, StepState, StepStatus, Suspension, SuspensionReason};
use super::template::{StepDef, Template, MAX_LIMIT_DAYS};
use crate::error::{Errors, ValidationError};

/// Checks `new_state` as the next state of step `key`, given the project's current
/// `states` (the step's own current state among them, if any). Reports every broken rule;
/// each message names the step (name and key), in Chinese:
///
/// - the step exists in the template and `new_state.key == key`;
/// - the status fits the dates: pending has no actual dates, in progress a start and no
///   finish, done a start and a finish; 容缺受理 / 告知承诺 need a start, their record, and
///   the template's permission; skipped needs a reason;
/// - no actual finish without a start, nor before it; no actual or follow-up date after
///   `today`; every date within 1990–2199;
/// - a finished step's dependencies are finished (or skipped) on or before its finish,
///   unless it carries a deficiency or commitment (容缺 / 承诺);
/// - a deficiency lists its missing documents and has `supply_days` in
///   `1..=MAX_LIMIT_DAYS`; a commitment states the promise and has `verify_days` likewise;
///   neither is closed before it was opened;
/// - a suspension needs a started step, starts on or after the actual start, ends on or
///   after it starts (and by the actual finish, when finished), does not overlap another,
///   and has a note when its reason is `other`;
/// - `date_changes` only grows, and every change of a recorded date (any change of a plan
///   date: `not_before`, `due_override`) is logged there with a reason and an actor.
pub fn validate_update(
    template: &Template,
    states: &[StepState],
    key: &str,
    new_state: &StepState,
    today: NaiveDate,
) -> Result<(), ValidationError> {
    let Some(def) = template.step(key) else {
        return Err(ValidationError::one(
            "key",
            "unknown_step",
            format!("模板「{}」中没有环节「{key}」", template.name),
        ));
    };
    let blank = StepState::new(key);
    let old = states.iter().find(|s| s.key == key).unwrap_or(&blank);
    let check = Check {
        def,
        me: named(&def.name),
        new: new_state,
        today,
    };
    let mut errs = Errors::new();
    if new_state.key != key {
        errs.push(
            "key",
            "inconsistent",
            format!("环节{}的状态编码为「{}」，不一致", check.me, new_state.key),
        );
    }
    check_ranges(new_state, &mut errs);
    check_texts(new_state, &mut errs);
    check.status(&mut errs);
    check.dates(&mut errs);
    check.dependencies(template, states, &mut errs);
    check.follow_ups(&mut errs);
    check.suspensions(&mut errs);
    check.successors(template, states, old, &mut errs);
    check_date_log(&check.me, old, new_state, &mut errs);
    errs.finish()
}

struct Check<'a> {
    def: &'a StepDef,
    me: String,
    new: &'a StepState,
    today: NaiveDate,
}

impl Check<'_> {
    fn status(&self, errs: &mut Errors) {
        let (me, s) = (&self.me, self.new);
        let status = s.status.label_zh();
        let (started, finished) = (s.actual_start.is_some(), s.actual_finish.is_some());
        let mut need = |ok: bool, field: &str, what: &str| {
            if !ok {
                errs.push(field, "status", format!("环节{me}状态为“{status}”，{what}"));
            }
        };
        match s.status {
            StepStatus::Pending => need(!started && !finished, "status", "不能有实际日期"),
            StepStatus::InProgress => {
                need(started, "actual_start", "须填写实际开始日期");
                need(!finished, "actual_finish", "不能有实际完成日期");
            }
            StepStatus::Done => {
                need(started, "actual_start", "须填写实际开始日期");
                need(finished, "actual_finish", "须填写实际完成日期");
            }
            StepStatus::AcceptedWithDeficiency => {
                need(started, "actual_start", "须填写实际开始（受理）日期");
                need(
                    s.deficiency.is_some(),
                    "deficiency",
                    "须列明容缺材料和补正期限",
                );
            }
            StepStatus::GrantedOnCommitment => {
                need(started, "actual_start", "须填写实际开始（受理）日期");
                need(
                    s.commitment.is_some(),
                    "commitment",
                    "须填写承诺内容和核查期限",
                );
            }
            StepStatus::Skipped => need(
                s.skip_reason
                    .as_deref()
                    .is_some_and(|r| !r.trim().is_empty()),
                "skip_reason",
                "须说明跳过原因",
            ),
            StepStatus::Blocked => {}
        }
        if s.deficiency.is_some() && !self.def.allow_deficiency {
            errs.push(
                "deficiency",
                "not_allowed",
                format!("环节{me}不允许容缺受理"),
            );
        }
        if s.commitment.is_some() && !self.def.allow_commitment {
            errs.push(
                "commitment",
                "not_allowed",
                format!("环节{me}不允许告知承诺"),
            );
        }
    }

    fn dates(&self, errs: &mut Errors) {
        let s = self.new;
        match (s.actual_start, s.actual_finish) {
            (None, Some(_)) => errs.push(
                "actual_finish",
                "required",
                format!("环节{}有实际完成日期但没有实际开始日期", self.me),
            ),
            (Some(a), Some(f)) if f < a => errs.push(
                "actual_finish",
                "date_order",
                format!("环节{}的实际完成日期{f}早于实际开始日期{a}", self.me),
            ),
            _ => {}
        }
        self.past("actual_start", s.actual_start, errs);
        self.past("actual_finish", s.actual_finish, errs);
        self.in_range("not_before", s.not_before, errs);
        self.in_range("due_override", s.due_override, errs);
    }

    /// A date that must not be after today (and within range).
    fn past(&self, field: &str, date: Option<NaiveDate>, errs: &mut Errors) {
        match date {
            Some(d) if d > self.today => errs.push(
                field,
                "future_date",
                format!("环节{}的日期{d}晚于今天（{}）", self.me, self.today),
            ),
            _ => self.in_range(field, date, errs),
        }
    }

    fn in_range(&self, field: &str, date: Option<NaiveDate>, errs: &mut Errors) {
        if let Some(d) = date.filter(|d| !(1990..=2199).contains(&d.year())) {
            errs.push(
                field,
                "range",
                format!("环节{}的日期{d}超出允许范围（1990—2199年）", self.me),
            );
        }
    }

    fn dependencies(&self, template: &Template, states: &[StepState], errs: &mut Errors) {
        let Some(finish) = self.new.actual_finish else {
            return;
        };
        if self.new.has_waiver() {
            return;
        }
        for dep in &self.def.depends_on {
            let Some(dep_def) = template.step(dep) else {
                continue;
            };
            let dep_label = named(&dep_def.name);
            let problem = match finished_by(states.iter().find(|s| s.key == *dep), finish) {
                Ok(()) => continue,
                Err(Some(f)) => format!("依赖环节{dep_label}于{f}才办结"),
                Err(None) => format!("依赖环节{dep_label}尚未办结"),
            };
            errs.push(
                "actual_finish",
                "dependency",
                format!(
                    "环节{}不能先于其依赖环节办结：{problem}（容缺受理或告知承诺的环节除外）",
                    self.me
                ),
            );
        }
    }

    /// A successor already finished without a waiver keeps this step finished before it:
    /// an update may not move this step's finish past it, nor re-open this step.
    fn successors(
        &self,
        template: &Template,
        states: &[StepState],
        old: &StepState,
        errs: &mut Errors,
    ) {
        for succ in template
            .steps()
            .filter(|s| s.depends_on.contains(&self.def.key))
        {
            let Some(state) = states.iter().find(|s| s.key == succ.key) else {
                continue;
            };
            let Some(done_on) = state.actual_finish.filter(|_| !state.has_waiver()) else {
                continue;
            };
            if finished_by(Some(self.new), done_on).is_err()
                && finished_by(Some(old), done_on).is_ok()
            {
                errs.push(
                    "actual_finish",
                    "dependent",
                    format!(
                        "环节{}的后续环节{}已于{done_on}办结，本环节须在此之前办结",
                        self.me,
                        named(&succ.name)
                    ),
                );
            }
        }
    }

    fn follow_ups(&self, errs: &mut Errors) {
        let me = &self.me;
        if let Some(d) = &self.new.deficiency {
            if d.missing_documents.iter().all(|m| m.trim().is_empty()) {
                errs.push(
                    "deficiency.missing_documents",
                    "required",
                    format!("环节{me}容缺受理须列明所缺材料"),
                );
            }
            self.days("deficiency.supply_days", "补正期限", d.supply_days, errs);
            self.past("deficiency.accepted_on", Some(d.accepted_on), errs);
            self.closed("deficiency.supplied_on", d.accepted_on, d.supplied_on, errs);
        }
        if let Some(c) = &self.new.commitment {
            if c.promised.trim().is_empty() {
                errs.push(
                    "commitment.promised",
                    "required",
                    format!("环节{me}告知承诺须写明承诺内容"),
                );
            }
            self.days("commitment.verify_days", "核查期限", c.verify_days, errs);
            self.past("commitment.granted_on", Some(c.granted_on), errs);
            self.closed("commitment.verified_on", c.granted_on, c.verified_on, errs);
        }
    }

    fn days(&self, field: &str, zh: &str, days: i32, errs: &mut Errors) {
        if !(1..=MAX_LIMIT_DAYS).contains(&days) {
            errs.push(
                field,
                "range",
                format!(
                    "环节{}的{zh}须为1至{MAX_LIMIT_DAYS}个工作日（现为{days}）",
                    self.me
                ),
            );
        }
    }

    fn closed(&self, field: &str, opened: NaiveDate, closed: Option<NaiveDate>, errs: &mut Errors) {
        match closed {
            Some(c) if c < opened => errs.push(
                field,
                "date_order",
                format!("环节{}的办结日期{c}早于起始日期{opened}", self.me),
            ),
            _ => self.past(field, closed, errs),
        }
    }

    fn suspensions(&self, errs: &mut Errors) {
        let list = &self.new.suspensions;
        for (i, s) in list.iter().enumerate() {
            self.suspension(i, s, errs);
        }
        let mut order: Vec<usize> = (0..list.len()).collect();
        order.sort_by_key(|&i| list[i].from);
        for pair in order.windows(2) {
            let (a, b) = (&list[pair[0]], &list[pair[1]]);
            if a.to.is_none_or(|to| b.from <= to) {
                errs.push(
                    format!("suspensions[{}].from", pair[1]),
                    "overlap",
                    format!(
                        "环节{}的第{}次计时暂停与第{}次重叠",
                        self.me,
                        pair[1] + 1,
                        pair[0] + 1
                    ),
                );
            }
        }
    }

    fn suspension(&self, i: usize, s: &Suspension, errs: &mut Errors) {
        let (me, n, field) = (&self.me, i + 1, format!("suspensions[{i}]"));
        match self.new.actual_start {
            None => errs.push(
                format!("{field}.from"),
                "date_order",
                format!("环节{me}尚未开始，不能暂停计时（第{n}次）"),
            ),
            Some(a) if s.from < a => errs.push(
                format!("{field}.from"),
                "date_order",
                format!(
                    "环节{me}第{n}次计时暂停的开始日期{}早于环节开始日期{a}",
                    s.from
                ),
            ),
            _ => self.past(&format!("{field}.from"), Some(s.from), errs),
        }
        let to = format!("{field}.to");
        match (s.to, self.new.actual_finish) {
            (Some(t), _) if t < s.from => errs.push(
                to,
                "date_order",
                format!("环节{me}第{n}次计时暂停的结束日期{t}早于开始日期{}", s.from),
            ),
            (Some(t), Some(f)) if t > f => errs.push(
                to,
                "date_order",
                format!("环节{me}第{n}次计时暂停的结束日期{t}晚于环节实际完成日期{f}"),
            ),
            (None, Some(_)) => errs.push(
                to,
                "required",
                format!("环节{me}已办结，第{n}次计时暂停须填写结束日期"),
            ),
            (t, _) => self.past(&to, t, errs),
        }
        if s.reason == SuspensionReason::Other && s.note.trim().is_empty() {
            errs.push(
                format!("{field}.note"),
                "required",
                format!("环节{me}第{n}次计时暂停的原因为“其他”，须填写说明"),
            );
        }
    }
}

/// Ok when the step (`None`: no state, pending) is finished on or before `when`: skipped
/// without a finish, or an actual finish not after `when`. Else its later finish, if any.
fn finished_by(state: Option<&StepState>, when: NaiveDate) -> Result<(), Option<NaiveDate>> {
    match state {
        Some(s) if s.status == StepStatus::Skipped && s.actual_finish.is_none() => Ok(()),
        Some(StepState {
            actual_finish: Some(f),
            ..
        }) if *f <= when => Ok(()),
        Some(s) => Err(s.actual_finish),
        None => Err(None),
    }
}

/// Every text of a step within its kind's limit (`crate::text`), free of NUL.
fn check_texts(s: &StepState, errs: &mut Errors) {
    use crate::text::{push, push_opt, TextKind};
    push_opt(
        errs,
        "skip_reason",
        s.skip_reason.as_deref(),
        TextKind::Text,
    );
    if let Some(d) = &s.deficiency {
        for (i, doc) in d.missing_documents.iter().enumerate() {
            push(
                errs,
                &format!("deficiency.missing_documents[{i}]"),
                doc,
                TextKind::Title,
            );
        }
    }
    if let Some(c) = &s.commitment {
        push(errs, "commitment.promised", &c.promised, TextKind::Text);
    }
    for (i, p) in s.suspensions.iter().enumerate() {
        push(
            errs,
            &format!("suspensions[{i}].note"),
            &p.note,
            TextKind::Text,
        );
    }
    // The reasons of date changes are checked as they are added (`check_date_log`).
}

/// Every date of a step inside the accepted range (`crate::dates`), each one out of it named.
fn check_ranges(s: &StepState, errs: &mut Errors) {
    let mut dates: Vec<(String, NaiveDate)> = DateField::ALL
        .into_iter()
        .filter_map(|f| s.date(f).map(|d| (f.code().to_owned(), d)))
        .collect();
    if let Some(d) = &s.deficiency {
        dates.push(("deficiency.accepted_on".into(), d.accepted_on));
        dates.extend(d.supplied_on.map(|x| ("deficiency.supplied_on".into(), x)));
    }
    if let Some(c) = &s.commitment {
        dates.push(("commitment.granted_on".into(), c.granted_on));
        dates.extend(c.verified_on.map(|x| ("commitment.verified_on".into(), x)));
    }
    for (i, p) in s.suspensions.iter().enumerate() {
        dates.push((format!("suspensions[{i}].from"), p.from));
        dates.extend(p.to.map(|x| (format!("suspensions[{i}].to"), x)));
    }
    for (i, c) in s.date_changes.iter().enumerate() {
        for (name, d) in [("old", c.old), ("new", c.new)] {
            dates.extend(d.map(|x| (format!("date_changes[{i}].{name}"), x)));
        }
    }
    for (field, d) in dates {
        if !crate::dates::in_range(d) {
            errs.push(field, "date_range", crate::dates::out_of_range_message());
        }
    }
}
