//! The audit chain: every change-log row is linked to the one before by its hash, so that a row
//! edited, deleted or moved directly in the database is caught by `verify_audit`, at the first
//! place where the chain breaks.

use duikou_core::region::RegionKind;
use duikou_core::Stage;
use duikou_store::{AuditReport, Backend, BreakKind, Store, StoreError, TransitionInput};
use sqlx::Connection;

use crate::fixtures::*;
use crate::helpers::{on_each_backend, TestDb};

const WRITERS: u32 = 8;

/// Every kind of write the store logs: regions, partnerships, projects (create, update,
/// transition, delete), reports and problems. Returns how many rows the log holds after.
pub(crate) async fn busy(store: &Store) -> i64 {
    let world = seed(store).await;
    let p = lead(store, fields("审计项目", "210112")).await;
    let mut f = p.fields.clone();
    f.note = Some("第一次修改".into());
    store
        .with_access(clerk_access())
        .update_project(p.id, Some(1), &f)
        .await
        .unwrap();
    let input = TransitionInput {
        to: Stage::Negotiating,
        effective_date: Some(d(2018, 2, 1)),
        reason: None,
        override_rules: false,
    };
    transition(store, &admin(), p.id, Some(2), &input, d(2018, 12, 31))
        .await
        .unwrap();
    let r = store
        .with_access(clerk_access())
        .create_progress_report(p.id, &crate::progress_reports::report("2018-06", 5))
        .await
        .unwrap();
    store
        .with_access(clerk_access())
        .update_progress_report(
            p.id,
            r.id,
            Some(1),
            &crate::progress_reports::report("2018-06", 6),
        )
        .await
        .unwrap();
    let renamed = region_input("210112", "浑南新区", RegionKind::District, Some("210100"));
    store
        .with_access(clerk_access())
        .update_region("210112", Some(1), &renamed)
        .await
        .unwrap();
    let pf = partnership_input("shanghai-dalian", "沪连合作", None, "310000", "210200");
    store
        .with_access(admin_access())
        .update_partnership(world.hulian.id, Some(1), &pf)
        .await
        .unwrap();
    let gone = lead(store, fields("将删除", "210200")).await;
    store
        .with_access(admin_access())
        .delete_project(gone.id, Some(1))
        .await
        .unwrap();
    store
        .with_access(clerk_access())
        .delete_progress_report(p.id, r.id, Some(2))
        .await
        .unwrap();
    store
        .with_access(admin_access())
        .delete_region("210191", Some(1))
        .await
        .unwrap();
    head(store).await
}

/// The last seq of the chain, as the log lists it.
pub(crate) async fn head(store: &Store) -> i64 {
    let page = store.audit_log(&Default::default(), 1, 0).await.unwrap();
    page.items[0].seq.expect("a chained row")
}

/// The id of the row at `seq`.
async fn id_at(store: &Store, seq: i64) -> i64 {
    let page = store.audit_log(&Default::default(), 1000, 0).await.unwrap();
    page.items
        .iter()
        .find(|e| e.seq == Some(seq))
        .map(|e| e.id)
        .unwrap_or_else(|| panic!("no row at seq {seq}"))
}

pub(crate) fn assert_intact(report: &AuditReport, rows: i64) {
    assert!(
        report.is_intact(),
        "the chain should verify, got {:?}",
        report.first_break
    );
    assert_eq!(report.checked, u64::try_from(rows).unwrap());
    assert_eq!(report.head.as_ref().map(|h| h.seq), Some(rows));
}

/// Checks the first break: where, what, and which row shows it (`None`: no row, the end).
pub(crate) fn assert_break(
    report: &AuditReport,
    seq: i64,
    problem: BreakKind,
    row_seq: Option<i64>,
) {
    let b = report
        .first_break
        .as_ref()
        .unwrap_or_else(|| panic!("a break at seq {seq} should be found"));
    assert_eq!(
        (b.seq, &b.problem),
        (Some(seq), &problem),
        "first break: {b:?}"
    );
    assert_eq!(b.entry.as_ref().and_then(|e| e.seq), row_seq, "{b:?}");
}

#[tokio::test]
async fn a_fresh_chain_verifies_after_every_kind_of_write() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        let report = store.verify_audit().await.unwrap();
        assert_intact(&report, rows);
        let log = store.audit_log(&Default::default(), 1000, 0).await.unwrap();
        assert_eq!(log.total, rows);
        let seqs: Vec<i64> = log.items.iter().rev().filter_map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=rows).collect::<Vec<_>>(), "gapless, in id order");
        let actions: std::collections::BTreeSet<&str> =
            log.items.iter().map(|e| e.action.as_str()).collect();
        for a in ["create", "update", "transition", "delete"] {
            assert!(actions.contains(a), "{a} should be logged");
        }
        // The acting user's id is kept beside the name; the system has none.
        let mine = store.history("project", "1").await.unwrap();
        assert_eq!(mine[0].user_id, Some(7));
        assert_eq!(mine[2].user_id, Some(1));
        let template = store
            .audit_log(&duikou_store::AuditFilter::of_kind("template"), 1, 0)
            .await
            .unwrap();
        assert!(template.items.iter().all(|e| e.user_id.is_none()));
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_lists_newest_first_and_filters_by_kind() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        let all = store.audit_log(&Default::default(), 5, 0).await.unwrap();
        assert_eq!(all.total, rows);
        assert_eq!(all.items.len(), 5);
        assert_eq!(all.items[0].seq, Some(rows));
        assert!(all.items.windows(2).all(|w| w[0].id > w[1].id));
        let second = store.audit_log(&Default::default(), 5, 5).await.unwrap();
        assert_eq!(second.items[0].seq, Some(rows - 5));
        let projects = store
            .audit_log(&duikou_store::AuditFilter::of_kind("project"), 100, 0)
            .await
            .unwrap();
        assert!(projects.items.iter().all(|e| e.kind == "project"));
        // Two creates, an update, a transition and a delete.
        assert_eq!(projects.total, 5);
        let none = store
            .audit_log(&duikou_store::AuditFilter::of_kind("nothing"), 10, 0)
            .await
            .unwrap();
        assert_eq!((none.total, none.items.len()), (0, 0));
    })
    .await;
}

#[tokio::test]
async fn an_edited_row_is_reported_as_edited_at_its_seq() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        // Each column a row's hash covers, edited in a row before the last one edited, so
        // that each edit becomes the new first break.
        let edits = [
            "after = '{\"name\":\"篡改\"}'",
            "before = COALESCE(before, '') || ' '",
            "actor = actor || 'x'",
            "at = '2017-01-01T00:00:00.000000Z'",
            "user_id = COALESCE(user_id, 0) + 1",
            "record_id = record_id || '0'",
            "kind = kind || 'x'",
            "action = action || 'x'",
        ];
        for (i, edit) in edits.iter().enumerate() {
            let seq = rows - 1 - 2 * i64::try_from(i).unwrap();
            store
                .execute_admin(&format!("UPDATE change_log SET {edit} WHERE seq = {seq}"))
                .await
                .unwrap();
            let report = store.verify_audit().await.unwrap();
            assert_break(&report, seq, BreakKind::Edited, Some(seq));
            assert_eq!(report.checked, u64::try_from(seq).unwrap(), "{edit}");
        }
    })
    .await;
}

#[tokio::test]
async fn an_edited_hash_or_link_is_reported_at_its_row() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        let zeros = "0".repeat(64);
        store
            .execute_admin(&format!(
                "UPDATE change_log SET prev_hash = '{zeros}' WHERE seq = {}",
                rows - 2
            ))
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_break(&report, rows - 2, BreakKind::Edited, Some(rows - 2));
        store
            .execute_admin("UPDATE change_log SET hash = 'abc' WHERE seq = 4")
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_break(&report, 4, BreakKind::Edited, Some(4));
    })
    .await;
}

#[tokio::test]
async fn a_deleted_row_is_reported_as_missing_at_its_seq() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        let seq = rows / 2;
        store
            .execute_admin(&format!("DELETE FROM change_log WHERE seq = {seq}"))
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_break(&report, seq, BreakKind::Missing { count: 1 }, Some(seq + 1));
        // Three more from the first one on.
        store
            .execute_admin("DELETE FROM change_log WHERE seq IN (2, 3, 4)")
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_break(&report, 2, BreakKind::Missing { count: 3 }, Some(5));
        store
            .execute_admin("DELETE FROM change_log WHERE seq = 1")
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_break(&report, 1, BreakKind::Missing { count: 4 }, Some(5));
    })
    .await;
}

#[tokio::test]
async fn a_deleted_last_row_is_reported_as_missing_at_the_end() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        store
            .execute_admin(&format!("DELETE FROM change_log WHERE seq >= {}", rows - 1))
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_break(&report, rows - 1, BreakKind::Missing { count: 2 }, None);
        assert_eq!(report.checked, u64::try_from(rows - 2).unwrap());
    })
    .await;
}

#[tokio::test]
async fn a_deleted_last_row_with_its_head_moved_back_still_shows_at_the_head() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        // The head moved back by one, but its hash left as it was.
        store
            .execute_admin(&format!("DELETE FROM change_log WHERE seq = {rows}"))
            .await
            .unwrap();
        store
            .execute_admin(&format!("UPDATE audit_head SET seq = {}", rows - 1))
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_break(
            &report,
            rows - 1,
            BreakKind::HeadMismatch { last_seq: rows - 1 },
            Some(rows - 1),
        );
    })
    .await;
}

#[tokio::test]
async fn a_pair_with_swapped_seqs_is_reported_as_out_of_order_at_the_first() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        let (a, b) = (rows / 2, rows / 2 + 1);
        // Three steps: the unique index on seq is checked row by row.
        for sql in [
            format!("UPDATE change_log SET seq = -1 WHERE seq = {a}"),
            format!("UPDATE change_log SET seq = {a} WHERE seq = {b}"),
            format!("UPDATE change_log SET seq = {b} WHERE seq = -1"),
        ] {
            store.execute_admin(&sql).await.unwrap();
        }
        let report = store.verify_audit().await.unwrap();
        assert_break(
            &report,
            a,
            BreakKind::OutOfOrder {
                belongs_at: Some(b),
            },
            Some(a),
        );
    })
    .await;
}

#[tokio::test]
async fn a_pair_with_swapped_contents_is_reported_as_out_of_order_at_the_first() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        let (a, b) = (3, rows - 2);
        let cols = "kind, record_id, action, actor, user_id, at, before, after";
        // Swapped through a scratch copy of the first, outside the chain, removed after.
        for sql in [
            format!(
                "INSERT INTO change_log ({cols}) SELECT {cols} FROM change_log WHERE seq = {a}"
            ),
            format!(
                "UPDATE change_log SET ({cols}) = (SELECT {cols} FROM change_log WHERE seq = {b}) \
                 WHERE seq = {a}"
            ),
            format!(
                "UPDATE change_log SET ({cols}) = (SELECT {cols} FROM change_log WHERE seq IS NULL) \
                 WHERE seq = {b}"
            ),
            "DELETE FROM change_log WHERE seq IS NULL".to_owned(),
        ] {
            store.execute_admin(&sql).await.unwrap();
        }
        let report = store.verify_audit().await.unwrap();
        assert_break(
            &report,
            a,
            BreakKind::OutOfOrder { belongs_at: Some(b) },
            Some(a),
        );
    })
    .await;
}

#[tokio::test]
async fn a_pair_with_swapped_ids_is_reported_as_out_of_order_where_the_ids_go_back() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        let (a, b) = (rows / 2, rows / 2 + 1);
        let (id_a, id_b) = (id_at(&store, a).await, id_at(&store, b).await);
        // History lists a record's rows by id: this would show them the other way round.
        for sql in [
            format!("UPDATE change_log SET id = -1 WHERE id = {id_a}"),
            format!("UPDATE change_log SET id = {id_a} WHERE id = {id_b}"),
            format!("UPDATE change_log SET id = {id_b} WHERE id = -1"),
        ] {
            store.execute_admin(&sql).await.unwrap();
        }
        let report = store.verify_audit().await.unwrap();
        assert_break(
            &report,
            b,
            BreakKind::OutOfOrder { belongs_at: None },
            Some(b),
        );
    })
    .await;
}

#[tokio::test]
async fn a_row_written_around_the_store_is_reported_as_unchained_and_stays_so() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        store
            .execute_admin(
                "INSERT INTO change_log (kind, record_id, action, actor, at, before, after) \
                 VALUES ('project', '1', 'update', 'ghost', '2018-03-01T00:00:00.000000Z', \
                 NULL, '{}')",
            )
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        let b = report.first_break.as_ref().expect("an unchained row");
        assert_eq!(b.problem, BreakKind::Unchained { count: 1 });
        assert_eq!(b.entry.as_ref().map(|e| e.actor.as_str()), Some("ghost"));
        assert_eq!(report.checked, u64::try_from(rows).unwrap());
        // Migrating again does not take it into the chain: only a log older than the chain is.
        store.migrate().await.unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_eq!(
            report.first_break.map(|b| b.problem),
            Some(BreakKind::Unchained { count: 1 })
        );
    })
    .await;
}

#[tokio::test]
async fn a_row_slipped_in_past_the_head_is_reported() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        let zeros = "0".repeat(64);
        store
            .execute_admin(&format!(
                "INSERT INTO change_log (seq, prev_hash, hash, kind, record_id, action, actor, at) \
                 VALUES ({}, '{zeros}', '{zeros}', 'project', '1', 'update', 'ghost', \
                 '2030-01-01T00:00:00.000000Z')",
                rows + 1
            ))
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_break(
            &report,
            rows + 1,
            BreakKind::HeadMismatch { last_seq: rows },
            Some(rows + 1),
        );
        assert!(store
            .with_access(clerk_access())
            .create_region(&region_input(
                "210300",
                "鞍山市",
                RegionKind::City,
                Some("210000")
            ))
            .await
            .is_err());
        store
            .execute_admin(&format!("DELETE FROM change_log WHERE seq = {}", rows + 1))
            .await
            .unwrap();
        // The last row moved past the head: missing from the end.
        store
            .execute_admin(&format!(
                "UPDATE change_log SET seq = {} WHERE seq = {rows}",
                rows + 1
            ))
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_break(&report, rows, BreakKind::Missing { count: 1 }, None);
    })
    .await;
}

#[tokio::test]
async fn a_removed_head_is_reported_and_stops_further_writes() {
    on_each_backend(|store: Store| async move {
        busy(&store).await;
        store.execute_admin("DELETE FROM audit_head").await.unwrap();
        let report = store.verify_audit().await.unwrap();
        let b = report.first_break.expect("a missing head");
        assert_eq!(b.problem, BreakKind::HeadMissing);
        let more = region_input("210300", "鞍山市", RegionKind::City, Some("210000"));
        match store.with_access(clerk_access()).create_region(&more).await {
            Err(StoreError::Corrupt { table, .. }) => assert_eq!(table, "audit_head"),
            other => panic!("a write without a chain head should fail, got {other:?}"),
        }
        assert!(store.region("210300").await.is_err(), "and leave nothing");
    })
    .await;
}

#[tokio::test]
async fn a_break_past_the_first_batch_is_found_at_its_seq() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        // Past the walk's batch of 1000 rows.
        for i in 0..1_010i64 {
            let name = format!("浑南区{i}");
            let input = region_input("210112", &name, RegionKind::District, Some("210100"));
            store
                .with_access(clerk_access())
                .update_region("210112", Some(i + 1), &input)
                .await
                .unwrap();
        }
        let rows = head(&store).await;
        assert!(rows > 1_010);
        assert_intact(&store.verify_audit().await.unwrap(), rows);
        // The first row of the second batch.
        store
            .execute_admin("DELETE FROM change_log WHERE seq = 1001")
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_break(&report, 1001, BreakKind::Missing { count: 1 }, Some(1002));
        store
            .execute_admin("UPDATE change_log SET actor = 'x' WHERE seq = 1000")
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_break(&report, 1000, BreakKind::Edited, Some(1000));
    })
    .await;
}

#[tokio::test]
async fn concurrent_writers_append_to_one_unbroken_chain() {
    on_each_backend(|store: Store| async move {
        seed(&store).await;
        let pings: Vec<_> = (0..WRITERS)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.ping().await })
            })
            .collect();
        for p in pings {
            p.await.unwrap().unwrap();
        }
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
            t.await.unwrap().expect("every writer gets through");
        }
        let rows = head(&store).await;
        let report = store.verify_audit().await.unwrap();
        assert_intact(&report, rows);
        let projects = store
            .audit_log(&duikou_store::AuditFilter::of_kind("project"), 100, 0)
            .await
            .unwrap();
        assert_eq!(projects.total, i64::from(2 * WRITERS));
        // Chain order is id order and time order.
        let log = store.audit_log(&Default::default(), 1000, 0).await.unwrap();
        assert!(log
            .items
            .windows(2)
            .all(|w| w[0].seq > w[1].seq && w[0].at >= w[1].at));
    })
    .await;
}

/// An empty database next to the test's: a second SQLite file, or on PostgreSQL the test's
/// schema emptied (the store that made it is closed first).
pub(crate) async fn empty_database(db: &TestDb) -> String {
    match db.store.backend() {
        Backend::Sqlite => db.url.replace("/t.db", "/before-the-chain.db"),
        Backend::Postgres => {
            db.store.close().await;
            let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
            let schema: String = sqlx::query_scalar("SELECT CAST(current_schema() AS TEXT)")
                .fetch_one(&mut conn)
                .await
                .unwrap();
            for sql in [
                format!("DROP SCHEMA {schema} CASCADE"),
                format!("CREATE SCHEMA {schema}"),
            ] {
                sqlx::query(&sql).execute(&mut conn).await.unwrap();
            }
            conn.close().await.unwrap();
            db.url.clone()
        }
    }
}

#[tokio::test]
async fn a_log_from_before_the_chain_is_chained_when_the_store_opens() {
    on_each_backend(|db: TestDb| async move {
        let url = empty_database(&db).await;
        // The schema as it was before migration 0004: the earlier files run on their own.
        let tree = match db.store.backend() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        let all = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(tree);
        let earlier = tempfile::TempDir::new().unwrap();
        for entry in std::fs::read_dir(&all).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.as_str() < "0004" {
                std::fs::copy(&path, earlier.path().join(&name)).unwrap();
            }
        }
        sqlx::any::install_default_drivers();
        let raw = match db.store.backend() {
            Backend::Sqlite => format!("{url}?mode=rwc"),
            Backend::Postgres => url.clone(),
        };
        let migrator = sqlx::migrate::Migrator::new(earlier.path()).await.unwrap();
        let pool = sqlx::AnyPool::connect(&raw).await.unwrap();
        migrator.run(&pool).await.unwrap();
        for (i, (action, after)) in [
            ("create", "{\"code\":\"210000\",\"name\":\"辽宁\"}"),
            ("update", "{\"code\":\"210000\",\"name\":\"辽宁省\"}"),
            ("update", "{\"code\":\"210000\",\"name\":\"辽宁省 \"}"),
        ]
        .iter()
        .enumerate()
        {
            sqlx::query(
                "INSERT INTO change_log (kind, record_id, action, actor, at, before, after) \
                 VALUES ('region', '210000', $1, 'system', $2, NULL, $3)",
            )
            .bind(action)
            .bind(format!("2018-01-0{}T00:00:00.000000Z", i + 1))
            .bind(after)
            .execute(&pool)
            .await
            .unwrap();
        }
        pool.close().await;

        let store = Store::open(&url).await.unwrap();
        let rows = head(&store).await;
        assert!(
            rows > 3,
            "the shipped templates are logged after the old rows"
        );
        assert_intact(&store.verify_audit().await.unwrap(), rows);
        let history = store.history("region", "210000").await.unwrap();
        let seqs: Vec<Option<i64>> = history.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [Some(1), Some(2), Some(3)]);
        assert_eq!(history[2].after.as_ref().unwrap()["name"], "辽宁省 ");
        // The chain goes on from there, and opening again changes nothing.
        store
            .with_access(clerk_access())
            .create_region(&region_input(
                "210000",
                "辽宁省",
                RegionKind::Province,
                None,
            ))
            .await
            .unwrap();
        store.close().await;
        let store = Store::open(&url).await.unwrap();
        assert_intact(&store.verify_audit().await.unwrap(), rows + 1);
        // The old rows are covered like the rest.
        store
            .execute_admin("UPDATE change_log SET actor = 'x' WHERE seq = 2")
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_break(&report, 2, BreakKind::Edited, Some(2));
        store.close().await;
    })
    .await;
}
