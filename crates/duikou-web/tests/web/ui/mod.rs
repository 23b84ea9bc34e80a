//! Page tests over plain HTTP (no browser): the login redirect, the CSRF refusal of forms,
//! the language switch that sticks, and the embedded assets under the CSP.
#![allow(clippy::unwrap_used)]

mod admin;
mod board;
mod dashboard;
mod duplicates;
mod export;
mod lang;
mod merge;
mod orgs;
mod plan;
mod problems;
mod reports;
mod requests;
mod steps;
mod warnings;

use duikou_core::auth::{Grant, Role, Scope};
use duikou_core::Actor;
use duikou_store::accounts::NewUser;
use duikou_store::Store;
use duikou_web::AppState;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use tokio::net::TcpListener;

const PASSWORD: &str = "Liaoning-2024";

struct App {
    base: String,
    client: Client,
    _dir: tempfile::TempDir,
}

async fn start() -> App {
    start_with().await.0
}

/// The server, and its store for setting up data.
async fn start_with() -> (App, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = duikou_store::testing::fresh_sqlite(&dir.path().join("t.db"))
        .await
        .unwrap();
    let system = Actor::system("ui-tests");
    let new = NewUser {
        login: "leader".into(),
        display_name: "张领导".into(),
        org_id: None,
        password: Some(PASSWORD.into()),
    };
    store
        .as_system(&system.name)
        .create_user(&new)
        .await
        .unwrap();
    let g = Grant {
        role: Role::Leader,
        scope: Scope::All,
    };
    store
        .as_system(&system.name)
        .grant("leader", &g)
        .await
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(duikou_web::serve(
        listener,
        AppState::new(store.clone()),
        std::future::pending(),
    ));
    let app = App {
        base: format!("http://{addr}"),
        client: Client::builder().redirect(Policy::none()).build().unwrap(),
        _dir: dir,
    };
    (app, store)
}

impl App {
    /// Logs in through the login form; returns the session cookie.
    async fn login(&self) -> String {
        self.login_as("leader").await
    }

    async fn login_as(&self, login: &str) -> String {
        let r = self
            .client
            .post(format!("{}/login", self.base))
            .form(&[("login", login), ("password", PASSWORD), ("next", "/")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let cookie = r.headers()["set-cookie"].to_str().unwrap();
        cookie.split(';').next().unwrap().to_owned()
    }
}

#[tokio::test]
async fn a_page_without_a_session_redirects_to_the_login_page() {
    let app = start().await;
    let r = app
        .client
        .get(format!("{}/projects?stage=signed", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/login?next=%2Fprojects%3Fstage%3Dsigned"
    );
    let login = app
        .client
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    assert!(login
        .text()
        .await
        .unwrap()
        .contains("对口合作与重大项目推进平台"));
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again_with_the_message() {
    let app = start().await;
    let r = app
        .client
        .post(format!("{}/login", app.base))
        .form(&[("login", "leader"), ("password", "wrong-password-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body = r.text().await.unwrap();
    assert!(body.contains("用户名或密码错误"));
    assert!(
        body.contains(r#"value="leader""#),
        "the login typed is kept"
    );
}

#[tokio::test]
async fn a_form_posted_without_the_csrf_token_is_refused_and_with_it_accepted() {
    let app = start().await;
    let cookie = app.login().await;
    let forged = app
        .client
        .post(format!("{}/me/tokens", app.base))
        .header("cookie", &cookie)
        .form(&[("name", "脚本")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let page = app
        .client
        .get(format!("{}/me/tokens", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("您还没有令牌"), "nothing was created");
    let token = page
        .split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let real = app
        .client
        .post(format!("{}/me/tokens", app.base))
        .header("cookie", &cookie)
        .form(&[("name", "脚本"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(real.status(), StatusCode::OK);
    assert!(real.text().await.unwrap().contains("token-secret"));
}

#[tokio::test]
async fn the_language_chosen_by_the_query_sticks_in_a_cookie() {
    let app = start().await;
    let cookie = app.login().await;
    let r = app
        .client
        .get(format!("{}/projects?lang=zh-Hant", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set.starts_with("duikou_lang=zh-Hant;"), "{set}");
    assert!(r.text().await.unwrap().contains("專案庫"));
    let again = app
        .client
        .get(format!("{}/projects", app.base))
        .header("cookie", format!("{cookie}; duikou_lang=en"))
        .send()
        .await
        .unwrap();
    assert!(again.text().await.unwrap().contains(r#"<html lang="en">"#));
}

#[tokio::test]
async fn assets_are_served_from_the_binary_under_a_csp_without_inline_code() {
    let app = start().await;
    let css = app
        .client
        .get(format!("{}/assets/app.css", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let csp = css.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("style-src 'self'"));
    assert!(css.text().await.unwrap().contains("@media print"));
    let missing = app
        .client
        .get(format!("{}/assets/nothing.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let cookie = app.login().await;
    for path in [
        "/",
        "/projects",
        "/dashboard/screen",
        "/me/tokens",
        "/password",
    ] {
        let page = app
            .client
            .get(format!("{}{path}", app.base))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let html = page.text().await.unwrap();
        assert!(!html.contains("style=\""), "{path} has an inline style");
        assert!(!html.contains("<script>"), "{path} has an inline script");
    }
}
