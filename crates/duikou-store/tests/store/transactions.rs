//! All or nothing: a write that fails leaves no trace, not even half of a batch or a change-log
//! row; and what was written survives closing the store and opening it again.

use duikou_core::region::RegionKind;
use duikou_core::Stage;
use duikou_store::{ProjectFilter, ProjectSort, Store};

use crate::fixtures::*;
use crate::helpers::{on_each_backend, TestDb};

async fn project_count(store: &Store) -> i64 {
    store
        .projects(&ProjectFilter::default(), ProjectSort::Id, false, 1, 0)
        .await
        .unwrap()
        .total
}

#[tokio::test]
async fn a_batch_with_one_bad_project_in_the_middle_writes_nothing() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let good = |name: &str| new_project(fields(name, "210112"), Stage::Lead, d(2018, 1, 1));
        let bad = new_project(
            fields("落地地区不存在", "219999"),
            Stage::Lead,
            d(2018, 1, 1),
        );
        let batch = [good("一"), good("二"), bad, good("四")];
        let result = store
            .with_access(clerk_access())
            .create_projects(&batch)
            .await;
        assert_field(result, "host_region_code");
        assert_eq!(project_count(&store).await, 0);

        // A clash inside the database (a duplicate code) rolls back the same way.
        let mut first = good("甲");
        first.fields.code = code("2509-210112-89-01-000001");
        let mut second = good("乙");
        second.fields.code = first.fields.code.clone();
        let result = store
            .with_access(clerk_access())
            .create_projects(&[good("零"), first, second])
            .await;
        assert_field(result, "code");
        assert_eq!(project_count(&store).await, 0);

        let ids = store
            .with_access(clerk_access())
            .create_projects(&[good("一"), good("二"), good("三")])
            .await
            .unwrap();
        assert_eq!(ids.len(), 3);
        assert_eq!(project_count(&store).await, 3);
        for id in ids {
            assert_eq!(store.stage_changes(id).await.unwrap().len(), 1);
        }
    })
    .await;
}

#[tokio::test]
async fn a_refused_write_leaves_no_change_log_row() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let again = region_input("210112", "重复", RegionKind::District, Some("210100"));
        assert_field(
            store
                .with_access(clerk_access())
                .create_region(&again)
                .await,
            "code",
        );
        let log = store.history("region", "210112").await.unwrap();
        assert_eq!(log.len(), 1, "only the original create");
        assert_eq!(store.region("210112").await.unwrap().name, "浑南区");
    })
    .await;
}

#[tokio::test]
async fn data_survives_closing_and_reopening_the_store() {
    on_each_backend(|db: TestDb| async move {
        let world = seed(&db.store).await;
        let mut f = fields("持久项目", "210112");
        f.partnership_id = Some(world.chaoyang_hunnan.id);
        f.planned_investment = yuan(3 * YI);
        let p = lead(&db.store, f).await;
        let r = db
            .store
            .with_access(clerk_access())
            .create_progress_report(p.id, &crate::progress_reports::report("2018-06", 42))
            .await
            .unwrap();
        let p = db.store.project(p.id).await.unwrap();
        db.store.close().await;

        let reopened = Store::open(&db.url).await.unwrap();
        assert_eq!(reopened.project(p.id).await.unwrap(), p);
        assert_eq!(reopened.progress_report(p.id, r.id).await.unwrap(), r);
        assert_eq!(reopened.partnerships().await.unwrap().len(), 3);
        assert_eq!(
            reopened
                .history("project", &p.id.to_string())
                .await
                .unwrap()
                .len(),
            1
        );
        // Migrating again is a no-op, and the store writes as before.
        reopened.migrate().await.unwrap();
        lead(&reopened, fields("重开后新建", "210112")).await;
        assert_eq!(project_count(&reopened).await, 2);
        reopened.close().await;
    })
    .await;
}
