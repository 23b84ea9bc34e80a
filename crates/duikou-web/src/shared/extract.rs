//! Extractors that reject bad input with every bad field named: JSON bodies and query strings
//! are decoded through `serde_path_to_error`, so "wrong type at `planned_investment`" and
//! "unknown field `foo`" reach the caller together as 422 details, one per field.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use duikou_core::FieldError;
use serde::de::DeserializeOwned;

use crate::shared::decode::decode;
pub use crate::shared::decode::Checked;
use crate::shared::error::ApiError;

/// A JSON body, decoded with every bad field named (see [`crate::shared::decode`]).
pub struct ApiJson<T>(pub T);

/// The largest request body accepted (`DefaultBodyLimit`); larger ones are answered 413.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The answer to a body over [`BODY_LIMIT`].
pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("请求体过大，不能超过{}MB", BODY_LIMIT / (1024 * 1024)),
    )
}

/// Reads a body; one over the limit is answered 413, a broken or slow one 400.
pub async fn body_bytes<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<axum::body::Bytes, ApiError> {
    axum::body::Bytes::from_request(req, state)
        .await
        .map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_body", "请求体读取失败")
            }
        })
}

impl<S: Send + Sync, T: DeserializeOwned + Checked> FromRequest<S> for ApiJson<T> {
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
        let bytes = body_bytes(req, state).await?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("JSON 格式错误：{e}"),
            )
        })?;
        decode(value).map(ApiJson).map_err(ApiError::invalid)
    }
}

/// A query string, decoded with every bad parameter named.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or_default();
        decode_query(q).map(ApiQuery).map_err(ApiError::invalid)
    }
}

/// Decodes a query string, naming every bad parameter: a parameter at fault is recorded and
/// dropped, and decoding tried again with the others.
pub fn decode_query<T: DeserializeOwned>(q: &str) -> Result<T, Vec<FieldError>> {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut errors: Vec<FieldError> = Vec::new();
    pairs.retain(|(k, v)| {
        let bad = k.contains('\0') || v.contains('\0');
        if bad && !errors.iter().any(|e| e.field == *k) {
            errors.push(duikou_core::text::nul_error(&k.replace('\0', "")));
        }
        !bad
    });
    for _ in 0..64 {
        let encoded = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
        match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(v) if errors.is_empty() => return Ok(v),
            Ok(_) => return Err(errors),
            Err(e) => {
                let message = e.inner().to_string();
                let field = field_of(&e.path().to_string(), &message);
                let message = message.split(" at line ").next().unwrap_or("").to_owned();
                if !errors.iter().any(|x| x.field == field) {
                    errors.push(FieldError::new(field.clone(), "invalid", message));
                }
                let before = pairs.len();
                pairs.retain(|(k, _)| *k != field);
                if pairs.len() == before {
                    // Nothing to drop (a missing parameter): stop here.
                    return Err(errors);
                }
            }
        }
    }
    Err(errors)
}

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
