//! The QA inbox page at `/`, with its assets built into the binary (it works with no network).

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

/// The page may load only its own scripts and styles; mail HTML is shown in a sandboxed frame.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { asset(include_str!("../../assets/inbox/index.html"), "text/html; charset=utf-8") }))
        .route(
            "/assets/inbox/app.js",
            get(|| async { asset(include_str!("../../assets/inbox/app.js"), "text/javascript; charset=utf-8") }),
        )
        .route(
            "/assets/inbox/app.css",
            get(|| async { asset(include_str!("../../assets/inbox/app.css"), "text/css; charset=utf-8") }),
        )
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
