//! The HTTP shape of every JSON answer the GraphQL endpoint gives, Magento's or our own.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Magento sends every GraphQL answer with no-cache headers unless the query is cacheable.
pub fn json_response(status: StatusCode, body: String) -> Response {
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
        (header::CACHE_CONTROL, HeaderValue::from_static("max-age=0, must-revalidate, no-cache, no-store")),
    ];
    (status, headers, Body::from(body)).into_response()
}
