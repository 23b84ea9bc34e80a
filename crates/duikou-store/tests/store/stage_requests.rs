//! 阶段变更审批: a move the unit's settings send for approval is refused to a writer who does
//! not supervise the project, asked for instead, and made when a coordinator approves it;
//! sent back or withdrawn it changes nothing. A preview tries a move and keeps nothing.

use chrono::Duration;
use duikou_core::auth::{Access, ResolvedScope};
use duikou_core::project::Project;
use duikou_core::stage::TransitionKind;
use duikou_core::stage_request::{RequestAction, RequestStatus};
use duikou_core::warnings::RuleId;
use duikou_core::Stage;
use duikou_store::{RequestFilter, Store, StoreError, TransitionInput, WarningFilter};

use crate::fixtures::*;
use crate::helpers::on_each_backend;

/// A Shenyang editor (changes what Shenyang hosts) and the coordinator who supervises it.
async fn people(store: &Store) -> (Access, Access) {
    let shenyang = store.region("210100").await.unwrap().path;
    let editor = Access {
        user_id: Some(21),
        login: "sy-editor".into(),
        read: vec![ResolvedScope::RegionPath(shenyang.clone())],
        edit: vec![ResolvedScope::RegionPath(shenyang.clone())],
        ..Access::default()
    };
    let coordinator = Access {
        user_id: Some(22),
        login: "sy-coordinator".into(),
        read: vec![ResolvedScope::RegionPath(shenyang.clone())],
        supervise: vec![ResolvedScope::RegionPath(shenyang)],
        ..Access::default()
    };
    (editor, coordinator)
}

/// A signed project in 浑南 whose planned start is long past (a red 开工逾期 warning).
async fn signed_and_late(store: &Store) -> Project {
    seed(store).await;
    let today = store.today();
    let mut f = fields("浑南新材料产业园", "210112");
    f.planned_start = Some(today - Duration::days(200));
    store
        .with_access(clerk_access())
        .create_project(&new_project(f, Stage::Signed, today - Duration::days(300)))
        .await
        .unwrap()
}

fn to(stage: Stage, reason: Option<&str>) -> TransitionInput {
    TransitionInput {
        to: stage,
        effective_date: None,
        reason: reason.map(str::to_owned),
        override_rules: false,
    }
}

#[tokio::test]
async fn a_skip_to_operation_waits_for_the_coordinators_approval() {
    on_each_backend(|store: Store| async move {
        let p = signed_and_late(&store).await;
        let (editor, coordinator) = people(&store).await;
        let clerk = store.scoped(&editor);
        let input = to(Stage::Operating, Some("已整体建成投产"));

        // Moving directly is refused, and nothing moves.
        let e = assert_field(clerk.transition(p.id, None, &input).await, "to");
        assert_eq!(e.code, "approval_required", "{e:?}");
        assert_eq!(store.project(p.id).await.unwrap().stage, Stage::Signed);

        // Asked for instead: kept as asked, once.
        let r = clerk.request_stage_change(p.id, &input).await.unwrap();
        assert_eq!(r.status, RequestStatus::Pending);
        assert_eq!(
            (r.from_stage, r.to_stage),
            (Stage::Signed, Stage::Operating)
        );
        assert_eq!(r.kind, TransitionKind::Skip);
        assert_eq!(r.requested_by, "sy-editor");
        let again = clerk.request_stage_change(p.id, &input).await;
        assert_eq!(assert_field(again, "to").code, "request_waiting");
        // The next stage needs no approval: it is not asked for.
        let plain = clerk
            .request_stage_change(p.id, &to(Stage::Landed, None))
            .await;
        assert_eq!(assert_field(plain, "to").code, "no_approval_needed");

        // The editor does not approve their own request.
        let own = clerk.approve_stage_request(r.id, Some(r.version)).await;
        assert!(matches!(own, Err(StoreError::Forbidden(_))), "{own:?}");

        // The coordinator sees it waiting and approves it: the project moves, on the day
        // asked, and the request is closed.
        let boss = store.scoped(&coordinator);
        let waiting = boss
            .stage_requests(
                &RequestFilter {
                    status: Some(RequestStatus::Pending),
                    to_decide: true,
                    ..RequestFilter::default()
                },
                50,
                0,
            )
            .await
            .unwrap();
        assert_eq!(waiting.total, 1);
        assert_eq!(waiting.items[0].project_name, "浑南新材料产业园");
        // The editor has nothing to decide.
        let none = clerk
            .stage_requests(
                &RequestFilter {
                    to_decide: true,
                    ..RequestFilter::default()
                },
                50,
                0,
            )
            .await
            .unwrap();
        assert_eq!(none.total, 0);

        let (moved, change) = boss
            .approve_stage_request(r.id, Some(r.version))
            .await
            .unwrap();
        assert_eq!(moved.stage, Stage::Operating);
        assert_eq!(change.effective_date, r.effective_date);
        assert_eq!(change.actor, "sy-coordinator");
        let closed = boss.stage_request(r.id).await.unwrap();
        assert_eq!(closed.status, RequestStatus::Approved);
        assert_eq!(closed.decided_by.as_deref(), Some("sy-coordinator"));
        // Approving again does nothing more.
        assert!(boss.approve_stage_request(r.id, None).await.is_err());

        // The project's history reads the request and the approved move.
        let history = store.history("project", &p.id.to_string()).await.unwrap();
        let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
        assert!(actions.contains(&"request_stage"), "{actions:?}");
        assert!(actions.contains(&"approve_request"), "{actions:?}");
    })
    .await;
}

#[tokio::test]
async fn a_request_sent_back_or_withdrawn_changes_nothing_and_a_stale_one_is_not_approved() {
    on_each_backend(|store: Store| async move {
        let p = signed_and_late(&store).await;
        let (editor, coordinator) = people(&store).await;
        let clerk = store.scoped(&editor);
        let boss = store.scoped(&coordinator);
        let stop = to(Stage::Terminated, Some("投资方撤资"));
        let r = clerk.request_stage_change(p.id, &stop).await.unwrap();

        // Sending back needs a note, and is the coordinator's.
        let reject = RequestAction::Reject {
            note: "请先与投资方沟通".into(),
        };
        let by_clerk = clerk.act_on_stage_request(r.id, None, &reject).await;
        assert!(
            matches!(by_clerk, Err(StoreError::Forbidden(_))),
            "{by_clerk:?}"
        );
        let empty = RequestAction::Reject { note: " ".into() };
        let e = assert_field(boss.act_on_stage_request(r.id, None, &empty).await, "note");
        assert_eq!(e.code, "required");
        let back = boss
            .act_on_stage_request(r.id, None, &reject)
            .await
            .unwrap();
        assert_eq!(back.status, RequestStatus::Rejected);
        assert_eq!(store.project(p.id).await.unwrap().stage, Stage::Signed);
        assert!(boss.approve_stage_request(r.id, None).await.is_err());

        // Asked again and withdrawn by the editor.
        let r2 = clerk.request_stage_change(p.id, &stop).await.unwrap();
        let gone = clerk
            .act_on_stage_request(r2.id, Some(r2.version), &RequestAction::Withdraw)
            .await
            .unwrap();
        assert_eq!(gone.status, RequestStatus::Withdrawn);

        // Asked once more; the project moves on meanwhile: the request no longer applies.
        let r3 = clerk.request_stage_change(p.id, &stop).await.unwrap();
        clerk
            .transition(p.id, None, &to(Stage::Landed, None))
            .await
            .unwrap();
        let stale = boss.approve_stage_request(r3.id, None).await;
        assert_eq!(assert_field(stale, "to").code, "stage_changed");
        assert_eq!(store.project(p.id).await.unwrap().stage, Stage::Landed);
        assert_eq!(
            boss.stage_request(r3.id).await.unwrap().status,
            RequestStatus::Pending,
            "nothing half-written"
        );
    })
    .await;
}

#[tokio::test]
async fn a_preview_shows_the_warnings_a_move_clears_and_keeps_nothing() {
    on_each_backend(|store: Store| async move {
        let p = signed_and_late(&store).await;
        let (editor, coordinator) = people(&store).await;
        let open = |store: Store| async move {
            store
                .warnings_visible(
                    &WarningFilter {
                        project_id: Some(p.id),
                        ..WarningFilter::default()
                    },
                    None,
                    50,
                    0,
                )
                .await
                .unwrap()
                .items
        };
        let before = open(store.clone()).await;
        assert!(
            before.iter().any(|w| w.rule == RuleId::StartOverdue),
            "{before:?}"
        );
        let history_before = store.history("project", &p.id.to_string()).await.unwrap();

        let clerk = store.scoped(&editor);
        let started = to(Stage::Started, Some("已开工建设"));
        let pv = clerk.preview_transition(p.id, &started).await.unwrap();
        assert_eq!(
            (pv.from, pv.to, pv.kind),
            (Stage::Signed, Stage::Started, TransitionKind::Skip)
        );
        assert!(!pv.needs_approval && !pv.may_decide);
        assert!(pv.needs_confirmation());
        assert!(
            pv.cleared.iter().any(|w| w.rule == RuleId::StartOverdue),
            "{pv:?}"
        );
        assert_eq!(pv.version, p.version);

        // A move that waits for approval is previewed as approved.
        let pv = clerk
            .preview_transition(p.id, &to(Stage::Operating, Some("已投产")))
            .await
            .unwrap();
        assert!(pv.needs_approval && !pv.may_decide);
        assert!(pv.cleared.iter().any(|w| w.rule == RuleId::StartOverdue));
        let pv = store
            .scoped(&coordinator)
            .preview_transition(p.id, &started)
            .await;
        assert!(
            matches!(pv, Err(StoreError::Forbidden(_))),
            "a coordinator does not write"
        );

        // Nothing was kept: the stage, the warnings, the history.
        assert_eq!(store.project(p.id).await.unwrap(), p);
        assert_eq!(open(store.clone()).await.len(), before.len());
        let history_after = store.history("project", &p.id.to_string()).await.unwrap();
        assert_eq!(history_after.len(), history_before.len());
        // A refused move previews as refused.
        let bad = clerk
            .preview_transition(p.id, &to(Stage::Started, None))
            .await;
        assert_eq!(assert_field(bad, "reason").code, "reason_required");
    })
    .await;
}
