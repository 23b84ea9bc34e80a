//! Writers at the same moment: those holding the same version race and exactly one wins, the
//! others are told they are stale; writers of different records all get through.

use duikou_core::region::RegionKind;
use duikou_core::Stage;
use duikou_store::{StatsQuery, StatsScope, Store, StoreError, TransitionInput};
use tokio::task::JoinHandle;

use crate::fixtures::*;
use crate::helpers::on_each_backend;

const WRITERS: u32 = 8;

/// Opens several connections first, so that the writers really overlap rather than queue
/// behind the opening of connections.
async fn warm(store: &Store) {
    let pings: Vec<_> = (0..WRITERS)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.ping().await })
        })
        .collect();
    for p in pings {
        p.await.unwrap().unwrap();
    }
}

/// How many writers won; every loser must have been told it was stale.
async fn winners<T: std::fmt::Debug>(tasks: Vec<JoinHandle<Result<T, StoreError>>>) -> usize {
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => won += 1,
            Err(StoreError::Stale { .. }) => {}
            Err(e) => panic!("a losing writer should be stale, got {e:?}"),
        }
    }
    won
}

#[tokio::test]
async fn concurrent_transitions_from_the_same_version_let_exactly_one_through() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let p = lead(&store, fields("抢着推进", "210112")).await;
        warm(&store).await;
        let tasks = (0..WRITERS)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    let input = TransitionInput {
                        to: Stage::Negotiating,
                        effective_date: Some(d(2018, 2, 1 + i)),
                        reason: None,
                        override_rules: false,
                    };
                    transition(&store, &clerk(), p.id, Some(1), &input, d(2018, 12, 31)).await
                })
            })
            .collect();
        assert_eq!(winners(tasks).await, 1);
        assert_eq!(store.project(p.id).await.unwrap().version, 2);
        assert_eq!(store.stage_changes(p.id).await.unwrap().len(), 2);
        // One open stage row: the project counts once.
        let q = StatsQuery {
            scope: StatsScope::All,
            as_of: d(2018, 12, 31),
            category: None,
            min_planned_investment: None,
            period: None,
        };
        assert_eq!(store.project_stats(&q).await.unwrap().total.count, 1);
    })
    .await;
}

#[tokio::test]
async fn concurrent_renames_from_the_same_version_let_exactly_one_through() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        warm(&store).await;
        let tasks = (0..WRITERS)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    let name = format!("浑南区{i}");
                    let input = region_input("210112", &name, RegionKind::District, Some("210100"));
                    store
                        .with_access(clerk_access())
                        .update_region("210112", Some(1), &input)
                        .await
                })
            })
            .collect();
        assert_eq!(winners(tasks).await, 1);
        assert_eq!(store.region("210112").await.unwrap().version, 2);
        assert_eq!(store.history("region", "210112").await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn concurrent_writers_of_different_records_all_get_through() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        warm(&store).await;
        let tasks: Vec<_> = (0..WRITERS)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    let f = fields(&format!("并发项目{i}"), "210112");
                    let p = store
                        .with_access(clerk_access())
                        .create_project(&new_project(f, Stage::Lead, d(2018, 1, 1)))
                        .await?;
                    let mut f = p.fields.clone();
                    f.note = Some("改".into());
                    store
                        .with_access(clerk_access())
                        .update_project(p.id, Some(1), &f)
                        .await
                })
            })
            .collect();
        for t in tasks {
            let p = t.await.unwrap().expect("every writer gets through");
            assert_eq!(p.version, 2);
        }
    })
    .await;
}
