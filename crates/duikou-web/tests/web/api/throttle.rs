//! Login throttling that is not a denial of service: a run of failures locks the attacker's
//! (address, account) pair, not the owner's known device; an admin clears a lock; every 429
//! carries `Retry-After`. Every client of the test server is 127.0.0.1, so the tests vary the
//! device cookie rather than the address.

use duikou_core::auth::{Grant, Role, Scope};
use duikou_store::accounts::MAX_PAIR_FAILURES;
use reqwest::{Response, StatusCode};
use serde_json::json;

use crate::api::helpers::*;

const PASSWORD: &str = "Shenyang-2024";
const WRONG: &str = "Wrong-pass-123";

/// Logs in, sending `device` as the device cookie when given.
async fn login(app: &TestApp, login: &str, password: &str, device: Option<&str>) -> Response {
    let mut req = app
        .client
        .post(format!("{}/api/v1/session", app.base))
        .json(&json!({"login": login, "password": password}));
    if let Some(d) = device {
        req = req.header("cookie", format!("duikou_device={d}"));
    }
    let r = req.send().await.unwrap();
    if r.status() == StatusCode::TOO_MANY_REQUESTS {
        let wait = r.headers().get("retry-after").map(|v| v.to_str().unwrap());
        let secs: i64 = wait
            .expect("every 429 carries Retry-After")
            .parse()
            .unwrap();
        assert!((1..=15 * 60).contains(&secs), "{secs}");
    }
    r
}

/// The device token the answer set.
fn device_of(r: &Response) -> String {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find_map(|c| c.strip_prefix("duikou_device="))
        .and_then(|c| c.split(';').next())
        .expect("a device cookie")
        .to_owned()
}

/// Five wrong passwords from a client that is not a known device; the last answers 429.
async fn lock_out(app: &TestApp, login_name: &str, device: Option<&str>) {
    for i in 1..=MAX_PAIR_FAILURES {
        let r = login(app, login_name, WRONG, device).await;
        let want = if i < MAX_PAIR_FAILURES {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(r.status(), want, "attempt {i}");
    }
}

#[tokio::test]
async fn wrong_passwords_elsewhere_do_not_lock_out_a_known_device() {
    each_backend(|app| async move {
        add_user(&app, "zhou", PASSWORD).await;
        let r = login(&app, "zhou", PASSWORD, None).await;
        assert_eq!(r.status(), StatusCode::OK);
        let known = device_of(&r);
        lock_out(&app, "zhou", Some("attacker-device-0000000000")).await;
        for device in [None, Some("attacker-device-0000000000")] {
            let r = login(&app, "zhou", PASSWORD, device).await;
            assert_eq!(
                r.status(),
                StatusCode::TOO_MANY_REQUESTS,
                "the attacker's pair stays locked, right password or not"
            );
        }
        let r = login(&app, "zhou", PASSWORD, Some(&known)).await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "the owner's usual browser passes"
        );
        assert_eq!(device_of(&r), known, "the device keeps its token");
        let r = login(&app, "zhou", PASSWORD, None).await;
        assert_eq!(
            r.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "the owner's login does not unlock the attacker"
        );
        let r = login(&app, "zhou", WRONG, Some(&known)).await;
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "a known device still needs the password"
        );
    })
    .await;
}

#[tokio::test]
async fn an_admin_clears_a_lock() {
    each_backend(|app| async move {
        add_user(&app, "zheng", PASSWORD).await;
        lock_out(&app, "zheng", None).await;
        assert_eq!(
            login(&app, "zheng", PASSWORD, None).await.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        let url = |login: &str| format!("{}/api/v1/users/{login}/lock", app.base);
        let r = app.client.delete(url("zheng")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        add_user(&app, "feng", PASSWORD).await;
        let system = duikou_core::Actor::system("test");
        let editor = Grant {
            role: Role::Editor,
            scope: Scope::All,
        };
        app.store
            .as_system(&system.name)
            .grant("feng", &editor)
            .await
            .unwrap();
        let r = login(&app, "feng", PASSWORD, None).await;
        let cookie = r.headers()["set-cookie"].to_str().unwrap();
        let cookie = cookie.split(';').next().unwrap().to_owned();
        let csrf = r.json::<serde_json::Value>().await.unwrap()["csrf_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let r = app.client.delete(url("zheng")).header("cookie", cookie);
        let r = r.header("x-csrf-token", csrf).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "admins only");
        let r = app.client.delete(url("nobody")).bearer_auth(&app.token);
        assert_eq!(r.send().await.unwrap().status(), StatusCode::NOT_FOUND);
        let r = app.client.delete(url("zheng")).bearer_auth(&app.token);
        assert_eq!(r.send().await.unwrap().status(), StatusCode::NO_CONTENT);
        assert_eq!(
            login(&app, "zheng", PASSWORD, None).await.status(),
            StatusCode::OK
        );
        let log = app.store.history("user", "zheng").await.unwrap();
        assert!(log.iter().any(|e| e.action == "clear_lock"), "{log:?}");
    })
    .await;
}
