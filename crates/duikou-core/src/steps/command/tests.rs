use proptest::prelude::*;

use super::*;

fn input(pairs: &[(&str, &str)]) -> Input {
    Input::from_pairs(pairs.iter().copied())
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn run(
    action: StepAction,
    old: &StepState,
    pairs: &[(&str, &str)],
) -> Result<StepState, Vec<FieldError>> {
    let c = StepCommand::parse(action, &input(pairs))?;
    c.apply(old, "editor", Utc::now())
}

fn fields(errs: &[FieldError]) -> Vec<&str> {
    errs.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn finishing_a_pending_step_starts_it_too() {
    let old = StepState::new("a");
    let f = [
        ("actual_start", "2024-06-03"),
        ("actual_finish", "2024-06-05"),
    ];
    let new = run(StepAction::Finish, &old, &f).unwrap();
    assert_eq!(new.status, StepStatus::Done);
    assert_eq!(new.actual_start, Some(d("2024-06-03")));
    assert_eq!(new.actual_finish, Some(d("2024-06-05")));
    assert!(new.date_changes.is_empty(), "first dates need no reason");
    let errs = run(StepAction::Finish, &old, &[("actual_finish", "2024-06-05")]).unwrap_err();
    assert_eq!(fields(&errs), ["actual_start"]);
}

#[test]
fn changing_a_recorded_start_needs_a_reason_and_is_logged_with_who_and_when() {
    let old = StepState {
        status: StepStatus::InProgress,
        actual_start: Some(d("2024-06-03")),
        ..StepState::new("a")
    };
    let errs = run(StepAction::Start, &old, &[("actual_start", "2024-06-04")]).unwrap_err();
    assert_eq!(fields(&errs), ["reason"]);
    let at = Utc::now();
    let c = StepCommand::parse(
        StepAction::Start,
        &input(&[("actual_start", "2024-06-04"), ("reason", "录入错误")]),
    )
    .unwrap();
    let new = c.apply(&old, "sy-editor", at).unwrap();
    assert_eq!(new.date_changes.len(), 1);
    assert_eq!(new.date_changes[0].old, Some(d("2024-06-03")));
    assert_eq!(
        (new.date_changes[0].actor.as_str(), new.date_changes[0].at),
        ("sy-editor", at)
    );
}

#[test]
fn a_deficiency_lists_documents_one_a_line_and_needs_its_days() {
    let old = StepState::new("a");
    let f = [
        ("accepted_on", "2024-06-03"),
        ("missing_documents", "环评批复\n\n 节能审查意见 "),
        ("supply_days", "十"),
    ];
    let errs = run(StepAction::Deficiency, &old, &f).unwrap_err();
    assert_eq!(fields(&errs), ["supply_days"]);
    let f = [
        ("accepted_on", "2024-06-03"),
        ("missing_documents", "环评批复\n\n 节能审查意见 "),
        ("supply_days", "10"),
    ];
    let new = run(StepAction::Deficiency, &old, &f).unwrap();
    assert_eq!(new.status, StepStatus::AcceptedWithDeficiency);
    assert_eq!(new.actual_start, Some(d("2024-06-03")));
    assert_eq!(
        new.deficiency.unwrap().missing_documents,
        vec!["环评批复", "节能审查意见"]
    );
}

#[test]
fn a_replan_without_change_or_reason_is_refused() {
    let old = StepState::new("a");
    let errs = run(StepAction::Replan, &old, &[]).unwrap_err();
    assert_eq!(fields(&errs), ["due_override"]);
    let errs = run(StepAction::Replan, &old, &[("due_override", "2024-07-01")]).unwrap_err();
    assert_eq!(fields(&errs), ["reason"]);
    let new = run(
        StepAction::Replan,
        &old,
        &[("due_override", "2024-07-01"), ("reason", "专家评审延后")],
    )
    .unwrap();
    assert_eq!(new.due_override, Some(d("2024-07-01")));
    assert_eq!(new.date_changes.len(), 1);
}

#[test]
fn every_bad_and_unknown_field_is_named_at_once() {
    let old = StepState::new("a");
    let f = [
        ("granted_on", "2024-13-01"),
        ("verify_days", "x"),
        ("colour", "red"),
        ("actor", "sy-leader"),
    ];
    let errs = run(StepAction::Commitment, &old, &f).unwrap_err();
    let mut named = fields(&errs);
    named.sort_unstable();
    assert_eq!(
        named,
        ["actor", "colour", "granted_on", "promised", "verify_days"]
    );
}

#[test]
fn a_suspension_is_opened_and_closed_and_a_skip_keeps_its_reason() {
    let old = StepState {
        status: StepStatus::InProgress,
        actual_start: Some(d("2024-06-03")),
        ..StepState::new("a")
    };
    let f = [
        ("suspension_reason", "expert_review"),
        ("from", "2024-06-10"),
    ];
    let s = run(StepAction::Suspend, &old, &f).unwrap();
    assert_eq!(s.suspensions.len(), 1);
    let errs = run(StepAction::Suspend, &old, &[("suspension_reason", "nap")]).unwrap_err();
    assert_eq!(fields(&errs), ["suspension_reason", "from"]);
    let r = run(StepAction::Resume, &s, &[("to", "2024-06-20")]).unwrap();
    assert_eq!(r.suspensions[0].to, Some(d("2024-06-20")));
    let k = run(
        StepAction::Skip,
        &StepState::new("b"),
        &[("skip_reason", "本项目不涉及")],
    )
    .unwrap();
    assert_eq!(
        (k.status, k.skip_reason.as_deref()),
        (StepStatus::Skipped, Some("本项目不涉及"))
    );
}

#[test]
fn every_action_has_a_code_that_parses_back() {
    for a in StepAction::ALL {
        assert_eq!(StepAction::parse(a.code()), Some(a));
    }
    assert_eq!(StepAction::parse("nap"), None);
}

proptest! {
    /// Whatever is typed, a command either names the fields it refuses or yields a state
    /// whose log only grows, stamped with the actor given.
    #[test]
    fn any_input_errs_by_field_or_only_appends_to_the_log(
        a in 0usize..10,
        vals in proptest::collection::vec(
            prop_oneof![Just(String::new()), Just("2024-06-05".to_owned()), Just("3".to_owned()),
                        Just("x".to_owned()), Just("expert_review".to_owned()), ".{0,8}"],
            10),
    ) {
        let action = StepAction::ALL[a];
        let names = action.fields();
        let pairs: Vec<(&str, &str)> =
            names.iter().zip(vals.iter()).map(|(k, v)| (*k, v.as_str())).collect();
        let old = StepState {
            status: StepStatus::InProgress,
            actual_start: Some(d("2024-06-03")),
            ..StepState::new("a")
        };
        match StepCommand::parse(action, &input(&pairs)) {
            Err(errs) => {
                prop_assert!(!errs.is_empty());
                prop_assert!(errs.iter().all(|e| names.contains(&e.field.as_str())));
            }
            Ok(c) => match c.apply(&old, "me", Utc::now()) {
                Err(errs) => prop_assert!(errs.iter().all(|e| names.contains(&e.field.as_str()))),
                Ok(new) => {
                    prop_assert!(new.date_changes.starts_with(&old.date_changes));
                    prop_assert!(new.date_changes.iter().all(|c| c.actor == "me"));
                }
            },
        }
    }
}
