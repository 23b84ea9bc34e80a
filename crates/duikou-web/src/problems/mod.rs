//! 问题清单: a project's problems — API.

pub(crate) mod api;

use axum::Router;

use crate::AppState;

pub(crate) fn api() -> Router<AppState> {
    api::router()
}
