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

/// One figure of the dashboard: where it links, what it reads, and its label.
#[derive(Debug)]
struct Figure {
    href: String,
    label: String,
    value: String,
}

/// The text of `html` with its tags taken out.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// Every link of the page to a list of projects or warnings, with the figure it shows: the
/// text of its element of class `value` (a KPI, a count, a chart's bar), else its whole text.
fn figures_of(page: &str) -> Vec<Figure> {
    let mut out = Vec::new();
    for piece in page.split("<a ").skip(1) {
        let Some(href) = piece
            .split("href=\"")
            .nth(1)
            .and_then(|h| h.split('"').next())
        else {
            continue;
        };
        let href = href.replace("&amp;", "&").replace("&#38;", "&");
        let list = |l: &str| href == l || href.starts_with(&format!("{l}?"));
        if !(list("/projects") || list("/warnings")) {
            continue;
        }
        let inner = piece.split_once('>').map(|x| x.1).unwrap_or("");
        let inner = inner.split("</a>").next().unwrap_or("");
        let value = match inner.split_once("class=\"value\"") {
            Some((_, rest)) => {
                let rest = rest.split_once('>').map(|x| x.1).unwrap_or("");
                text_of(rest.split('<').next().unwrap_or(""))
            }
            None => text_of(inner),
        };
        out.push(Figure {
            href,
            label: text_of(inner),
            value,
        });
    }
    out
}

/// A whole number at the start of a figure ("221个", "95个 · 12.30亿", "7"), when it is one.
fn count_of(value: &str) -> Option<i64> {
    let digits: String = value.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &value[digits.len()..];
    if digits.is_empty() || rest.starts_with('.') || rest.starts_with(',') {
        return None;
    }
    digits.parse().ok()
}

/// The number a list page says it holds (`<strong id="total">`).
fn total_of(page: &str) -> i64 {
    let t = page
        .split("<strong id=\"total\">")
        .nth(1)
        .and_then(|t| t.split('<').next())
        .expect("the list says how many it holds");
    t.parse().unwrap_or_else(|_| panic!("a total: {t}"))
}

async fn get_page(base: &str, cookie: &str, path: &str) -> String {
    let r = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.expect("page")
}

/// The sum, in 亿元 with two decimals, of a money field over the projects a list opens (its
/// query asked of the API, page by page).
async fn list_sum(base: &str, cookie: &str, href: &str, field: &str) -> String {
    // The page's query as the API spells it (a yes is `true` there).
    let query = href
        .split_once('?')
        .map(|x| x.1)
        .unwrap_or("")
        .replace("agreed=1", "agreed=true");
    let mut sum = 0i64;
    let mut offset = 0;
    loop {
        let r = reqwest::Client::new()
            .get(format!(
                "{base}/api/v1/projects?{query}&limit=500&offset={offset}"
            ))
            .header("cookie", cookie)
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 200, "{query}");
        let page: Value = r.json().await.expect("json");
        let items = page["items"].as_array().expect("items");
        for p in items {
            if p["currency"] == "CNY" {
                sum += p[field].as_i64().unwrap_or(0);
            }
        }
        offset += 500;
        if items.len() < 500 {
            break;
        }
    }
    Money::from_yuan(sum).format_in(MoneyUnit::Yi, 2)
}

/// The leader's check: each figure of the dashboard opens a list of exactly the records it
/// counts (a count, the list's total; planned and agreed money, the sum over the list), for
/// the whole country and for a city's leader and editor.
#[tokio::test]
async fn every_dashboard_figure_opens_the_records_it_counts() {
    let (_db, url) = loaded_demo_copy();
    let (_server, base) = start_demo(&["--database", &url]);
    for (user, path) in [
        ("admin", "/"),
        ("sy-leader", "/"),
        ("dl-editor", "/"),
        ("sy-leader", "/dashboard/screen"),
    ] {
        let cookie = login(&base, user).await;
        let page = get_page(&base, &cookie, path).await;
        let figures = figures_of(&page);
        // Five KPIs, the funnel's seven stages, the categories, the regions, the warnings.
        assert!(
            figures.len() >= 5 + 7 + 3 + 1 + 3,
            "{user} {path}: {figures:#?}"
        );
        let mut counted = 0;
        let mut summed = 0;
        for f in &figures {
            let list = get_page(&base, &cookie, &f.href).await;
            if let Some(n) = count_of(&f.value) {
                assert_eq!(total_of(&list), n, "{user}: {f:?}");
                counted += 1;
            }
            let field = if f.label.starts_with("计划总投资") || f.href.contains("region=") {
                Some("planned_investment")
            } else if f.label.starts_with("协议金额") {
                Some("agreement_amount")
            } else {
                None
            };
            if let (Some(field), None) = (field, count_of(&f.value)) {
                let sum = list_sum(&base, &cookie, &f.href, field).await;
                assert_eq!(
                    f.value.replace(',', ""),
                    sum.replace(',', ""),
                    "{user}: {f:?}"
                );
                summed += 1;
            }
        }
        // The dashboard: 2 KPIs, 7 stages, 6 categories, 3 warning counts, mine; the 大屏: the
        // KPIs, the stages and the red warnings.
        let least = if path == "/" {
            2 + 7 + 6 + 3 + 1
        } else {
            2 + 7 + 1
        };
        assert!(counted >= least, "{user} {path}: {counted} counts checked");
        assert!(summed >= 3, "{user} {path}: {summed} sums checked");
    }
}
