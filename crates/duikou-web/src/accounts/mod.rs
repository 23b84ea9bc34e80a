//! 用户与授权: user accounts, their grants and credentials — the API (`/api/v1/users`) and the
//! administrator's pages (系统管理 · 用户).

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
        .route("/admin/users", get(pages::list).post(pages::create))
        .route("/admin/users/{login}", get(pages::show))
        .route("/admin/users/{login}/{action}", post(pages::act))
}
