//! The warnings inbox through the API: raised by a write, listed and counted with filters,
//! acknowledged and resolved with notes and versions, explained by its history; annual plans
//! and channels refuse bad input by field; sweeps are for administrators.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::api::helpers::*;

/// A project with a problem overdue as of the tests' today (2024-06-28) and one due in two
/// days; returns the project id.
async fn troubled(app: &TestApp) -> i64 {
    let seed = app.seed().await;
    let p = app
        .create_project(project_body(&seed, "浑南新材料产业园"))
        .await;
    let id = p["id"].as_i64().unwrap();
    for (description, due) in [
        ("用地指标未落实", "2024-06-01"),
        ("供电线路迁改", "2024-06-30"),
    ] {
        let (s, b) = app
            .post(
                &format!("/api/v1/projects/{id}/problems"),
                json!({"category": "land", "description": description, "due_date": due}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    id
}

#[tokio::test]
async fn a_write_raises_warnings_that_the_inbox_lists_filters_and_counts() {
    each_backend(|app| async move {
        let id = troubled(&app).await;
        let (s, list) = app.get("/api/v1/warnings").await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert_eq!(list["total"], 2);
        // Red first.
        assert_eq!(list["items"][0]["level"], "red");
        assert_eq!(list["items"][0]["level_label"], "红色预警");
        assert_eq!(list["items"][0]["rule"], "problem_overdue");
        assert_eq!(list["items"][0]["project_id"], id);
        assert!(list["items"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("用地指标未落实"));
        assert_eq!(list["items"][0]["as_of"], "2024-06-28");
        assert_eq!(list["items"][1]["level"], "yellow");
        let (_, red) = app.get("/api/v1/warnings?level=red").await;
        assert_eq!(red["total"], 1);
        let (_, none) = app.get("/api/v1/warnings?rule=step_committed").await;
        assert_eq!(none["total"], 0);
        let (s, bad) = app.get("/api/v1/warnings?level=orange").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&bad, "level").is_some(), "{bad}");
        for path in ["/api/v1/warnings?offset=-1", "/api/v1/slips?offset=-1"] {
            let (s, bad) = app.get(path).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
            assert!(field_error(&bad, "offset").is_some(), "{path}: {bad}");
        }
        let (s, bad) = app.get("/api/v1/slips?limit=0").await;
        assert!(field_error(&bad, "limit").is_some() && s == StatusCode::UNPROCESSABLE_ENTITY);
        let (s, bad) = app.get("/api/v1/warnings?colour=red").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let (_, counts) = app.get("/api/v1/warnings/counts").await;
        assert_eq!(
            (
                counts["total"].as_i64(),
                counts["red"].as_i64(),
                counts["yellow"].as_i64()
            ),
            (Some(2), Some(1), Some(1))
        );
        assert_eq!(counts["by_rule"][0]["rule"], "problem_overdue");
    })
    .await;
}

#[tokio::test]
async fn acknowledge_and_resolve_take_a_note_and_keep_the_history() {
    each_backend(|app| async move {
        troubled(&app).await;
        let (_, list) = app.get("/api/v1/warnings?level=red").await;
        let wid = list["items"][0]["id"].as_i64().unwrap();
        let path = format!("/api/v1/warnings/{wid}");
        let (s, bad) = app
            .post(&format!("{path}/acknowledge"), json!({"note": ""}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&bad, "note").is_some(), "{bad}");
        let (s, acked) = app
            .post(
                &format!("{path}/acknowledge"),
                json!({"note": "已约谈自然资源局"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{acked}");
        assert_eq!(acked["status"], "acknowledged");
        // A stale If-Match is refused with 412.
        let r = app
            .send(
                Method::POST,
                &format!("{path}/resolve"),
                Some(json!({"note": "x"})),
                Some("\"1\""),
            )
            .await;
        assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
        let (s, done) = app
            .post(
                &format!("{path}/resolve"),
                json!({"note": "指标已调剂到位"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{done}");
        assert_eq!(done["status"], "resolved");
        // Out of the inbox, still found with status=resolved, history complete.
        let (_, active) = app.get("/api/v1/warnings?level=red").await;
        assert_eq!(active["total"], 0);
        let (_, resolved) = app.get("/api/v1/warnings?status=resolved").await;
        assert_eq!(resolved["total"], 1);
        let (s, one) = app.get(&path).await;
        assert_eq!(s, StatusCode::OK);
        let actions: Vec<&str> = one["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["raised", "acknowledged", "resolved"]);
        assert_eq!(one["history"][2]["note"], "指标已调剂到位");
        // Resolving twice is refused, naming the status.
        let (s, again) = app
            .post(&format!("{path}/resolve"), json!({"note": "再次"}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&again, "status").is_some(), "{again}");
        let (s, _) = app.get("/api/v1/warnings/999999").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn annual_plans_drive_the_schedule_warning_and_refuse_bad_curves() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app
            .create_project(
                json!({"name": "序时进度项目", "partnership_id": seed.partnership_id,
                "host_region_code": "210112", "category": "investment",
                "stage": "started", "stage_since": "2024-01-02"}),
            )
            .await;
        let id = p["id"].as_i64().unwrap();
        let plans = format!("/api/v1/projects/{id}/annual-plans");
        let r = app
            .send(
                Method::PUT,
                &format!("{plans}/2024"),
                Some(json!({"amount": "1.2亿元", "curve": [0, 0, 100]})),
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = r.json().await.unwrap();
        assert!(field_error(&body, "annual_plan").is_some(), "{body}");
        let r = app
            .send(
                Method::PUT,
                &format!("{plans}/2024"),
                Some(json!({"amount": "1.2亿元"})),
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let (_, list) = app.get(&plans).await;
        assert_eq!(list["items"][0]["amount_yuan"], 120_000_000);
        // Five months done with nothing reported: 41.6 points behind → red.
        let (_, w) = app.get("/api/v1/warnings?rule=schedule_behind").await;
        assert_eq!(w["total"], 1, "{w}");
        assert_eq!(w["items"][0]["level"], "red");
        // A report of 45 million by the end of May: 4.1 points behind → cleared.
        let (s, b) = app
            .post(
                &format!("/api/v1/projects/{id}/progress-reports"),
                json!({"period": "2024-05", "invested_to_date": "4500万元"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (_, w) = app.get("/api/v1/warnings?rule=schedule_behind").await;
        assert_eq!(w["total"], 0, "{w}");
    })
    .await;
}

#[tokio::test]
async fn channels_name_bad_fields_and_never_show_secrets() {
    each_backend(|app| async move {
        let (s, bad) = app
            .post("/api/v1/channels", json!({"kind": "webhook", "name": "", "target": "ftp://x", "secret": "short"}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        for f in ["name", "target", "secret"] {
            assert!(field_error(&bad, f).is_some(), "{f}: {bad}");
        }
        let (s, c) = app
            .post("/api/v1/channels", json!({"kind": "webhook", "name": "市项目办", "target": "http://127.0.0.1:9/hook", "secret": "0123456789abcdef-secret"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        assert_eq!(c["has_secret"], true);
        assert!(!c.to_string().contains("0123456789abcdef"), "{c}");
        let (_, all) = app.get("/api/v1/channels").await;
        assert!(!all.to_string().contains("0123456789abcdef"));
        // A sweep through the API answers what it did.
        let (s, t) = app.post("/api/v1/warnings/sweep", json!({"full": true})).await;
        assert_eq!(s, StatusCode::OK, "{t}");
        assert!(t["evaluated"].is_u64());
    })
    .await;
}
