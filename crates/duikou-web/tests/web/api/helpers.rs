//! Starting the app for a test, and a small client.

use std::future::Future;

use chrono::NaiveDate;
use duikou_store::Store;
use duikou_web::AppState;
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};
use tokio::net::TcpListener;

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub store: Store,
    /// The bearer token requests carry unless told otherwise (an administrator's).
    pub token: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _guard: DbGuard,
}

/// Keeps a test database alive: a temporary folder, or a PostgreSQL database dropped at the end.
pub enum DbGuard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, database: String },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres {
            admin_url,
            database,
        } = self
        {
            let (url, database) = (admin_url.clone(), database.clone());
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        let _ = duikou_store::testing::drop_postgres(&url, &database).await;
                    });
                }
            })
            .join();
        }
    }
}

/// The backends a test runs on: SQLite always, PostgreSQL when `DUIKOU_TEST_POSTGRES` is set.
/// `TEST_LOG=debug` (or any filter) shows the service's logs under each test, every line with
/// its request and the writes it made; without it the tests are quiet.
pub fn init_test_log() {
    if let Ok(filter) = std::env::var("TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    }
}

/// SQLite, and PostgreSQL when `DUIKOU_TEST_POSTGRES` is set; `DUIKOU_TEST_SKIP_SQLITE=1`
/// leaves SQLite out (CI's second pass, after the first ran it).
pub fn backends() -> Vec<&'static str> {
    let mut b = Vec::new();
    if std::env::var("DUIKOU_TEST_SKIP_SQLITE").map_or(true, |v| v != "1") {
        b.push("sqlite");
    }
    if std::env::var("DUIKOU_TEST_POSTGRES").is_ok() {
        b.push("postgres");
    }
    b
}

pub async fn fresh_store(backend: &str) -> (Store, DbGuard, String) {
    match backend {
        "postgres" => {
            let admin = std::env::var("DUIKOU_TEST_POSTGRES").expect("DUIKOU_TEST_POSTGRES");
            let (store, name) = duikou_store::testing::fresh_postgres(&admin)
                .await
                .expect("a PostgreSQL test database");
            let url = duikou_store::testing::with_database(&admin, &name);
            (
                store,
                DbGuard::Postgres {
                    admin_url: admin,
                    database: name,
                },
                url,
            )
        }
        _ => {
            let dir = tempfile::tempdir().expect("tempdir");
            let url = format!("sqlite:{}", dir.path().join("t.db").display());
            let store = duikou_store::testing::fresh_sqlite(&dir.path().join("t.db"))
                .await
                .expect("open sqlite");
            (store, DbGuard::Sqlite(dir), url)
        }
    }
}

/// The fixed "today" of API tests.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 28).expect("date")
}

impl TestApp {
    pub async fn start(backend: &str) -> TestApp {
        let (store, guard, _url) = fresh_store(backend).await;
        Self::serve(store, guard).await
    }

    pub async fn serve(store: Store, guard: DbGuard) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let store = store.with_today(today);
        let state = AppState::new(store.clone());
        let server = tokio::spawn(async move {
            // Only an explicit stop ends the server: a test that moves just some fields of
            // its TestApp into a future must not shut it down by dropping the rest.
            duikou_web::serve(listener, state, async {
                if rx.await.is_err() {
                    std::future::pending::<()>().await;
                }
            })
            .await
            .expect("serve");
        });
        let token = admin_token(&store).await;
        TestApp {
            base: format!("http://{addr}"),
            client: Client::new(),
            store,
            token,
            shutdown: Some(tx),
            server: Some(server),
            _guard: guard,
        }
    }

    /// Stops the server, closes the store and hands back the database guard (to start again
    /// on the same data).
    pub async fn stop(mut self) -> DbGuard {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.server.take() {
            let _ = h.await;
        }
        self.store.close().await;
        std::mem::replace(
            &mut self._guard,
            DbGuard::Sqlite(tempfile::tempdir().expect("tmp")),
        )
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> Response {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        if let Some(m) = if_match {
            req = req.header("If-Match", m);
        }
        req.send().await.expect("request")
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let r = self.send(Method::GET, path, None, None).await;
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self.send(Method::POST, path, Some(body), None).await;
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Creates the regions, org and partnership most tests need: 北京 → 沈阳 (浑南区).
    pub async fn seed(&self) -> Seed {
        for (code, name, kind, parent) in [
            ("110000", "北京市", "province", None),
            ("110105", "朝阳区", "district", Some("110000")),
            ("210000", "辽宁省", "province", None),
            ("210100", "沈阳市", "city", Some("210000")),
            ("210112", "浑南区", "district", Some("210100")),
            ("210114", "于洪区", "district", Some("210100")),
        ] {
            let (s, b) = self
                .post(
                    "/api/v1/regions",
                    json!({"code": code, "name": name, "kind": kind, "parent_code": parent}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        let (s, p) = self
            .post(
                "/api/v1/partnerships",
                json!({"slug": "beijing-shenyang", "name": "京沈对口合作", "kind": "counterpart",
                       "side_a": {"region_code": "110000"}, "side_b": {"region_code": "210100"}}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        Seed {
            partnership_id: p["id"].as_i64().expect("id"),
        }
    }

    pub async fn create_project(&self, body: Value) -> Value {
        let (s, p) = self.post("/api/v1/projects", body).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        p
    }
}

pub struct Seed {
    pub partnership_id: i64,
}

/// A valid project body in 浑南区 of the 京沈 partnership.
pub fn project_body(seed: &Seed, name: &str) -> Value {
    json!({
        "name": name,
        "partnership_id": seed.partnership_id,
        "host_region_code": "210112",
        "source_region_code": "110105",
        "category": "investment",
        "industry": "新材料",
        "planned_investment": "12亿元",
    })
}

/// Runs a test body once per backend. The app (its server and database) stays alive until
/// the body is done, whatever parts of it the body's future captures.
pub async fn each_backend<F, Fut>(f: F)
where
    F: Fn(std::rc::Rc<TestApp>) -> Fut,
    Fut: Future<Output = ()>,
{
    init_test_log();
    for b in backends() {
        let app = std::rc::Rc::new(TestApp::start(b).await);
        f(app.clone()).await;
        drop(app);
    }
}

/// The detail of a 422 answer for one field.
pub fn field_error<'a>(body: &'a Value, field: &str) -> Option<&'a Value> {
    body["error"]["details"]
        .as_array()?
        .iter()
        .find(|d| d["field"] == field)
}

/// An administrator (created on first use) and a fresh token of theirs.
pub async fn admin_token(store: &Store) -> String {
    use duikou_core::auth::{Grant, Role, Scope};
    use duikou_store::accounts::{NewToken, NewUser};
    let user = match store.user("admin").await {
        Ok(u) => u,
        Err(_) => {
            let system = duikou_core::Actor::system("test");
            let new = NewUser {
                login: "admin".into(),
                display_name: "管理员".into(),
                org_id: None,
                password: Some("Liaoning-2024".into()),
            };
            store
                .as_system(&system.name)
                .create_user(&new)
                .await
                .expect("admin");
            let g = Grant {
                role: Role::Admin,
                scope: Scope::All,
            };
            store
                .as_system(&system.name)
                .grant("admin", &g)
                .await
                .expect("grant")
        }
    };
    let new = NewToken {
        parent: None,
        name: "tests".into(),
        expires_in_days: None,
        grants: None,
    };
    store
        .create_token(&user, &new, chrono::Utc::now())
        .await
        .expect("token")
        .1
}

/// A user without grants, with `password` (created in the store).
pub async fn add_user(app: &TestApp, login: &str, password: &str) {
    let system = duikou_core::Actor::system("test");
    let new = duikou_store::accounts::NewUser {
        login: login.into(),
        display_name: "测试".into(),
        org_id: None,
        password: Some(password.into()),
    };
    app.store
        .as_system(&system.name)
        .create_user(&new)
        .await
        .expect("user");
}

/// A request with another caller's bearer token; `If-Match: *` on PUT. Answers the status and
/// the JSON body (null when there is none).
pub async fn send_as(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let mut req = app
        .client
        .request(method.clone(), format!("{}{path}", app.base))
        .bearer_auth(token)
        .json(&body);
    if method == Method::PUT {
        req = req.header("If-Match", "*");
    }
    let r = req.send().await.expect("request");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}
