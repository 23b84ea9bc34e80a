//! The OpenAPI document, generated from the handlers' annotations, at `/api/openapi.json`.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

use crate::routes::*;
use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Duikou API",
        description = "对口合作与重大项目推进平台 JSON API. Money is an integer number of yuan (元); dates are ISO dates; updates need If-Match with the ETag of the read."
    ),
    paths(
        health::healthz,
        health::readyz,
        regions::list,
        regions::create,
        regions::read,
        regions::update,
        regions::remove,
        orgs::list,
        orgs::create,
        orgs::read,
        orgs::update,
        orgs::remove,
        partnerships::list,
        partnerships::create,
        partnerships::read,
        partnerships::update,
        partnerships::remove,
        projects::list,
        projects::create,
        projects::read,
        projects::update,
        projects::remove,
        projects::transition,
        projects::transitions,
        projects::history,
        reports::list,
        reports::create,
        reports::read,
        reports::update,
        reports::remove,
        problems::list,
        problems::create,
        problems::read,
        problems::update,
        problems::remove,
        stats::project_stats,
        templates::list,
        templates::read,
        templates::create,
        steps::instantiate,
        steps::states,
        steps::update,
        steps::schedule,
        warnings::list,
        warnings::counts,
        warnings::read,
        warnings::acknowledge,
        warnings::resolve,
        warnings::sweep,
        warnings::plans,
        warnings::set_plan,
        warnings::thresholds,
        warnings::save_thresholds,
        warnings::channels,
        warnings::channel,
        warnings::create_channel,
        warnings::update_channel,
        warnings::delete_channel,
        slips::list,
        slips::issue,
        slips::read,
        slips::act,
        calendar::check,
        calendar::add,
        calendar::between,
        session::login,
        session::change_password,
        users::reset_password,
        users::clear_lock,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&Security),
    security(("bearer" = []), ("session" = []))
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/openapi.json",
        get(|| async { Json(ApiDoc::openapi()) }),
    )
}

/// Bearer tokens and the session cookie, declared for clients.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}
