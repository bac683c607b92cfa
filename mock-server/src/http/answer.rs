//! The HTTP shape of every JSON answer the GraphQL endpoint gives, Magento's or our own.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

/// Magento sends every GraphQL answer with no-cache headers unless the query is cacheable.
pub fn json_response(status: StatusCode, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    // Room for every header the answer gets on its way out in one allocation (growing the map
    // later rehashes it): these two, `CacheContext::apply`'s seven at most and the front
    // layer's two make eleven. 12 gives room for twelve, 1.3 KB of entries; 16 gave room for
    // 24, 2.7 KB.
    headers.reserve(12);
    put_json_headers(headers);
    response
}

/// [`json_response`]'s own headers.
pub fn put_json_headers(headers: &mut HeaderMap) {
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=0, must-revalidate, no-cache, no-store"));
}
