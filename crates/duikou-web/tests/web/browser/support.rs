//! Starting the real server on a fresh SQLite store and a headless Chromium driven through
//! chromedriver (both on random ports). Without `/usr/bin/chromium` and `/usr/bin/chromedriver`
//! (or `CHROMIUM` / `CHROMEDRIVER`) the tests print why and skip.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::NaiveDate;
use duikou_core::auth::{Grant, Role, Scope};
use duikou_core::org::{OrgInput, OrgKind};
use duikou_core::partnership::{PartnershipInput, PartnershipKind, Side};
use duikou_core::region::{RegionInput, RegionKind};
use duikou_core::Actor;
use duikou_store::accounts::NewUser;
use duikou_store::Store;
use duikou_web::AppState;
use fantoccini::{Client, ClientBuilder, Locator};
use tokio::net::TcpListener;

pub const PASSWORD: &str = "Liaoning-2024";

/// Browser tests run one at a time: each starts its own Chromium, and the machine is small.
pub static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The fixed "today" of the server under test.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 28).expect("date")
}

fn tool(env: &str, default: &str) -> Option<PathBuf> {
    let p = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    p.exists().then_some(p)
}

/// The browser and its driver, or `None` (with a message saying why the test skips).
pub fn browser_tools(test: &str) -> Option<(PathBuf, PathBuf)> {
    match (
        tool("CHROMIUM", "/usr/bin/chromium"),
        tool("CHROMEDRIVER", "/usr/bin/chromedriver"),
    ) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            // Written past the test harness's capture, so that the skip shows in every run.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED browser test {test}: chromium and chromedriver are not installed \
                 (apt-get install chromium chromium-driver fonts-noto-cjk)"
            );
            None
        }
    }
}

/// The server under test with its data.
pub struct App {
    pub base: String,
    pub store: Store,
    pub shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl App {
    pub async fn start() -> App {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = duikou_store::testing::fresh_sqlite(&dir.path().join("ui.db"))
            .await
            .expect("open sqlite")
            .with_today(today);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = AppState::new(store.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = duikou_web::serve(listener, state, async {
                let _ = rx.await;
            })
            .await;
        });
        App {
            base: format!("http://{addr}"),
            store,
            shutdown: Some(tx),
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// What the seed made: the partnership and the 浑南 org.
pub struct Seed {
    pub partnership_id: i64,
    pub org_id: i64,
}

/// 北京 → 沈阳 (浑南区, 于洪区), the 京沈 partnership, an org in 浑南, and four users: `admin`,
/// `editor` (edits Shenyang), `coordinator` (supervises Shenyang), `viewer` (reads everything)
/// and `leader` (reads everything).
pub async fn seed(store: &Store) -> Seed {
    let system = Actor::system("browser-tests");
    for (code, name, kind, parent) in [
        ("110000", "北京市", RegionKind::Province, None),
        ("110105", "朝阳区", RegionKind::District, Some("110000")),
        ("210000", "辽宁省", RegionKind::Province, None),
        ("210100", "沈阳市", RegionKind::City, Some("210000")),
        ("210112", "浑南区", RegionKind::District, Some("210100")),
        ("210114", "于洪区", RegionKind::District, Some("210100")),
        ("210200", "大连市", RegionKind::City, Some("210000")),
    ] {
        let input = RegionInput {
            code: code.into(),
            name: name.into(),
            kind,
            parent_code: parent.map(str::to_owned),
        };
        store
            .as_system(&system.name)
            .create_region(&input)
            .await
            .expect("region");
    }
    let p = store
        .as_system(&system.name)
        .create_partnership(&PartnershipInput {
            slug: "beijing-shenyang".into(),
            name: "京沈对口合作".into(),
            kind: PartnershipKind::ALL[0],
            parent_id: None,
            side_a: Side {
                region_code: Some("110000".into()),
                org_id: None,
            },
            side_b: Side {
                region_code: Some("210100".into()),
                org_id: None,
            },
            since: None,
        })
        .await
        .expect("partnership");
    let org = store
        .as_system(&system.name)
        .create_org(&OrgInput {
            name: "浑南区发展和改革局".into(),
            kind: OrgKind::Department,
            region_code: "210112".into(),
            parent_id: None,
        })
        .await
        .expect("org");
    for (login, name, role, scope, org_id) in [
        ("admin", "系统管理员", Role::Admin, Scope::All, None),
        (
            "editor",
            "王填报",
            Role::Editor,
            Scope::Region {
                region_code: "210100".into(),
            },
            Some(org.id),
        ),
        (
            "coordinator",
            "赵合作办",
            Role::Coordinator,
            Scope::Region {
                region_code: "210100".into(),
            },
            Some(org.id),
        ),
        ("viewer", "李查看", Role::Viewer, Scope::All, None),
        ("leader", "张领导", Role::Leader, Scope::All, None),
    ] {
        let new = NewUser {
            login: login.into(),
            display_name: name.into(),
            org_id,
            password: Some(PASSWORD.into()),
        };
        store
            .as_system(&system.name)
            .create_user(&new)
            .await
            .expect("user");
        store
            .as_system(&system.name)
            .grant(login, &Grant { role, scope })
            .await
            .expect("grant");
    }
    Seed {
        partnership_id: p.id,
        org_id: org.id,
    }
}

/// A chromedriver process and a browser session on it; the process ends with the value.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl Browser {
    pub async fn start(chromium: &std::path::Path, chromedriver: &std::path::Path) -> Browser {
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile_dir = tempfile::tempdir().expect("profile dir");
        let profile = profile_dir.path().to_owned();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium.display().to_string(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--lang=zh-CN",
                    "--window-size=1366,768",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        // chromedriver needs a moment to listen; try for up to 30 s.
        let mut last_error = String::new();
        for _ in 0..60 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        driver,
                        _profile: profile_dir,
                    }
                }
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        panic!("could not start a browser session: {last_error}");
    }

    /// Sizes the window so that the page itself (the viewport) is `w`×`h`.
    pub async fn set_viewport(&self, w: u32, h: u32) {
        self.client.set_window_size(w, h).await.expect("size");
        let inner = self
            .client
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await
            .expect("inner size");
        let get = |i: usize| inner[i].as_u64().and_then(|v| u32::try_from(v).ok());
        if let (Some(iw), Some(ih)) = (get(0), get(1)) {
            let (ew, eh) = (w + w.saturating_sub(iw), h + h.saturating_sub(ih));
            self.client.set_window_size(ew, eh).await.expect("size");
        }
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("goto");
    }

    pub async fn source(&self) -> String {
        self.client.source().await.expect("source")
    }

    pub async fn path(&self) -> String {
        let u = self.client.current_url().await.expect("url");
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        }
    }

    pub async fn exists(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("find_all")
            .is_empty()
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.client.find(Locator::Css(css)).await.expect(css);
        e.clear().await.expect("clear");
        e.send_keys(text).await.expect("send_keys");
    }

    /// Sets a field's value directly (date inputs take typed text by the browser's locale).
    pub async fn set_value(&self, css: &str, value: &str) {
        self.client
            .execute(
                "document.querySelector(arguments[0]).value = arguments[1];",
                vec![css.into(), value.into()],
            )
            .await
            .expect("set value");
    }

    pub async fn select(&self, css: &str, value: &str) {
        let e = self.client.find(Locator::Css(css)).await.expect(css);
        e.select_by_value(value).await.expect("select");
    }

    pub async fn click(&self, css: &str) {
        let e = self.client.find(Locator::Css(css)).await.expect(css);
        e.click().await.expect("click");
    }

    /// Clicks something that loads a new page (a submit button, a link) and waits until the
    /// new document has loaded: the old one carried a mark the new one lacks.
    pub async fn click_and_wait(&self, css: &str) {
        self.client
            .execute("window.__duikouOld = true;", vec![])
            .await
            .expect("mark page");
        self.click(css).await;
        for _ in 0..200 {
            let loaded = self
                .client
                .execute(
                    "return window.__duikouOld === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if matches!(loaded, Ok(serde_json::Value::Bool(true))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no new page after clicking {css}");
    }

    pub async fn text(&self, css: &str) -> String {
        let e = self.client.find(Locator::Css(css)).await.expect(css);
        e.text().await.expect("text")
    }

    /// Logs in through the login form and lands on the dashboard.
    pub async fn login(&self, app: &App, login: &str) {
        self.goto(&app.url("/login")).await;
        self.fill("#login", login).await;
        self.fill("#password", PASSWORD).await;
        self.click_and_wait("button[type=submit]").await;
        let path = self.path().await;
        if path != "/" {
            let main = self.text("main").await;
            panic!("login as {login} should land on the dashboard, not {path}: {main}");
        }
    }

    pub async fn stop(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}
