//! Bad input: each a 4xx naming the field, nothing written.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::api::helpers::*;

async fn project_count(app: &TestApp) -> i64 {
    let (_, v) = app.get("/api/v1/projects").await;
    v["total"].as_i64().unwrap()
}

#[tokio::test]
async fn each_bad_project_field_is_named_and_nothing_is_written() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let cases = [
            ("foo", json!(1), "foo", "an unknown field"),
            ("name", json!(5), "name", "a wrong type"),
            (
                "planned_start",
                json!("2023-02-30"),
                "planned_start",
                "an impossible date",
            ),
            (
                "planned_investment",
                json!(-5),
                "planned_investment",
                "negative money",
            ),
            (
                "agreement_amount",
                json!("-5万元"),
                "agreement_amount",
                "negative money text",
            ),
            (
                "agreement_amount",
                json!("三亿"),
                "agreement_amount",
                "unreadable money",
            ),
            (
                "planned_investment",
                json!("0.5元"),
                "planned_investment",
                "fractional yuan",
            ),
            (
                "host_region_code",
                json!("999999"),
                "host_region_code",
                "an unknown region",
            ),
            (
                "host_region_code",
                json!("21011"),
                "host_region_code",
                "a malformed region",
            ),
            (
                "code",
                json!("2509-32019-89-01-544060"),
                "code",
                "a malformed project code",
            ),
            (
                "category",
                json!("charity"),
                "category",
                "an unknown category",
            ),
            (
                "partnership_id",
                json!(9999),
                "partnership_id",
                "an unknown partnership",
            ),
            ("name", json!("  "), "name", "an empty name"),
        ];
        for (key, value, field, what) in cases {
            let mut body = project_body(&seed, "坏数据项目");
            body[key] = value;
            let (s, b) = app.post("/api/v1/projects", body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {b}");
            assert!(
                field_error(&b, field).is_some(),
                "{what} names {field}: {b}"
            );
            assert_eq!(b["error"]["code"], "validation_failed");
        }
        assert_eq!(project_count(&app).await, 0);
    })
    .await;
}

#[tokio::test]
async fn a_missing_required_field_is_named() {
    each_backend(|app| async move {
        let (s, b) = app
            .post(
                "/api/v1/projects",
                json!({"name": "缺少落地地区", "category": "trade"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&b, "host_region_code").is_some(), "{b}");
    })
    .await;
}

#[tokio::test]
async fn several_bad_fields_are_reported_together() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let mut body = project_body(&seed, "多处错误");
        body["planned_investment"] = json!("abc");
        body["agreement_amount"] = json!("-1亿");
        body["planned_start"] = json!("2024-05-01");
        body["planned_production"] = json!("2024-01-01");
        let (s, b) = app.post("/api/v1/projects", body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        for f in [
            "planned_investment",
            "agreement_amount",
            "planned_production",
        ] {
            assert!(field_error(&b, f).is_some(), "{f}: {b}");
        }
    })
    .await;
}

#[tokio::test]
async fn malformed_json_and_wrong_content_type_are_refused() {
    each_backend(|app| async move {
        let r = app
            .client
            .post(format!("{}/api/v1/projects", app.base))
            .bearer_auth(&app.token)
            .header("content-type", "application/json")
            .body(r#"{"name": "#.to_owned())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let r = app
            .client
            .post(format!("{}/api/v1/projects", app.base))
            .bearer_auth(&app.token)
            .body("name=x")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    })
    .await;
}

#[tokio::test]
async fn unknown_query_parameters_and_bad_values_are_named() {
    each_backend(|app| async move {
        let (s, b) = app.get("/api/v1/projects?colour=red").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&b, "colour").is_some(), "{b}");
        let (s, b) = app.get("/api/v1/projects?limit=abc").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&b, "limit").is_some(), "{b}");
        let (s, b) = app.get("/api/v1/projects?limit=0").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&b, "limit").is_some(), "{b}");
        let (s, b) = app.get("/api/v1/stats/projects?as_of=2018-02-30").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&b, "as_of").is_some(), "{b}");
    })
    .await;
}

#[tokio::test]
async fn a_duplicate_project_code_or_report_period_is_refused() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let mut body = project_body(&seed, "甲");
        body["code"] = json!("2509-210112-89-01-544060");
        let p = app.create_project(body.clone()).await;
        body["name"] = json!("乙");
        let (s, b) = app.post("/api/v1/projects", body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&b, "code").is_some(), "{b}");
        let path = format!("/api/v1/projects/{}/progress-reports", p["id"]);
        let (s, r) = app
            .post(
                &path,
                json!({"period": "2024-Q1", "invested_to_date": "3000万元"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(r["invested_to_date"], 30_000_000);
        let (s, b) = app
            .post(
                &path,
                json!({"period": "2024-Q2", "funds_in_place": "100万美元"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&b, "funds_in_place").is_some(), "{b}");
        let (s, b) = app
            .post(
                &path,
                json!({"period": "2024-Q1", "invested_to_date": 40_000_000}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&b, "period").is_some(), "{b}");
        let (s, b) = app
            .post(&path, json!({"period": "2024-13", "invested_to_date": 1}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&b, "period").is_some(), "{b}");
    })
    .await;
}

#[tokio::test]
async fn a_region_that_is_used_cannot_be_deleted() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        app.create_project(project_body(&seed, "甲")).await;
        let r = app.send(Method::DELETE, "/api/v1/regions/210112", None, Some("*")).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let (s, _) = app.get("/api/v1/regions/210112").await;
        assert_eq!(s, StatusCode::OK);
        let (s, b) = app
            .post("/api/v1/regions", json!({"code": "220100", "name": "长春市", "kind": "city", "parent_code": "210000"}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a city outside its province's code: {b}");
        assert!(field_error(&b, "code").is_some());
    })
    .await;
}

#[tokio::test]
async fn every_bad_field_is_named_not_only_the_first() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let count = project_count(&app).await;
        // A bad value that serde rejects and one the body's own check rejects.
        let mut body = project_body(&seed, "两处错误");
        body["planned_investment"] = json!(-1);
        body["planned_start"] = json!("2024-02-30");
        let (s, b) = app.post("/api/v1/projects", body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["error"]["code"], "validation_failed");
        for f in ["planned_investment", "planned_start"] {
            assert!(field_error(&b, f).is_some(), "{f}: {b}");
        }
        // Two unknown fields, a wrong type and a missing field at once.
        let mut body = project_body(&seed, "四处错误");
        body["colour"] = json!("red");
        body["size"] = json!(3);
        body["land_area_mu"] = json!("很大");
        body.as_object_mut().unwrap().remove("host_region_code");
        let (s, b) = app.post("/api/v1/projects", body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let details = b["error"]["details"].as_array().unwrap();
        let mut fields: Vec<&str> = details
            .iter()
            .map(|d| d["field"].as_str().unwrap())
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            ["colour", "host_region_code", "land_area_mu", "size"],
            "{b}"
        );
        assert_eq!(project_count(&app).await, count, "nothing written");
    })
    .await;
}

#[tokio::test]
async fn a_slip_action_of_a_wrong_type_names_its_field() {
    each_backend(|app| async move {
        for (body, field) in [
            (
                json!({"action": "decide_extension", "approve": "yes"}),
                "approve",
            ),
            (json!({"action": "close", "note": 5}), "note"),
            (
                json!({"action": "progress", "item": "one", "done_on": "2024-02-30"}),
                "item",
            ),
        ] {
            let (s, b) = app.post("/api/v1/slips/1/actions", body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {b}");
            assert!(field_error(&b, field).is_some(), "{body}: {b}");
            assert!(field_error(&b, "").is_none(), "{body}: {b}");
        }
        // Both bad fields of a progress report.
        let (_, b) = app
            .post(
                "/api/v1/slips/1/actions",
                json!({"action": "progress", "item": "one", "done_on": "2024-02-30"}),
            )
            .await;
        assert!(field_error(&b, "done_on").is_some(), "{b}");
    })
    .await;
}

#[tokio::test]
async fn every_bad_query_parameter_is_named() {
    each_backend(|app| async move {
        let (s, b) = app
            .get("/api/v1/projects?colour=red&limit=abc&stage=nowhere&q=a%00")
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        for f in ["colour", "limit", "stage", "q"] {
            assert!(field_error(&b, f).is_some(), "{f}: {b}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_list_filter_naming_nothing_is_a_422_naming_the_parameter() {
    each_backend(|app| async move {
        app.seed().await;
        for (path, field) in [
            ("/api/v1/regions?within=", "within"),
            ("/api/v1/warnings?region=999999", "region"),
            ("/api/v1/warnings/counts?region=", "region"),
            (
                "/api/v1/slips?project_id=-9223372036854775808",
                "project_id",
            ),
        ] {
            let (s, b) = app.get(path).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {b}");
            assert!(field_error(&b, field).is_some(), "{path}: {b}");
        }
    })
    .await;
}
