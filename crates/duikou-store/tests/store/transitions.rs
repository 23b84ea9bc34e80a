//! Stage transitions: checked by the rules of `duikou_core::stage`, dated, and recorded in order.

use chrono::NaiveDate;
use duikou_core::project::Project;
use duikou_core::stage::TransitionKind;
use duikou_core::{Actor, Stage};
use duikou_store::{Store, StoreError, TransitionInput};

use crate::fixtures::*;
use crate::helpers::on_each_backend;

const TODAY: (i32, u32, u32) = (2018, 12, 31);

fn today() -> NaiveDate {
    d(TODAY.0, TODAY.1, TODAY.2)
}

fn to(stage: Stage, on: NaiveDate) -> TransitionInput {
    TransitionInput {
        to: stage,
        effective_date: Some(on),
        reason: None,
        override_rules: false,
    }
}

fn because(mut input: TransitionInput, reason: &str) -> TransitionInput {
    input.reason = Some(reason.into());
    input
}

async fn moved(store: &Store, actor: &Actor, p: &Project, input: TransitionInput) -> Project {
    transition(store, actor, p.id, Some(p.version), &input, today())
        .await
        .unwrap_or_else(|e| panic!("transition to {:?}: {e}", input.to))
        .0
}

/// Asserts that a refused transition names `field` with `code` and changed nothing.
async fn assert_refused(
    store: &Store,
    actor: &Actor,
    p: &Project,
    input: TransitionInput,
    field: &str,
    code: &str,
) {
    let result = transition(store, actor, p.id, Some(p.version), &input, today()).await;
    let e = assert_field(result, field);
    assert_eq!(e.code, code, "{e:?}");
    assert_eq!(
        store.project(p.id).await.unwrap(),
        *p,
        "the project is unchanged"
    );
    let history = store.stage_changes(p.id).await.unwrap();
    assert_eq!(
        history.last().unwrap().to_stage,
        p.stage,
        "no history row was added"
    );
}

async fn a_lead(store: &Store) -> Project {
    seed(store).await;
    lead(store, fields("沈阳新材料项目", "210112")).await
}

#[tokio::test]
async fn a_forward_move_needs_no_reason_and_dates_the_new_stage() {
    on_each_backend(|store: Store| async move {
        let p = a_lead(&store).await;
        let (after, change) = transition(
            &store,
            &clerk(),
            p.id,
            Some(1),
            &to(Stage::Negotiating, d(2018, 2, 1)),
            today(),
        )
        .await
        .unwrap();
        assert_eq!(after.stage, Stage::Negotiating);
        assert_eq!(after.stage_since, d(2018, 2, 1));
        assert_eq!(after.held_stage, Stage::Negotiating);
        assert_eq!(after.version, 2);
        assert_eq!(change.kind, Some(TransitionKind::Forward));
        assert_eq!(change.from_stage, Some(Stage::Lead));
        assert_eq!(change.actor, "clerk");
        assert!(!change.overridden);
        assert_eq!(store.project(p.id).await.unwrap(), after);
    })
    .await;
}

#[tokio::test]
async fn skipping_a_stage_needs_a_reason() {
    on_each_backend(|store: Store| async move {
        let p = a_lead(&store).await;
        let skip = to(Stage::Signed, d(2018, 3, 1));
        assert_refused(
            &store,
            &clerk(),
            &p,
            skip.clone(),
            "reason",
            "reason_required",
        )
        .await;
        let blank = because(skip.clone(), "   ");
        assert_refused(&store, &clerk(), &p, blank, "reason", "reason_required").await;
        let (after, change) = transition(
            &store,
            &clerk(),
            p.id,
            Some(1),
            &because(skip, "框架协议直接签订"),
            today(),
        )
        .await
        .unwrap();
        assert_eq!(after.stage, Stage::Signed);
        assert_eq!(change.kind, Some(TransitionKind::Skip));
        assert_eq!(change.reason.as_deref(), Some("框架协议直接签订"));
    })
    .await;
}

#[tokio::test]
async fn landing_before_signing_needs_an_administrators_override() {
    on_each_backend(|store: Store| async move {
        let p = a_lead(&store).await;
        let p = moved(&store, &clerk(), &p, to(Stage::Negotiating, d(2018, 2, 1))).await;
        let land = because(to(Stage::Landed, d(2018, 4, 1)), "市政府专题会议决定");
        assert_refused(&store, &admin(), &p, land.clone(), "to", "not_signed").await;
        let forced = TransitionInput {
            override_rules: true,
            ..land
        };
        assert_refused(
            &store,
            &clerk(),
            &p,
            forced.clone(),
            "override",
            "forbidden",
        )
        .await;
        let (after, change) = transition(&store, &admin(), p.id, Some(p.version), &forced, today())
            .await
            .unwrap();
        assert_eq!(after.stage, Stage::Landed);
        assert!(change.overridden);
        assert_eq!(change.kind, Some(TransitionKind::Skip));
        assert_eq!(change.actor, "admin");
    })
    .await;
}

#[tokio::test]
async fn an_effective_date_before_the_current_stage_or_in_the_future_is_refused() {
    on_each_backend(|store: Store| async move {
        let p = a_lead(&store).await;
        let p = moved(&store, &clerk(), &p, to(Stage::Negotiating, d(2018, 6, 1))).await;
        let early = to(Stage::Signed, d(2018, 5, 31));
        assert_refused(&store, &clerk(), &p, early, "effective_date", "date_order").await;
        let tomorrow = to(Stage::Signed, today().succ_opt().unwrap());
        assert_refused(
            &store,
            &clerk(),
            &p,
            tomorrow,
            "effective_date",
            "future_date",
        )
        .await;
        // The day the stage began and today itself are both allowed.
        let p = moved(&store, &clerk(), &p, to(Stage::Signed, d(2018, 6, 1))).await;
        let p = moved(&store, &clerk(), &p, to(Stage::Landed, today())).await;
        assert_eq!(p.stage_since, today());
    })
    .await;
}

#[tokio::test]
async fn a_stale_version_refuses_a_transition() {
    on_each_backend(|store: Store| async move {
        let p = a_lead(&store).await;
        let result = transition(
            &store,
            &clerk(),
            p.id,
            Some(7),
            &to(Stage::Negotiating, d(2018, 2, 1)),
            today(),
        )
        .await;
        assert!(
            matches!(result, Err(StoreError::Stale { current: 1, .. })),
            "{result:?}"
        );
        assert_eq!(store.project(p.id).await.unwrap(), p);
        assert_eq!(store.stage_changes(p.id).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_suspended_project_resumes_the_stage_it_held() {
    on_each_backend(|store: Store| async move {
        let p = a_lead(&store).await;
        let p = moved(
            &store,
            &clerk(),
            &p,
            because(to(Stage::Signed, d(2018, 2, 1)), "签约"),
        )
        .await;
        let suspend = to(Stage::Suspended, d(2018, 3, 1));
        assert_refused(
            &store,
            &clerk(),
            &p,
            suspend.clone(),
            "reason",
            "reason_required",
        )
        .await;
        let p = moved(&store, &clerk(), &p, because(suspend, "资金未到位")).await;
        assert_eq!((p.stage, p.held_stage), (Stage::Suspended, Stage::Signed));
        let (p, change) = transition(
            &store,
            &clerk(),
            p.id,
            Some(p.version),
            &to(Stage::Signed, d(2018, 4, 1)),
            today(),
        )
        .await
        .unwrap();
        assert_eq!(change.kind, Some(TransitionKind::Resume));
        assert_eq!((p.stage, p.held_stage), (Stage::Signed, Stage::Signed));
    })
    .await;
}

#[tokio::test]
async fn the_stage_history_lists_every_move_in_order() {
    on_each_backend(|store: Store| async move {
        let p = a_lead(&store).await;
        let p = moved(&store, &clerk(), &p, to(Stage::Negotiating, d(2018, 2, 1))).await;
        let p = moved(&store, &clerk(), &p, to(Stage::Signed, d(2018, 2, 1))).await;
        let p = moved(&store, &clerk(), &p, to(Stage::Landed, d(2018, 5, 20))).await;
        let p = moved(
            &store,
            &clerk(),
            &p,
            because(to(Stage::Signed, d(2018, 6, 1)), "用地未批"),
        )
        .await;
        moved(
            &store,
            &clerk(),
            &p,
            because(to(Stage::Terminated, d(2018, 9, 30)), "投资方撤资"),
        )
        .await;
        let history = store.stage_changes(p.id).await.unwrap();
        let steps: Vec<_> = history
            .iter()
            .map(|h| (h.from_stage, h.to_stage, h.kind, h.effective_date))
            .collect();
        use Stage::*;
        use TransitionKind::*;
        assert_eq!(
            steps,
            [
                (None, Lead, None, d(2018, 1, 1)),
                (Some(Lead), Negotiating, Some(Forward), d(2018, 2, 1)),
                (Some(Negotiating), Signed, Some(Forward), d(2018, 2, 1)),
                (Some(Signed), Landed, Some(Forward), d(2018, 5, 20)),
                (Some(Landed), Signed, Some(Back), d(2018, 6, 1)),
                (Some(Signed), Terminated, Some(Terminate), d(2018, 9, 30)),
            ]
        );
        assert!(history.windows(2).all(|w| w[0].id < w[1].id));
        let reopen = because(to(Lead, d(2018, 10, 1)), "重启");
        let last = store.project(p.id).await.unwrap();
        assert_refused(&store, &clerk(), &last, reopen, "to", "terminated").await;
    })
    .await;
}
