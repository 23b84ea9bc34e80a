//! Projects through the API: create, read, update with If-Match, delete, transitions, history,
//! lists with filters, sorting and paging.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::api::helpers::*;

#[tokio::test]
async fn a_project_is_created_from_money_text_and_read_back_in_yuan() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let mut body = project_body(&seed, "沈阳新材料产业园");
        body["planned_investment"] = json!("239.5亿元");
        body["agreement_amount"] = json!("１，２００万元");
        body["code"] = json!("2509-210112-89-01-544060");
        let p = app.create_project(body).await;
        assert_eq!(p["planned_investment"], 23_950_000_000_i64);
        assert_eq!(p["agreement_amount"], 12_000_000);
        assert_eq!(p["stage"], "lead");
        assert_eq!(p["currency"], "CNY");
        let r = app
            .send(
                Method::GET,
                &format!("/api/v1/projects/{}", p["id"]),
                None,
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["etag"], "\"1\"");
        let back: serde_json::Value = r.json().await.unwrap();
        assert_eq!(back["name"], "沈阳新材料产业园");
        assert_eq!(back["code"], "2509-210112-89-01-544060");
    })
    .await;
}

#[tokio::test]
async fn a_foreign_currency_amount_keeps_its_currency() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let mut body = project_body(&seed, "德康健康产业基地");
        body["planned_investment"] = json!("1亿美元");
        let p = app.create_project(body).await;
        assert_eq!(p["currency"], "USD");
        assert_eq!(p["planned_investment"], 100_000_000);
    })
    .await;
}

#[tokio::test]
async fn an_update_needs_if_match_and_a_stale_one_is_refused_without_writing() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app
            .create_project(project_body(&seed, "智能制造基地"))
            .await;
        let path = format!("/api/v1/projects/{}", p["id"]);
        let mut changed = project_body(&seed, "智能制造基地（一期）");
        changed["planned_investment"] = json!(500_000_000);

        let r = app
            .send(Method::PUT, &path, Some(changed.clone()), None)
            .await;
        assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);

        let r = app
            .send(Method::PUT, &path, Some(changed.clone()), Some("\"1\""))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["etag"], "\"2\"");

        changed["name"] = json!("被覆盖的名称");
        let r = app
            .send(Method::PUT, &path, Some(changed), Some("\"1\""))
            .await;
        assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "stale");

        let (_, now) = app.get(&path).await;
        assert_eq!(now["name"], "智能制造基地（一期）");
        assert_eq!(now["planned_investment"], 500_000_000);
        assert_eq!(now["version"], 2);
    })
    .await;
}

#[tokio::test]
async fn the_stage_cannot_be_changed_by_an_update() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app.create_project(project_body(&seed, "物流园")).await;
        let mut body = project_body(&seed, "物流园");
        body["stage"] = json!("landed");
        let r = app
            .send(
                Method::PUT,
                &format!("/api/v1/projects/{}", p["id"]),
                Some(body),
                Some("\"1\""),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let b: serde_json::Value = r.json().await.unwrap();
        assert!(field_error(&b, "stage").is_some(), "{b}");
    })
    .await;
}

#[tokio::test]
async fn transitions_follow_the_stage_rules_and_are_recorded() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let mut body = project_body(&seed, "集成电路封测项目");
        body["stage_since"] = json!("2024-01-02");
        let p = app.create_project(body).await;
        let path = format!("/api/v1/projects/{}/transitions", p["id"]);

        let (s, _) = app.post(&path, json!({"to": "negotiating", "effective_date": "2024-02-01"})).await;
        assert_eq!(s, StatusCode::CREATED);

        let (s, b) = app.post(&path, json!({"to": "landed", "effective_date": "2024-03-01", "reason": "急"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "landing before signing: {b}");
        assert_eq!(b["error"]["details"][0]["code"], "not_signed");

        let (s, b) = app.post(&path, json!({"to": "landed", "effective_date": "2024-03-01"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");

        let (s, b) = app.post(&path, json!({"to": "signed", "effective_date": "2024-01-15"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a date before the current stage: {b}");
        assert!(field_error(&b, "effective_date").is_some());

        let (s, b) = app.post(&path, json!({"to": "signed", "effective_date": "2024-07-01"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a future date: {b}");

        let (s, b) = app.post(&path, json!({"to": "signed", "effective_date": "2024-03-08"})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["project"]["stage"], "signed");
        assert_eq!(b["change"]["kind"], "forward");

        let (s, b) = app.post(&path, json!({"to": "suspended", "effective_date": "2024-04-01"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let (s, _) = app
            .post(&path, json!({"to": "suspended", "effective_date": "2024-04-01", "reason": "投资方资金未到位"}))
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, b) = app.post(&path, json!({"to": "signed", "effective_date": "2024-05-06"})).await;
        assert_eq!(s, StatusCode::CREATED, "resume: {b}");
        assert_eq!(b["change"]["kind"], "resume");

        let (_, list) = app.get(&path).await;
        let stages: Vec<_> = list["items"].as_array().unwrap().iter().map(|c| c["to_stage"].clone()).collect();
        assert_eq!(stages, vec![json!("lead"), json!("negotiating"), json!("signed"), json!("suspended"), json!("signed")]);

        let (s, h) = app.get(&format!("/api/v1/projects/{}/history", p["id"])).await;
        assert_eq!(s, StatusCode::OK);
        let actions: Vec<_> = h["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect();
        assert_eq!(actions[0], "create");
        assert_eq!(actions.iter().filter(|a| *a == "transition").count(), 4);
        assert_eq!(h["items"][0]["actor"], "admin", "history names the acting user");
    })
    .await;
}

#[tokio::test]
async fn an_administrator_may_land_a_project_before_signing_with_a_reason() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let mut body = project_body(&seed, "高精尖产业智库平台");
        body["stage_since"] = json!("2024-01-02");
        let p = app.create_project(body).await;
        let path = format!("/api/v1/projects/{}/transitions", p["id"]);
        let (s, b) = app
            .post(&path, json!({"to": "landed", "effective_date": "2024-02-01", "override": true, "reason": "市政府专题会议纪要"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["change"]["overridden"], true);
        assert_eq!(b["change"]["kind"], "skip");
    })
    .await;
}

#[tokio::test]
async fn the_list_filters_sorts_and_pages_with_a_total() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        for (i, (name, amount, region, category)) in [
            ("甲_新材料项目", 300_000_000_i64, "210112", "investment"),
            ("乙新能源项目", 50_000_000, "210114", "investment"),
            ("丙贸易项目", 900_000_000, "210112", "trade"),
            ("丁100%数字经济项目", 100_000_000, "210112", "technology"),
        ]
        .into_iter()
        .enumerate()
        {
            let mut b = project_body(&seed, name);
            b["planned_investment"] = json!(amount);
            b["host_region_code"] = json!(region);
            b["category"] = json!(category);
            b["generated"] = json!(i % 2 == 0);
            app.create_project(b).await;
        }
        let names = |v: &serde_json::Value| -> Vec<String> {
            v["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
        };
        let (s, v) = app.get("/api/v1/projects?region=210112&sort=-planned_investment").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(names(&v), vec!["丙贸易项目", "甲_新材料项目", "丁100%数字经济项目"]);
        assert_eq!(v["total"], 3);

        let (_, v) = app.get("/api/v1/projects?partnership=beijing-shenyang&min_planned_investment=100000000&category=investment").await;
        assert_eq!(names(&v), vec!["甲_新材料项目"]);

        let (_, v) = app.get("/api/v1/projects?region=210100&sort=name&limit=2&offset=2").await;
        assert_eq!(v["total"], 4);
        assert_eq!(v["items"].as_array().unwrap().len(), 2);

        let (_, v) = app.get("/api/v1/projects?q=100%25").await;
        assert_eq!(names(&v), vec!["丁100%数字经济项目"], "% matches literally");
        let (_, v) = app.get("/api/v1/projects?q=_").await;
        assert_eq!(names(&v), vec!["甲_新材料项目"], "_ matches literally");

        let (_, v) = app.get("/api/v1/projects?updated_since=2000-01-01T00:00:00Z&generated=true").await;
        assert_eq!(v["total"], 2);

        let (s, v) = app.get("/api/v1/projects?sort=colour").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&v, "sort").is_some());
        let (s, v) = app.get("/api/v1/projects?region=999999").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(field_error(&v, "region").is_some());

        // All four are leads: each has reached 线索, none 签约, and no agreement counts.
        let (_, v) = app.get("/api/v1/projects?region=210100&reached=lead").await;
        assert_eq!(v["total"], 4);
        let (_, v) = app.get("/api/v1/projects?region=210100&reached=signed").await;
        assert_eq!(v["total"], 0);
        let (_, v) = app.get("/api/v1/projects?region=210100&agreed=true").await;
        assert_eq!(v["total"], 0);
        let (s, v) = app.get("/api/v1/projects?reached=suspended").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(field_error(&v, "reached").is_some(), "{v}");
    })
    .await;
}

#[tokio::test]
async fn the_list_pages_by_cursor_to_the_end() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        for (name, amount) in [
            ("甲", Some(300_000_000_i64)),
            ("乙", None),
            ("丙", Some(300_000_000)),
            ("丁", Some(50_000_000)),
            ("戊", None),
        ] {
            let mut b = project_body(&seed, name);
            b["planned_investment"] = json!(amount);
            app.create_project(b).await;
        }
        let names = |v: &serde_json::Value| -> Vec<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect()
        };
        let base = "/api/v1/projects?sort=-planned_investment&limit=2";
        let (_, all) = app.get("/api/v1/projects?sort=-planned_investment").await;
        assert_eq!(all["total_exact"], true);
        assert_eq!(all["next"], serde_json::Value::Null);
        let mut walked = Vec::new();
        let (s, mut page) = app.get(base).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        loop {
            walked.extend(names(&page));
            let Some(next) = page["next"].as_str().map(str::to_owned) else {
                break;
            };
            let (s, v) = app.get(&format!("{base}&after={next}")).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            assert_eq!(v["total"], 5);
            page = v;
        }
        assert_eq!(walked, names(&all));
        assert_eq!(
            walked,
            vec!["丙", "甲", "丁", "戊", "乙"],
            "ties by id, NULLs last"
        );

        // A cursor is only good for the order that made it.
        let (_, first) = app.get(base).await;
        let next = first["next"].as_str().unwrap().to_owned();
        for bad in ["not-a-cursor", "e30", next.as_str()] {
            let (s, v) = app
                .get(&format!("/api/v1/projects?sort=name&after={bad}"))
                .await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {v}");
            assert!(field_error(&v, "after").is_some(), "{v}");
        }
        let (s, v) = app.get(&format!("{base}&after={next}&offset=2")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(field_error(&v, "after").is_some(), "{v}");
    })
    .await;
}

#[tokio::test]
async fn a_deleted_project_is_gone_with_its_reports() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app.create_project(project_body(&seed, "临时项目")).await;
        let path = format!("/api/v1/projects/{}", p["id"]);
        let (s, _) = app
            .post(
                &format!("{path}/progress-reports"),
                json!({"period": "2024-05", "invested_to_date": 1000}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let r = app.send(Method::DELETE, &path, None, Some("\"2\"")).await;
        assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
        let r = app.send(Method::DELETE, &path, None, Some("\"1\"")).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let (s, _) = app.get(&format!("{path}/progress-reports")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app.get(&path).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn what_was_acknowledged_survives_a_restart() {
    for backend in backends() {
        let (store, guard, url) = fresh_store(backend).await;
        let app = TestApp::serve(store, guard).await;
        let seed = app.seed().await;
        let p = app
            .create_project(project_body(&seed, "重启后仍在的项目"))
            .await;
        let guard = app.stop().await;
        let store = duikou_store::Store::open(&url).await.expect("reopen");
        let app = TestApp::serve(store, guard).await;
        let (s, back) = app.get(&format!("/api/v1/projects/{}", p["id"])).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(back["name"], "重启后仍在的项目");
    }
}

/// 建设性质 is given, read back, corrected and cleared; an unknown value is named.
#[tokio::test]
async fn a_projects_construction_is_kept_and_an_unknown_one_is_named() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let mut body = project_body(&seed, "沈阳汽车零部件扩建项目");
        body["construction"] = json!("rebuild");
        body["planned_investment"] = json!(-1);
        let (s, b) = app.post("/api/v1/projects", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(field_error(&b, "construction").is_some(), "{b}");
        assert!(field_error(&b, "planned_investment").is_some(), "{b}");

        body["construction"] = json!("expansion");
        body["planned_investment"] = json!("3亿元");
        let p = app.create_project(body.clone()).await;
        assert_eq!(p["construction"], "expansion");
        let path = format!("/api/v1/projects/{}", p["id"]);
        body["construction"] = json!("continued");
        let r = app
            .send(Method::PUT, &path, Some(body.clone()), Some("\"1\""))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(app.get(&path).await.1["construction"], "continued");
        body.as_object_mut().unwrap().remove("construction");
        let r = app
            .send(Method::PUT, &path, Some(body), Some("\"2\""))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            app.get(&path).await.1["construction"],
            serde_json::Value::Null
        );
    })
    .await;
}

#[tokio::test]
async fn a_problem_is_progressed_resolved_and_reopened_through_its_actions() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app.create_project(project_body(&seed, "问题项目")).await;
        let base = format!("/api/v1/projects/{}/problems", p["id"]);
        let (s, pb) = app
            .post(
                &base,
                json!({"category": "land", "description": "用地指标未落实"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{pb}");
        let actions = format!("{base}/{}/actions", pb["id"]);
        let (s, v) = app
            .post(&actions, json!({"action": "progress", "note": "已协调"}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            (v["status"].as_str(), v["progress"].as_str()),
            (Some("in_progress"), Some("已协调"))
        );
        let tomorrow = (today() + chrono::Duration::days(1)).to_string();
        let (s, v) = app
            .post(
                &actions,
                json!({"action": "resolve", "resolution": "", "resolved_on": tomorrow}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(
            field_error(&v, "resolved_on").is_some() && field_error(&v, "resolution").is_some(),
            "{v}"
        );
        let (s, v) = app
            .post(
                &actions,
                json!({"action": "resolve", "resolution": "已下达"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            v["resolved_on"].as_str(),
            Some(today().to_string().as_str()),
            "today by default"
        );
        let (s, v) = app
            .post(&actions, json!({"action": "progress", "note": "继续"}))
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a resolved problem is reopened first: {v}"
        );
        let (s, v) = app
            .post(
                &actions,
                json!({"action": "reopen", "reason": "指标被收回"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            (v["status"].as_str(), v["resolved_on"].as_str()),
            (Some("in_progress"), None)
        );
        let (_, h) = app.get(&format!("{base}/{}/history", pb["id"])).await;
        let done: Vec<_> = h["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(done, vec!["create", "progress", "resolve", "reopen"]);
    })
    .await;
}

#[tokio::test]
async fn a_report_of_a_period_not_begun_is_refused_and_a_fall_needs_a_correction() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app.create_project(project_body(&seed, "填报项目")).await;
        let path = format!("/api/v1/projects/{}/progress-reports", p["id"]);
        let next_year = format!("{}-01", chrono::Datelike::year(&today()) + 1);
        let (s, v) = app
            .post(&path, json!({"period": next_year, "invested_to_date": 1}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(field_error(&v, "period").unwrap()["code"], "future", "{v}");
        let (s, v) = app
            .post(&path, json!({"period": "2024-05", "invested_to_date": 5000}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = app
            .post(&path, json!({"period": "2024-06", "invested_to_date": 4000}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(field_error(&v, "invested_to_date").unwrap()["code"], "decrease");
        let (s, v) = app
            .post(
                &path,
                json!({"period": "2024-06", "invested_to_date": 4000, "correction": "核减重复统计"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["correction"], "核减重复统计");
    })
    .await;
}

#[tokio::test]
async fn a_report_is_withdrawn_only_with_a_reason_and_its_history_keeps_it() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        let p = app.create_project(project_body(&seed, "撤回项目")).await;
        let path = format!("/api/v1/projects/{}/progress-reports", p["id"]);
        let (s, r) = app
            .post(
                &path,
                json!({"period": "2024-05", "invested_to_date": 5000}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let report = format!("{path}/{}", r["id"]);
        let (s, v) = app
            .post(&format!("{report}/withdraw"), json!({"reason": "  "}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(field_error(&v, "reason").is_some(), "{v}");
        let r = app
            .send(
                Method::POST,
                &format!("{report}/withdraw"),
                Some(json!({"reason": "填错项目"})),
                Some("\"1\""),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let (s, _) = app.get(&report).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, h) = app.get(&format!("{report}/history")).await;
        assert_eq!(s, StatusCode::OK, "{h}");
        let last = h["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "withdraw");
        assert_eq!(last["after"]["withdrawn_reason"], "填错项目");
    })
    .await;
}
