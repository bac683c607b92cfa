//! The OpenAPI 3.1 documents of the control API and the inbox API, served as written
//! (`assets/openapi/`); `tests/api/openapi.rs` keeps them true to the router.

use axum::http::header;
use axum::response::{IntoResponse, Response};

const ADMIN: &[u8] = include_bytes!("../../assets/openapi/admin.json");
const INBOX: &[u8] = include_bytes!("../../assets/openapi/inbox.json");

/// `GET /__admin/openapi.json`.
pub async fn admin() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], ADMIN).into_response()
}

/// `GET /api/v1/openapi.json`.
pub async fn inbox() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], INBOX).into_response()
}
