//! The OpenAPI document, generated from the handlers' annotations, at `/api/openapi.json`.
//!
//! The annotations give each operation its success answers and what is particular to it; what
//! every operation of a kind shares is added here once ([`Conformance`]): the path parameters
//! of its template, and the error answers (all `ErrorBody`) that follow from its shape —
//! 401 and 403 for every authenticated operation (403 also for `out_of_scope` writes and a
//! session's missing CSRF token), 404 where a path names a record or a body refers to one,
//! 400 (malformed JSON), 413 (body too large), 415 (not JSON) and 422 (validation) for every
//! operation with a body, 422 for every operation with query parameters, 412 (stale) and 428
//! (If-Match missing) for every operation that takes `If-Match`, 409 for every delete.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, Response, ResponseBuilder};
use utoipa::OpenApi;

use crate::accounts::api as users;
use crate::admin::{orgs, partnerships, regions};
use crate::calendar::api as calendar;
use crate::dashboard::api as stats;
use crate::problems::api as problems;
use crate::progress_reports::api as reports;
use crate::projects::api as projects;
use crate::session::api as session;
use crate::shared::{health, history};
use crate::slips::api as slips;
use crate::stage_requests::api as stage_requests;
use crate::steps::{api as steps, templates_api as templates};
use crate::warnings::api as warnings;
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
        orgs::act,
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
        reports::withdraw,
        problems::list,
        problems::create,
        problems::read,
        problems::update,
        problems::remove,
        problems::act,
        stage_requests::preview,
        stage_requests::create,
        stage_requests::list,
        stage_requests::read,
        stage_requests::approve,
        stage_requests::act,
        stats::project_stats,
        templates::list,
        templates::read,
        templates::create,
        steps::instantiate,
        steps::remove,
        steps::states,
        steps::update,
        steps::act,
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
        session::logout,
        session::logout_all,
        session::me,
        session::change_password,
        session::tokens,
        session::create_token,
        session::revoke_token,
        users::list,
        users::read,
        users::create,
        users::grant,
        users::revoke,
        users::disable,
        users::enable,
        users::reset_password,
        users::clear_lock,
        history::region,
        history::org,
        history::partnership,
        history::report,
        history::problem,
        document,
    ),
    components(schemas(crate::shared::error::ErrorBody)),
    modifiers(&Security, &Conformance),
    security(("bearer" = []), ("session" = []))
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(document))
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "health", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = serde_json::Value)))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// `If-Match: "<version>"` (the ETag of the read, or `*`), required by the operation.
pub struct IfMatch;

/// `If-Match`, checked when sent.
pub struct IfMatchOptional;

fn if_match_param(required: bool) -> Parameter {
    ParameterBuilder::new()
        .name("If-Match")
        .parameter_in(ParameterIn::Header)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .description(Some(
            "The ETag of the version read (e.g. \"3\"), or * for any version",
        ))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build()
}

impl utoipa::IntoParams for IfMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![if_match_param(true)]
    }
}

impl utoipa::IntoParams for IfMatchOptional {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![if_match_param(false)]
    }
}

/// The schema of a path parameter, by its name: ids and years are integers, the rest text.
fn path_param(name: &str) -> Option<(RefOr<Schema>, &'static str)> {
    let integer = |description: &'static str| {
        let schema: RefOr<Schema> = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(i64::MIN))
            .maximum(Some(i64::MAX))
            .into();
        Some((schema, description))
    };
    let text = |description: &'static str| {
        let schema: RefOr<Schema> = ObjectBuilder::new().schema_type(Type::String).into();
        Some((schema, description))
    };
    match name {
        "id" => integer("The record's id (of the project, for routes under /projects/{id})"),
        "report_id" => integer("The report's id"),
        "problem_id" => integer("The problem's id"),
        "request_id" => integer("The stage-change request's id"),
        "year" => {
            let schema: RefOr<Schema> = ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                .minimum(Some(i32::MIN))
                .maximum(Some(i32::MAX))
                .into();
            Some((schema, "The plan's year"))
        }
        "code" => text("The region's code (6 digits)"),
        "key" => text("The key: a partnership's id or slug, a template's or a step's key"),
        "login" => text("The user's login"),
        _ => None,
    }
}

/// Declares the path parameters and the shared error answers of every operation.
struct Conformance;

fn error_response(description: &str) -> RefOr<Response> {
    let response = ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build();
    RefOr::T(response)
}

/// The shared error answers, by status.
const ERRORS: [(&str, &str, &str); 11] = [
    ("400", "BadRequest", "The body is not well-formed JSON (malformed_json) or could not be read"),
    ("401", "Unauthorized", "No valid session or token (unauthorized), or a wrong login or password"),
    ("403", "Forbidden", "Not allowed: the caller's role or scope (forbidden), a write out of the caller's scopes (out_of_scope, each field named), a session without its CSRF token (csrf), a first password to change (password_change_required), a disabled account"),
    ("404", "NotFound", "The record does not exist or is out of the caller's sight (not_found)"),
    ("409", "Conflict", "Other records still refer to this one (in_use)"),
    ("412", "PreconditionFailed", "If-Match names another version than the stored one (stale)"),
    ("413", "PayloadTooLarge", "The body is larger than allowed"),
    ("415", "UnsupportedMediaType", "The body is not sent as application/json (unsupported_media_type)"),
    ("422", "UnprocessableEntity", "Invalid input, every bad field named in details (validation_failed)"),
    ("428", "PreconditionRequired", "The write needs If-Match with the ETag of the read (if_match_required)"),
    ("429", "TooManyRequests", "Too many failed attempts: retry after the seconds in Retry-After (locked)"),
];

impl utoipa::Modify for Conformance {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (status, name, description) in ERRORS {
            let mut response = error_response(description);
            if status == "429" {
                if let RefOr::T(r) = &mut response {
                    r.headers.insert(
                        "Retry-After".to_owned(),
                        HeaderBuilder::new()
                            .schema(ObjectBuilder::new().schema_type(Type::Integer))
                            .description(Some("Seconds to wait"))
                            .build(),
                    );
                }
            }
            components.responses.insert(name.to_owned(), response);
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [
                (Method::Get, item.get.as_mut()),
                (Method::Put, item.put.as_mut()),
                (Method::Post, item.post.as_mut()),
                (Method::Delete, item.delete.as_mut()),
                (Method::Patch, item.patch.as_mut()),
            ];
            for (method, op) in ops {
                if let Some(op) = op {
                    declare_path_params(path, op);
                    add_errors(path, method, op);
                }
            }
        }
    }
}

#[derive(PartialEq)]
enum Method {
    Get,
    Put,
    Post,
    Delete,
    Patch,
}

/// The `{name}`s of a path template.
pub fn template_params(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

fn declare_path_params(path: &str, op: &mut Operation) {
    let params = op.parameters.get_or_insert_with(Vec::new);
    for name in template_params(path) {
        let declared = params
            .iter()
            .any(|p| p.name == name && p.parameter_in == ParameterIn::Path);
        if declared {
            continue;
        }
        // An unknown name stays undeclared: the document test names it.
        if let Some((schema, description)) = path_param(name) {
            params.push(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .description(Some(description))
                    .schema(Some(schema))
                    .build(),
            );
        }
    }
    if params.is_empty() {
        op.parameters = None;
    }
}

fn add_errors(path: &str, method: Method, op: &mut Operation) {
    let params = op.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| params.iter().any(|p| p.parameter_in == place);
    let if_match = params
        .iter()
        .find(|p| p.parameter_in == ParameterIn::Header && p.name == "If-Match");
    let has_body = op.request_body.is_some();
    let api = path.starts_with("/api/v1/");
    let login = path == "/api/v1/session" && method == Method::Post;
    let mut statuses: Vec<&str> = Vec::new();
    if api {
        statuses.extend(["401", "403"]);
    }
    if api && (has(ParameterIn::Path) || has_body) {
        statuses.push("404");
    }
    if has_body {
        statuses.extend(["400", "413", "415", "422"]);
    }
    if has(ParameterIn::Query) {
        statuses.push("422");
    }
    if let Some(p) = if_match {
        statuses.push("412");
        if p.required == Required::True {
            statuses.push("428");
        }
    }
    if method == Method::Delete && api {
        statuses.push("409");
    }
    if login {
        statuses.push("429");
    }
    for status in statuses {
        if op.responses.responses.contains_key(status) {
            continue;
        }
        let name = ERRORS
            .iter()
            .find(|(s, _, _)| *s == status)
            .map(|(_, name, _)| *name)
            .unwrap_or_default();
        op.responses
            .responses
            .insert(status.to_owned(), RefOr::Ref(Ref::from_response_name(name)));
    }
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
                crate::shared::auth::SESSION_COOKIE,
            ))),
        );
    }
}
