//! 阶段变更审批: which moves wait for approval under the unit's settings, what a request keeps,
//! and when it can still be approved, sent back or withdrawn.

use chrono::{NaiveDate, TimeZone, Utc};
use duikou_core::project::{Category, Project, ProjectFields, TransitionInput};
use duikou_core::stage::TransitionKind;
use duikou_core::stage_request::{NewStageRequest, RequestAction, RequestStatus, StageRequest};
use duikou_core::warnings::Thresholds;
use duikou_core::Stage;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a date")
}

fn project(stage: Stage) -> Project {
    let at = Utc
        .with_ymd_and_hms(2026, 1, 5, 8, 0, 0)
        .single()
        .expect("a time");
    Project {
        id: 7,
        fields: ProjectFields {
            code: None,
            external_ids: Default::default(),
            name: "浑南新材料产业园".into(),
            partnership_id: None,
            source_region_code: None,
            source_org_id: None,
            investor: None,
            host_region_code: "210112".into(),
            owner_org_id: Some(3),
            category: Category::Investment,
            industry: None,
            planned_start: None,
            planned_production: None,
            currency: Default::default(),
            planned_investment: None,
            agreement_amount: None,
            leader: None,
            service_officer: None,
            task_force: None,
            land_area_mu: None,
            address: None,
            note: None,
            generated: false,
            construction: None,
        },
        stage,
        stage_since: d(2026, 1, 5),
        held_stage: stage,
        created_at: at,
        updated_at: at,
        version: 1,
    }
}

fn to(stage: Stage, reason: Option<&str>) -> TransitionInput {
    TransitionInput {
        to: stage,
        effective_date: None,
        reason: reason.map(str::to_owned),
        override_rules: false,
    }
}

#[test]
fn by_default_skips_to_completion_or_operation_and_stopping_wait_for_approval() {
    let t = Thresholds::default();
    for stage in Stage::ALL {
        let skip = t.approval_needed(TransitionKind::Skip, stage);
        assert_eq!(
            skip,
            matches!(stage, Stage::Completed | Stage::Operating),
            "{stage:?}"
        );
        for kind in [
            TransitionKind::Forward,
            TransitionKind::Back,
            TransitionKind::Suspend,
            TransitionKind::Resume,
            TransitionKind::Reopen,
        ] {
            assert!(!t.approval_needed(kind, stage), "{kind:?} {stage:?}");
        }
    }
    assert!(t.approval_needed(TransitionKind::Terminate, Stage::Terminated));
    let relaxed = Thresholds {
        approve_skips_to: vec![],
        approve_terminate: false,
        ..Thresholds::default()
    };
    assert!(!relaxed.approval_needed(TransitionKind::Skip, Stage::Operating));
    assert!(!relaxed.approval_needed(TransitionKind::Terminate, Stage::Terminated));
    // A set stored before the setting existed reads with the defaults.
    let mut old = serde_json::to_value(Thresholds::default()).unwrap();
    old.as_object_mut().unwrap().remove("approve_skips_to");
    old.as_object_mut().unwrap().remove("approve_terminate");
    let old: Thresholds = serde_json::from_value(old).unwrap();
    assert_eq!(
        old.approve_skips_to,
        vec![Stage::Completed, Stage::Operating]
    );
    assert!(old.approve_terminate);
}

#[test]
fn only_every_other_move_than_the_next_stage_or_a_resumption_is_confirmed() {
    assert!(!TransitionKind::Forward.needs_confirmation());
    assert!(!TransitionKind::Resume.needs_confirmation());
    for k in [
        TransitionKind::Skip,
        TransitionKind::Back,
        TransitionKind::Suspend,
        TransitionKind::Terminate,
        TransitionKind::Reopen,
    ] {
        assert!(k.needs_confirmation(), "{k:?}");
    }
}

#[test]
fn a_request_keeps_a_move_that_is_allowed_now_and_needs_approval() {
    let t = Thresholds::default();
    let needed = |k, s| t.approval_needed(k, s);
    let p = project(Stage::Signed);
    let today = d(2026, 3, 2);
    let r =
        NewStageRequest::of(&to(Stage::Operating, Some("已整体投产")), &p, today, needed).unwrap();
    assert_eq!(
        r,
        NewStageRequest {
            from_stage: Stage::Signed,
            to_stage: Stage::Operating,
            kind: TransitionKind::Skip,
            effective_date: today,
            reason: "已整体投产".into(),
        }
    );
    // Without a reason the rules refuse it before any approval.
    let e = NewStageRequest::of(&to(Stage::Operating, None), &p, today, needed).unwrap_err();
    assert_eq!(e.0[0].field, "reason");
    // The next stage needs nobody's approval: it is made, not asked for.
    let e = NewStageRequest::of(&to(Stage::Landed, None), &p, today, needed).unwrap_err();
    assert_eq!(e.0[0].code, "no_approval_needed");
    // An override is an administrator's, never a request.
    let mut forced = to(Stage::Operating, Some("x"));
    forced.override_rules = true;
    let e = NewStageRequest::of(&forced, &p, today, needed).unwrap_err();
    assert_eq!(e.0[0].field, "override");
}

fn pending() -> StageRequest {
    StageRequest {
        id: 1,
        project_id: 7,
        from_stage: Stage::Signed,
        to_stage: Stage::Operating,
        kind: TransitionKind::Skip,
        effective_date: d(2026, 3, 2),
        reason: "已整体投产".into(),
        status: RequestStatus::Pending,
        requested_by: "sy-editor".into(),
        requested_at: Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap(),
        decided_by: None,
        decided_at: None,
        decision_note: None,
        version: 1,
    }
}

#[test]
fn an_approval_makes_the_move_asked_for_only_from_where_it_was_asked() {
    let r = pending();
    let input = r.transition(&project(Stage::Signed)).unwrap();
    assert_eq!(input.to, Stage::Operating);
    assert_eq!(input.effective_date, Some(d(2026, 3, 2)));
    assert_eq!(input.reason.as_deref(), Some("已整体投产"));
    let e = r.transition(&project(Stage::Landed)).unwrap_err();
    assert_eq!(e.0[0].code, "stage_changed");
    let done = StageRequest {
        status: RequestStatus::Approved,
        ..pending()
    };
    assert_eq!(
        done.transition(&project(Stage::Signed)).unwrap_err().0[0].code,
        "not_pending"
    );
}

#[test]
fn sending_back_needs_a_note_and_nothing_is_done_to_a_closed_request() {
    let at = Utc.with_ymd_and_hms(2026, 3, 3, 2, 0, 0).unwrap();
    let r = pending();
    let e = RequestAction::Reject { note: "  ".into() }
        .apply(&r, "sy-coordinator", at)
        .unwrap_err();
    assert_eq!(e.0[0].field, "note");
    let back = RequestAction::Reject {
        note: "请补充竣工验收材料".into(),
    }
    .apply(&r, "sy-coordinator", at)
    .unwrap();
    assert_eq!(back.status, RequestStatus::Rejected);
    assert_eq!(back.decided_by.as_deref(), Some("sy-coordinator"));
    assert_eq!(back.decision_note.as_deref(), Some("请补充竣工验收材料"));
    let e = RequestAction::Withdraw
        .apply(&back, "sy-editor", at)
        .unwrap_err();
    assert_eq!(e.0[0].code, "not_pending");
    let gone = RequestAction::Withdraw.apply(&r, "sy-editor", at).unwrap();
    assert_eq!(gone.status, RequestStatus::Withdrawn);
    assert!(RequestAction::Reject { note: "x".into() }.supervises());
    assert!(!RequestAction::Withdraw.supervises());
}
