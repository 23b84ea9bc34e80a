//! 工作台 and 大屏: the figures of the project library — the statistics API and the pages.

pub(crate) mod api;
mod pages;

use axum::routing::get;
use axum::Router;

use crate::AppState;

pub(crate) fn api() -> Router<AppState> {
    api::router()
}

pub(crate) fn pages() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/dashboard/screen", get(pages::screen))
}
