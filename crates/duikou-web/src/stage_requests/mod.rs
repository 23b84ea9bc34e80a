//! 阶段变更审批 and the confirmation of a stage move: the API, the list of requests with
//! their actions, and 推进到's confirmation page.

pub(crate) mod api;
pub(crate) mod confirm;
pub(crate) mod pages;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub(crate) fn api() -> Router<AppState> {
    api::router()
}

pub(crate) fn pages() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/transition", post(confirm::transition))
        .route("/stage-requests", get(pages::list))
        .route("/stage-requests/{id}/{action}", post(pages::act))
}
