//! 审批步骤: a project's approval steps, the 项目管家 board, the Gantt chart and the step
//! templates — API and pages.

mod actions;
pub(crate) mod api;
mod board;
mod board_data;
mod board_export;
pub(crate) mod gantt;
pub(crate) mod pages;
pub(crate) mod templates_api;
mod templates_pages;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub(crate) fn api() -> Router<AppState> {
    Router::new()
        .merge(templates_api::router())
        .merge(api::router())
}

pub(crate) fn pages() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/steps", post(pages::instantiate))
        .route("/projects/{id}/schedule/remove", post(pages::remove))
        .route("/projects/{id}/steps/{key}", get(pages::show))
        .route("/projects/{id}/steps/{key}/{action}", post(pages::act))
        .route("/steps", get(board::board))
        .route("/steps/export.xlsx", get(board_export::board_xlsx))
        .route("/admin/templates", get(templates_pages::templates))
        .route("/admin/templates/{key}", get(templates_pages::template))
}
