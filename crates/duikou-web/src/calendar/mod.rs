//! 工作日历: the official working-day calendar — its API and the administrator's page.

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
        .route("/admin/calendar", get(pages::calendar))
        .route("/admin/calendar/{action}", post(pages::change_day))
}
