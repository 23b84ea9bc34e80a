//! 督办: supervision slips — API and pages.

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
        .route("/slips", get(pages::list))
        .route("/slips/{id}", get(pages::show))
        .route("/slips/{id}/act", post(pages::act))
}
