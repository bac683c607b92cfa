//! Mailpit's plain answers: `ok`, and errors as plain text.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Mailpit's plain-text errors.
pub(super) fn text_error(status: StatusCode, message: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{message}\n")).into_response()
}

/// A 400 in Mailpit's plain-text form.
pub struct BadRequest(pub(super) String);

impl IntoResponse for BadRequest {
    fn into_response(self) -> Response {
        text_error(StatusCode::BAD_REQUEST, &self.0)
    }
}

pub(super) fn not_found() -> Response {
    text_error(StatusCode::NOT_FOUND, "404 page not found")
}

pub(super) fn ok() -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response()
}

/// A JSON body, or nothing (an empty body means "all" for several routes).
pub(super) fn optional_json<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> Result<T, BadRequest> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| BadRequest(e.to_string()))
}
