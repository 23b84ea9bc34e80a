//! The HTTP interface of Duikou: the JSON API under `/api/v1`, its OpenAPI document at
//! `/api/openapi.json`, and health checks. Handlers translate HTTP to calls of the store; they
//! hold no SQL and no business rules.
#![forbid(unsafe_code)]
//!
//! The crate is grouped by feature: each folder holds one feature's API routes (`api.rs`),
//! pages, forms and templates side by side, and its `mod.rs` says which addresses it serves
//! (`api()` and `pages()`). What they share — authentication, decoding, errors, page chrome,
//! forms, formatting, charts, the catalogues — is in `shared/`.

mod accounts;
mod admin;
mod calendar;
mod dashboard;
mod openapi;
mod problems;
mod progress_reports;
mod projects;
mod session;
pub mod shared;
mod slips;
mod stage_requests;
mod steps;
mod warnings;

pub use shared::{auth, auth_cache, decode, error, extract, path};

use std::future::Future;

use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use duikou_store::Store;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Its clock (`Store::with_today`) is the application's "today" in China (UTC+8).
    pub store: Store,
    /// Mark the session cookie `Secure` (when served over TLS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Identities of tokens and sessions seen in the last few seconds.
    pub auth: std::sync::Arc<auth_cache::AuthCache>,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            secure_cookies: false,
            auth: Default::default(),
        }
    }
    pub fn today(&self) -> NaiveDate {
        self.store.today()
    }
}

/// The calendar date in China now (UTC+8, no daylight saving).
pub fn china_today() -> NaiveDate {
    duikou_store::china_today()
}

/// The JSON API, every feature's routes.
fn api() -> Router<AppState> {
    Router::new()
        .merge(shared::health::router())
        .merge(shared::history::router())
        .merge(admin::api())
        .merge(projects::api())
        .merge(progress_reports::api())
        .merge(problems::api())
        .merge(dashboard::api())
        .merge(steps::api())
        .merge(calendar::api())
        .merge(session::api())
        .merge(accounts::api())
        .merge(warnings::api())
        .merge(slips::api())
        .merge(stage_requests::api())
}

/// The web pages (server-rendered HTML) in the user's language, and their assets. Pages read
/// and write through `Store::scoped` exactly as the JSON handlers do.
fn pages() -> Router<AppState> {
    Router::new()
        .merge(session::pages())
        .merge(dashboard::pages())
        .merge(projects::pages())
        .merge(problems::pages())
        .merge(progress_reports::pages())
        .merge(steps::pages())
        .merge(warnings::pages())
        .merge(slips::pages())
        .merge(stage_requests::pages())
        .merge(accounts::pages())
        .merge(calendar::pages())
        .merge(admin::pages())
        .layer(axum::middleware::from_fn(shared::i18n::layer))
        .route("/assets/{name}", get(shared::assets::asset))
        .route("/favicon.ico", get(shared::assets::favicon))
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    api()
        .merge(openapi::router())
        .merge(pages())
        .fallback(not_found)
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(extract::BODY_LIMIT))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            BODY_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn(body_limit))
        .layer(axum::middleware::map_response(security_headers))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// Every request's span, so that each line logged while it runs names it: its id (the
/// caller's `x-request-id`, or one made here and answered in the same header), method and path.
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        path = %req.uri().path(),
    )
}

/// How long a client may take to send its request headers.
pub const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// How long a client may take to send its request body.
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Bodies over the limit: one announced larger by `Content-Length` is refused at once (the
/// connection closed, its body never read); one found larger while read, and axum's own answer
/// to it, leave as 413 with a Chinese message (JSON under `/api/`, a page elsewhere).
async fn body_limit(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::IntoResponse;
    let api = req.uri().path().starts_with("/api/");
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let lang = shared::i18n::request_lang(&req).0;
    let too_large = |close: bool| {
        let mut r = if api {
            extract::too_large().into_response()
        } else {
            shared::page::render_error_page(
                shared::page::PageError::new(StatusCode::PAYLOAD_TOO_LARGE, "error.too_large")
                    .into_response(),
                lang,
            )
        };
        if close {
            r.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        r
    };
    if announced.is_some_and(|n| n > extract::BODY_LIMIT as u64) {
        return too_large(true);
    }
    let response = next.run(req).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json {
        return too_large(true);
    }
    response
}

/// An address no route serves: under `/api/` the API's 404 `ErrorBody`, elsewhere a bare 404.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        error::ApiError::not_found("接口").into_response()
    } else {
        axum::http::StatusCode::NOT_FOUND.into_response()
    }
}

/// Serves the application on a bound listener until `shutdown` completes, then finishes the
/// requests in flight. Binding first lets tests use port 0 and read the port back.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use tower::ServiceExt;

    let router = app(state);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
    // Each connection holds a sender; when all are dropped every connection has finished.
    let (done_tx, mut done_rx) = tokio::sync::mpsc::channel::<()>(1);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Too many open files and the like: wait a little, go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let service =
            router
                .clone()
                .map_request(move |req: axum::http::Request<hyper::body::Incoming>| {
                    let mut req = req.map(axum::body::Body::new);
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(addr));
                    req
                });
        let mut stop = stop_rx.clone();
        let done = done_tx.clone();
        tokio::spawn(async move {
            let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT);
            let hyper_service = hyper_util::service::TowerToHyperService::new(service);
            let mut conn = std::pin::pin!(
                builder.serve_connection_with_upgrades(TokioIo::new(stream), hyper_service)
            );
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::trace!(error = %e, "connection ended with an error");
                    }
                }
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(done);
        });
    }
    drop(listener);
    let _ = stop_tx.send(());
    drop(done_tx);
    let _ = done_rx.recv().await;
    Ok(())
}

/// Headers on every answer: no inline script, no sniffing, no framing, no referrer leaks;
/// `Retry-After` on every 429.
async fn security_headers(mut response: axum::response::Response) -> axum::response::Response {
    use axum::http::{header, HeaderValue};
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Every 429 says when to retry; the login lock sets its own, anything else waits a minute.
    if response.status() == axum::http::StatusCode::TOO_MANY_REQUESTS
        && !response.headers().contains_key(header::RETRY_AFTER)
    {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    }
    response
}
