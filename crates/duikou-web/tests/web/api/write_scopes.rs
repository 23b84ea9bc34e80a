//! The scopes a write moves a record to: a project may be created in, or moved to, only a
//! host region, owner org and partnership within the writer's rights — each refused one
//! named — and a refused write changes no statistic. The source side (来源地, 来源单位) is the
//! writer's or a side of the project's partnership, unless the write keeps what the project
//! already had. A problem goes only to a unit the writer or its project involves.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::api::helpers::*;
use crate::api::permissions::{token_of, world, World};

fn named(body: &Value) -> Vec<String> {
    let mut fields: Vec<String> = body["error"]["details"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    fields.sort();
    fields
}

struct Ids {
    jingshen: i64,
    hulian: i64,
}

async fn ids(app: &TestApp) -> Ids {
    let id = |slug: &'static str| async move {
        app.get(&format!("/api/v1/partnerships/{slug}")).await.1["id"]
            .as_i64()
            .unwrap()
    };
    Ids {
        jingshen: id("beijing-shenyang").await,
        hulian: id("shanghai-dalian").await,
    }
}

fn project(name: &str, host: &str, owner: i64, partnership: i64) -> Value {
    json!({"name": name, "host_region_code": host, "owner_org_id": owner,
           "partnership_id": partnership, "category": "investment",
           "planned_investment": "500亿元"})
}

/// (login, host, owner org index, partnership is 京沈, the fields refused)
type Case = (
    &'static str,
    &'static str,
    usize,
    bool,
    &'static [&'static str],
);

const CASES: [Case; 12] = [
    // The Dalian editor: everything about a Shenyang project is out of reach.
    (
        "dl-editor",
        "210112",
        0,
        true,
        &["host_region_code", "owner_org_id", "partnership_id"],
    ),
    // Its own host region, but another partnership's books and another city's unit.
    (
        "dl-editor",
        "210211",
        0,
        true,
        &["owner_org_id", "partnership_id"],
    ),
    ("dl-editor", "210211", 1, true, &["partnership_id"]),
    ("dl-editor", "210211", 0, false, &["owner_org_id"]),
    ("dl-editor", "210211", 1, false, &[]),
    // The Shenyang editor in its own city and partnership; not into 沪连 nor Dalian's unit.
    ("sy-editor", "210112", 0, true, &[]),
    ("sy-editor", "210112", 0, false, &["partnership_id"]),
    ("sy-editor", "210112", 1, true, &["owner_org_id"]),
    // A coordinator edits by its own org: the owner must be that org, the host in its region.
    ("sy-coordinator", "210112", 0, true, &[]),
    ("sy-coordinator", "210211", 0, true, &["host_region_code"]),
    // The partner side reads 京沈's books but does not write Shenyang's.
    ("bj-coordinator", "110105", 2, true, &[]),
    (
        "bj-coordinator",
        "210112",
        0,
        true,
        &["host_region_code", "owner_org_id"],
    ),
];

fn body_of(w: &World, ids: &Ids, case: &Case, name: &str) -> Value {
    let (_, host, owner, jingshen, _) = *case;
    let partnership = if jingshen { ids.jingshen } else { ids.hulian };
    project(name, host, w.orgs[owner], partnership)
}

#[tokio::test]
async fn a_new_project_is_placed_only_within_the_writers_scopes() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let ids = ids(&app).await;
        for (i, case) in CASES.iter().enumerate() {
            let t = token_of(&app, case.0).await;
            let body = body_of(&w, &ids, case, &format!("新项目{i}"));
            let (s, b) = send_as(&app, &t, Method::POST, "/api/v1/projects", body).await;
            if case.4.is_empty() {
                assert_eq!(s, StatusCode::CREATED, "case {i} {}: {b}", case.0);
            } else {
                assert_eq!(s, StatusCode::FORBIDDEN, "case {i} {}: {b}", case.0);
                assert_eq!(b["error"]["code"], "out_of_scope", "case {i}");
                assert_eq!(named(&b), case.4, "case {i} {}", case.0);
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_project_is_moved_only_within_the_writers_scopes() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let ids = ids(&app).await;
        for (i, case) in CASES.iter().enumerate() {
            let own = if case.0.starts_with("dl") {
                w.dalian_project
            } else if case.0.starts_with("bj") {
                // The partner side edits nothing of Shenyang's: refused before any move.
                continue;
            } else {
                w.shenyang_project
            };
            let t = token_of(&app, case.0).await;
            let body = body_of(&w, &ids, case, &format!("改{i}"));
            let path = format!("/api/v1/projects/{own}");
            let (s, b) = send_as(&app, &t, Method::PUT, &path, body).await;
            if case.4.is_empty() {
                assert_eq!(s, StatusCode::OK, "case {i} {}: {b}", case.0);
                let moved = app.store.project(own).await.unwrap();
                assert_eq!(moved.fields.host_region_code, case.1);
                assert_eq!(moved.fields.owner_org_id, Some(w.orgs[case.2]));
            } else {
                assert_eq!(s, StatusCode::FORBIDDEN, "case {i} {}: {b}", case.0);
                assert_eq!(named(&b), case.4, "case {i} {}", case.0);
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_refused_placement_leaves_the_partnerships_statistics_as_they_were() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let ids = ids(&app).await;
        let stats = "/api/v1/stats/projects?partnership=beijing-shenyang";
        let before = app.get(stats).await.1;
        let t = token_of(&app, "dl-editor").await;
        let body = body_of(&w, &ids, &CASES[1], "五百亿");
        let (s, _) = send_as(&app, &t, Method::POST, "/api/v1/projects", body.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let path = format!("/api/v1/projects/{}", w.dalian_project);
        let (s, _) = send_as(&app, &t, Method::PUT, &path, body).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let after = app.get(stats).await.1;
        assert_eq!(before["total"], after["total"]);
        assert_eq!(
            app.store
                .project(w.dalian_project)
                .await
                .unwrap()
                .fields
                .partnership_id,
            Some(ids.hulian)
        );
    })
    .await;
}

/// (login, project is Shenyang's, org index the problem is handed to, allowed)
const PROBLEM_CASES: [(&str, bool, usize, bool); 6] = [
    // The Shenyang editor: its own office and the partner side's, not Dalian's.
    ("sy-editor", true, 0, true),
    ("sy-editor", true, 2, true),
    ("sy-editor", true, 1, false),
    // The Dalian editor: not Shenyang's office, which has nothing to do with 沪连.
    ("dl-editor", false, 1, true),
    ("dl-editor", false, 2, true),
    ("dl-editor", false, 0, false),
];

#[tokio::test]
async fn a_problem_is_handed_only_to_a_unit_the_writer_or_the_project_involves() {
    each_backend(|app| async move {
        let w = world(&app).await;
        for (i, &(login, shenyang, org, allowed)) in PROBLEM_CASES.iter().enumerate() {
            let t = token_of(&app, login).await;
            let pid = if shenyang {
                w.shenyang_project
            } else {
                w.dalian_project
            };
            let path = format!("/api/v1/projects/{pid}/problems");
            let body = json!({"category": "land", "description": format!("问题{i}"),
                              "owner_org_id": w.orgs[org], "due_date": "2024-09-01"});
            let (s, b) = send_as(&app, &t, Method::POST, &path, body).await;
            if allowed {
                assert_eq!(s, StatusCode::CREATED, "case {i} {login}: {b}");
            } else {
                assert_eq!(s, StatusCode::FORBIDDEN, "case {i} {login}: {b}");
                assert_eq!(b["error"]["code"], "out_of_scope", "case {i}");
                assert_eq!(named(&b), ["owner_org_id"], "case {i}");
            }
        }
        // Moving a problem there is refused the same way, and leaves it where it was.
        let t = token_of(&app, "sy-editor").await;
        let path = format!("/api/v1/projects/{}/problems", w.shenyang_project);
        let body = json!({"category": "land", "description": "待移交",
                          "owner_org_id": w.orgs[0], "due_date": "2024-09-01"});
        let (s, p) = send_as(&app, &t, Method::POST, &path, body).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let one = format!("{path}/{}", p["id"]);
        let moved = json!({"category": "land", "description": "待移交",
                           "owner_org_id": w.orgs[1], "due_date": "2024-09-01"});
        let (s, b) = send_as(&app, &t, Method::PUT, &one, moved).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        assert_eq!(named(&b), ["owner_org_id"]);
        let (_, now) = app.get(&one).await;
        assert_eq!(now["owner_org_id"], w.orgs[0]);
    })
    .await;
}

/// (login, the project is Shenyang's, source region, source org index, the fields refused)
type SourceCase = (
    &'static str,
    bool,
    Option<&'static str>,
    Option<usize>,
    &'static [&'static str],
);

/// In this world 沪连's sides are Beijing and Dalian, 京沈's Beijing and Shenyang.
const SOURCE_CASES: [SourceCase; 10] = [
    // From the partner side of 京沈 (朝阳区, the Beijing office): the Shenyang editor may say so.
    ("sy-editor", true, Some("110105"), Some(2), &[]),
    // From Dalian, which is neither Shenyang's nor a side of 京沈.
    (
        "sy-editor",
        true,
        Some("210211"),
        Some(1),
        &["source_org_id", "source_region_code"],
    ),
    ("sy-editor", true, Some("210112"), None, &[]),
    // The Dalian editor: Beijing is a side of 沪连; Shenyang and its office are not.
    ("dl-editor", false, Some("110105"), Some(2), &[]),
    (
        "dl-editor",
        false,
        Some("210112"),
        None,
        &["source_region_code"],
    ),
    ("dl-editor", false, None, Some(0), &["source_org_id"]),
    // A coordinator by org: its own org, or the partner side's; not Dalian's.
    ("sy-coordinator", true, None, Some(0), &[]),
    ("sy-coordinator", true, None, Some(2), &[]),
    ("sy-coordinator", true, None, Some(1), &["source_org_id"]),
    (
        "sy-coordinator",
        true,
        Some("210211"),
        None,
        &["source_region_code"],
    ),
];

fn sourced(w: &World, ids: &Ids, case: &SourceCase, name: &str) -> Value {
    let (_, shenyang, region, org, _) = *case;
    let mut body = if shenyang {
        project(name, "210112", w.orgs[0], ids.jingshen)
    } else {
        project(name, "210211", w.orgs[1], ids.hulian)
    };
    body["source_region_code"] = json!(region);
    body["source_org_id"] = json!(org.map(|o| w.orgs[o]));
    body
}

#[tokio::test]
async fn the_source_side_is_placed_only_within_the_writers_scopes_or_the_partnerships_sides() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let ids = ids(&app).await;
        let from_dalian = "/api/v1/stats/projects?region=210200&side=source";
        let before = app.get(from_dalian).await.1;
        for (i, case) in SOURCE_CASES.iter().enumerate() {
            let t = token_of(&app, case.0).await;
            // Created with that source …
            let body = sourced(&w, &ids, case, &format!("来源{i}"));
            let (s, b) = send_as(&app, &t, Method::POST, "/api/v1/projects", body).await;
            let own = if case.1 {
                w.shenyang_project
            } else {
                w.dalian_project
            };
            // … and an existing project given it.
            let moved = sourced(&w, &ids, case, &format!("改来源{i}"));
            let path = format!("/api/v1/projects/{own}");
            let (ms, mb) = send_as(&app, &t, Method::PUT, &path, moved).await;
            if case.4.is_empty() {
                assert_eq!(s, StatusCode::CREATED, "case {i} {}: {b}", case.0);
                assert_eq!(ms, StatusCode::OK, "case {i} {}: {mb}", case.0);
                let now = app.store.project(own).await.unwrap().fields;
                assert_eq!(now.source_region_code.as_deref(), case.2, "case {i}");
                assert_eq!(now.source_org_id, case.3.map(|o| w.orgs[o]), "case {i}");
            } else {
                for (s, b) in [(s, &b), (ms, &mb)] {
                    assert_eq!(s, StatusCode::FORBIDDEN, "case {i} {}: {b}", case.0);
                    assert_eq!(b["error"]["code"], "out_of_scope", "case {i}");
                    assert_eq!(named(b), case.4, "case {i} {}", case.0);
                }
            }
        }
        // No refused write counted a project as sent from Dalian.
        let after = app.get(from_dalian).await.1;
        assert_eq!(before["total"], after["total"], "{after}");
    })
    .await;
}

#[tokio::test]
async fn a_source_the_writer_could_not_set_may_be_kept_but_not_moved_to() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let ids = ids(&app).await;
        // The administrator records the Dalian project as coming from Shenyang's office.
        let mut body = project("大连项目", "210211", w.orgs[1], ids.hulian);
        body["source_region_code"] = json!("210112");
        body["source_org_id"] = json!(w.orgs[0]);
        let path = format!("/api/v1/projects/{}", w.dalian_project);
        let (s, b) = send_as(&app, &app.token, Method::PUT, &path, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        // The Dalian editor corrects the name and keeps that source …
        let t = token_of(&app, "dl-editor").await;
        body["name"] = json!("大连项目（更名）");
        let (s, b) = send_as(&app, &t, Method::PUT, &path, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        // … but may not change it to another place out of reach.
        body["source_region_code"] = json!("210100");
        let (s, b) = send_as(&app, &t, Method::PUT, &path, body).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
        assert_eq!(named(&b), ["source_region_code"]);
        let now = app.store.project(w.dalian_project).await.unwrap().fields;
        assert_eq!(now.source_region_code.as_deref(), Some("210112"));
        assert_eq!(now.name, "大连项目（更名）");
    })
    .await;
}
