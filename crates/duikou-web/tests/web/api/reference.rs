//! Regions, orgs, partnerships, problems, health and the OpenAPI document.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::api::helpers::*;

#[tokio::test]
async fn health_and_the_openapi_document_answer() {
    each_backend(|app| async move {
        let (s, b) = app.get("/healthz").await;
        assert_eq!((s, b["status"].as_str()), (StatusCode::OK, Some("ok")));
        let (s, _) = app.get("/readyz").await;
        assert_eq!(s, StatusCode::OK);
        let (s, doc) = app.get("/api/openapi.json").await;
        assert_eq!(s, StatusCode::OK);
        for path in [
            "/api/v1/projects",
            "/api/v1/projects/{id}/transitions",
            "/api/v1/stats/projects",
            "/api/v1/regions/{code}",
            "/api/v1/projects/{id}/problems/{problem_id}",
            "/api/v1/me/password",
            "/api/v1/orgs/{id}/actions",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} documented");
        }
        let lock = &doc["paths"]["/api/v1/users/{login}/lock"]["delete"];
        assert_eq!(lock["parameters"][0]["name"], "login", "{lock}");
        for status in ["204", "401", "403", "404"] {
            assert!(lock["responses"][status].is_object(), "{status}: {lock}");
        }
        let login = &doc["paths"]["/api/v1/session"]["post"]["responses"]["429"];
        assert!(login["headers"]["Retry-After"].is_object(), "{login}");
        assert!(doc["components"]["schemas"]["Project"].is_object());
    })
    .await;
}

#[tokio::test]
async fn regions_list_as_a_tree_and_rename_with_if_match() {
    each_backend(|app| async move {
        app.seed().await;
        let (_, v) = app.get("/api/v1/regions?within=210000").await;
        let codes: Vec<_> = v["items"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap().to_owned()).collect();
        assert_eq!(codes, vec!["210100", "210112", "210114"]);
        let (_, v) = app.get("/api/v1/regions?parent=210100&kind=district").await;
        assert_eq!(v["total"], 2);
        let body = json!({"code": "210112", "name": "浑南区（沈抚）", "kind": "district", "parent_code": "210100"});
        let r = app.send(Method::PUT, "/api/v1/regions/210112", Some(body.clone()), Some("\"1\"")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = app.send(Method::PUT, "/api/v1/regions/210112", Some(body), Some("\"1\"")).await;
        assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
        let moved = json!({"code": "210112", "name": "浑南区", "kind": "district", "parent_code": "110000"});
        let r = app.send(Method::PUT, "/api/v1/regions/210112", Some(moved), Some("*")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn partnerships_nest_and_are_found_by_slug() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let (s, child) = app
            .post(
                "/api/v1/partnerships",
                json!({"slug": "chaoyang-hunnan", "name": "朝阳—浑南结对", "kind": "district_pairing",
                       "parent_id": seed.partnership_id,
                       "side_a": {"region_code": "110105"}, "side_b": {"region_code": "210112"}}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{child}");
        assert_eq!(child["path"], format!("/{}/{}/", seed.partnership_id, child["id"]));
        let (s, p) = app.get("/api/v1/partnerships/chaoyang-hunnan").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(p["parent_id"], seed.partnership_id);
        let (s, b) = app
            .post("/api/v1/partnerships", json!({"slug": "chaoyang-hunnan", "name": "重复", "kind": "other",
                   "side_a": {"region_code": "110105"}, "side_b": {"region_code": "210112"}}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&b, "slug").is_some(), "{b}");
        let (s, b) = app
            .post("/api/v1/partnerships", json!({"slug": "x-y", "name": "缺一方", "kind": "other",
                   "side_a": {"region_code": "110105"}, "side_b": {}}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&b, "side_b").is_some(), "{b}");
    })
    .await;
}

#[tokio::test]
async fn orgs_are_created_in_a_known_region() {
    each_backend(|app| async move {
        app.seed().await;
        let (s, o) = app
            .post(
                "/api/v1/orgs",
                json!({"name": "沈阳市对口合作办公室", "kind": "office", "region_code": "210100"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
        let (s, b) = app
            .post(
                "/api/v1/orgs",
                json!({"name": "不存在地区的单位", "kind": "office", "region_code": "990000"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&b, "region_code").is_some(), "{b}");
        let (_, v) = app.get("/api/v1/orgs?region=210100").await;
        assert_eq!(v["total"], 1);
    })
    .await;
}

#[tokio::test]
async fn a_unit_is_disabled_enabled_and_merged_through_its_actions() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let unit = |name: &'static str| {
            let app = &app;
            async move {
                let (s, o) = app
                    .post(
                        "/api/v1/orgs",
                        json!({"name": name, "kind": "department", "region_code": "210112"}),
                    )
                    .await;
                assert_eq!(s, StatusCode::CREATED, "{o}");
                o["id"].as_i64().unwrap()
            }
        };
        let (old, kept) = (unit("浑南区发改局").await, unit("浑南区发展和改革局").await);
        let mut body = project_body(&seed, "新材料产业园");
        body["owner_org_id"] = json!(old);
        let p = app.create_project(body).await;
        let act = |id: i64| format!("/api/v1/orgs/{id}/actions");
        let (s, o) = app.post(&act(old), json!({"action": "disable"})).await;
        assert_eq!((s, &o["disabled"]), (StatusCode::OK, &json!(true)), "{o}");
        let (s, b) = app.post(&act(old), json!({"action": "disable"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let (s, o) = app.post(&act(old), json!({"action": "enable"})).await;
        assert_eq!((s, &o["disabled"]), (StatusCode::OK, &json!(false)), "{o}");
        let (s, b) = app
            .post(&act(old), json!({"action": "merge", "into": old}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&b, "into").is_some(), "{b}");
        let (s, o) = app
            .post(&act(old), json!({"action": "merge", "into": kept}))
            .await;
        assert_eq!(s, StatusCode::OK, "{o}");
        assert_eq!(
            (&o["merged_into"], &o["disabled"]),
            (&json!(kept), &json!(true))
        );
        let (_, moved) = app.get(&format!("/api/v1/projects/{}", p["id"])).await;
        assert_eq!(moved["owner_org_id"], kept, "{moved}");
        let (s, _) = app.post(&act(9999), json!({"action": "enable"})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app.post(&act(kept), json!({"action": "drop"})).await;
        assert!(s.is_client_error(), "{s}");
    })
    .await;
}

#[tokio::test]
async fn problems_are_tracked_to_their_resolution() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app.create_project(project_body(&seed, "征收受阻项目")).await;
        let path = format!("/api/v1/projects/{}/problems", p["id"]);
        let (s, pr) = app
            .post(&path, json!({"category": "expropriation", "description": "地块征收补偿未谈妥", "due_date": "2024-07-31"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{pr}");
        assert_eq!(pr["status"], "open");
        let item = format!("{path}/{}", pr["id"]);
        let resolved = json!({"category": "expropriation", "description": "地块征收补偿未谈妥", "due_date": "2024-07-31", "status": "resolved"});
        let r = app.send(Method::PUT, &item, Some(resolved.clone()), Some("\"1\"")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "resolving needs a resolution");
        let mut resolved = resolved;
        resolved["resolution"] = json!("区政府协调完成补偿");
        resolved["resolved_on"] = json!("2024-06-20");
        let r = app.send(Method::PUT, &item, Some(resolved), Some("\"1\"")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let (_, list) = app.get(&path).await;
        assert_eq!(list["items"][0]["status"], "resolved");
    })
    .await;
}

#[tokio::test]
async fn every_record_shows_its_history() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app.create_project(project_body(&seed, "留痕项目")).await;
        let path = format!("/api/v1/projects/{}/progress-reports", p["id"]);
        let (_, r) = app
            .post(
                &path,
                json!({"period": "2024-05", "invested_to_date": 1000}),
            )
            .await;
        let item = format!("{path}/{}", r["id"]);
        let r2 = app
            .send(
                Method::PUT,
                &item,
                Some(json!({"period": "2024-05", "invested_to_date": 2000})),
                Some("\"1\""),
            )
            .await;
        assert_eq!(r2.status(), StatusCode::OK);
        let (s, h) = app.get(&format!("{item}/history")).await;
        assert_eq!(s, StatusCode::OK, "{h}");
        assert_eq!(h["items"][1]["before"]["invested_to_date"], 1000);
        assert_eq!(h["items"][1]["after"]["invested_to_date"], 2000);
        for path in [
            "/api/v1/regions/210112/history",
            "/api/v1/partnerships/beijing-shenyang/history",
        ] {
            let (s, h) = app.get(path).await;
            assert_eq!(s, StatusCode::OK, "{path}");
            assert_eq!(h["items"][0]["action"], "create");
        }
        let other = app.create_project(project_body(&seed, "另一项目")).await;
        let (s, _) = app
            .get(&format!(
                "/api/v1/projects/{}/progress-reports/{}/history",
                other["id"], r["id"]
            ))
            .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "a report is reached only through its own project"
        );
    })
    .await;
}
