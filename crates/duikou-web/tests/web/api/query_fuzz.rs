//! Query strings from outside never make the server fail: arbitrary bytes as a whole query,
//! arbitrary values for each known parameter, and mutated paging cursors, on every list route,
//! answer 2xx or a 4xx error body, never a 5xx.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::api::helpers::*;

const LISTS: [(&str, &[&str]); 7] = [
    (
        "/api/v1/projects",
        &[
            "partnership",
            "region",
            "zone",
            "source_region",
            "stage",
            "category",
            "industry",
            "min_planned_investment",
            "q",
            "updated_since",
            "generated",
            "sort",
            "limit",
            "offset",
            "after",
        ],
    ),
    (
        "/api/v1/warnings",
        &[
            "level",
            "rule",
            "owner_org_id",
            "status",
            "project_id",
            "partnership_id",
            "region",
            "limit",
            "offset",
        ],
    ),
    (
        "/api/v1/slips",
        &[
            "status",
            "open",
            "project_id",
            "owner_org_id",
            "warning_id",
            "limit",
            "offset",
        ],
    ),
    (
        "/api/v1/stats/projects",
        &[
            "partnership",
            "region",
            "side",
            "as_of",
            "category",
            "min_planned_investment",
            "from",
            "to",
        ],
    ),
    ("/api/v1/calendar/check", &["date"]),
    ("/api/v1/calendar/add", &["date", "days"]),
    ("/api/v1/calendar/between", &["from", "to", "inclusive"]),
];

fn encoded(bytes: &[u8]) -> String {
    form_urlencoded::byte_serialize(bytes).collect()
}

/// A query: raw bytes (percent-encoded where a URL needs it), or known keys with arbitrary
/// values, or a known key repeated.
fn query(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    let raw = prop::collection::vec(any::<u8>(), 0..48).prop_map(|b| {
        b.iter()
            .map(|&c| match c {
                b'=' | b'&' | b'%' | b'a'..=b'z' | b'0'..=b'9' => (c as char).to_string(),
                _ => format!("%{c:02X}"),
            })
            .collect::<String>()
    });
    let pairs = prop::collection::vec(
        (
            prop::sample::select(keys),
            prop::collection::vec(any::<u8>(), 0..24),
        ),
        1..4,
    )
    .prop_map(|pairs| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encoded(v)))
            .collect::<Vec<_>>()
            .join("&")
    });
    let plausible = prop::collection::vec(
        (
            prop::sample::select(keys),
            "-?[0-9]{0,20}|[a-z_-]{0,12}|20[0-9]{2}-[0-9]{2}-[0-9]{2}|%00|%25|_|\\PC{0,6}",
        ),
        1..4,
    )
    .prop_map(|pairs| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    });
    prop_oneof![raw, pairs, plausible]
}

async fn status_of(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let r = app.send(Method::GET, path, None, None).await;
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Runs `strategy` through a runner, asking the server for each case; the test fails (with the
/// smallest failing query) on the first 5xx or an error answer without an error body.
fn check<S: Strategy<Value = String>>(app: &TestApp, cases: u32, strategy: S) {
    let handle = tokio::runtime::Handle::current();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |path| {
        let (status, body) = tokio::task::block_in_place(|| handle.block_on(status_of(app, &path)));
        prop_assert!(!status.is_server_error(), "{path} → {status}: {body}");
        if status.is_client_error() {
            prop_assert!(
                body["error"]["code"].is_string(),
                "{path} → {status}: {body}"
            );
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arbitrary_query_strings_never_fail_the_server() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let seed = app.seed().await;
        for i in 0..3 {
            app.create_project(project_body(&seed, &format!("查询项目{i}")))
                .await;
        }
        for (path, keys) in LISTS {
            check(
                &app,
                96,
                query(keys).prop_map(move |q| format!("{path}?{q}")),
            );
        }
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutated_paging_cursors_are_refused_not_failed() {
    use base64::Engine;
    let b64 = &base64::engine::general_purpose::URL_SAFE_NO_PAD;
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let seed = app.seed().await;
        for i in 0..3 {
            app.create_project(project_body(&seed, &format!("游标项目{i}")))
                .await;
        }
        for sort in ["name", "-planned_investment", "stage_since", "-id"] {
            let (s, page) = app
                .get(&format!("/api/v1/projects?limit=1&sort={sort}"))
                .await;
            assert_eq!(s, StatusCode::OK, "{page}");
            let next = page["next"].as_str().expect("a next cursor").to_owned();
            let json = b64.decode(&next).expect("a cursor is base64");
            let strategy = prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)
                .prop_map(move |edits| {
                    let mut bytes = json.clone();
                    for (at, byte) in edits {
                        let i = at.index(bytes.len());
                        bytes[i] = byte;
                    }
                    format!(
                        "/api/v1/projects?limit=1&sort={sort}&after={}",
                        b64.encode(&bytes)
                    )
                });
            check(&app, 64, strategy);
        }
        app.stop().await;
    }
}
