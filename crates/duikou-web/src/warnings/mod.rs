//! 预警中心: warnings — API and pages.

pub(crate) mod api;
pub(crate) mod pages;
mod thresholds;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub(crate) fn api() -> Router<AppState> {
    api::router()
}

pub(crate) fn pages() -> Router<AppState> {
    Router::new()
        .route("/warnings", get(pages::list))
        .route("/warnings/{id}", get(pages::show))
        .route("/warnings/{id}/acknowledge", post(pages::acknowledge))
        .route("/warnings/{id}/resolve", post(pages::resolve))
        .route("/warnings/{id}/slip", post(pages::issue_slip))
        .route(
            "/admin/thresholds",
            get(thresholds::thresholds).post(thresholds::save_thresholds),
        )
}
