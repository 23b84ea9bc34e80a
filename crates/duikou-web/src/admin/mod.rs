//! 系统管理: reference data (行政区划, 单位, 对口关系 — API), the pages of 单位, 通知渠道 and
//! 审计日志, and the tabs every administration page shows.

mod audit;
pub(crate) mod channels;
mod org_page;
mod org_pages;
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
        .route("/admin/orgs", get(org_pages::list).post(org_pages::create))
        .route(
            "/admin/orgs/{id}",
            get(org_page::show).post(org_page::update),
        )
        .route("/admin/orgs/{id}/{action}", post(org_page::act))
        .route("/admin/audit", get(audit::list))
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
        ("admin.orgs", Some("/admin/orgs")),
        ("admin.regions", None),
        ("admin.templates", Some("/admin/templates")),
        ("admin.calendar", Some("/admin/calendar")),
        ("admin.channels", Some("/admin/channels")),
        ("admin.thresholds", Some("/admin/thresholds")),
        ("admin.audit", Some("/admin/audit")),
    ]
    .into_iter()
    .map(|(key, href)| Tab {
        label: lang.t(key),
        href,
        active: href == Some(current),
    })
    .collect()
}
