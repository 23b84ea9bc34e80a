//! Limits (issue 13, point 8): one length per kind of text, no NUL, 413 for large bodies, no
//! hanging on a lying `Content-Length`, paged sub-lists, rights before schema.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::api::helpers::*;

/// A text one character over the longest kind (`TextKind::Text`, 2 000 characters).
fn too_long() -> String {
    "长".repeat(duikou_core::text::TextKind::Text.max_chars() + 1)
}

#[tokio::test]
async fn reasons_and_notes_are_held_to_their_kinds_limit() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let mut body = project_body(&seed, "限长项目");
        body["stage_since"] = json!("2024-01-02");
        let p = app.create_project(body).await;
        let id = p["id"].as_i64().unwrap();

        // A transition reason.
        let (s, b) = app
            .post(
                &format!("/api/v1/projects/{id}/transitions"),
                json!({"to": "terminated", "effective_date": "2024-02-01", "reason": too_long()}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(
            field_error(&b, "reason").unwrap()["code"],
            "too_long",
            "{b}"
        );

        // A step's skip reason.
        let steps = format!("/api/v1/projects/{id}/steps");
        let (s, sch) = app
            .post(
                &steps,
                json!({"template": "construction_approval", "start": "2024-03-01"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{sch}");
        let key = sch["steps"][0]["key"].as_str().unwrap().to_owned();
        let r = app
            .send(
                Method::PUT,
                &format!("{steps}/{key}"),
                Some(json!({"key": key, "status": "skipped", "skip_reason": too_long()})),
                Some("*"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let b: Value = r.json().await.unwrap();
        assert_eq!(
            field_error(&b, "skip_reason").unwrap()["code"],
            "too_long",
            "{b}"
        );

        // A NUL in a skip reason, a problem's description and a report's note.
        let r = app
            .send(
                Method::PUT,
                &format!("{steps}/{key}"),
                Some(json!({"key": key, "status": "skipped", "skip_reason": "不需要\u{0}"})),
                Some("*"),
            )
            .await;
        let b: Value = r.json().await.unwrap();
        assert_eq!(
            field_error(&b, "skip_reason").unwrap()["code"],
            "nul",
            "{b}"
        );
        let (s, b) = app
            .post(
                &format!("/api/v1/projects/{id}/problems"),
                json!({"category": "land", "description": "用地\u{0}指标"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(
            field_error(&b, "description").unwrap()["code"],
            "nul",
            "{b}"
        );
        let (s, b) = app
            .post(
                &format!("/api/v1/projects/{id}/progress-reports"),
                json!({"period": "2024-01", "note": too_long()}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(field_error(&b, "note").unwrap()["code"], "too_long", "{b}");

        // Nothing was written: the project is still where it was created.
        let (_, t) = app.get(&format!("/api/v1/projects/{id}/transitions")).await;
        let items = t["items"].as_array().unwrap();
        assert!(items.iter().all(|i| i["to_stage"] != "terminated"), "{t}");
    })
    .await;
}

#[tokio::test]
async fn a_nul_in_the_search_is_refused_not_a_match_for_everything() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        app.create_project(project_body(&seed, "甲项目")).await;
        app.create_project(project_body(&seed, "乙项目")).await;
        let (s, b) = app.get("/api/v1/projects?q=%00").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(field_error(&b, "q").unwrap()["code"], "nul", "{b}");
        // LIKE wildcards match themselves only.
        for q in ["%25", "_", "%5C"] {
            let (s, b) = app.get(&format!("/api/v1/projects?q={q}")).await;
            assert_eq!(s, StatusCode::OK, "{q}: {b}");
            assert_eq!(b["total"], 0, "{q}: {b}");
        }
        let (_, b) = app.get("/api/v1/projects?q=%E7%94%B2").await;
        assert_eq!(b["total"], 1, "{b}");
    })
    .await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_answered_413_in_chinese() {
    each_backend(|app| async move {
        let big = "x".repeat(duikou_web::extract::BODY_LIMIT + 10);
        let r = app
            .client
            .post(format!("{}/api/v1/regions", app.base))
            .bearer_auth(&app.token)
            .header("Content-Type", "application/json")
            .body(format!("{{\"name\":\"{big}\"}}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["error"]["code"], "payload_too_large", "{b}");
        assert!(
            b["error"]["message"]
                .as_str()
                .unwrap()
                .contains("请求体过大"),
            "{b}"
        );

        // A body sent in chunks (no Content-Length) is cut off at the limit too.
        let chunk = " ".repeat(duikou_web::extract::BODY_LIMIT + 10);
        let request = format!(
            "POST /api/v1/regions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n\
             {:x}\r\n{chunk}\r\n0\r\n\r\n",
            app.token,
            chunk.len()
        );
        let (answer, _) = raw(&app.base, request.as_bytes(), Duration::from_secs(20)).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.contains("payload_too_large"), "{answer}");

        // A form post of the pages gets the error page, in the reader's language.
        for (cookie, text) in [("", "内容过大"), ("duikou_lang=zh-Hant", "內容過大")] {
            let r = app
                .client
                .post(format!("{}/login", app.base))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie)
                .body(format!("login={big}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
            let page = r.text().await.unwrap();
            assert!(page.contains(text), "{page}");
            assert!(
                page.contains("/assets/app.css"),
                "the site's own look: {page}"
            );
        }
    })
    .await;
}

/// Sends raw bytes and reads the answer until the server closes or `wait` passes.
async fn raw(base: &str, request: &[u8], wait: Duration) -> (String, Duration) {
    let addr = base.trim_start_matches("http://");
    let started = std::time::Instant::now();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The server may answer and close before it has read everything.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut answer)).await;
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn a_lying_content_length_does_not_hold_the_connection() {
    let app = TestApp::start("sqlite").await;
    let request = format!(
        "POST /api/v1/regions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{{\"a\":1}}",
        app.token
    );
    let (answer, took) = raw(&app.base, request.as_bytes(), Duration::from_secs(20)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload_too_large"), "{answer}");
    assert!(
        took < Duration::from_secs(5),
        "answered at once and closed: {took:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_body_that_stops_coming_is_cut_off() {
    let app = TestApp::start("sqlite").await;
    // 100 bytes announced, 7 sent, then nothing: the server gives up after its body timeout,
    // answers, and closes.
    let request = format!(
        "POST /api/v1/regions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"a\":1}}",
        app.token
    );
    let limit = duikou_web::BODY_TIMEOUT + Duration::from_secs(10);
    let (answer, took) = raw(&app.base, request.as_bytes(), limit).await;
    assert!(
        took < limit,
        "closed after the body timeout: {took:?} {answer}"
    );
    assert!(
        took >= duikou_web::BODY_TIMEOUT - Duration::from_secs(1),
        "not before it: {took:?} {answer}"
    );
    let status = answer.get(9..12).unwrap_or_default();
    assert!(
        status == "408" || status == "400",
        "a client error, not a server one: {answer}"
    );
    app.stop().await;
}

#[tokio::test]
async fn slow_headers_are_cut_off() {
    let app = TestApp::start("sqlite").await;
    // Headers that never end: the server closes the connection after its header timeout.
    let (answer, took) = raw(
        &app.base,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n",
        duikou_web::HEADER_TIMEOUT + Duration::from_secs(10),
    )
    .await;
    assert!(
        took < duikou_web::HEADER_TIMEOUT + Duration::from_secs(5),
        "closed after the header timeout: {took:?} {answer}"
    );
    app.stop().await;
}

#[tokio::test]
async fn reports_and_problems_lists_are_paged() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app.create_project(project_body(&seed, "分页项目")).await;
        let id = p["id"].as_i64().unwrap();
        for m in 1..=5 {
            let (s, b) = app
                .post(
                    &format!("/api/v1/projects/{id}/progress-reports"),
                    json!({"period": format!("2024-{m:02}"), "invested_to_date": m}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
            let (s, b) = app
                .post(
                    &format!("/api/v1/projects/{id}/problems"),
                    json!({"category": "land", "description": format!("问题{m}")}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        for list in ["progress-reports", "problems"] {
            let path = format!("/api/v1/projects/{id}/{list}");
            let (s, b) = app.get(&format!("{path}?limit=2")).await;
            assert_eq!(s, StatusCode::OK, "{b}");
            assert_eq!(b["items"].as_array().unwrap().len(), 2, "{list}: {b}");
            assert_eq!(
                (b["total"].as_i64(), b["limit"].as_i64()),
                (Some(5), Some(2))
            );
            let (_, c) = app.get(&format!("{path}?limit=2&offset=4")).await;
            assert_eq!(c["items"].as_array().unwrap().len(), 1, "{list}: {c}");
            assert_ne!(b["items"][0]["id"], c["items"][0]["id"]);
            let (_, d) = app.get(&path).await;
            assert_eq!(d["limit"], 50, "the default page of every list");
            let (s, e) = app.get(&format!("{path}?limit=501")).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            assert!(field_error(&e, "limit").is_some(), "{e}");
        }
        // Reports keep their order: the newest period first.
        let (_, b) = app
            .get(&format!("/api/v1/projects/{id}/progress-reports?limit=1"))
            .await;
        assert_eq!(b["items"][0]["period"], "2024-05", "{b}");
    })
    .await;
}

#[tokio::test]
async fn rights_come_before_the_body_on_administrators_routes() {
    each_backend(|app| async move {
        add_user(&app, "plain", "Liaoning-2024").await;
        let plain = crate::api::permissions::token_of(&app, "plain").await;
        let bad = json!({"nonsense": true, "name": 5});
        for (method, path) in [
            (Method::POST, "/api/v1/regions"),
            (Method::PUT, "/api/v1/regions/110000"),
            (Method::POST, "/api/v1/orgs"),
            (Method::POST, "/api/v1/partnerships"),
            (Method::POST, "/api/v1/users"),
            (Method::POST, "/api/v1/templates"),
            (Method::POST, "/api/v1/warnings/sweep"),
        ] {
            let (s, b) = send_as(&app, &plain, method.clone(), path, bad.clone()).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{method} {path}: {b}");
            assert!(b["error"]["details"].as_array().unwrap().is_empty(), "{b}");
            let r = app
                .client
                .request(method.clone(), format!("{}{path}", app.base))
                .json(&bad)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{method} {path}");
        }
    })
    .await;
}

/// Every answer names its request: the caller's `x-request-id` is kept, one is made otherwise
/// (the same id is on every log line of the request).
#[tokio::test]
async fn every_answer_carries_its_request_id() {
    each_backend(|app| async move {
        let r = app
            .send(Method::GET, "/api/v1/projects?limit=1", None, None)
            .await;
        let made = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(made.len(), 36, "a UUID: {made}");
        let again = app
            .send(Method::GET, "/api/v1/projects?limit=1", None, None)
            .await;
        assert_ne!(
            again.headers()["x-request-id"],
            made.as_str(),
            "one per request"
        );
        let r = app
            .client
            .get(format!("{}/healthz", app.base))
            .header("x-request-id", "ops-check-42")
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["x-request-id"], "ops-check-42");
    })
    .await;
}
