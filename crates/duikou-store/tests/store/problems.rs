//! Problems of a project: an owner that exists, a resolution when resolved, version checks.

use duikou_core::org::{OrgInput, OrgKind};
use duikou_core::problem::{ProblemCategory, ProblemFields, ProblemStatus};
use duikou_store::{Store, StoreError};

use crate::fixtures::*;
use crate::helpers::on_each_backend;

fn open_problem(description: &str, owner: Option<i64>) -> ProblemFields {
    ProblemFields {
        category: ProblemCategory::LandSupply,
        description: description.into(),
        owner_org_id: owner,
        due_date: Some(d(2018, 9, 30)),
        status: ProblemStatus::Open,
        resolution: None,
        resolved_on: None,
        progress: None,
    }
}

#[tokio::test]
async fn a_problem_is_raised_worked_and_resolved() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let p = lead(&store, fields("项目", "210112")).await;
        let bureau = store
            .with_access(clerk_access())
            .create_org(&OrgInput {
                name: "浑南区自然资源局".into(),
                kind: OrgKind::Department,
                region_code: "210112".into(),
                parent_id: None,
            })
            .await
            .unwrap();
        let raised = store
            .with_access(clerk_access())
            .create_problem(p.id, &open_problem("用地指标未落实", Some(bureau.id)))
            .await
            .unwrap();
        assert_eq!(
            raised.fields,
            open_problem("用地指标未落实", Some(bureau.id))
        );
        assert_eq!((raised.project_id, raised.version), (p.id, 1));
        let mut resolved = raised.fields.clone();
        resolved.status = ProblemStatus::Resolved;
        let e = assert_field(
            store
                .with_access(clerk_access())
                .update_problem(p.id, raised.id, Some(1), &resolved)
                .await,
            "resolution",
        );
        assert_eq!(e.code, "required");
        resolved.resolution = Some("已调剂指标".into());
        resolved.resolved_on = Some(d(2018, 8, 15));
        let done = store
            .with_access(clerk_access())
            .update_problem(p.id, raised.id, Some(1), &resolved)
            .await
            .unwrap();
        assert_eq!((done.fields.clone(), done.version), (resolved.clone(), 2));
        let stale = store
            .with_access(clerk_access())
            .update_problem(p.id, raised.id, Some(1), &resolved)
            .await;
        assert!(matches!(stale, Err(StoreError::Stale { .. })), "{stale:?}");
        assert_eq!(store.problems(p.id).await.unwrap(), [done]);
    })
    .await;
}

#[tokio::test]
async fn a_problem_with_an_unknown_owner_is_refused() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let p = lead(&store, fields("项目", "210112")).await;
        let result = store
            .with_access(clerk_access())
            .create_problem(p.id, &open_problem("征收未完成", Some(999)))
            .await;
        assert_field(result, "owner_org_id");
        assert_field(
            store
                .with_access(clerk_access())
                .create_problem(p.id, &open_problem("  ", None))
                .await,
            "description",
        );
        assert!(store.problems(p.id).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_problem_is_deleted_and_goes_with_its_project() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let p = lead(&store, fields("项目", "210112")).await;
        let a = store
            .with_access(clerk_access())
            .create_problem(p.id, &open_problem("规划调整", None))
            .await
            .unwrap();
        let b = store
            .with_access(clerk_access())
            .create_problem(p.id, &open_problem("资金缺口", None))
            .await
            .unwrap();
        store
            .with_access(clerk_access())
            .delete_problem(p.id, a.id, Some(1))
            .await
            .unwrap();
        let gone = store.problem(p.id, a.id).await;
        assert!(matches!(gone, Err(StoreError::NotFound { .. })), "{gone:?}");
        assert_eq!(
            store.problems(p.id).await.unwrap(),
            std::slice::from_ref(&b)
        );
        store
            .with_access(clerk_access())
            .delete_project(p.id, None)
            .await
            .unwrap();
        let gone = store.problem(p.id, b.id).await;
        assert!(matches!(gone, Err(StoreError::NotFound { .. })), "{gone:?}");
    })
    .await;
}
