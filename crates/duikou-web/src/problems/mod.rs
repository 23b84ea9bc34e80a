//! 问题清单: a project's problems — the API, and each problem's page with its actions.

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
        .route("/projects/{id}/problems/{pid}", get(pages::show))
        .route("/projects/{id}/problems/{pid}/{action}", post(pages::act))
}
