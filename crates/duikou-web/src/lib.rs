//! The HTTP interface of Duikou: the JSON API under `/api/v1`, its OpenAPI document at
//! `/api/openapi.json`, and health checks. Handlers translate HTTP to calls of the store; they
//! hold no SQL and no business rules.
#![forbid(unsafe_code)]

pub mod auth;
pub mod auth_cache;
pub mod error;
pub mod extract;
mod openapi;
pub mod path;
mod routes;
pub mod ui;

use std::future::Future;

use axum::Router;
use chrono::NaiveDate;
use duikou_store::Store;
use tokio::net::TcpListener;
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

/// The whole application.
pub fn app(state: AppState) -> Router {
    routes::router()
        .merge(openapi::router())
        .merge(ui::router())
        .fallback(not_found)
        .with_state(state)
        .layer(axum::middleware::map_response(security_headers))
        .layer(TraceLayer::new_for_http())
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
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
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
