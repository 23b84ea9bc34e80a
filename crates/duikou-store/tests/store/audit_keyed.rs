//! The keyed audit chain and its checkpoints: what someone with write access to the database
//! but without the key can do (rewrite and recompute with plain SHA-256, move the boundary,
//! drop the tail and rewind the head, forge a checkpoint) is reported; a chain from before the
//! upgrade still verifies.

use std::sync::{Arc, Mutex};

use duikou_core::region::RegionKind;
use duikou_store::{
    AuditKey, Backend, BreakKind, Checkpoint, CheckpointProblem, Store, StoreError,
};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::audit::{assert_break, assert_intact, busy, empty_database, head};
use crate::fixtures::*;
use crate::helpers::{on_each_backend, TestDb};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The plain SHA-256 of a row as the unkeyed chain encodes it (written out again here from its
/// description, as an attacker without the key would).
fn plain_hash(seq: i64, prev: &str, row: &sqlx::any::AnyRow) -> String {
    let text = |c: &str| row.try_get::<Option<String>, _>(c).unwrap();
    let user_id = row.try_get::<Option<i64>, _>("user_id").unwrap();
    let mut h = Sha256::new();
    let mut put = |field: Option<&[u8]>| match field {
        None => h.update([0u8]),
        Some(b) => {
            h.update([1u8]);
            h.update((b.len() as u64).to_be_bytes());
            h.update(b);
        }
    };
    put(Some(b"duikou-audit-v1"));
    put(Some(seq.to_string().as_bytes()));
    put(Some(prev.as_bytes()));
    for c in ["kind", "record_id", "action", "actor"] {
        put(text(c).as_deref().map(str::as_bytes));
    }
    put(user_id.map(|u| u.to_string()).as_deref().map(str::as_bytes));
    for c in ["at", "before", "after"] {
        put(text(c).as_deref().map(str::as_bytes));
    }
    format!("{:x}", h.finalize())
}

async fn connect_raw(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(url).await.unwrap()
}

/// Rewrites the hashes and links of the rows from `from` on with plain SHA-256 and points the
/// head at the last: what can be done without the key after editing a row.
async fn recompute_plainly(url: &str, from: i64) {
    let pool = connect_raw(url).await;
    let mut prev: String = sqlx::query_scalar("SELECT hash FROM change_log WHERE seq = $1")
        .bind(from - 1)
        .fetch_optional(&pool)
        .await
        .unwrap()
        .unwrap_or_else(|| GENESIS.to_owned());
    let rows = sqlx::query(
        "SELECT seq, kind, record_id, action, actor, user_id, at, before, after \
         FROM change_log WHERE seq >= $1 ORDER BY seq",
    )
    .bind(from)
    .fetch_all(&pool)
    .await
    .unwrap();
    for row in &rows {
        let seq: i64 = row.try_get("seq").unwrap();
        let hash = plain_hash(seq, &prev, row);
        sqlx::query("UPDATE change_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
            .bind(&prev)
            .bind(&hash)
            .bind(seq)
            .execute(&pool)
            .await
            .unwrap();
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET hash = $1")
        .bind(&prev)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

/// A store handing its checkpoints to the list returned (a fresh day for witnessing).
fn witnessed(store: &Store) -> (Store, Arc<Mutex<Vec<Checkpoint>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let store = store
        .clone()
        .with_checkpoint_sink(Arc::new(move |cp: &Checkpoint| {
            sink.lock().unwrap().push(cp.clone())
        }));
    (store, seen)
}

async fn rename_region(store: &Store, version: i64, name: &str) {
    let input = region_input("210112", name, RegionKind::District, Some("210100"));
    store
        .with_access(clerk_access())
        .update_region("210112", Some(version), &input)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_row_rewritten_with_the_rest_recomputed_by_plain_sha256_is_reported_as_edited() {
    on_each_backend(|db: TestDb| async move {
        let rows = busy(&db.store).await;
        let seq = rows / 2;
        db.store
            .execute_admin(&format!(
                "UPDATE change_log SET actor = 'someone else' WHERE seq = {seq}"
            ))
            .await
            .unwrap();
        recompute_plainly(&db.url, seq).await;
        let report = db.store.verify_audit().await.unwrap();
        assert_break(&report, seq, BreakKind::Edited, Some(seq));
    })
    .await;
}

#[tokio::test]
async fn moving_the_keyed_boundary_past_the_head_is_reported_as_a_wrong_key() {
    on_each_backend(|db: TestDb| async move {
        let rows = busy(&db.store).await;
        recompute_plainly(&db.url, 1).await;
        db.store
            .execute_admin(&format!("UPDATE audit_head SET keyed_from = {}", rows + 1))
            .await
            .unwrap();
        let report = db.store.verify_audit().await.unwrap();
        let b = report.first_break.expect("a moved boundary");
        assert_eq!((b.seq, b.problem), (None, BreakKind::WrongKey));
        // And the store will not append to it.
        assert!(matches!(
            db.store.migrate().await,
            Err(StoreError::Config(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn verifying_with_the_wrong_key_reports_it_and_opening_with_it_is_refused() {
    on_each_backend(|db: TestDb| async move {
        let rows = busy(&db.store).await;
        assert_intact(&db.store.verify_audit().await.unwrap(), rows);
        let other = db.store.clone().with_audit_key(AuditKey::generate());
        let report = other.verify_audit().await.unwrap();
        assert_eq!(
            report.first_break.map(|b| b.problem),
            Some(BreakKind::WrongKey)
        );
        match other.clone().ready().await {
            Err(StoreError::Config(message)) => assert!(message.contains("审计密钥")),
            other => panic!(
                "opening with another key should be refused, got {:?}",
                other.err()
            ),
        }
    })
    .await;
}

#[tokio::test]
async fn the_days_first_write_signs_a_checkpoint_of_the_head_before_it() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        let (store, seen) = witnessed(&store);
        rename_region(&store, 2, "浑南").await;
        rename_region(&store, 3, "浑南区").await;
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 1, "one checkpoint a day: {seen:?}");
        let cp = &seen[0];
        assert_eq!(cp.seq, rows);
        assert_eq!(cp.keyed_from, Some(1));
        let report = store.verify_checkpoints(&seen).await.unwrap();
        assert!(report.is_consistent(), "{:?}", report.issues);
        assert_eq!(report.latest, Some(rows));
        let line = cp.to_line();
        assert_eq!(Checkpoint::from_line(&line).unwrap(), *cp);
    })
    .await;
}

#[tokio::test]
async fn dropping_the_tail_and_rewinding_the_head_is_reported_by_the_checkpoint() {
    on_each_backend(|store: Store| async move {
        let rows = busy(&store).await;
        let (store, seen) = witnessed(&store);
        rename_region(&store, 2, "浑南").await;
        let checkpoints = seen.lock().unwrap().clone();
        let keep = rows - 3;
        store
            .execute_admin(&format!("DELETE FROM change_log WHERE seq > {keep}"))
            .await
            .unwrap();
        store
            .execute_admin(&format!(
                "UPDATE audit_head SET seq = {keep}, \
                 hash = (SELECT hash FROM change_log WHERE seq = {keep})"
            ))
            .await
            .unwrap();
        // The chain alone cannot tell: what is left is intact.
        assert_intact(&store.verify_audit().await.unwrap(), keep);
        let report = store.verify_checkpoints(&checkpoints).await.unwrap();
        let problems: Vec<_> = report.issues.iter().map(|i| i.problem.clone()).collect();
        assert_eq!(problems, [CheckpointProblem::Truncated { head_seq: keep }]);
    })
    .await;
}

#[tokio::test]
async fn a_checkpoint_with_a_forged_signature_is_reported() {
    on_each_backend(|store: Store| async move {
        busy(&store).await;
        let (store, seen) = witnessed(&store);
        rename_region(&store, 2, "浑南").await;
        let good = seen.lock().unwrap()[0].clone();
        let mut moved_back = good.clone();
        moved_back.seq -= 1;
        let mut made_up = good.clone();
        made_up.mac = "0".repeat(64);
        let foreign = store.clone().with_audit_key(AuditKey::generate());
        let report = store
            .verify_checkpoints(&[good.clone(), moved_back, made_up])
            .await
            .unwrap();
        let found: Vec<_> = report
            .issues
            .iter()
            .map(|i| (i.index, i.problem.clone()))
            .collect();
        assert_eq!(
            found,
            [
                (1, CheckpointProblem::BadSignature),
                (2, CheckpointProblem::BadSignature)
            ]
        );
        let report = foreign.verify_checkpoints(&[good]).await.unwrap();
        assert_eq!(report.issues[0].problem, CheckpointProblem::BadSignature);
    })
    .await;
}

/// A database at the schema before the chain was keyed (migrations before 0013), its log
/// chained plainly as the store wrote it then: three rows.
async fn unkeyed_database(db: &TestDb) -> String {
    let url = empty_database(db).await;
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
        if name.as_str() < "0013" {
            std::fs::copy(&path, earlier.path().join(&name)).unwrap();
        }
    }
    let raw = match db.store.backend() {
        Backend::Sqlite => format!("{url}?mode=rwc"),
        Backend::Postgres => url.clone(),
    };
    let pool = connect_raw(&raw).await;
    let migrator = sqlx::migrate::Migrator::new(earlier.path()).await.unwrap();
    migrator.run(&pool).await.unwrap();
    for (i, name) in ["辽宁", "辽宁省", "辽宁省 "].iter().enumerate() {
        sqlx::query(
            "INSERT INTO change_log (seq, kind, record_id, action, actor, at, before, after) \
             VALUES ($1, 'region', '210000', 'update', 'system', $2, NULL, $3)",
        )
        .bind(i64::try_from(i).unwrap() + 1)
        .bind(format!("2018-01-0{}T00:00:00.000000Z", i + 1))
        .bind(format!("{{\"name\":\"{name}\"}}"))
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;
    recompute_plainly(&raw, 1).await;
    let pool = connect_raw(&raw).await;
    sqlx::query("UPDATE audit_head SET seq = 3")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    url
}

#[tokio::test]
async fn an_unkeyed_chain_still_verifies_after_the_upgrade_and_is_anchored_by_the_keyed_rows() {
    on_each_backend(|db: TestDb| async move {
        let url = unkeyed_database(&db).await;
        let key = AuditKey::generate();
        let open = || async {
            Store::connect(&url)
                .await
                .unwrap()
                .with_audit_key(key.clone())
                .ready()
                .await
                .unwrap()
        };
        let store = open().await;
        let rows = head(&store).await;
        assert!(rows > 3, "the shipped templates are logged, keyed, after");
        assert_intact(&store.verify_audit().await.unwrap(), rows);
        store.close().await;
        let store = open().await;
        assert_intact(&store.verify_audit().await.unwrap(), rows);
        // An old row rewritten, and the plain part recomputed: the first keyed row's link
        // no longer holds, and recomputing it needs the key.
        store
            .execute_admin("UPDATE change_log SET actor = 'x' WHERE seq = 2")
            .await
            .unwrap();
        recompute_plainly(&url, 2).await;
        let report = store.verify_audit().await.unwrap();
        assert_break(&report, 4, BreakKind::Edited, Some(4));
        store.close().await;
    })
    .await;
}
