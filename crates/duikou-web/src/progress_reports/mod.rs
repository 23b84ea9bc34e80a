//! 进展填报: a project's progress reports — the API, and each report's page with its
//! correction and withdrawal.

pub(crate) mod api;
mod pages;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub(crate) fn api() -> Router<AppState> {
    api::router()
}

pub(crate) fn pages() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/progress-reports/{rid}", get(pages::show))
        .route(
            "/projects/{id}/progress-reports/{rid}/{action}",
            post(pages::act),
        )
}
