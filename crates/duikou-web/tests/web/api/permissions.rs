//! The permission matrix: every API route, with every role, in scope, out of scope and from
//! the partner side; plus "no out-of-scope record in any list or statistic".
//!
//! A write probe is a request that an authorised caller gets past the rights check with and
//! then fails harmlessly (a stale If-Match → 412, a transition to the current stage → 422), so
//! "authorised" reads as "neither 401, 403 nor 404".

use duikou_core::auth::{Grant, Role, Scope};
use duikou_store::accounts::{NewToken, NewUser};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::api::helpers::*;

pub(crate) struct World {
    pub orgs: Vec<i64>,
    pub shenyang_project: i64,
    pub dalian_project: i64,
    report: i64,
    problem: i64,
    warning: i64,
    slip: i64,
}

pub(crate) async fn world(app: &TestApp) -> World {
    app.seed().await;
    for (code, name, kind, parent) in [
        ("210200", "大连市", "city", "210000"),
        ("210211", "甘井子区", "district", "210200"),
    ] {
        let (s, b) = app
            .post(
                "/api/v1/regions",
                json!({"code": code, "name": name, "kind": kind, "parent_code": parent}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let mut orgs = Vec::new();
    for (name, region) in [
        ("沈阳合作办", "210100"),
        ("大连合作办", "210200"),
        ("北京合作办", "110000"),
    ] {
        let (_, o) = app
            .post(
                "/api/v1/orgs",
                json!({"name": name, "kind": "office", "region_code": region}),
            )
            .await;
        orgs.push(o["id"].as_i64().unwrap());
    }
    let (_, dl) = app
        .post(
            "/api/v1/partnerships",
            json!({"slug": "shanghai-dalian", "name": "沪连", "kind": "counterpart",
            "side_a": {"region_code": "110000"}, "side_b": {"region_code": "210200"}}),
        )
        .await;
    let bs = app.get("/api/v1/partnerships/beijing-shenyang").await.1["id"]
        .as_i64()
        .unwrap();
    let sy = app
        .create_project(
            json!({"name": "沈阳项目", "partnership_id": bs, "host_region_code": "210112",
            "source_region_code": "110105", "owner_org_id": orgs[0], "category": "investment",
            "stage": "signed", "stage_since": "2024-01-02"}),
        )
        .await;
    let dlp = app
        .create_project(json!({"name": "大连项目", "partnership_id": dl["id"], "host_region_code": "210211",
            "owner_org_id": orgs[1], "category": "trade", "stage": "signed", "stage_since": "2024-01-02"}))
        .await;
    let id = sy["id"].as_i64().unwrap();
    let (_, r) = app
        .post(
            &format!("/api/v1/projects/{id}/progress-reports"),
            json!({"period": "2024-01", "invested_to_date": 1}),
        )
        .await;
    let (_, p) = app
        .post(
            &format!("/api/v1/projects/{id}/problems"),
            json!({"category": "land", "description": "用地指标", "due_date": "2024-06-01"}),
        )
        .await;
    // The overdue problem raises a warning at once (today is 2024-06-28 in these tests).
    let (_, warnings) = app.get(&format!("/api/v1/warnings?project_id={id}")).await;
    let warning = warnings["items"][0]["id"].as_i64().expect("a warning");
    // Red and overdue: the default thresholds open a supervision slip for it.
    let (_, slips) = app.get(&format!("/api/v1/slips?project_id={id}")).await;
    let slip = slips["items"][0]["id"].as_i64().expect("a slip");
    for pid in [id, dlp["id"].as_i64().unwrap()] {
        let (s, b) = app
            .post(
                &format!("/api/v1/projects/{pid}/steps"),
                json!({"template": "construction_approval", "start": "2024-03-01"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    // Users: (login, role, scope, own org)
    let users: Vec<(&str, Role, Scope, i64)> = vec![
        (
            "sy-coordinator",
            Role::Coordinator,
            Scope::Org { org_id: orgs[0] },
            orgs[0],
        ),
        (
            "sy-editor",
            Role::Editor,
            Scope::Region {
                region_code: "210100".into(),
            },
            orgs[0],
        ),
        (
            "sy-leader",
            Role::Leader,
            Scope::Region {
                region_code: "210100".into(),
            },
            orgs[0],
        ),
        (
            "sy-viewer",
            Role::Viewer,
            Scope::Partnership { partnership_id: bs },
            orgs[0],
        ),
        (
            "dl-coordinator",
            Role::Coordinator,
            Scope::Org { org_id: orgs[1] },
            orgs[1],
        ),
        (
            "dl-editor",
            Role::Editor,
            Scope::Region {
                region_code: "210200".into(),
            },
            orgs[1],
        ),
        (
            "dl-leader",
            Role::Leader,
            Scope::Region {
                region_code: "210200".into(),
            },
            orgs[1],
        ),
        (
            "dl-viewer",
            Role::Viewer,
            Scope::Region {
                region_code: "210200".into(),
            },
            orgs[1],
        ),
        (
            "bj-coordinator",
            Role::Coordinator,
            Scope::Partnership { partnership_id: bs },
            orgs[2],
        ),
    ];
    let system = duikou_core::Actor::system("test");
    for (login, role, scope, org) in users {
        let new = NewUser {
            login: login.into(),
            display_name: login.into(),
            org_id: Some(org),
            password: Some("Matrix-2024-x".into()),
        };
        app.store
            .as_system(&system.name)
            .create_user(&new)
            .await
            .unwrap();
        app.store
            .as_system(&system.name)
            .grant(login, &Grant { role, scope })
            .await
            .unwrap();
    }
    World {
        orgs,
        shenyang_project: id,
        dalian_project: dlp["id"].as_i64().unwrap(),
        report: r["id"].as_i64().unwrap(),
        problem: p["id"].as_i64().unwrap(),
        warning,
        slip,
    }
}

pub(crate) async fn token_of(app: &TestApp, login: &str) -> String {
    let user = app.store.user(login).await.unwrap();
    let new = NewToken {
        parent: None,
        name: "matrix".into(),
        expires_in_days: Some(1),
        grants: None,
    };
    app.store
        .create_token(&user, &new, chrono::Utc::now())
        .await
        .unwrap()
        .1
}

pub(crate) async fn call(
    app: &TestApp,
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
    if_match: Option<&str>,
) -> StatusCode {
    let mut req = app.client.request(method, format!("{}{path}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    if let Some(m) = if_match {
        req = req.header("If-Match", m);
    }
    req.send().await.unwrap().status()
}

fn authorised(s: StatusCode) -> bool {
    !matches!(
        s,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    )
}

/// One probe: (method, path, body, If-Match, writes?).
type Probe = (Method, String, Option<Value>, Option<&'static str>, bool);

/// The routes of one project.
fn project_routes(w: &World, id: i64) -> Vec<Probe> {
    let p = format!("/api/v1/projects/{id}");
    let (r, pr, wn, sl, owner, host) = if id == w.shenyang_project {
        (w.report, w.problem, w.warning, w.slip, w.orgs[0], "210112")
    } else {
        (999_999, 999_999, 999_999, 999_999, w.orgs[1], "210211")
    };
    let wp = format!("/api/v1/warnings/{wn}");
    let sp = format!("/api/v1/slips/{sl}");
    let body = json!({"name": "改名", "host_region_code": host, "owner_org_id": owner, "category": "investment"});
    let report = json!({"period": "2024-01", "invested_to_date": 2});
    let problem = json!({"category": "land", "description": "用地指标"});
    let step =
        json!({"key": "project_filing", "status": "in_progress", "actual_start": "2024-03-01"});
    vec![
        (Method::GET, p.clone(), None, None, false),
        (Method::PUT, p.clone(), Some(body), Some("\"0\""), true),
        (Method::DELETE, p.clone(), None, Some("\"0\""), true),
        (
            Method::POST,
            format!("{p}/transitions"),
            Some(json!({"to": "signed"})),
            None,
            true,
        ),
        (Method::GET, format!("{p}/transitions"), None, None, false),
        (
            Method::POST,
            format!("{p}/transition-preview"),
            Some(json!({"to": "signed"})),
            None,
            true,
        ),
        (
            Method::POST,
            format!("{p}/stage-requests"),
            Some(json!({"to": "signed"})),
            None,
            true,
        ),
        (Method::GET, format!("{p}/history"), None, None, false),
        (
            Method::GET,
            format!("{p}/progress-reports"),
            None,
            None,
            false,
        ),
        (
            Method::POST,
            format!("{p}/progress-reports"),
            Some(report.clone()),
            None,
            true,
        ),
        (
            Method::GET,
            format!("{p}/progress-reports/{r}"),
            None,
            None,
            false,
        ),
        (
            Method::PUT,
            format!("{p}/progress-reports/{r}"),
            Some(report),
            Some("\"0\""),
            true,
        ),
        (
            Method::DELETE,
            format!("{p}/progress-reports/{r}"),
            None,
            Some("\"0\""),
            true,
        ),
        (
            Method::POST,
            format!("{p}/progress-reports/{r}/withdraw"),
            Some(json!({"reason": "填错"})),
            Some("\"0\""),
            true,
        ),
        (Method::GET, format!("{p}/problems"), None, None, false),
        (Method::GET, format!("{p}/problems/{pr}"), None, None, false),
        (
            Method::POST,
            format!("{p}/problems/{pr}/actions"),
            Some(json!({"action": "progress", "note": "已协调"})),
            Some("\"0\""),
            true,
        ),
        (
            Method::PUT,
            format!("{p}/problems/{pr}"),
            Some(problem),
            Some("\"0\""),
            true,
        ),
        (
            Method::DELETE,
            format!("{p}/problems/{pr}"),
            None,
            Some("\"0\""),
            true,
        ),
        (Method::GET, format!("{p}/steps"), None, None, false),
        (
            Method::POST,
            format!("{p}/steps"),
            Some(json!({"template": "construction_approval"})),
            None,
            true,
        ),
        (
            Method::PUT,
            format!("{p}/steps/project_filing"),
            Some(step),
            Some("\"0\""),
            true,
        ),
        (Method::GET, format!("{p}/schedule"), None, None, false),
        (Method::GET, format!("{p}/annual-plans"), None, None, false),
        (
            Method::PUT,
            format!("{p}/annual-plans/2024"),
            Some(json!({"amount": 1, "curve": [1]})),
            None,
            true,
        ),
        (Method::GET, wp.clone(), None, None, false),
        (
            Method::POST,
            format!("{wp}/acknowledge"),
            Some(json!({"note": " "})),
            None,
            true,
        ),
        (
            Method::POST,
            format!("{wp}/resolve"),
            Some(json!({"note": " "})),
            None,
            true,
        ),
        (Method::GET, sp.clone(), None, None, false),
        // The owner's side of a slip: replying takes the right to edit the project.
        (
            Method::POST,
            format!("{sp}/actions"),
            Some(json!({"action": "reply", "plan": [], "note": ""})),
            None,
            true,
        ),
    ]
}

/// (method, path, body) of the routes only administrators may use.
fn admin_routes() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (
            Method::POST,
            "/api/v1/regions",
            Some(
                json!({"code": "210213", "name": "金州区", "kind": "district", "parent_code": "210200"}),
            ),
        ),
        (
            Method::PUT,
            "/api/v1/regions/210211",
            Some(
                json!({"code": "210211", "name": "甘井子区", "kind": "district", "parent_code": "210200"}),
            ),
        ),
        (Method::DELETE, "/api/v1/regions/210114", None),
        (
            Method::POST,
            "/api/v1/orgs",
            Some(json!({"name": "新单位", "kind": "office", "region_code": "210100"})),
        ),
        (
            Method::POST,
            "/api/v1/partnerships",
            Some(
                json!({"slug": "x-y", "name": "新结对", "kind": "other", "side_a": {"region_code": "110000"}, "side_b": {"region_code": "210100"}}),
            ),
        ),
        (Method::DELETE, "/api/v1/partnerships/shanghai-dalian", None),
        (Method::GET, "/api/v1/users", None),
        (
            Method::POST,
            "/api/v1/users",
            Some(json!({"login": "newbie", "display_name": "新人"})),
        ),
        (Method::POST, "/api/v1/users/sy-viewer/reset-password", None),
        (Method::POST, "/api/v1/users/dl-viewer/disable", None),
        (
            Method::POST,
            "/api/v1/users/sy-viewer/grants",
            Some(json!({"role": "viewer", "scope": {"kind": "all"}})),
        ),
        (Method::POST, "/api/v1/warnings/sweep", Some(json!({}))),
        (Method::GET, "/api/v1/channels", None),
        (
            Method::POST,
            "/api/v1/channels",
            Some(json!({"kind": "wecom", "name": "群", "target": "ftp://bad"})),
        ),
        (
            Method::POST,
            "/api/v1/warning-thresholds",
            Some(json!({"year": 2024, "thresholds": {
                "version": "", "committed_share_percent": 80, "committed_days_left": 2,
                "open_item_days_left": 2, "problem_due_within_days": 3, "stalled_days": 45,
                "stalled_red_days": 90, "behind_yellow_points": 10, "behind_red_points": 30,
                "start_red_months": 3}})),
        ),
    ]
}

const READ_ROUTES: [&str; 10] = [
    "/api/v1/regions",
    "/api/v1/orgs",
    "/api/v1/partnerships",
    "/api/v1/templates",
    "/api/v1/calendar/check?date=2024-10-01",
    "/api/v1/me",
    "/api/v1/me/tokens",
    "/api/v1/warnings",
    "/api/v1/warnings/counts",
    "/api/v1/warning-thresholds",
];

#[tokio::test]
async fn every_route_answers_each_role_by_its_scope() {
    each_backend(|app| async move {
        let w = world(&app).await;
        // (login, reads Shenyang, edits Shenyang)
        let cases = [
            ("sy-coordinator", true, true),
            ("sy-editor", true, true),
            ("sy-leader", true, false),
            ("sy-viewer", true, false),
            ("bj-coordinator", true, false),
            ("dl-coordinator", false, false),
            ("dl-editor", false, false),
            ("dl-leader", false, false),
            ("dl-viewer", false, false),
        ];
        let mut checked = 0;
        for (login, reads, edits) in cases {
            let t = token_of(&app, login).await;
            for (m, path, body, im, writes) in project_routes(&w, w.shenyang_project) {
                let s = call(&app, Some(&t), m.clone(), &path, body, im).await;
                let expected_ok = if writes { edits } else { reads };
                assert_eq!(authorised(s), expected_ok, "{login} {m} {path}: {s}");
                if !expected_ok {
                    let want = if reads {
                        StatusCode::FORBIDDEN
                    } else {
                        StatusCode::NOT_FOUND
                    };
                    assert_eq!(s, want, "{login} {m} {path}");
                }
                checked += 1;
            }
            for (m, path, body) in admin_routes() {
                let s = call(&app, Some(&t), m.clone(), path, body, Some("*")).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{login} {m} {path}");
                checked += 1;
            }
            for path in READ_ROUTES {
                let s = call(&app, Some(&t), Method::GET, path, None, None).await;
                assert_eq!(s, StatusCode::OK, "{login} GET {path}");
                checked += 1;
            }
        }
        // Dalian users on their own project: readable, editable by the editor and coordinator.
        for (login, edits) in [
            ("dl-editor", true),
            ("dl-coordinator", true),
            ("dl-viewer", false),
        ] {
            let t = token_of(&app, login).await;
            for (m, path, body, im, writes) in project_routes(&w, w.dalian_project) {
                if path.contains("999999") {
                    continue;
                }
                let s = call(&app, Some(&t), m.clone(), &path, body, im).await;
                assert_eq!(authorised(s), !writes || edits, "{login} {m} {path}: {s}");
                checked += 1;
            }
        }
        // The administrator passes every check.
        let admin = app.token.clone();
        for (m, path, body) in admin_routes() {
            let s = call(&app, Some(&admin), m.clone(), path, body, Some("*")).await;
            assert!(authorised(s), "admin {m} {path}: {s}");
            checked += 1;
        }
        assert!(checked > 300, "{checked} cases");
    })
    .await;
}

/// The supervisor's side of a slip (accept, return, close, open by hand) belongs to
/// coordinators and leaders in scope; editors and viewers are refused, outsiders see nothing.
#[tokio::test]
async fn only_coordinators_and_leaders_in_scope_supervise() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let accept = json!({"action": "accept"});
        let issue =
            json!({"project_id": w.shenyang_project, "requirement": "", "reply_due": "2024-07-05"});
        for (login, expected) in [
            ("sy-coordinator", None),
            ("sy-leader", None),
            ("bj-coordinator", None),
            ("sy-editor", Some(StatusCode::FORBIDDEN)),
            ("sy-viewer", Some(StatusCode::FORBIDDEN)),
            ("dl-coordinator", Some(StatusCode::NOT_FOUND)),
        ] {
            let t = token_of(&app, login).await;
            let path = format!("/api/v1/slips/{}/actions", w.slip);
            let s = call(
                &app,
                Some(&t),
                Method::POST,
                &path,
                Some(accept.clone()),
                None,
            )
            .await;
            let s2 = call(
                &app,
                Some(&t),
                Method::POST,
                "/api/v1/slips",
                Some(issue.clone()),
                None,
            )
            .await;
            match expected {
                // Authorised: refused only for the state (nothing to accept yet) or the input.
                None => {
                    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{login} accept");
                    assert_eq!(s2, StatusCode::UNPROCESSABLE_ENTITY, "{login} issue");
                }
                Some(code) => {
                    assert_eq!(s, code, "{login} accept");
                    assert_eq!(s2, code, "{login} issue");
                }
            }
        }
    })
    .await;
}

/// A stage change waiting for approval is approved or sent back by those who supervise the
/// project in scope, withdrawn by its writers; others are refused, outsiders see nothing.
#[tokio::test]
async fn only_supervisors_in_scope_decide_a_stage_change_request() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let (s, r) = app
            .post(
                &format!("/api/v1/projects/{}/stage-requests", w.shenyang_project),
                json!({"to": "terminated", "reason": "投资方撤资"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let approve = format!("/api/v1/stage-requests/{}/approve", r["id"]);
        let actions = format!("/api/v1/stage-requests/{}/actions", r["id"]);
        let reject = json!({"action": "reject", "note": "请补充材料"});
        let withdraw = json!({"action": "withdraw"});
        // (login, approve and send back, withdraw): None is authorised (a stale If-Match
        // answers 412 and changes nothing).
        for (login, decide, take_back) in [
            // A coordinator both supervises and writes their unit's projects.
            ("sy-coordinator", None, None),
            ("sy-leader", None, Some(StatusCode::FORBIDDEN)),
            ("sy-editor", Some(StatusCode::FORBIDDEN), None),
            (
                "sy-viewer",
                Some(StatusCode::FORBIDDEN),
                Some(StatusCode::FORBIDDEN),
            ),
            (
                "dl-coordinator",
                Some(StatusCode::NOT_FOUND),
                Some(StatusCode::NOT_FOUND),
            ),
        ] {
            let t = token_of(&app, login).await;
            let stale = Some("\"0\"");
            let a = call(&app, Some(&t), Method::POST, &approve, None, stale).await;
            let b = call(
                &app,
                Some(&t),
                Method::POST,
                &actions,
                Some(reject.clone()),
                stale,
            )
            .await;
            let c = call(
                &app,
                Some(&t),
                Method::POST,
                &actions,
                Some(withdraw.clone()),
                stale,
            )
            .await;
            let want = |e: Option<StatusCode>| e.unwrap_or(StatusCode::PRECONDITION_FAILED);
            assert_eq!(a, want(decide), "{login} approve");
            assert_eq!(b, want(decide), "{login} reject");
            assert_eq!(c, want(take_back), "{login} withdraw");
        }
        let (_, still) = app
            .get(&format!("/api/v1/stage-requests/{}", r["id"]))
            .await;
        assert_eq!(still["status"], "pending", "{still}");
    })
    .await;
}

#[tokio::test]
async fn without_credentials_every_route_but_health_and_login_answers_401() {
    each_backend(|app| async move {
        let w = world(&app).await;
        let mut routes: Vec<(Method, String)> = project_routes(&w, w.shenyang_project)
            .into_iter()
            .map(|r| (r.0, r.1))
            .collect();
        routes.extend(admin_routes().into_iter().map(|r| (r.0, r.1.to_owned())));
        routes.extend(READ_ROUTES.iter().map(|p| (Method::GET, (*p).to_owned())));
        routes.push((Method::GET, "/api/v1/projects".into()));
        routes.push((Method::GET, "/api/v1/stats/projects".into()));
        for (m, path) in routes {
            let s = call(&app, None, m.clone(), &path, None, None).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{m} {path}");
            let s = call(&app, Some("dk_forged"), m.clone(), &path, None, None).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "forged token: {m} {path}");
        }
        for public in ["/healthz", "/readyz", "/api/openapi.json"] {
            assert_eq!(
                call(&app, None, Method::GET, public, None, None).await,
                StatusCode::OK,
                "{public}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn lists_and_statistics_hold_only_what_the_caller_may_read() {
    each_backend(|app| async move {
        let w = world(&app).await;
        for (login, visible) in [
            ("sy-viewer", vec![w.shenyang_project]),
            ("bj-coordinator", vec![w.shenyang_project]),
            ("dl-leader", vec![w.dalian_project]),
            ("sy-leader", vec![w.shenyang_project]),
        ] {
            let t = token_of(&app, login).await;
            let list: Value = app
                .client
                .get(format!("{}/api/v1/projects", app.base))
                .bearer_auth(&t)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let ids: Vec<i64> = list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_i64().unwrap())
                .collect();
            assert_eq!(ids, visible, "{login} list");
            assert_eq!(list["total"], visible.len() as i64);
            let get = |path: &str| {
                let req = app
                    .client
                    .get(format!("{}{path}", app.base))
                    .bearer_auth(&t);
                async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
            };
            let warnings = get("/api/v1/warnings").await;
            let seen: Vec<i64> = warnings["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w["project_id"].as_i64().unwrap())
                .collect();
            assert!(
                seen.iter().all(|p| visible.contains(p)),
                "{login} warnings {seen:?}"
            );
            assert_eq!(
                seen.contains(&w.shenyang_project),
                visible.contains(&w.shenyang_project),
                "{login} sees the Shenyang warning exactly when it reads the project"
            );
            let counts = get("/api/v1/warnings/counts").await;
            assert_eq!(
                counts["total"].as_i64().unwrap(),
                seen.len() as i64,
                "{login}"
            );
            for q in [
                "",
                "?region=210000",
                "?partnership=shanghai-dalian",
                "?as_of=2024-06-01",
            ] {
                let stats: Value = app
                    .client
                    .get(format!("{}/api/v1/stats/projects{q}", app.base))
                    .bearer_auth(&t)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let n = stats["total"]["count"].as_i64().unwrap();
                assert!(n <= visible.len() as i64, "{login} stats{q}: {n}");
                if q.is_empty() {
                    assert_eq!(
                        n,
                        visible.len() as i64,
                        "{login} counts exactly what it reads"
                    );
                }
            }
        }
    })
    .await;
}
