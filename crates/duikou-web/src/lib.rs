//! The HTTP interface of Duikou: the JSON API under `/api/v1`, its OpenAPI document at
//! `/api/openapi.json`, and health checks. Handlers translate HTTP to calls of the store; they
//! hold no SQL and no business rules.
#![forbid(unsafe_code)]

pub mod error;
pub mod extract;
mod openapi;
mod routes;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use chrono::NaiveDate;
use duikou_core::Actor;
use duikou_store::Store;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Today's date in China (UTC+8), replaceable in tests.
    pub today: Arc<dyn Fn() -> NaiveDate + Send + Sync>,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            today: Arc::new(china_today),
        }
    }
    pub fn today(&self) -> NaiveDate {
        (self.today)()
    }
    /// The acting user of a request. Until accounts exist every API caller acts as `api`,
    /// an administrator; the accounts work replaces this with the session's or token's user.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: None,
            name: "api".to_owned(),
            may_override: true,
        }
    }
}

/// The calendar date in China now (UTC+8, no daylight saving).
pub fn china_today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    routes::router()
        .merge(openapi::router())
        .with_state(state)
        .layer(TraceLayer::new_for_http())
}

/// Serves the application on a bound listener until `shutdown` completes, then finishes the
/// requests in flight. Binding first lets tests use port 0 and read the port back.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
