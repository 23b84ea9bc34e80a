//! 推进到 from the project page: the next stage is made at once; a skip shows first what it
//! will change and, when the unit's settings send it for approval, is asked for; the
//! coordinator finds it waiting, sends back without a note refused beside the field, and
//! approves; the project moves and its history reads the request and the approved move.

use duikou_core::auth::{Grant, Role, Scope};
use duikou_core::Stage;
use duikou_store::accounts::NewUser;
use duikou_store::Store;
use reqwest::StatusCode;

use super::warnings::{csrf_of, troubled};
use super::{start_with, App, PASSWORD};

async fn stage_of(store: &Store, id: i64) -> Stage {
    let access = duikou_core::auth::Access::system("check");
    store.scoped(&access).project(id).await.unwrap().stage
}

/// Posts a form; the status and where it sends the browser.
async fn post_to(
    app: &App,
    cookie: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let r = app
        .client
        .post(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .form(form)
        .send()
        .await
        .unwrap();
    let to = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.status(), to)
}

#[tokio::test]
async fn a_skip_is_confirmed_asked_for_and_approved_by_the_coordinator() {
    let (app, store) = start_with().await;
    let id = troubled(&store).await;
    let system = store.as_system("ui-tests");
    let new = NewUser {
        login: "coordinator".into(),
        display_name: "赵合作办".into(),
        org_id: None,
        password: Some(PASSWORD.into()),
    };
    system.create_user(&new).await.unwrap();
    let grant = Grant {
        role: Role::Coordinator,
        scope: Scope::Region {
            region_code: "210100".into(),
        },
    };
    system.grant("coordinator", &grant).await.unwrap();

    let clerk = app.login_as("editor").await;
    let path = format!("/projects/{id}");
    let (_, page) = app.page(&clerk, &path).await;
    let token = csrf_of(&page);
    let move_to = format!("{path}/transition");

    // A skip without a reason: the project page again, the error beside the field.
    let (status, body) = app
        .post_page(
            &clerk,
            &move_to,
            &[("to", "operating"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(r#"id="tr-reason" name="reason" type="text" value="" aria-invalid="true""#),
        "{body}"
    );

    // With one: the confirmation, which says it goes for approval and how the funnel moves;
    // nothing has moved yet.
    let (status, confirm) = app
        .post_page(
            &clerk,
            &move_to,
            &[
                ("to", "operating"),
                ("reason", "已整体投产"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains(r#"id="confirm-approval""#), "{confirm}");
    assert!(confirm.contains("提交审批申请"));
    for stage in [
        "落地及以后 +1",
        "开工及以后 +1",
        "竣工及以后 +1",
        "投产及以后 +1",
    ] {
        assert!(confirm.contains(stage), "{stage}: {confirm}");
    }
    assert_eq!(stage_of(&store, id).await, Stage::Signed);
    let version = confirm
        .split(r#"name="version" value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();

    // Confirmed without the session's token: refused.
    let forged = [
        ("to", "operating"),
        ("reason", "已整体投产"),
        ("confirmed", "on"),
        ("request", "on"),
        ("version", version.as_str()),
    ];
    assert_eq!(
        app.post(&clerk, &move_to, &forged).await,
        StatusCode::FORBIDDEN
    );
    // Confirmed: asked for, and shown waiting on the project's page.
    let mut confirmed = forged.to_vec();
    confirmed.push(("csrf_token", &token));
    let (status, to) = post_to(&app, &clerk, &move_to, &confirmed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, format!("{path}?done=requested#transition"));
    let (_, page) = app.page(&clerk, &path).await;
    assert!(page.contains(r#"id="stage-request""#), "{page}");
    assert!(
        !page.contains("/approve?from=project"),
        "the clerk does not approve"
    );
    assert_eq!(stage_of(&store, id).await, Stage::Signed);

    // The coordinator: the dashboard counts it, the list holds it.
    let boss = app.login_as("coordinator").await;
    let (_, home) = app.page(&boss, "/").await;
    assert!(
        home.contains(r#"id="requests-total" href="/stage-requests">1</a>"#),
        "{home}"
    );
    let (_, list) = app.page(&boss, "/stage-requests").await;
    assert_eq!(list.matches("data-request=").count(), 1, "{list}");
    let rid: i64 = list
        .split("data-request=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    let token = csrf_of(&list);
    // Sending back without a note: refused beside the field, nothing changes.
    let (status, body) = app
        .post_page(
            &boss,
            &format!("/stage-requests/{rid}/reject"),
            &[("note", " "), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(&format!(
            r#"id="rq{rid}-note" name="note" type="text" value=" " aria-invalid="true""#
        )),
        "{body}"
    );
    // Approved: the project moves.
    let (status, to) = post_to(
        &app,
        &boss,
        &format!("/stage-requests/{rid}/approve"),
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, "/stage-requests?done=approved");
    assert_eq!(stage_of(&store, id).await, Stage::Operating);
    let (_, page) = app.page(&boss, &path).await;
    assert!(
        !page.contains(r#"id="stage-request""#),
        "nothing waits any more"
    );
    assert!(
        page.contains("申请阶段变更") && page.contains("阶段变更（经审批）"),
        "{page}"
    );
}

#[tokio::test]
async fn the_next_stage_is_made_at_once_without_a_confirmation() {
    let (app, store) = start_with().await;
    let id = troubled(&store).await;
    let clerk = app.login_as("editor").await;
    let path = format!("/projects/{id}");
    let (_, page) = app.page(&clerk, &path).await;
    let token = csrf_of(&page);
    let (status, to) = post_to(
        &app,
        &clerk,
        &format!("{path}/transition"),
        &[("to", "landed"), ("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, format!("{path}?done=transition#transition"));
    assert_eq!(stage_of(&store, id).await, Stage::Landed);
}
