//! `duikou demo` end to end: the binary starts on a free port with a fresh database, prints its
//! URL, and the three published figures come out of `GET /api/v1/stats/projects`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use duikou_core::{Money, MoneyUnit};
use serde_json::Value;

const PASSWORD: &str = "Tour-of-2024";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `duikou demo` and waits for the line with its URL.
fn start_demo(extra: &[&str]) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_duikou"))
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--demo-password",
            PASSWORD,
        ])
        .args(extra)
        .env_remove("DUIKOU_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start duikou demo");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let started = Instant::now();
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next() {
        let line = line.expect("read stdout");
        if let Some(rest) = line.split("http://").nth(1) {
            let base = format!("http://{}", rest.trim_end_matches('/'));
            // Keep reading what the server prints, so that it never writes into a closed pipe.
            std::thread::spawn(move || lines.for_each(drop));
            return (server, base);
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "demo did not start"
        );
    }
    panic!("duikou demo exited without printing its URL");
}

/// A copy of a demo database loaded once for this test binary (the load is the slow part),
/// and its URL; the copy lives as long as the directory returned.
fn loaded_demo_copy() -> (tempfile::TempDir, String) {
    static LOADED: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let loaded = LOADED.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite:{}", dir.path().join("demo.db").display());
        // Started on it once: loaded, then stopped (its write-ahead log is copied with it).
        drop(start_demo(&["--database", &url]));
        dir
    });
    let copy = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(loaded.path()).expect("the loaded demo") {
        let entry = entry.expect("a file");
        std::fs::copy(entry.path(), copy.path().join(entry.file_name())).expect("copied");
    }
    let url = format!("sqlite:{}", copy.path().join("demo.db").display());
    (copy, url)
}

/// Logs in as a printed demo user and returns the session cookie.
async fn login(base: &str, user: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"login": user, "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 200, "{user} logs in with the demo password");
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    cookie.split(';').next().expect("pair").to_owned()
}

async fn stats(base: &str, query: &str) -> Value {
    let cookie = login(base, "admin").await;
    let r = reqwest::Client::new()
        .get(format!("{base}/api/v1/stats/projects?{query}"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    r.json().await.expect("json")
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .expect("array")
        .iter()
        .find(|x| x[key] == value)
        .expect("entry")
}

/// 亿元 with one decimal, as the articles print them.
fn yi(v: &Value) -> String {
    Money::from_yuan(v.as_i64().expect("integer yuan")).format_in(MoneyUnit::Yi, 1)
}

#[tokio::test]
async fn the_demo_reproduces_the_published_figures_through_the_api() {
    let (_db, url) = loaded_demo_copy();
    let (_server, base) = start_demo(&["--database", &url]);

    let sd = stats(&base, "partnership=shanghai-dalian&as_of=2018-12-31").await;
    let signed = find(&sd["reached"], "stage", "signed");
    assert_eq!(signed["count"], 131);
    assert_eq!(signed["agreement_amount"]["count"], 89);
    assert_eq!(yi(&signed["agreement_amount"]["sum"]), "212.9");
    let investment = find(&sd["by_category"], "category", "investment");
    assert_eq!(investment["funds_in_place"]["count"], 24);
    assert_eq!(yi(&investment["funds_in_place"]["sum"]), "127.8");
    let trade = find(&sd["by_category"], "category", "trade");
    assert_eq!(yi(&trade["trade_volume"]["sum"]), "7.0");
    let others: i64 = ["technology", "finance", "consulting", "other"]
        .iter()
        .map(|c| {
            find(&sd["by_category"], "category", c)["agreement_amount"]["sum"]
                .as_i64()
                .expect("sum")
        })
        .sum();
    assert_eq!(yi(&Value::from(others)), "78.1");

    let bs = stats(&base, "partnership=beijing-shenyang&as_of=2018-04-30").await;
    assert_eq!(bs["total"]["count"], 139);
    assert_eq!(yi(&bs["total"]["planned_investment"]["sum"]), "1678.0");
    assert_eq!(yi(&bs["total"]["invested_to_date"]["sum"]), "362.0");

    let h1 = stats(
        &base,
        "partnership=beijing-shenyang&from=2022-01-01&to=2022-06-30&min_planned_investment=100000000",
    )
    .await;
    let landed = find(&h1["period"]["entered"], "stage", "landed");
    assert_eq!(landed["count"], 22);
    assert_eq!(yi(&landed["planned_investment"]["sum"]), "239.5");

    // The demo opens with warnings of several rules, yellow and red, in the inbox.
    let cookie = login(&base, "admin").await;
    let counts: Value = reqwest::Client::new()
        .get(format!("{base}/api/v1/warnings/counts"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert!(counts["yellow"].as_i64().expect("yellow") > 0, "{counts}");
    assert!(counts["red"].as_i64().expect("red") > 0, "{counts}");
    assert!(
        counts["by_rule"].as_array().expect("by_rule").len() >= 4,
        "{counts}"
    );
}

#[tokio::test]
async fn a_demo_database_given_by_url_is_kept_and_reused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("demo.db").display());
    let first_total = {
        let (_server, base) = start_demo(&["--database", &url]);
        stats(&base, "").await["total"]["count"]
            .as_i64()
            .expect("count")
    };
    assert!(first_total > 139);
    let (_server, base) = start_demo(&["--database", &url]);
    let again = stats(&base, "").await["total"]["count"]
        .as_i64()
        .expect("count");
    assert_eq!(again, first_total, "the demo is not loaded twice");
}

#[tokio::test]
async fn each_printed_demo_login_works_and_sees_its_own_scope() {
    let (_db, url) = loaded_demo_copy();
    let (_server, base) = start_demo(&["--database", &url]);
    let count = |cookie: String| {
        let base = base.clone();
        async move {
            let r = reqwest::Client::new()
                .get(format!("{base}/api/v1/projects?limit=1"))
                .header("cookie", cookie)
                .send()
                .await
                .expect("request");
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.expect("json")["total"]
                .as_i64()
                .expect("total")
        }
    };
    let all = count(login(&base, "admin").await).await;
    let shenyang = count(login(&base, "sy-viewer").await).await;
    let dalian = count(login(&base, "dl-editor").await).await;
    assert!(
        shenyang > 0 && shenyang < all,
        "a viewer of 京沈 sees that partnership only"
    );
    assert!(dalian > 0 && dalian < all);
    for role in ["coordinator", "editor", "leader", "viewer"] {
        for side in ["bj", "sy", "sh", "dl"] {
            login(&base, &format!("{side}-{role}")).await;
        }
    }
}
