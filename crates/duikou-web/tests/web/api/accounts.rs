//! Logins, sessions, CSRF, throttling, tokens and security headers.

use chrono::{Duration, Utc};
use duikou_core::auth::{Grant, Role, Scope};
use duikou_store::accounts::{NewToken, NewUser};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::api::helpers::*;

const PASSWORD: &str = "Shenyang-2024";

async fn user(app: &TestApp, login: &str, password: Option<&str>) -> Option<String> {
    let system = duikou_core::Actor::system("test");
    let new = NewUser {
        login: login.into(),
        display_name: "测试".into(),
        org_id: None,
        password: password.map(Into::into),
    };
    let (_, generated) = app
        .store
        .as_system(&system.name)
        .create_user(&new)
        .await
        .unwrap();
    app.store
        .as_system(&system.name)
        .grant(
            login,
            &Grant {
                role: Role::Editor,
                scope: Scope::All,
            },
        )
        .await
        .unwrap();
    generated
}

/// Logs in; returns (status, cookie pair, body).
async fn login(app: &TestApp, login: &str, password: &str) -> (StatusCode, Option<String>, Value) {
    let r = app
        .client
        .post(format!("{}/api/v1/session", app.base))
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let cookie = r
        .headers()
        .get("set-cookie")
        .map(|c| c.to_str().unwrap().to_owned());
    if let Some(c) = &cookie {
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax"), "{c}");
    }
    let cookie = cookie.map(|c| c.split(';').next().unwrap().to_owned());
    (status, cookie, r.json().await.unwrap_or(Value::Null))
}

async fn with_cookie(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    cookie: &str,
    csrf: Option<&str>,
    body: Option<Value>,
) -> StatusCode {
    let mut req = app
        .client
        .request(method, format!("{}{path}", app.base))
        .header("cookie", cookie);
    if let Some(c) = csrf {
        req = req.header("x-csrf-token", c);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap().status()
}

#[tokio::test]
async fn a_session_writes_only_with_its_csrf_token() {
    each_backend(|app| async move {
        user(&app, "zhang", Some(PASSWORD)).await;
        let (s, cookie, body) = login(&app, "zhang", PASSWORD).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let cookie = cookie.unwrap();
        let csrf = body["csrf_token"].as_str().unwrap().to_owned();
        assert_eq!(
            with_cookie(
                &app,
                reqwest::Method::GET,
                "/api/v1/me",
                &cookie,
                None,
                None
            )
            .await,
            StatusCode::OK
        );
        let region = json!({"code": "650000", "name": "新疆", "kind": "province"});
        let forged = with_cookie(
            &app,
            reqwest::Method::POST,
            "/api/v1/orgs",
            &cookie,
            None,
            Some(region.clone()),
        )
        .await;
        assert_eq!(
            forged,
            StatusCode::FORBIDDEN,
            "a cross-site POST without the token is refused"
        );
        let wrong = with_cookie(
            &app,
            reqwest::Method::POST,
            "/api/v1/orgs",
            &cookie,
            Some("nope"),
            Some(region),
        )
        .await;
        assert_eq!(wrong, StatusCode::FORBIDDEN);
        let token = json!({"name": "脚本"});
        let ok = with_cookie(
            &app,
            reqwest::Method::POST,
            "/api/v1/me/tokens",
            &cookie,
            Some(&csrf),
            Some(token),
        )
        .await;
        assert_eq!(ok, StatusCode::CREATED);
        let out = with_cookie(
            &app,
            reqwest::Method::DELETE,
            "/api/v1/session",
            &cookie,
            Some(&csrf),
            None,
        )
        .await;
        assert_eq!(out, StatusCode::NO_CONTENT);
        assert_eq!(
            with_cookie(
                &app,
                reqwest::Method::GET,
                "/api/v1/me",
                &cookie,
                None,
                None
            )
            .await,
            StatusCode::UNAUTHORIZED,
            "logged out"
        );
    })
    .await;
}

#[tokio::test]
async fn a_run_of_wrong_passwords_locks_the_account_with_a_clear_message() {
    each_backend(|app| async move {
        user(&app, "liu", Some(PASSWORD)).await;
        for i in 1..duikou_store::accounts::MAX_PAIR_FAILURES {
            let (s, _, b) = login(&app, "liu", "Wrong-pass-123").await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "attempt {i}: {b}");
            assert_eq!(b["error"]["message"], "用户名或密码错误");
        }
        let (s, _, b) = login(&app, "liu", "Wrong-pass-123").await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{b}");
        let (s, _, b) = login(&app, "liu", PASSWORD).await;
        assert_eq!(
            s,
            StatusCode::TOO_MANY_REQUESTS,
            "locked even with the right password: {b}"
        );
        assert!(
            b["error"]["message"].as_str().unwrap().contains("锁定"),
            "{b}"
        );
        let (s, _, b) = login(&app, "nobody", "Wrong-pass-123").await;
        assert_eq!(
            s,
            StatusCode::UNAUTHORIZED,
            "an unknown login answers like a wrong password: {b}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_revoked_or_expired_token_no_longer_works() {
    each_backend(|app| async move {
        user(&app, "wang", Some(PASSWORD)).await;
        let u = app.store.user("wang").await.unwrap();
        let new = NewToken {
            parent: None,
            name: "t".into(),
            expires_in_days: Some(1),
            grants: None,
        };
        let (live, secret) = app.store.create_token(&u, &new, Utc::now()).await.unwrap();
        let get = |secret: String| {
            let app = &app;
            async move {
                app.client
                    .get(format!("{}/api/v1/me", app.base))
                    .bearer_auth(secret)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(get(secret.clone()).await, StatusCode::OK);
        let listed = app.store.tokens(u.id).await.unwrap();
        assert!(listed[0].last_used_at.is_some(), "last use is recorded");
        app.store
            .revoke_token(&u, live.id, Utc::now())
            .await
            .unwrap();
        assert_eq!(get(secret).await, StatusCode::UNAUTHORIZED);
        let (_, old) = app
            .store
            .create_token(&u, &new, Utc::now() - Duration::days(2))
            .await
            .unwrap();
        assert_eq!(
            get(old).await,
            StatusCode::UNAUTHORIZED,
            "expired yesterday"
        );
        let too_much = NewToken {
            parent: None,
            name: "t".into(),
            expires_in_days: None,
            grants: Some(vec![Grant {
                role: Role::Admin,
                scope: Scope::All,
            }]),
        };
        let err = app
            .store
            .create_token(&u, &too_much, Utc::now())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("不能超出"), "{err}");
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_when_idle_or_old() {
    each_backend(|app| async move {
        user(&app, "zhao", Some(PASSWORD)).await;
        let u = app.store.user("zhao").await.unwrap();
        let now = Utc::now();
        let (idle, _) = app
            .store
            .create_session(u.id, "127.0.0.1", now - Duration::minutes(121))
            .await
            .unwrap();
        assert!(
            app.store.session_user(&idle, now).await.unwrap().is_none(),
            "idle past 120 minutes"
        );
        let (fresh, _) = app
            .store
            .create_session(u.id, "127.0.0.1", now - Duration::minutes(30))
            .await
            .unwrap();
        assert!(app.store.session_user(&fresh, now).await.unwrap().is_some());
        let later = now + Duration::hours(12);
        assert!(
            app.store
                .session_user(&fresh, later)
                .await
                .unwrap()
                .is_none(),
            "12 hours after login"
        );
        let (a, _) = app
            .store
            .create_session(u.id, "127.0.0.1", now)
            .await
            .unwrap();
        let (b, _) = app
            .store
            .create_session(u.id, "127.0.0.2", now)
            .await
            .unwrap();
        assert_eq!(
            app.store.delete_user_sessions(u.id).await.unwrap(),
            2,
            "logout everywhere"
        );
        assert!(app.store.session_user(&a, now).await.unwrap().is_none());
        assert!(app.store.session_user(&b, now).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn a_generated_first_password_must_be_changed_before_anything_else() {
    each_backend(|app| async move {
        let first = user(&app, "sun", None).await.unwrap();
        let (s, cookie, body) = login(&app, "sun", &first).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(body["must_change_password"], true);
        let cookie = cookie.unwrap();
        let csrf = body["csrf_token"].as_str().unwrap().to_owned();
        let s = with_cookie(
            &app,
            reqwest::Method::GET,
            "/api/v1/projects",
            &cookie,
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let weak = json!({"current_password": first, "new_password": "sun12345678"});
        let s = with_cookie(
            &app,
            reqwest::Method::PUT,
            "/api/v1/me/password",
            &cookie,
            Some(&csrf),
            Some(weak),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "contains the login");
        let good = json!({"current_password": first, "new_password": "Hunnan-Park-77"});
        let s = with_cookie(
            &app,
            reqwest::Method::PUT,
            "/api/v1/me/password",
            &cookie,
            Some(&csrf),
            Some(good),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let s = with_cookie(
            &app,
            reqwest::Method::GET,
            "/api/v1/projects",
            &cookie,
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _, _) = login(&app, "sun", "Hunnan-Park-77").await;
        assert_eq!(s, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    each_backend(|app| async move {
        for path in ["/healthz", "/api/v1/projects"] {
            let r = app.send(reqwest::Method::GET, path, None, None).await;
            let h = r.headers();
            let csp = h["content-security-policy"].to_str().unwrap();
            assert!(
                csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
                "{csp}"
            );
            assert_eq!(h["x-content-type-options"], "nosniff");
            assert_eq!(h["x-frame-options"], "DENY");
            assert!(h.contains_key("referrer-policy"));
        }
    })
    .await;
}

/// `GET /api/v1/me` with a bearer token.
async fn me_with_token(app: &TestApp, secret: &str) -> (StatusCode, Value) {
    let r = app
        .client
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(secret)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn account_changes_take_effect_at_once_though_identities_are_cached() {
    each_backend(|app| async move {
        user(&app, "qian", Some(PASSWORD)).await;
        let u = app.store.user("qian").await.unwrap();
        let new = NewToken {
            parent: None,
            name: "t".into(),
            expires_in_days: None,
            grants: None,
        };
        let (_, secret) = app.store.create_token(&u, &new, Utc::now()).await.unwrap();
        // Seen twice: the second answer comes from the cache.
        for _ in 0..2 {
            let (s, me) = me_with_token(&app, &secret).await;
            assert_eq!(s, StatusCode::OK);
            assert_eq!(me["grants"].as_array().map(Vec::len), Some(1));
        }
        // A grant taken away through the API shows on the next request.
        let r = app
            .send(
                reqwest::Method::DELETE,
                "/api/v1/users/qian/grants",
                Some(json!({"role": "editor", "scope": {"kind": "all"}})),
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let (_, me) = me_with_token(&app, &secret).await;
        assert_eq!(me["grants"].as_array().map(Vec::len), Some(0), "{me}");
        // A session, logged out through the API, is refused on the next request.
        let (_, cookie, body) = login(&app, "qian", PASSWORD).await;
        let cookie = cookie.unwrap();
        let csrf = body["csrf_token"].as_str().unwrap().to_owned();
        for _ in 0..2 {
            let s = with_cookie(
                &app,
                reqwest::Method::GET,
                "/api/v1/me",
                &cookie,
                None,
                None,
            )
            .await;
            assert_eq!(s, StatusCode::OK);
        }
        let s = with_cookie(
            &app,
            reqwest::Method::DELETE,
            "/api/v1/session",
            &cookie,
            Some(&csrf),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let s = with_cookie(
            &app,
            reqwest::Method::GET,
            "/api/v1/me",
            &cookie,
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "logged out");
        // A user disabled through the API loses their token at once.
        assert_eq!(me_with_token(&app, &secret).await.0, StatusCode::OK);
        let (s, _) = app.post("/api/v1/users/qian/disable", json!({})).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            me_with_token(&app, &secret).await.0,
            StatusCode::UNAUTHORIZED,
            "disabled"
        );
    })
    .await;
}

#[tokio::test]
async fn a_password_reset_ends_cached_sessions_at_once() {
    each_backend(|app| async move {
        user(&app, "sun", Some(PASSWORD)).await;
        let (_, cookie, _) = login(&app, "sun", PASSWORD).await;
        let cookie = cookie.unwrap();
        for _ in 0..2 {
            let s = with_cookie(
                &app,
                reqwest::Method::GET,
                "/api/v1/me",
                &cookie,
                None,
                None,
            )
            .await;
            assert_eq!(s, StatusCode::OK);
        }
        let (s, _) = app
            .post("/api/v1/users/sun/reset-password", json!({}))
            .await;
        assert_eq!(s, StatusCode::OK);
        let s = with_cookie(
            &app,
            reqwest::Method::GET,
            "/api/v1/me",
            &cookie,
            None,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    })
    .await;
}
