//! The OpenAPI document covers the service: every route under `/api/` is an operation of the
//! document (and every operation a route), every `{param}` of a documented path is declared,
//! and the shared error answers are there. The routes are read from the routers' sources
//! (`.route("PATH", get(…).post(…))`), and each one read is checked to be served.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::api::helpers::*;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// `(method, path)` of every `.route(…)` in the web crate's routers.
fn routed() -> BTreeSet<(String, String)> {
    // Every source file of the crate: each feature's `mod.rs` and `api.rs` declare routes.
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut out = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            let call = &rest[at + ".route(".len()..];
            // The call's arguments, up to its closing parenthesis.
            let mut depth = 1;
            let end = call
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map(|(i, _)| i)
                .unwrap();
            let args = &call[..end];
            let path = args.split('"').nth(1).unwrap().to_owned();
            rest = &call[end..];
            // The pages (HTML) are not part of the API.
            if !(path.starts_with("/api/") || path == "/healthz" || path == "/readyz") {
                continue;
            }
            let handlers = &args[args.find(',').unwrap()..];
            let mut found = 0;
            for m in METHODS {
                for (i, _) in handlers.match_indices(&format!("{m}(")) {
                    let before = handlers[..i].chars().last().unwrap_or(' ');
                    if !before.is_alphanumeric() && before != '_' {
                        out.insert((m.to_owned(), path.clone()));
                        found += 1;
                    }
                }
            }
            assert!(found > 0, "no method read in {}: {args}", file.display());
        }
    }
    out
}

#[tokio::test]
async fn every_api_route_is_documented_with_its_parameters() {
    let app = TestApp::start("sqlite").await;
    let (status, doc) = app.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let paths = doc["paths"].as_object().unwrap();

    let routes = routed();
    assert!(routes.len() > 80, "{} routes read", routes.len());
    let mut missing = Vec::new();
    for (method, path) in &routes {
        // Each route read from the sources is served.
        let url = format!("{}{}", app.base, path.replace(['{', '}'], ""));
        let url = url
            .split('/')
            .map(|seg| match seg {
                "id" | "report_id" | "problem_id" | "year" => "1",
                other => other,
            })
            .collect::<Vec<_>>()
            .join("/");
        let r = app
            .client
            .request(
                Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                &url,
            )
            .send()
            .await
            .unwrap();
        // Without credentials every route answers 401 (or 200, or 415 for the login without
        // a body) before it looks at its parameters: 404 and 405 mean no such route.
        let status = r.status();
        assert!(
            status != StatusCode::METHOD_NOT_ALLOWED && status != StatusCode::NOT_FOUND,
            "{method} {path} is not served ({status})"
        );
        if path.starts_with("/api/") && paths.get(path).and_then(|p| p.get(method)).is_none() {
            missing.push(format!("{method} {path}"));
        }
    }
    assert!(
        missing.is_empty(),
        "routes missing from the document: {missing:#?}"
    );

    let mut undeclared = Vec::new();
    let mut unrouted = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            if !routes.contains(&(method.to_owned(), path.clone())) {
                unrouted.push(format!("{method} {path}"));
            }
            let declared: BTreeSet<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .chain(item["parameters"].as_array())
                .flatten()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            for name in path.split('{').skip(1).filter_map(|r| r.split('}').next()) {
                if !declared.contains(name) {
                    undeclared.push(format!("{method} {path}: {name}"));
                }
            }
        }
    }
    assert!(
        undeclared.is_empty(),
        "undeclared path parameters: {undeclared:#?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:#?}"
    );
    app.stop().await;
}

/// The error answers each kind of operation can give are documented, with `ErrorBody`.
#[tokio::test]
async fn error_answers_are_documented_by_the_shape_of_each_operation() {
    let app = TestApp::start("sqlite").await;
    let (_, doc) = app.get("/api/openapi.json").await;
    let responses = &doc["components"]["responses"];
    for name in [
        "BadRequest",
        "Forbidden",
        "TooManyRequests",
        "PayloadTooLarge",
    ] {
        assert_eq!(
            responses[name]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody",
            "{name}"
        );
    }
    assert!(responses["TooManyRequests"]["headers"]["Retry-After"].is_object());
    let op = |path: &str, method: &str| doc["paths"][path][method]["responses"].clone();
    let has = |r: &Value, statuses: &[&str]| {
        statuses
            .iter()
            .filter(|s| r.get(**s).is_none())
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let put = op("/api/v1/projects/{id}/progress-reports/{report_id}", "put");
    assert_eq!(
        has(
            &put,
            &["200", "400", "401", "403", "404", "412", "413", "415", "422", "428"]
        ),
        Vec::<String>::new()
    );
    let delete = op("/api/v1/regions/{code}", "delete");
    assert_eq!(
        has(&delete, &["204", "401", "403", "404", "409", "412", "428"]),
        Vec::<String>::new()
    );
    let login = op("/api/v1/session", "post");
    assert_eq!(
        has(&login, &["200", "400", "401", "413", "415", "422", "429"]),
        Vec::<String>::new()
    );
    let list = op("/api/v1/projects/{id}/progress-reports", "get");
    assert_eq!(
        has(&list, &["200", "401", "403", "404", "422"]),
        Vec::<String>::new()
    );
    let paging: Vec<&str> = doc["paths"]["/api/v1/projects/{id}/problems"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "query")
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(paging, ["limit", "offset"]);
    app.stop().await;
}

/// A stored report or problem is one flat object: its fields and its id, project, version
/// (and period end) — not an `allOf` with an input that refuses those.
#[tokio::test]
async fn report_and_problem_answers_have_their_own_schemas() {
    let app = TestApp::start("sqlite").await;
    let (_, doc) = app.get("/api/openapi.json").await;
    let schemas = &doc["components"]["schemas"];
    for (name, own) in [
        (
            "ProgressReport",
            &[
                "id",
                "project_id",
                "period_end",
                "version",
                "period",
                "note",
            ][..],
        ),
        (
            "Problem",
            &["id", "project_id", "version", "description"][..],
        ),
    ] {
        let s = &schemas[name];
        assert!(s.get("allOf").is_none(), "{name}: {s}");
        assert_ne!(s["additionalProperties"], Value::Bool(false), "{name}");
        for field in own {
            assert!(s["properties"].get(*field).is_some(), "{name}.{field}");
        }
    }
    // The inputs still refuse unknown fields.
    assert_eq!(
        schemas["ProgressReportFields"]["additionalProperties"],
        Value::Bool(false)
    );
    for (path, method) in [
        ("/api/v1/projects/{id}/progress-reports", "post"),
        ("/api/v1/projects/{id}/progress-reports/{report_id}", "get"),
        ("/api/v1/projects/{id}/problems/{problem_id}", "put"),
    ] {
        let r = &doc["paths"][path][method]["responses"];
        let ok = r.get("200").or_else(|| r.get("201")).unwrap();
        let schema = ok["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap();
        assert!(!schema.ends_with("Fields"), "{method} {path}: {schema}");
    }
    app.stop().await;
}

/// A path parameter that does not parse names no record: the API's 404 `ErrorBody`, as
/// documented, not a plain-text 400.
#[tokio::test]
async fn an_unparsable_path_parameter_is_a_documented_404() {
    let app = TestApp::start("sqlite").await;
    for path in [
        "/api/v1/orgs/abc",
        "/api/v1/projects/99999999999999999999",
        "/api/v1/projects/1/progress-reports/x",
        "/api/v1/projects/1/annual-plans/3000000000",
    ] {
        let method = if path.contains("annual-plans") {
            Method::PUT
        } else {
            Method::GET
        };
        let r = app
            .send(method, path, Some(serde_json::json!({"amount": 1})), None)
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
    app.stop().await;
}

/// An address under `/api/` that no route serves is the API's 404 `ErrorBody` too.
#[tokio::test]
async fn an_unrouted_api_address_is_a_json_404() {
    let app = TestApp::start("sqlite").await;
    for path in ["/api/v1/nothing-here", "/api/v1/regions/a%2Fb/history/x"] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
    app.stop().await;
}
