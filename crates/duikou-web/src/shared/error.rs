//! The one mapping from errors to HTTP: every failure leaves as
//! `{"error": {"code": "...", "message": "...", "details": [{"field", "code", "message"}]}}`
//! with the status that fits it. Messages are in Chinese; codes are stable for programs.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use duikou_core::{FieldError, ValidationError};
use duikou_store::StoreError;
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<FieldError>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorInner,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorInner {
    pub code: String,
    pub message: String,
    pub details: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }
    pub fn invalid(details: Vec<FieldError>) -> Self {
        let message = match details.as_slice() {
            [one] => format!("{}：{}", one.field, one.message),
            _ => format!("{}处输入有误", details.len()),
        };
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation_failed",
            message,
            details,
        }
    }
    pub fn field(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldError::new(field, code, message)])
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what}不存在"))
    }
}

impl From<ValidationError> for ApiError {
    fn from(e: ValidationError) -> Self {
        ApiError::invalid(e.0)
    }
}

/// The one mapping of store errors to HTTP, for the API and the pages alike: the status and
/// the error's code (the API's `error.code`; the pages' catalogue key is `error.<code>`).
pub fn store_status(e: &StoreError) -> (StatusCode, &'static str) {
    match e {
        StoreError::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
        StoreError::Stale { .. } => (StatusCode::PRECONDITION_FAILED, "stale"),
        StoreError::InUse(_) => (StatusCode::CONFLICT, "in_use"),
        StoreError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
        StoreError::OutOfScope(_) => (StatusCode::FORBIDDEN, "out_of_scope"),
        StoreError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        StoreError::Config(_)
        | StoreError::Database(_)
        | StoreError::Migration(_)
        | StoreError::Corrupt { .. } => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let (status, code) = store_status(&e);
        match e {
            StoreError::Stale { .. } => ApiError::new(status, code, format!("{e}；请刷新后重试")),
            StoreError::InUse(m) | StoreError::Forbidden(m) => ApiError::new(status, code, m),
            StoreError::OutOfScope(details) => ApiError {
                status,
                code,
                message: "无权将记录写入以下范围".to_owned(),
                details,
            },
            StoreError::Invalid(v) => ApiError::invalid(v.0),
            StoreError::NotFound { .. } => ApiError::new(status, code, e.to_string()),
            StoreError::Config(_)
            | StoreError::Database(_)
            | StoreError::Migration(_)
            | StoreError::Corrupt { .. } => {
                tracing::error!(error = %e, "store failure");
                ApiError::new(status, code, "服务器内部错误，请稍后重试")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorInner {
                code: self.code.to_owned(),
                message: self.message,
                details: self.details,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
