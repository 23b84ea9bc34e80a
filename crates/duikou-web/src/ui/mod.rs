//! The web pages (server-rendered HTML): login, 工作台, 项目库, the project page with its
//! forms, 预警中心, 督办, 系统管理 (通知渠道, 预警阈值), 大屏 and the user's tokens. Pages
//! read and write through `Store::scoped` exactly as the JSON handlers do; the UI holds no
//! SQL and no business rules. Text comes from the
//! message catalogs (`catalog/`), style and scripts from embedded files under `/assets/`.

mod admin;
mod admin_reference;
mod admin_users;
mod assets;
mod charts;
mod dashboard;
mod export;
mod fmt;
mod forms;
mod gantt;
pub mod i18n;
mod labels;
mod money_chart;
pub(crate) mod page;
mod params;
mod project;
mod project_form;
mod projects;
mod refs;
mod session;
mod slips;
mod step_actions;
mod steps;
mod steps_board;
mod tokens;
mod warnings;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route(
            "/password",
            get(session::password_form).post(session::change_password),
        )
        .route("/", get(dashboard::dashboard))
        .route("/dashboard/screen", get(dashboard::screen))
        .route("/projects", get(projects::list).post(project_form::create))
        .route("/projects/new", get(project_form::new_form))
        .route("/projects/export.xlsx", get(export::projects_xlsx))
        .route("/projects/{id}", get(project::show))
        .route(
            "/projects/{id}/edit",
            get(project_form::edit_form).post(project_form::update),
        )
        .route("/projects/{id}/reports", post(project::add_report))
        .route("/projects/{id}/problems", post(project::add_problem))
        .route("/projects/{id}/transition", post(project::transition))
        .route("/projects/{id}/steps", post(steps::instantiate))
        .route("/projects/{id}/steps/{key}", get(steps::show))
        .route("/projects/{id}/steps/{key}/{action}", post(steps::act))
        .route("/steps", get(steps_board::board))
        .route("/warnings", get(warnings::list))
        .route("/warnings/{id}", get(warnings::show))
        .route("/warnings/{id}/acknowledge", post(warnings::acknowledge))
        .route("/warnings/{id}/resolve", post(warnings::resolve))
        .route("/warnings/{id}/slip", post(warnings::issue_slip))
        .route("/slips", get(slips::list))
        .route("/slips/{id}", get(slips::show))
        .route("/slips/{id}/act", post(slips::act))
        .route(
            "/admin/users",
            get(admin_users::list).post(admin_users::create),
        )
        .route("/admin/users/{login}", get(admin_users::show))
        .route("/admin/users/{login}/{action}", post(admin_users::act))
        .route("/admin/templates", get(admin_reference::templates))
        .route("/admin/templates/{key}", get(admin_reference::template))
        .route("/admin/calendar", get(admin_reference::calendar))
        .route(
            "/admin/calendar/{action}",
            post(admin_reference::change_day),
        )
        .route(
            "/admin/channels",
            get(admin::channels).post(admin::create_channel),
        )
        .route(
            "/admin/channels/{id}",
            get(admin::edit_channel).post(admin::update_channel),
        )
        .route("/admin/channels/{id}/delete", post(admin::delete_channel))
        .route(
            "/admin/thresholds",
            get(admin::thresholds).post(admin::save_thresholds),
        )
        .route("/me/tokens", get(tokens::list).post(tokens::create))
        .route("/me/tokens/{id}/revoke", post(tokens::revoke))
        .layer(axum::middleware::from_fn(i18n::layer))
        .route("/assets/{name}", get(assets::asset))
}
