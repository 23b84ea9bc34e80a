//! Templates, the steps of a project, its schedule and working-day answers through the API.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::api::helpers::*;

fn step<'a>(schedule: &'a Value, key: &str) -> &'a Value {
    schedule["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap()
}

#[tokio::test]
async fn the_shipped_templates_are_listed_and_export_as_json() {
    each_backend(|app| async move {
        let (s, v) = app.get("/api/v1/templates").await;
        assert_eq!(s, StatusCode::OK);
        let keys: Vec<_> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["key"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(keys, vec!["construction_approval", "start_of_construction"]);
        let (s, t) = app.get("/api/v1/templates/start_of_construction").await;
        assert_eq!(s, StatusCode::OK);
        let steps: usize = t["phases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["steps"].as_array().unwrap().len())
            .sum();
        assert!(steps >= 30, "{steps} steps");
    })
    .await;
}

#[tokio::test]
async fn an_imported_template_becomes_a_new_version_and_old_projects_keep_theirs() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app
            .create_project(project_body(&seed, "版本测试项目"))
            .await;
        let steps = format!("/api/v1/projects/{}/steps", p["id"]);
        let (s, _) = app
            .post(
                &steps,
                json!({"template": "construction_approval", "start": "2024-03-01"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);

        let (_, mut t) = app.get("/api/v1/templates/construction_approval").await;
        t["name"] = json!("工程建设项目审批（修订）");
        let (s, saved) = app.post("/api/v1/templates", t).await;
        assert_eq!(s, StatusCode::CREATED, "{saved}");
        assert_eq!(saved["version"], 2);

        let (_, st) = app.get(&steps).await;
        assert_eq!(
            st["template_version"], 1,
            "the project keeps the version it started with"
        );
        let (_, v1) = app
            .get("/api/v1/templates/construction_approval?version=1")
            .await;
        assert_eq!(v1["name"], "工程建设项目审批（社会投资一般项目）");
    })
    .await;
}

#[tokio::test]
async fn a_template_with_a_cycle_is_refused_naming_the_step() {
    each_backend(|app| async move {
        let t = json!({
            "key": "loop", "name": "循环", "version": 1, "description": "",
            "phases": [{"key": "p", "name": "阶段", "steps": [
                {"key": "a", "name": "甲", "owner": "发改委", "statutory_days": 5, "committed_days": 3, "depends_on": ["b"]},
                {"key": "b", "name": "乙", "owner": "规划局", "statutory_days": 5, "committed_days": 3, "depends_on": ["a"]}
            ]}]
        });
        let (s, b) = app.post("/api/v1/templates", t).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let text = b.to_string();
        assert!(text.contains("循环") && (text.contains("甲") || text.contains("乙")), "{b}");
        let (_, v) = app.get("/api/v1/templates").await;
        assert_eq!(v["total"], 2, "nothing stored");
    })
    .await;
}

#[tokio::test]
async fn a_project_schedule_is_planned_in_working_days_and_replanned_by_actual_dates() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app.create_project(project_body(&seed, "审批流程项目")).await;
        let steps = format!("/api/v1/projects/{}/steps", p["id"]);
        let (s, sch) = app.post(&steps, json!({"template": "construction_approval", "start": "2024-04-26"})).await;
        assert_eq!(s, StatusCode::CREATED, "{sch}");
        assert_eq!(sch["committed_total_days"], 40);
        assert_eq!(sch["statutory_total_days"], 120);
        let first = &sch["steps"][0];
        let key = first["key"].as_str().unwrap().to_owned();
        // 2024-04-26 is a Friday; 04-28 (Sunday) and 05-11 (Saturday) are make-up working days
        // around the Labour Day break of 05-01..05.
        assert_eq!(first["planned_start"], "2024-04-26");

        let (s, again) = app.post(&steps, json!({"template": "construction_approval"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{again}");

        // Finish the first step late: its successors move later.
        let due = first["planned_due"].as_str().unwrap().to_owned();
        let successor = sch["steps"].as_array().unwrap().iter()
            .find(|s| s["depends_on"].as_array().unwrap().iter().any(|d| d == key.as_str()))
            .unwrap().clone();
        let r = app.send(Method::GET, &steps, None, None).await;
        let etag = r.headers()["etag"].to_str().unwrap().to_owned();
        let state = json!({"key": key, "status": "done", "actual_start": "2024-04-26", "actual_finish": "2024-05-10"});
        let r = app.send(Method::PUT, &format!("{steps}/{key}"), Some(state.clone()), Some(&etag)).await;
        assert_eq!(r.status(), StatusCode::OK);
        let after: Value = r.json().await.unwrap();
        let moved = step(&after, successor["key"].as_str().unwrap());
        assert_eq!(moved["planned_start"], "2024-05-11", "the working day after 05-10 is a make-up Saturday");
        assert!(due.as_str() < "2024-05-10");
        assert_eq!(step(&after, &key)["late"], true, "finished after its due date");

        // The same ETag again is stale.
        let r = app.send(Method::PUT, &format!("{steps}/{key}"), Some(state), Some(&etag)).await;
        assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);

        let (s, gantt) = app.get(&format!("/api/v1/projects/{}/schedule", p["id"])).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(gantt["today"], "2024-06-28");
        assert!(!gantt["critical_path"].as_array().unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_bad_step_update_names_the_step_and_writes_nothing() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app.create_project(project_body(&seed, "校验项目")).await;
        let steps = format!("/api/v1/projects/{}/steps", p["id"]);
        let (_, sch) = app.post(&steps, json!({"template": "construction_approval", "start": "2024-03-01"})).await;
        let step = |i: usize| {
            let s = &sch["steps"][i];
            (s["key"].as_str().unwrap().to_owned(), s["name"].as_str().unwrap().to_owned())
        };
        let (first, first_name) = step(0);
        let (later, later_name) = step(sch["steps"].as_array().unwrap().len() - 1);
        let cases = [
            (first.clone(), first_name.clone(), json!({"key": first, "status": "done", "actual_start": "2024-03-10", "actual_finish": "2024-03-05"}), "finish before start"),
            (later.clone(), later_name, json!({"key": later, "status": "done", "actual_start": "2024-03-04", "actual_finish": "2024-03-05"}), "finished before its dependencies"),
            (first.clone(), first_name, json!({"key": first, "status": "skipped"}), "skipped without a reason"),
        ];
        for (key, name, body, what) in cases {
            let r = app.send(Method::PUT, &format!("{steps}/{key}"), Some(body), Some("\"1\"")).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            let b: Value = r.json().await.unwrap();
            let text = b.to_string();
            // Named by its name, as officials know it; its key is an internal code.
            assert!(text.contains(&format!("「{name}」")), "{what} names the step: {b}");
            assert!(!text.contains(&format!("（{key}）")), "{what} leaks the step's code: {b}");
        }
        let r = app.send(Method::GET, &steps, None, None).await;
        assert_eq!(r.headers()["etag"], "\"1\"", "nothing was written");
    })
    .await;
}

#[tokio::test]
async fn working_day_answers_follow_the_official_calendar() {
    each_backend(|app| async move {
        let (_, a) = app.get("/api/v1/calendar/add?date=2024-09-27&days=3").await;
        assert_eq!(a["value"], "2024-10-08");
        let (_, c) = app.get("/api/v1/calendar/check?date=2024-10-12").await;
        assert_eq!(c["value"], true, "a make-up working Saturday");
        let (_, c) = app.get("/api/v1/calendar/check?date=2027-01-01").await;
        assert_eq!(
            c["uncovered_years"],
            json!([2027]),
            "flagged: no notice for 2027 yet"
        );
        let (_, b) = app
            .get("/api/v1/calendar/between?from=2024-09-27&to=2024-10-08")
            .await;
        assert_eq!(b["value"], 3);
        let (s, e) = app.get("/api/v1/calendar/add?date=2024-09-27").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&e, "days").is_some(), "{e}");
    })
    .await;
}

/// The step page's actions through the API: the same rules, every bad field named at once,
/// who and when the server's, the steps' version guarding the write.
#[tokio::test]
async fn step_actions_through_the_api_follow_the_step_pages_rules() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app
            .create_project(project_body(&seed, "环节操作项目"))
            .await;
        let steps = format!("/api/v1/projects/{}/steps", p["id"]);
        let (s, sch) = app
            .post(
                &steps,
                json!({"template": "construction_approval", "start": "2024-06-03"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{sch}");
        let key = sch["steps"][0]["key"].as_str().unwrap().to_owned();
        let act = |a: &str| format!("{steps}/{key}/{a}");

        // Every bad or unknown field at once, and nothing written.
        let bad = json!({"granted_on": "2024-13-01", "verify_days": "x", "actor": "sy-leader",
                         "promised": {"text": "按期补齐"}});
        let (s, b) = app.post(&act("commitment"), bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        for f in ["granted_on", "promised", "verify_days", "actor"] {
            assert!(field_error(&b, f).is_some(), "{f} named: {b}");
        }
        assert_eq!(
            field_error(&b, "promised").unwrap()["code"],
            "type",
            "named once, by its type: {b}"
        );
        assert_eq!(app.get(&steps).await.1["version"], 1, "nothing written");

        let (s, sch) = app
            .post(&act("start"), json!({"actual_start": "2024-06-03"}))
            .await;
        assert_eq!(s, StatusCode::OK, "{sch}");
        assert_eq!(step(&sch, &key)["status"], "in_progress");

        // A recorded start changed without a reason is refused under `reason`.
        let finish = json!({"actual_start": "2024-06-04", "actual_finish": "2024-06-05"});
        let (s, b) = app.post(&act("finish"), finish.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(field_error(&b, "reason").is_some(), "{b}");
        // A stale version is refused; the current one goes through.
        let mut with_reason = finish;
        with_reason["reason"] = json!("录入错误");
        let r = app
            .send(
                Method::POST,
                &act("finish"),
                Some(with_reason.clone()),
                Some("\"1\""),
            )
            .await;
        assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
        let r = app
            .send(
                Method::POST,
                &act("finish"),
                Some(with_reason),
                Some("\"2\""),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["etag"], "\"3\"");
        let (_, stored) = app.get(&steps).await;
        let state = &stored["states"][0];
        assert_eq!(state["status"], "done");
        assert_eq!(state["actual_start"], "2024-06-04");
        assert_eq!(state["date_changes"][0]["actor"], "admin", "{state}");
        assert_eq!(state["date_changes"][0]["reason"], "录入错误");

        // A finished step offers no skip; an unknown action is not found.
        let (s, _) = app.post(&format!("{steps}/{key}/nap"), json!({})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Someone without rights on the project does not find it.
        add_user(&app, "outsider", "Liaoning-2024-q").await;
        let user = app.store.user("outsider").await.unwrap();
        let new = duikou_store::accounts::NewToken {
            parent: None,
            name: "t".into(),
            expires_in_days: Some(1),
            grants: None,
        };
        let token = app
            .store
            .create_token(&user, &new, chrono::Utc::now())
            .await
            .unwrap()
            .1;
        let body = json!({"actual_start": "2024-06-03"});
        let (s, _) = send_as(
            &app,
            &token,
            Method::POST,
            &format!("{steps}/{key}/start"),
            body,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    })
    .await;
}
