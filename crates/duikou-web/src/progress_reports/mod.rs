//! 进展填报: a project's progress reports — API.

pub(crate) mod api;

use axum::Router;

use crate::AppState;

pub(crate) fn api() -> Router<AppState> {
    api::router()
}
