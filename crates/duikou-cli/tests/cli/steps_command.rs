//! `duikou steps act`: the step page's actions from the command line, with the same rules
//! (every bad field named, a changed date needs a reason) and the server's who and when.

use std::process::{Command, Output};

fn duikou(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duikou"))
        .args(args)
        .args(["--database", db])
        .env_remove("DUIKOU_DATABASE_URL")
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

#[test]
fn a_step_is_started_and_finished_from_the_command_line_by_the_pages_rules() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("s.db").display());
    let out = duikou(&db, &["gen", "--projects", "3"]);
    assert!(out.status.success(), "{}", text(&out));
    let id = "1".to_owned();
    let out = duikou(
        &db,
        &[
            "steps",
            "instantiate",
            &id,
            "construction_approval",
            "--start",
            "2024-06-03",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let show = |db: &str| -> serde_json::Value {
        let out = duikou(db, &["steps", "show", "1", "--json"]);
        assert!(out.status.success(), "{}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let key = show(&db)["steps"][0]["key"].as_str().unwrap().to_owned();

    // Every bad field named, nothing written.
    let out = duikou(
        &db,
        &[
            "steps",
            "act",
            &id,
            &key,
            "commitment",
            "granted_on=2024-13-01",
            "colour=red",
        ],
    );
    assert!(!out.status.success());
    let said = text(&out);
    for f in ["granted_on", "promised", "verify_days", "colour"] {
        assert!(said.contains(f), "{f} named: {said}");
    }
    let out = duikou(&db, &["steps", "act", &id, &key, "nap"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("start"),
        "the actions are listed: {}",
        text(&out)
    );

    let out = duikou(
        &db,
        &[
            "steps",
            "act",
            &id,
            &key,
            "start",
            "actual_start=2024-06-03",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = duikou(
        &db,
        &[
            "steps",
            "act",
            &id,
            &key,
            "finish",
            "actual_start=2024-06-04",
            "actual_finish=2024-06-05",
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("reason"), "{}", text(&out));
    let out = duikou(
        &db,
        &[
            "steps",
            "act",
            &id,
            &key,
            "finish",
            "actual_start=2024-06-04",
            "actual_finish=2024-06-05",
            "reason=录入错误",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));

    let step = &show(&db)["steps"][0];
    assert_eq!(step["status"], "done", "{step}");
    assert_eq!(step["actual_start"], "2024-06-04");
    assert_eq!(step["actual_finish"], "2024-06-05");
}
