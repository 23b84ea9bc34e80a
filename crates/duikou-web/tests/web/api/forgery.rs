//! What a client must not be able to forge or widen: the grants and expiry of a token made
//! with a token, who and when in a step's history, and writes "as of" another day.

use duikou_core::auth::{Grant, Role, Scope};
use duikou_store::accounts::NewToken;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::api::helpers::*;

#[tokio::test]
async fn a_token_mints_tokens_only_within_its_own_grants_and_expiry() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        add_user(&app, "two-hats", "Matrix-2024-x").await;
        let system = duikou_core::Actor::system("test");
        let narrow = Grant {
            role: Role::Leader,
            scope: Scope::Partnership {
                partnership_id: seed.partnership_id,
            },
        };
        let wide = Grant {
            role: Role::Leader,
            scope: Scope::All,
        };
        for g in [&narrow, &wide] {
            app.store
                .as_system(&system.name)
                .grant("two-hats", g)
                .await
                .unwrap();
        }
        let user = app.store.user("two-hats").await.unwrap();
        let restricted = NewToken {
            parent: None,
            name: "restricted".into(),
            expires_in_days: Some(1),
            grants: Some(vec![narrow.clone()]),
        };
        let (parent, secret) = app
            .store
            .create_token(&user, &restricted, chrono::Utc::now())
            .await
            .unwrap();
        let mint = |body: Value| send_as(&app, &secret, Method::POST, "/api/v1/me/tokens", body);

        let (s, b) = mint(json!({"name": "x"})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let grants: Vec<Grant> = serde_json::from_value(b["token"]["grants"].clone()).unwrap();
        assert_eq!(grants, vec![narrow.clone()], "only the parent's grants");
        let expires: chrono::DateTime<chrono::Utc> =
            serde_json::from_value(b["token"]["expires_at"].clone()).expect("an expiry");
        assert_eq!(Some(expires), parent.expires_at, "no later than the parent");

        let (s, b) = mint(json!({"name": "y", "grants": [wide]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(field_error(&b, "grants[0]").is_some(), "{b}");

        let (s, b) = mint(json!({"name": "z", "expires_in_days": 30, "grants": [wide]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            field_error(&b, "grants[0]").is_some(),
            "every bad field: {b}"
        );
        assert!(
            field_error(&b, "expires_in_days").is_some(),
            "every bad field: {b}"
        );

        // A session (the user themself) may still make a token of all their grants.
        let unrestricted = NewToken {
            parent: None,
            name: "full".into(),
            expires_in_days: None,
            grants: None,
        };
        let (full, _) = app
            .store
            .create_token(&user, &unrestricted, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(full.grants.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn step_history_names_the_server_actor_and_time_whatever_the_client_sends() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app.create_project(project_body(&seed, "延期项目")).await;
        let steps = format!("/api/v1/projects/{}/steps", p["id"]);
        let (_, sch) = app.post(&steps, json!({"template": "construction_approval", "start": "2024-06-03"})).await;
        let key = sch["steps"][0]["key"].as_str().unwrap().to_owned();
        let started = chrono::Utc::now() - chrono::Duration::seconds(1);
        let change = json!({"field": "due_override", "old": null, "new": "2024-07-30",
            "reason": "市领导同意延期", "actor": "sy-leader", "at": "2019-05-01T08:00:00Z"});
        let state = json!({"key": key, "due_override": "2024-07-30", "date_changes": [change]});
        let r = app.send(Method::PUT, &format!("{steps}/{key}"), Some(state.clone()), Some("\"1\"")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let (_, stored) = app.get(&steps).await;
        let logged = &stored["states"][0]["date_changes"][0];
        assert_eq!(logged["actor"], "admin", "{logged}");
        let at: chrono::DateTime<chrono::Utc> = serde_json::from_value(logged["at"].clone()).unwrap();
        assert!(at >= started, "the server's time, not 2019: {at}");
        assert_eq!(logged["reason"], "市领导同意延期");

        // Left out, they are filled in; unknown fields are refused and name the field.
        let bare = json!({"field": "due_override", "old": "2024-07-30", "new": "2024-08-30", "reason": "再次延期"});
        let mut next = state.clone();
        next["due_override"] = json!("2024-08-30");
        next["date_changes"] = json!([logged.clone(), bare]);
        let r = app.send(Method::PUT, &format!("{steps}/{key}"), Some(next.clone()), Some("\"2\"")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let (_, stored) = app.get(&steps).await;
        assert_eq!(stored["states"][0]["date_changes"][1]["actor"], "admin");
        next["approved_by"] = json!("sy-leader");
        let r = app.send(Method::PUT, &format!("{steps}/{key}"), Some(next), Some("\"3\"")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let b: Value = r.json().await.unwrap();
        assert!(field_error(&b, "approved_by").is_some(), "{b}");
    })
    .await;
}

#[tokio::test]
async fn a_sweep_as_of_another_day_is_a_dry_run_that_writes_nothing() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app.create_project(project_body(&seed, "远期项目")).await;
        let (s, b) = app
            .post(
                &format!("/api/v1/projects/{}/problems", p["id"]),
                json!({"category": "land", "description": "用地指标未落实", "due_date": "2024-12-31"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let counts = || async { app.get("/api/v1/warnings/counts").await.1["total"].clone() };
        let slips = || async { app.get("/api/v1/slips").await.1["items"].as_array().unwrap().len() };
        let (warnings_before, slips_before) = (counts().await, slips().await);

        let (s, tally) = app.post("/api/v1/warnings/sweep", json!({"full": true, "as_of": "2030-12-31"})).await;
        assert_eq!(s, StatusCode::OK, "{tally}");
        assert_eq!(tally["dry_run"], true);
        assert!(tally["raised"].as_u64().unwrap() > 0, "it says what it would raise: {tally}");
        assert_eq!(counts().await, warnings_before, "no warning written");
        assert_eq!(slips().await, slips_before, "no slip opened");

        let (s, tally) = app.post("/api/v1/warnings/sweep", json!({"full": true})).await;
        assert_eq!(s, StatusCode::OK, "{tally}");
        assert_eq!(tally["dry_run"], false, "today's sweep writes");

        for far in ["9999-12-31", "1999-12-31", "2101-01-01"] {
            let (s, b) = app.post("/api/v1/warnings/sweep", json!({"full": true, "as_of": far})).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{far}: {b}");
            assert!(field_error(&b, "as_of").is_some(), "{far}: {b}");
        }
        assert_eq!(slips().await, slips_before);
    })
    .await;
}
