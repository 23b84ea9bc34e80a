//! Path parameters of the JSON API: one that does not parse (`/api/v1/orgs/abc`, an id past
//! the 64-bit range) names no record, so the answer is the API's 404 `ErrorBody`, not axum's
//! plain-text 400.

use axum::extract::rejection::PathRejection;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::shared::error::ApiError;

/// The parameters of the route's path, as `axum::extract::Path` reads them.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("地址中的参数无效，记录不存在：{}", e.body_text()),
            )),
            Err(e) => {
                tracing::error!(error = %e, "path parameters");
                Err(ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误，请稍后重试",
                ))
            }
        }
    }
}
