//! Fixtures: databases, channels, events, and receivers that record what reaches them.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine;
use duikou_core::notify::{ChannelFields, ChannelKind};
use duikou_core::warnings::Level;
use duikou_notify::NotifierConfig;
use duikou_store::{Channel, Store};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub const PUBLIC_URL: &str = "http://127.0.0.1:8080";

pub struct Db {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub store: Store,
}

pub async fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = open(&path).await;
    Db {
        _dir: dir,
        path,
        store,
    }
}

pub async fn open(path: &Path) -> Store {
    Store::open(&format!("sqlite:{}", path.display()))
        .await
        .unwrap()
}

/// A channel for every organisation's events.
pub async fn channel(
    store: &Store,
    kind: ChannelKind,
    target: &str,
    secret: Option<&str>,
) -> Channel {
    store
        .as_system("test")
        .create_channel(&ChannelFields {
            org_id: None,
            kind,
            name: format!("测试{}", kind.label_zh()),
            target: target.to_owned(),
            secret: secret.map(str::to_owned),
            min_level: Level::Yellow,
            enabled: true,
        })
        .await
        .unwrap()
}

/// An event as the warnings engine writes it.
pub fn payload(event_id: &str) -> Value {
    json!({
        "event_id": event_id,
        "type": "warning.raised",
        "warning_id": 5,
        "project_id": 12,
        "project_name": "沈阳新材料产业园",
        "subject": "step:planning_permit",
        "rule": "step_committed",
        "rule_label": "环节承诺时限",
        "level": "red",
        "level_label": "红色预警",
        "reason": "规划许可环节已超出承诺时限5个工作日",
        "as_of": "2026-11-22",
        "at": "2026-11-22T01:02:03.000000Z",
        "path": "/projects/12",
        "title": "【红色预警】沈阳新材料产业园：规划许可超时",
        "text": "规划许可环节已超出承诺时限5个工作日。\n请责任单位及时协调办理。",
    })
}

pub const TITLE: &str = "【红色预警】沈阳新材料产业园：规划许可超时";
pub const LINK: &str = "http://127.0.0.1:8080/projects/12";

/// Queues `event_id` for every channel; returns how many rows it wrote.
pub async fn enqueue(store: &Store, event_id: &str) -> u64 {
    store
        .enqueue_event(event_id, None, Level::Red, &payload(event_id))
        .await
        .unwrap()
}

/// Fast settings: short timeout, the default 30 s backoff (tests move the clock).
pub fn config() -> NotifierConfig {
    NotifierConfig {
        public_url: PUBLIC_URL.into(),
        timeout: Duration::from_secs(10),
        lease: Duration::from_secs(60),
        poll_interval: Duration::from_millis(20),
        ..NotifierConfig::default()
    }
}

/// An outbox row as stored, read behind the store's back.
#[derive(Debug)]
pub struct Row {
    pub attempts: i64,
    pub delivered_at: Option<String>,
    pub last_error: Option<String>,
    pub next_attempt_at: String,
}

pub async fn outbox_rows(path: &Path, event_id: &str) -> Vec<Row> {
    use sqlx::Row as _;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    let rows = sqlx::query(
        "SELECT attempts, delivered_at, last_error, next_attempt_at FROM outbox \
         WHERE event_id = ? ORDER BY id",
    )
    .bind(event_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows.iter()
        .map(|r| Row {
            attempts: r.get("attempts"),
            delivered_at: r.get("delivered_at"),
            last_error: r.get("last_error"),
            next_attempt_at: r.get("next_attempt_at"),
        })
        .collect()
}

/// Polls `check` every 20 ms until it holds; fails the test after 60 s.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP receivers

/// What a receiver does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    Answer(u16, String),
    /// Never answer (the request is recorded first).
    Hang,
}

pub fn ok_json() -> Reply {
    Reply::Answer(200, r#"{"errcode":0,"errmsg":"ok"}"#.into())
}

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    /// The query string as sent (still URL-encoded).
    pub raw_query: String,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub reply: Reply,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Answered with a 2xx status (and errcode 0 where the body has one).
    pub fn succeeded(&self) -> bool {
        match &self.reply {
            Reply::Answer(s, body) => {
                (200..300).contains(s)
                    && serde_json::from_str::<Value>(body)
                        .ok()
                        .and_then(|v| v.get("errcode").and_then(Value::as_i64))
                        .is_none_or(|c| c == 0)
            }
            Reply::Hang => false,
        }
    }
}

struct Inner {
    log: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<Reply>>,
    then: Mutex<Reply>,
}

/// An HTTP server on 127.0.0.1 that records every request and answers from a script, then
/// with a standing reply.
#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    inner: Arc<Inner>,
}

impl Receiver {
    pub async fn start(script: Vec<Reply>, then: Reply) -> Receiver {
        Receiver::start_on(
            TcpListener::bind("127.0.0.1:0").await.unwrap(),
            script,
            then,
        )
    }

    pub fn start_on(listener: TcpListener, script: Vec<Reply>, then: Reply) -> Receiver {
        let inner = Arc::new(Inner {
            log: Mutex::new(Vec::new()),
            script: Mutex::new(script.into()),
            then: Mutex::new(then),
        });
        let addr = listener.local_addr().unwrap();
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&inner));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { addr, inner }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{}", self.addr, path_and_query)
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.log.lock().unwrap().clone()
    }

    pub fn answer_from_now_on(&self, reply: Reply) {
        *self.inner.then.lock().unwrap() = reply;
    }
}

async fn handle(
    State(inner): State<Arc<Inner>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query = reqwest::Url::parse(&format!("http://x{uri}"))
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let reply = {
        let next = inner.script.lock().unwrap().pop_front();
        next.unwrap_or_else(|| inner.then.lock().unwrap().clone())
    };
    inner.log.lock().unwrap().push(Received {
        path: uri.path().to_owned(),
        raw_query: uri.query().unwrap_or_default().to_owned(),
        query,
        headers,
        body,
        reply: reply.clone(),
    });
    match reply {
        Reply::Answer(status, body) => (
            StatusCode::from_u16(status).unwrap(),
            [("content-type", "application/json")],
            body,
        )
            .into_response(),
        Reply::Hang => std::future::pending().await,
    }
}

/// A port on 127.0.0.1 with nothing listening (it was bound, then let go).
pub async fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

// ---------------------------------------------------------------------------------------------
// SMTP sink

/// One mail as the sink received it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub rcpt: Vec<String>,
    pub data: String,
}

impl Mail {
    /// A header, unfolded, as sent (still encoded).
    pub fn raw_header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let mut found: Option<String> = None;
        for line in head.split("\r\n") {
            if line.starts_with(' ') || line.starts_with('\t') {
                if let Some(v) = found.as_mut() {
                    v.push_str(line);
                }
                continue;
            }
            if found.is_some() {
                break;
            }
            if let Some((n, v)) = line.split_once(':') {
                if n.eq_ignore_ascii_case(name) {
                    found = Some(v.trim().to_owned());
                }
            }
        }
        found
    }

    /// A header with its RFC 2047 encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        self.raw_header(name).map(|v| decode_words(&v))
    }

    /// The body, base64 decoded (the notifier always sends base64 text).
    pub fn body(&self) -> String {
        let encoded: String = self
            .data
            .split_once("\r\n\r\n")
            .unwrap()
            .1
            .split_whitespace()
            .collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        String::from_utf8(bytes).unwrap()
    }
}

/// Decodes `=?utf-8?b?…?=` and `=?utf-8?q?…?=` words; whitespace between two words goes.
fn decode_words(v: &str) -> String {
    let mut out = String::new();
    let mut pending_space = String::new();
    for token in v.split_whitespace() {
        let word = token
            .strip_prefix("=?")
            .and_then(|t| t.strip_suffix("?="))
            .and_then(|t| {
                let mut parts = t.splitn(3, '?');
                Some((parts.next()?, parts.next()?, parts.next()?))
            });
        match word {
            Some((charset, enc, text)) if charset.eq_ignore_ascii_case("utf-8") => {
                let bytes = if enc.eq_ignore_ascii_case("b") {
                    base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .unwrap()
                } else {
                    decode_q(text)
                };
                out.push_str(&String::from_utf8(bytes).unwrap());
                pending_space.clear();
            }
            _ => {
                out.push_str(&pending_space);
                out.push_str(token);
                pending_space = " ".into();
            }
        }
    }
    out
}

fn decode_q(t: &str) -> Vec<u8> {
    let b = t.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'_' => out.push(b' '),
            b'=' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// A tiny SMTP server: greets, accepts EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP and QUIT, and
/// keeps every message.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&mails);
        tokio::spawn(async move {
            loop {
                let (socket, _) = listener.accept().await.unwrap();
                let kept = Arc::clone(&kept);
                tokio::spawn(async move {
                    // A broken session is the client's business; the test sees no mail.
                    let _ = session(socket, kept).await;
                });
            }
        });
        SmtpSink { port, mails }
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

async fn session(
    socket: tokio::net::TcpStream,
    mails: Arc<Mutex<Vec<Mail>>>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut from = String::new();
    let mut rcpt = Vec::new();
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink.test\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 ok\r\n"
        } else if upper.starts_with("RSET") {
            from.clear();
            rcpt.clear();
            b"250 ok\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = line[10..].trim().to_owned();
            b"250 ok\r\n"
        } else if upper.starts_with("RCPT TO:") {
            rcpt.push(line[8..].trim().to_owned());
            b"250 ok\r\n"
        } else if upper == "DATA" {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut data = String::new();
            while let Some(l) = lines.next_line().await? {
                if l == "." {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                data.push_str("\r\n");
            }
            mails.lock().unwrap().push(Mail {
                from: std::mem::take(&mut from),
                rcpt: std::mem::take(&mut rcpt),
                data,
            });
            b"250 2.0.0 queued\r\n"
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"502 not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
    Ok(())
}
