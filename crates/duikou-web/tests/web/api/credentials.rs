//! What a new password ends: the user's own change ends their other sessions (and their
//! tokens when asked); an administrator's reset ends every session and token.

use duikou_store::accounts::NewToken;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::api::helpers::*;

const PASSWORD: &str = "Shenyang-2024";
const NEW_PASSWORD: &str = "Hunnan-Park-77";

/// A token of the user (created in the store).
async fn token(app: &TestApp, login: &str) -> String {
    let user = app.store.user(login).await.unwrap();
    let new = NewToken {
        parent: None,
        name: "脚本".into(),
        expires_in_days: None,
        grants: None,
    };
    let now = chrono::Utc::now();
    app.store.create_token(&user, &new, now).await.unwrap().1
}

/// A logged-in session: (cookie pair, CSRF token).
async fn session(app: &TestApp, login: &str, password: &str) -> (String, String) {
    let r = app
        .client
        .post(format!("{}/api/v1/session", app.base))
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let body: Value = r.json().await.unwrap();
    (cookie, body["csrf_token"].as_str().unwrap().to_owned())
}

async fn me_by_cookie(app: &TestApp, cookie: &str) -> StatusCode {
    let url = format!("{}/api/v1/me", app.base);
    let r = app.client.get(url).header("cookie", cookie).send().await;
    r.unwrap().status()
}

async fn me_by_token(app: &TestApp, secret: &str) -> StatusCode {
    let url = format!("{}/api/v1/me", app.base);
    let r = app.client.get(url).bearer_auth(secret).send().await;
    r.unwrap().status()
}

/// `PUT /api/v1/me/password` from a session.
async fn change_by_session(app: &TestApp, (cookie, csrf): &(String, String), body: Value) {
    let r = app
        .client
        .request(Method::PUT, format!("{}/api/v1/me/password", app.base))
        .header("cookie", cookie)
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_keeps_tokens_unless_asked() {
    each_backend(|app| async move {
        add_user(&app, "zhao", PASSWORD).await;
        let (this, other) = (
            session(&app, "zhao", PASSWORD).await,
            session(&app, "zhao", PASSWORD).await,
        );
        let secret = token(&app, "zhao").await;
        assert_eq!(me_by_cookie(&app, &other.0).await, StatusCode::OK);
        let body = json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD});
        change_by_session(&app, &this, body).await;
        assert_eq!(me_by_cookie(&app, &this.0).await, StatusCode::OK);
        assert_eq!(me_by_cookie(&app, &other.0).await, StatusCode::UNAUTHORIZED);
        assert_eq!(
            me_by_token(&app, &secret).await,
            StatusCode::OK,
            "the user chose to keep their tokens"
        );

        let other = session(&app, "zhao", NEW_PASSWORD).await;
        let body = json!({"current_password": NEW_PASSWORD, "new_password": PASSWORD,
                          "revoke_tokens": true});
        change_by_session(&app, &this, body).await;
        assert_eq!(me_by_cookie(&app, &this.0).await, StatusCode::OK);
        assert_eq!(me_by_cookie(&app, &other.0).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me_by_token(&app, &secret).await, StatusCode::UNAUTHORIZED);
        let log = app.store.history("user", "zhao").await.unwrap();
        let last = log.last().unwrap();
        assert_eq!(last.action, "set_password");
        assert!(
            format!("{:?}", last.after).contains("tokens_revoked"),
            "{last:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_password_change_made_with_a_token_ends_every_session() {
    each_backend(|app| async move {
        add_user(&app, "qian", PASSWORD).await;
        let s = session(&app, "qian", PASSWORD).await;
        let secret = token(&app, "qian").await;
        let body = json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD});
        let r = app
            .client
            .put(format!("{}/api/v1/me/password", app.base))
            .bearer_auth(&secret)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(me_by_cookie(&app, &s.0).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me_by_token(&app, &secret).await, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn an_admin_password_reset_ends_every_session_and_token() {
    each_backend(|app| async move {
        add_user(&app, "wuyi", PASSWORD).await;
        let s = session(&app, "wuyi", PASSWORD).await;
        let secret = token(&app, "wuyi").await;
        assert_eq!(me_by_token(&app, &secret).await, StatusCode::OK);
        let (status, _) = app
            .post("/api/v1/users/wuyi/reset-password", json!({}))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me_by_cookie(&app, &s.0).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me_by_token(&app, &secret).await, StatusCode::UNAUTHORIZED);
        // The history says what the reset ended, and who reset it.
        let log = app.store.history("user", "wuyi").await.unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert!(
            actions.ends_with(&["credentials_ended", "reset_password"]),
            "{actions:?}"
        );
        let ended = log
            .iter()
            .find(|e| e.action == "credentials_ended")
            .unwrap();
        let after = ended.after.as_ref().unwrap();
        assert_eq!(
            (
                after["sessions_ended"].as_u64(),
                after["tokens_revoked"].as_u64()
            ),
            (Some(1), Some(1))
        );
        assert_eq!(log.last().unwrap().actor, "admin");
    })
    .await;
}
