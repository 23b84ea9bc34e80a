//! 项目库: projects — the API, the list with its filters and export, the project page and
//! the project form.

mod annual_plan;
pub(crate) mod api;
pub(crate) mod body;
pub(crate) mod export;
mod form;
pub(crate) mod list;
pub(crate) mod page;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub(crate) fn api() -> Router<AppState> {
    api::router()
}

pub(crate) fn pages() -> Router<AppState> {
    Router::new()
        .route("/projects", get(list::list).post(form::create))
        .route("/projects/new", get(form::new_form))
        .route("/projects/export.xlsx", get(export::projects_xlsx))
        .route("/projects/{id}", get(page::show))
        .route(
            "/projects/{id}/edit",
            get(form::edit_form).post(form::update),
        )
        .route("/projects/{id}/progress-reports", post(page::add_report))
        .route("/projects/{id}/problems", post(page::add_problem))
        .route("/projects/{id}/annual-plan", post(annual_plan::save))
}
