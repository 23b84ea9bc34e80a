//! `duikou audit verify` with the keyed chain: the key file created beside a SQLite database,
//! the day's checkpoint appended beside it, and verify reporting a wrong key and a chain cut
//! back below its checkpoint.

use std::path::Path;
use std::process::{Command, Output};

fn duikou(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duikou"))
        .args(args)
        .args(["--database", db])
        .env_remove("DUIKOU_DATABASE_URL")
        .env_remove("DUIKOU_AUDIT_KEY_FILE")
        .env_remove("DUIKOU_AUDIT_CHECKPOINT_FILE")
        .output()
        .expect("run duikou")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn succeeds(out: Output) -> String {
    assert!(out.status.success(), "should succeed:\n{}", text(&out));
    text(&out)
}

fn fails(out: Output) -> String {
    assert!(!out.status.success(), "should fail:\n{}", text(&out));
    text(&out)
}

#[cfg(unix)]
fn assert_private(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{}", path.display());
}

#[cfg(not(unix))]
fn assert_private(_: &Path) {}

#[tokio::test]
async fn verify_checks_the_keyed_chain_and_its_checkpoints_and_reports_a_wrong_key_and_a_cut_tail()
{
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.db");
    let db = format!("sqlite:{}", file.display());
    let key = dir.path().join("d.db.audit-key");
    let checkpoints = dir.path().join("d.db.audit-checkpoints");
    // The first opening writes the shipped templates (an empty chain before: no checkpoint).
    succeeds(duikou(&db, &["template", "list"]));
    assert_private(&key);
    succeeds(duikou(
        &db,
        &["user", "add", "bob", "--password", "Tour-of-2024"],
    ));
    let lines = std::fs::read_to_string(&checkpoints).unwrap();
    assert_eq!(lines.lines().count(), 1, "{lines}");
    let out = succeeds(duikou(&db, &["audit", "verify"]));
    assert!(out.contains("审计链与全部检查点一致"), "{out}");

    let other = dir.path().join("other.key");
    std::fs::write(&other, format!("{}\n", "ab".repeat(32))).unwrap();
    let out = fails(duikou(
        &db,
        &[
            "audit",
            "verify",
            "--audit-key-file",
            other.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("审计密钥与数据库不符"), "{out}");

    // The tail dropped and the head rewound to a row before the checkpoint.
    let store = duikou_store::Store::connect(&db).await.unwrap();
    for sql in [
        "DELETE FROM change_log WHERE seq > 1",
        "UPDATE audit_head SET seq = 1, hash = (SELECT hash FROM change_log WHERE seq = 1)",
    ] {
        store.execute_admin(sql).await.unwrap();
    }
    store.close().await;
    let out = fails(duikou(
        &db,
        &[
            "audit",
            "verify",
            "--checkpoint",
            checkpoints.to_str().unwrap(),
        ],
    ));
    assert!(
        out.contains("审计链完好"),
        "the chain alone cannot tell: {out}"
    );
    assert!(out.contains("审计链现只到第 1 条"), "{out}");
}
