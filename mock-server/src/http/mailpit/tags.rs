//! `/api/v1/tags`: every tag in use.

use axum::Json;
use axum::response::{IntoResponse, Response};

use crate::http::scope::InboxScope;

pub async fn tags(InboxScope(namespace): InboxScope) -> Response {
    Json(namespace.inbox().tags()).into_response()
}
