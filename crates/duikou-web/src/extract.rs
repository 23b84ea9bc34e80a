//! Extractors that reject bad input with the field named: JSON bodies and query strings are
//! decoded through `serde_path_to_error`, so "wrong type at `planned_investment`" or "unknown
//! field `foo`" reaches the caller as a 422 detail with that field.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body, decoded with the path of the first bad field.
pub struct ApiJson<T>(pub T);

fn field_of(path: &str, message: &str) -> String {
    let path = if path == "." { "" } else { path };
    // serde reports a missing field at its parent's path; name the field itself. (An unknown
    // field's path already ends with its name.)
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .and_then(|rest| rest.split('`').next());
    match named {
        Some(name) if path != name && !path.ends_with(&format!(".{name}")) => {
            if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            }
        }
        _ => path.to_owned(),
    }
}

fn bad_field<E: std::fmt::Display>(err: serde_path_to_error::Error<E>) -> ApiError {
    let path = err.path().to_string();
    let message = err.inner().to_string();
    let field = field_of(&path, &message);
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    ApiError::field(&field, "invalid", message)
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.starts_with("application/json"))
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "请求体须为 JSON（Content-Type: application/json）",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_body", e.to_string()))?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(de) {
            Ok(v) => Ok(ApiJson(v)),
            Err(e) if e.inner().is_syntax() || e.inner().is_eof() => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("JSON 格式错误：{}", e.inner()),
            )),
            Err(e) => Err(bad_field(e)),
        }
    }
}

/// A query string, decoded with the name of the first bad parameter.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(bad_field)
    }
}

/// `If-Match` when the client sends one (state changes such as acknowledging a warning or a
/// step of a slip check a version only when given), else None.
pub fn optional_if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    if headers.contains_key(header::IF_MATCH) {
        if_match(headers)
    } else {
        Ok(None)
    }
}

/// The version a write expects, from `If-Match`. Updates and deletes require it: without it a
/// client could overwrite a change it never saw.
pub fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Err(ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if_match_required",
            "修改和删除须带 If-Match 请求头（取自读取时的 ETag）",
        ));
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let inner = text.trim_start_matches("W/").trim_matches('"');
    inner.parse::<i64>().map(Some).map_err(|_| {
        ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "stale",
            format!("If-Match 无效：{text}"),
        )
    })
}

/// The ETag of a record version.
pub fn etag(version: i64) -> [(header::HeaderName, String); 1] {
    [(header::ETAG, format!("\"{version}\""))]
}
