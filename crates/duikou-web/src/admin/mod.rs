//! 系统管理: reference data (行政区划, 单位, 对口关系 — API), notification channels (pages)
//! and the tabs every administration page shows.

pub(crate) mod channels;
pub(crate) mod orgs;
pub(crate) mod partnerships;
pub(crate) mod regions;

use axum::routing::{get, post};
use axum::Router;

use crate::shared::i18n::Lang;
use crate::AppState;

pub(crate) fn api() -> Router<AppState> {
    Router::new()
        .merge(regions::router())
        .merge(orgs::router())
        .merge(partnerships::router())
}

pub(crate) fn pages() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/channels",
            get(channels::channels).post(channels::create_channel),
        )
        .route(
            "/admin/channels/{id}",
            get(channels::edit_channel).post(channels::update_channel),
        )
        .route(
            "/admin/channels/{id}/delete",
            post(channels::delete_channel),
        )
}

/// One tab of 系统管理.
pub struct Tab {
    pub label: &'static str,
    pub href: Option<&'static str>,
    pub active: bool,
}

pub(crate) fn tabs(lang: Lang, current: &str) -> Vec<Tab> {
    [
        ("admin.users", Some("/admin/users")),
        ("admin.orgs", None),
        ("admin.regions", None),
        ("admin.templates", Some("/admin/templates")),
        ("admin.calendar", Some("/admin/calendar")),
        ("admin.channels", Some("/admin/channels")),
        ("admin.thresholds", Some("/admin/thresholds")),
        ("admin.audit", None),
    ]
    .into_iter()
    .map(|(key, href)| Tab {
        label: lang.t(key),
        href,
        active: href == Some(current),
    })
    .collect()
}
