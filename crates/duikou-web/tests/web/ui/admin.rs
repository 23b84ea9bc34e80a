//! 系统管理 · 用户, 授权, 流程模板 and 工作日历 over plain HTTP: an administrator creates an
//! account (its one-time password shown once), grants, resets and disables; a viewer gets 403
//! on every page and form; a forged post is refused; a day is added to and removed from the
//! calendar.

use duikou_core::auth::{Role, Scope};
use reqwest::StatusCode;

use super::start_with;
use super::warnings::{csrf_of, troubled};

#[tokio::test]
async fn a_viewer_gets_403_and_a_forged_post_is_refused() {
    let (app, store) = start_with().await;
    troubled(&store).await;
    let viewer = app.login_as("viewer").await;
    for path in [
        "/admin/users",
        "/admin/users/editor",
        "/admin/templates",
        "/admin/templates/construction_approval",
        "/admin/calendar",
    ] {
        let (status, _) = app.page(&viewer, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (_, page) = app.page(&viewer, "/projects").await;
    let token = csrf_of(&page);
    let r = app
        .post(
            &viewer,
            "/admin/users/editor/disable",
            &[("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(r, StatusCode::FORBIDDEN);
    let admin = app.login_as("admin").await;
    for (path, form) in [
        (
            "/admin/users",
            vec![
                ("login", "forged"),
                ("display_name", "伪造"),
                ("role", "admin"),
                ("scope", "all"),
            ],
        ),
        ("/admin/users/editor/disable", vec![]),
        ("/admin/users/editor/reset", vec![]),
        (
            "/admin/calendar/add",
            vec![
                ("year", "2024"),
                ("date", "2024-06-12"),
                ("kind", "off"),
                ("name", "伪造"),
            ],
        ),
    ] {
        assert_eq!(
            app.post(&admin, path, &form).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert!(store.user("forged").await.is_err());
    assert!(!store.user("editor").await.unwrap().disabled);
}

#[tokio::test]
async fn an_admin_creates_a_user_grants_resets_and_disables() {
    let (app, store) = start_with().await;
    troubled(&store).await;
    let admin = app.login_as("admin").await;
    let (status, page) = app.page(&admin, "/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"data-user="editor""#));
    let token = csrf_of(&page);
    // A bad login is refused under its field, what was typed kept.
    let (status, body) = app
        .post_page(
            &admin,
            "/admin/users",
            &[
                ("login", "Bad Login"),
                ("display_name", "刘填报"),
                ("role", "editor"),
                ("scope", "region:210112"),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(
        r#"id="us-login" name="login" type="text" value="Bad Login" aria-invalid="true""#
    ));
    assert!(body.contains(r#"value="刘填报""#));
    let (status, body) = app
        .post_page(
            &admin,
            "/admin/users",
            &[
                ("login", "liu"),
                ("display_name", "刘填报"),
                ("role", "editor"),
                ("scope", "region:210112"),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let password = body
        .split(r#"id="one-time-password">"#)
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap()
        .to_owned();
    assert!(password.len() >= 10, "{password}");
    let liu = store.user("liu").await.unwrap();
    assert!(liu.must_change_password);
    assert_eq!(liu.grants[0].role, Role::Editor);
    assert_eq!(
        liu.grants[0].scope,
        Scope::Region {
            region_code: "210112".into()
        }
    );
    // The new user logs in with it and is sent to change it.
    let r = app
        .client
        .post(format!("{}/login", app.base))
        .form(&[("login", "liu"), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/password");

    // 授权: a second grant over everything is asked to be confirmed first, then given; then
    // revoked.
    let wide = [
        ("role", "viewer"),
        ("scope", "all"),
        ("csrf_token", token.as_str()),
    ];
    let (status, body) = app.post_page(&admin, "/admin/users/liu/grant", &wide).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"id="gr-confirm""#), "a box to tick");
    assert!(body.contains("查看 · 全部"), "the grant is named");
    assert_eq!(
        store.user("liu").await.unwrap().grants.len(),
        1,
        "nothing given yet"
    );
    let mut confirmed = wide.to_vec();
    confirmed.push(("confirm", "on"));
    let r = app.post(&admin, "/admin/users/liu/grant", &confirmed).await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    assert_eq!(store.user("liu").await.unwrap().grants.len(), 2);
    let r = app
        .post(
            &admin,
            "/admin/users/liu/revoke",
            &[
                ("role", "viewer"),
                ("scope", "all"),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    assert_eq!(store.user("liu").await.unwrap().grants.len(), 1);

    // 重置密码 shows a new one-time password; 停用 stops the account.
    let (status, body) = app
        .post_page(
            &admin,
            "/admin/users/liu/reset",
            &[("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"id="one-time-password""#));
    assert!(!body.contains(&password), "a new password");
    let r = app
        .post(
            &admin,
            "/admin/users/liu/disable",
            &[("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    assert!(store.user("liu").await.unwrap().disabled);
    let (_, page) = app.page(&admin, "/admin/users/liu").await;
    assert!(page.contains("已停用"));
}

#[tokio::test]
async fn an_admin_reads_the_templates_and_edits_the_calendar() {
    let (app, store) = start_with().await;
    troubled(&store).await;
    let admin = app.login_as("admin").await;
    let (_, page) = app.page(&admin, "/admin/templates").await;
    assert!(page.contains(r#"data-template="construction_approval""#));
    let (status, page) = app
        .page(&admin, "/admin/templates/construction_approval")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("建筑工程施工许可证核发"));

    let (status, page) = app.page(&admin, "/admin/calendar?year=2024").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"data-day="2024-10-01""#),
        "国庆节 2024 is listed"
    );
    let token = csrf_of(&page);
    // A make-up working day on a weekday is refused under the date.
    let (status, body) = app
        .post_page(
            &admin,
            "/admin/calendar/add",
            &[
                ("year", "2024"),
                ("date", "2024-06-12"),
                ("kind", "work"),
                ("name", "调休"),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(
        r#"id="cd-date" name="date" type="date" value="2024-06-12" aria-invalid="true""#
    ));
    let r = app
        .post(
            &admin,
            "/admin/calendar/add",
            &[
                ("year", "2024"),
                ("date", "2024-06-12"),
                ("kind", "off"),
                ("name", "地方假日"),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    let day = chrono::NaiveDate::from_ymd_opt(2024, 6, 12).unwrap();
    assert!(!store.calendar().await.unwrap().is_working_day(day).value);
    let (_, page) = app.page(&admin, "/admin/calendar?year=2024").await;
    assert!(page.contains(r#"data-day="2024-06-12""#));
    let r = app
        .post(
            &admin,
            "/admin/calendar/remove",
            &[
                ("year", "2024"),
                ("date", "2024-06-12"),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(r, StatusCode::SEE_OTHER);
    assert!(store.calendar().await.unwrap().is_working_day(day).value);
}

#[tokio::test]
async fn the_user_page_shows_a_login_lock_and_its_button_clears_it() {
    let (app, store) = start_with().await;
    troubled(&store).await;
    let admin = app.login_as("admin").await;
    let (_, page) = app.page(&admin, "/admin/users/editor").await;
    assert!(!page.contains(r#"id="user-locked""#), "not locked yet");
    assert!(!page.contains(r#"id="unlock-user""#), "nothing to clear");
    let max = duikou_store::accounts::MAX_PAIR_FAILURES;
    for _ in 0..max {
        let wrong = store
            .login(
                "editor",
                "Wrong-pass-123",
                "198.51.100.7",
                None,
                chrono::Utc::now(),
            )
            .await;
        assert!(wrong.is_err());
    }
    let (_, page) = app.page(&admin, "/admin/users/editor").await;
    assert!(page.contains(r#"id="user-locked""#), "the lock is shown");
    let token = csrf_of(&page);
    let r = app
        .post(
            &admin,
            "/admin/users/editor/unlock",
            &[("csrf_token", token.as_str())],
        )
        .await;
    assert!(r.is_success() || r.is_redirection(), "{r}");
    let (_, page) = app.page(&admin, "/admin/users/editor").await;
    assert!(!page.contains(r#"id="user-locked""#), "cleared");
}

#[tokio::test]
async fn the_grant_form_defaults_to_the_least_right_and_names_regions_with_their_parents() {
    let (app, store) = super::start_with().await;
    super::warnings::troubled(&store).await;
    let admin = app.login_as("admin").await;
    let (status, page) = app.page(&admin, "/admin/users/editor").await;
    assert_eq!(status, StatusCode::OK);
    let form = page.split(r#"id="grant-form""#).nth(1).unwrap();
    assert!(
        form.contains(r#"<option value="viewer" selected>查看</option>"#),
        "the least right is chosen"
    );
    assert!(
        form.contains(r#"<option value="">请选择范围</option>"#),
        "no scope is chosen for the administrator"
    );
    assert!(!form.contains(r#"value="all" selected"#));
    assert!(
        form.contains("沈阳市浑南区"),
        "a district reads with its city"
    );
    assert!(
        page.contains(r#"/revoke" data-confirm="撤销此授权"#),
        "撤销 asks first"
    );
    // A new account whose first grant is the administrator's is confirmed first.
    let token = super::warnings::csrf_of(&page);
    let (status, body) = app
        .post_page(
            &admin,
            "/admin/users",
            &[
                ("login", "zhao"),
                ("display_name", "赵管理"),
                ("role", "admin"),
                ("scope", "all"),
                ("csrf_token", token.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"id="us-confirm""#) && body.contains("系统管理员 · 全部"));
    assert!(store.user("zhao").await.is_err(), "no account yet");
}
