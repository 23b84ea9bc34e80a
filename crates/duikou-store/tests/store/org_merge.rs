//! 停用, 启用 and 合并 of a unit: a disabled unit is given to nothing new but stays where it
//! is; a merge moves every reference to the kept unit, in one transaction, and the histories
//! say so.

use duikou_core::auth::{Grant, Role, Scope};
use duikou_core::notify::{ChannelFields, ChannelKind};
use duikou_core::org::{Org, OrgAction, OrgInput, OrgKind};
use duikou_core::problem::{ProblemCategory, ProblemFields, ProblemStatus};
use duikou_core::warnings::{Level, Thresholds};
use duikou_store::accounts::NewUser;
use duikou_store::{Backend, Store, StoreError};

use crate::fixtures::*;
use crate::helpers::{on_each_backend, TestDb};

async fn org(store: &Store, name: &str, parent: Option<i64>) -> Org {
    store
        .with_access(clerk_access())
        .create_org(&OrgInput {
            name: name.into(),
            kind: OrgKind::Department,
            region_code: "210112".into(),
            parent_id: parent,
        })
        .await
        .unwrap()
}

fn problem(owner: i64) -> ProblemFields {
    ProblemFields {
        category: ProblemCategory::LandSupply,
        description: "用地指标未落实".into(),
        owner_org_id: Some(owner),
        due_date: Some(d(2018, 9, 30)),
        status: ProblemStatus::Open,
        resolution: None,
        resolved_on: None,
        progress: None,
    }
}

/// A unit named by a project (owner and source), a problem, a user with a grant over it, a
/// child unit, a partnership side, a channel and a threshold set.
struct Named {
    old: Org,
    kept: Org,
    child: Org,
    project: i64,
    problem: i64,
    partnership: i64,
    channel: i64,
}

async fn named(store: &Store) -> Named {
    let world = seed(store).await;
    let old = org(store, "浑南区发改局", None).await;
    let kept = org(store, "浑南区发展和改革局", None).await;
    let child = org(store, "投资科", Some(old.id)).await;
    let w = store.with_access(clerk_access());
    let mut f = fields("新材料产业园", "210112");
    f.owner_org_id = Some(old.id);
    f.source_org_id = Some(old.id);
    let project = lead(store, f).await.id;
    let problem = w
        .create_problem(project, &problem(old.id))
        .await
        .unwrap()
        .id;
    let user = NewUser {
        login: "hunnan".into(),
        display_name: "浑南填报".into(),
        org_id: Some(old.id),
        password: Some("Liaoning-2024".into()),
    };
    w.create_user(&user).await.unwrap();
    let g = Grant {
        role: Role::Editor,
        scope: Scope::Org { org_id: old.id },
    };
    w.grant("hunnan", &g).await.unwrap();
    let mut side = partnership_input("hn-x", "浑南结对", None, "110000", "210112");
    side.side_b.org_id = Some(old.id);
    let partnership = w.create_partnership(&side).await.unwrap().id;
    let channel = w
        .create_channel(&ChannelFields {
            org_id: Some(old.id),
            kind: ChannelKind::Webhook,
            name: "发改局".into(),
            target: "http://127.0.0.1:9/hook".into(),
            secret: Some("0123456789abcdef".into()),
            min_level: Level::Yellow,
            enabled: true,
        })
        .await
        .unwrap()
        .id;
    w.save_thresholds(Some(old.id), 2024, &Thresholds::default())
        .await
        .unwrap();
    let _ = world;
    Named {
        old,
        kept,
        child,
        project,
        problem,
        partnership,
        channel,
    }
}

#[tokio::test]
async fn a_merge_moves_every_reference_and_disables_the_merged_unit() {
    on_each_backend(|store: Store| async move {
        let n = named(&store).await;
        let uses = store.org_uses(n.old.id, n.kept.id).await.unwrap();
        assert_eq!(
            (
                uses.projects,
                uses.source_projects,
                uses.problems,
                uses.users
            ),
            (1, 1, 1, 1)
        );
        assert_eq!((uses.grants, uses.children, uses.partnerships), (1, 1, 1));
        assert_eq!((uses.channels, uses.threshold_sets), (1, 1));
        let merged = store
            .with_access(clerk_access())
            .act_org(n.old.id, Some(1), OrgAction::Merge { into: n.kept.id })
            .await
            .unwrap();
        assert!(merged.disabled);
        assert_eq!(merged.merged_into, Some(n.kept.id));

        let p = store.project(n.project).await.unwrap();
        assert_eq!(p.fields.owner_org_id, Some(n.kept.id));
        assert_eq!(p.fields.source_org_id, Some(n.kept.id));
        assert_eq!(p.version, 2, "a moved project takes a new version");
        let pr = store.problem(n.project, n.problem).await.unwrap();
        assert_eq!(pr.fields.owner_org_id, Some(n.kept.id));
        let u = store.user("hunnan").await.unwrap();
        assert_eq!(u.org_id, Some(n.kept.id));
        assert_eq!(u.grants[0].scope, Scope::Org { org_id: n.kept.id });
        assert_eq!(
            store.org(n.child.id).await.unwrap().parent_id,
            Some(n.kept.id)
        );
        let side = store.partnership(n.partnership).await.unwrap();
        assert_eq!(side.side_b.org_id, Some(n.kept.id));
        assert_eq!(
            store.channel(n.channel).await.unwrap().org_id,
            Some(n.kept.id)
        );
        let sets = store.threshold_sets().await.unwrap();
        assert!(sets.iter().all(|s| s.org_id != Some(n.old.id)));
        assert_eq!(
            store.org_uses(n.old.id, n.kept.id).await.unwrap(),
            Default::default()
        );

        // The histories say so: the project's owner changed, the merged unit was merged, the
        // kept one received it.
        let h = store
            .history("project", &n.project.to_string())
            .await
            .unwrap();
        let last = h.last().unwrap();
        assert_eq!(last.action, "merge_org");
        assert_eq!(last.after.as_ref().unwrap()["owner_org_id"], n.kept.id);
        let h = store.history("org", &n.old.id.to_string()).await.unwrap();
        assert_eq!(h.last().unwrap().action, "merge");
        let h = store.history("org", &n.kept.id.to_string()).await.unwrap();
        let received = h.last().unwrap();
        assert_eq!(received.action, "merge_in");
        assert_eq!(received.after.as_ref().unwrap()["merged_from"], n.old.id);
        assert_eq!(received.after.as_ref().unwrap()["projects"], 1);
        assert!(store.verify_audit().await.unwrap().is_intact());
    })
    .await;
}

#[tokio::test]
async fn a_merge_is_refused_into_itself_a_disabled_unit_or_a_unit_below() {
    on_each_backend(|store: Store| async move {
        let n = named(&store).await;
        let w = store.with_access(clerk_access());
        let e = assert_field(
            w.act_org(n.old.id, None, OrgAction::Merge { into: n.old.id })
                .await,
            "into",
        );
        assert_eq!(e.code, "self");
        let e = assert_field(
            w.act_org(n.old.id, None, OrgAction::Merge { into: n.child.id })
                .await,
            "into",
        );
        assert_eq!(e.code, "below");
        w.act_org(n.kept.id, None, OrgAction::Disable)
            .await
            .unwrap();
        let e = assert_field(
            w.act_org(n.old.id, None, OrgAction::Merge { into: n.kept.id })
                .await,
            "into",
        );
        assert_eq!(e.code, "disabled");
        assert_field(
            w.act_org(n.old.id, None, OrgAction::Merge { into: 9999 })
                .await,
            "into",
        );
        // Administrators only.
        let viewer = access_of(&clerk());
        let refused = store
            .with_access(viewer)
            .act_org(n.old.id, None, OrgAction::Disable)
            .await;
        assert!(
            matches!(refused, Err(StoreError::Forbidden(_))),
            "{refused:?}"
        );
        assert_eq!(
            store.org(n.old.id).await.unwrap().version,
            1,
            "nothing written"
        );
    })
    .await;
}

#[tokio::test]
async fn a_disabled_unit_stays_where_it_is_and_is_given_to_nothing_new() {
    on_each_backend(|store: Store| async move {
        let n = named(&store).await;
        let w = store.with_access(clerk_access());
        let off = w
            .act_org(n.old.id, Some(1), OrgAction::Disable)
            .await
            .unwrap();
        assert!(off.disabled && off.merged_into.is_none());
        // The project keeps it through an edit; a new project cannot take it.
        let mut p = store.project(n.project).await.unwrap();
        p.fields.name = "新材料产业园二期".into();
        w.update_project(n.project, Some(p.version), &p.fields)
            .await
            .unwrap();
        let mut f = fields("另一个项目", "210112");
        f.owner_org_id = Some(n.old.id);
        let e = assert_field(
            w.create_project(&new_project(f, duikou_core::Stage::Lead, d(2018, 1, 1)))
                .await,
            "owner_org_id",
        );
        assert_eq!(e.code, "disabled");
        assert_field(
            w.create_problem(n.project, &problem(n.old.id)).await,
            "owner_org_id",
        );
        let on = w
            .act_org(n.old.id, Some(2), OrgAction::Enable)
            .await
            .unwrap();
        assert!(!on.disabled);
        w.create_problem(n.project, &problem(n.old.id))
            .await
            .unwrap();
        assert_field(
            w.act_org(n.old.id, None, OrgAction::Enable).await,
            "disabled",
        );
    })
    .await;
}

/// Refuses every update of notification channels, the last references a merge moves.
async fn refuse_channel_moves(db: &TestDb) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let sql: &[&str] = match db.store.backend() {
        Backend::Sqlite => &[
            "CREATE TRIGGER refuse_moves BEFORE UPDATE ON notify_channels \
             BEGIN SELECT RAISE(ABORT, 'refused'); END",
        ],
        Backend::Postgres => &[
            "CREATE FUNCTION refuse_moves() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_moves BEFORE UPDATE ON notify_channels \
             FOR EACH ROW EXECUTE FUNCTION refuse_moves()",
        ],
    };
    for s in sql {
        sqlx::query(s).execute(&pool).await.unwrap();
    }
    pool.close().await;
}

#[tokio::test]
async fn a_merge_that_fails_at_its_last_move_leaves_everything_where_it_was() {
    on_each_backend(|db: TestDb| async move {
        let n = named(&db.store).await;
        let store = &db.store;
        let log = store
            .audit_log(&Default::default(), 1, 0)
            .await
            .unwrap()
            .total;
        refuse_channel_moves(&db).await;
        let failed = store
            .with_access(clerk_access())
            .act_org(n.old.id, Some(1), OrgAction::Merge { into: n.kept.id })
            .await;
        assert!(failed.is_err(), "{failed:?}");
        let p = store.project(n.project).await.unwrap();
        assert_eq!(p.fields.owner_org_id, Some(n.old.id));
        assert_eq!(p.version, 1);
        let pr = store.problem(n.project, n.problem).await.unwrap();
        assert_eq!(pr.fields.owner_org_id, Some(n.old.id));
        assert_eq!(store.user("hunnan").await.unwrap().org_id, Some(n.old.id));
        assert_eq!(
            store.org(n.child.id).await.unwrap().parent_id,
            Some(n.old.id)
        );
        let old = store.org(n.old.id).await.unwrap();
        assert!(!old.disabled && old.version == 1);
        let uses = store.org_uses(n.old.id, n.kept.id).await.unwrap();
        assert_eq!(
            (uses.grants, uses.threshold_sets, uses.partnerships),
            (1, 1, 1)
        );
        let after = store
            .audit_log(&Default::default(), 1, 0)
            .await
            .unwrap()
            .total;
        assert_eq!(after, log, "no change-log row either");
    })
    .await;
}
