//! Headline statistics through the API, as of a date.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::api::helpers::*;

fn reached<'a>(stats: &'a Value, stage: &str) -> &'a Value {
    stats["reached"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["stage"] == stage)
        .unwrap()
}

fn entered<'a>(stats: &'a Value, stage: &str) -> &'a Value {
    stats["period"]["entered"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["stage"] == stage)
        .unwrap()
}

#[tokio::test]
async fn statistics_read_each_project_as_it_stood_on_the_date() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        // A: signed 2022-03-01, landed 2022-05-10, started 2023-04-01; 3亿.
        let mut a = project_body(&seed, "甲");
        a["planned_investment"] = json!("3亿");
        a["stage_since"] = json!("2022-01-05");
        let a = app.create_project(a).await;
        let t = format!("/api/v1/projects/{}/transitions", a["id"]);
        for (to, d) in [("negotiating", "2022-02-01"), ("signed", "2022-03-01"), ("landed", "2022-05-10"), ("started", "2023-04-01")] {
            let (s, b) = app.post(&t, json!({"to": to, "effective_date": d})).await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        let r = format!("/api/v1/projects/{}/progress-reports", a["id"]);
        app.post(&r, json!({"period": "2022-06", "invested_to_date": 50_000_000})).await;
        app.post(&r, json!({"period": "2023-06", "invested_to_date": 200_000_000})).await;
        // B: exactly 1亿, entered as signed in 2021.
        let mut b = project_body(&seed, "乙");
        b["planned_investment"] = json!(100_000_000);
        b["stage"] = json!("signed");
        b["stage_since"] = json!("2021-06-01");
        app.create_project(b).await;
        // C: created 2023 (did not exist in 2022).
        let mut c = project_body(&seed, "丙");
        c["stage_since"] = json!("2023-09-01");
        app.create_project(c).await;

        let (s, v) = app.get("/api/v1/stats/projects?partnership=beijing-shenyang&as_of=2022-06-30").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["scope"], "partnership:beijing-shenyang");
        assert_eq!(v["total"]["count"], 2);
        assert_eq!(reached(&v, "signed")["count"], 2);
        assert_eq!(reached(&v, "landed")["count"], 1);
        assert_eq!(reached(&v, "started")["count"], 0, "A started only in 2023");
        assert_eq!(v["total"]["invested_to_date"]["sum"], 50_000_000, "the 2023 report is not yet known");
        assert_eq!(v["large"]["count"], 2, "exactly 1亿 counts as 亿元及以上");

        let (_, v) = app.get("/api/v1/stats/projects?partnership=beijing-shenyang&as_of=2023-12-31").await;
        assert_eq!(v["total"]["count"], 3);
        assert_eq!(reached(&v, "started")["count"], 1);
        assert_eq!(v["total"]["invested_to_date"]["sum"], 200_000_000);

        let q = "/api/v1/stats/projects?partnership=beijing-shenyang&as_of=2024-06-28&from=2022-01-01&to=2022-06-30&min_planned_investment=100000000";
        let (_, v) = app.get(q).await;
        assert_eq!(entered(&v, "landed")["count"], 1);
        assert_eq!(entered(&v, "landed")["planned_investment"]["sum"], 300_000_000_i64);
        assert_eq!(entered(&v, "signed")["count"], 1);
    })
    .await;
}

#[tokio::test]
async fn a_project_counts_once_for_its_host_and_once_for_its_source() {
    each_backend(|app| async move {
        let seed = app.seed().await;
        app.create_project(project_body(&seed, "甲")).await;
        let (_, host) = app.get("/api/v1/stats/projects?region=210000").await;
        let (_, source) = app
            .get("/api/v1/stats/projects?region=110000&side=source")
            .await;
        let (_, beijing_hosted) = app.get("/api/v1/stats/projects?region=110000").await;
        let (_, all) = app.get("/api/v1/stats/projects").await;
        assert_eq!(host["total"]["count"], 1);
        assert_eq!(source["total"]["count"], 1);
        assert_eq!(beijing_hosted["total"]["count"], 0);
        assert_eq!(all["total"]["count"], 1);
        assert_eq!(all["total"]["planned_investment"]["sum"], 1_200_000_000);
    })
    .await;
}

#[tokio::test]
async fn bad_statistics_parameters_are_named() {
    each_backend(|app| async move {
        app.seed().await;
        for (q, field) in [
            ("partnership=nowhere", "partnership"),
            ("region=999999", "region"),
            ("side=source", "side"),
            ("from=2022-01-01", "to"),
            ("from=2022-06-01&to=2022-01-01", "to"),
            ("partnership=beijing-shenyang&region=210000", "region"),
            ("category=charity", "category"),
        ] {
            let (s, b) = app.get(&format!("/api/v1/stats/projects?{q}")).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {b}");
            assert!(field_error(&b, field).is_some(), "{q} names {field}: {b}");
        }
    })
    .await;
}
