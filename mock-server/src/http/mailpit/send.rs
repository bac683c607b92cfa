//! `POST /api/v1/send`: a message injected over HTTP, as Mailpit's send API takes it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::http::scope::InboxScope;
use crate::mail::Content;
use crate::mail::compose::SendRequest;
use crate::mail::received::Received;
use crate::state::AppState;

/// Injects a message over HTTP. Errors are JSON here, as in Mailpit.
pub async fn send(State(app): State<AppState>, InboxScope(namespace): InboxScope, body: Bytes) -> Response {
    let send_error = |status: StatusCode, message: String| (status, Json(json!({ "Error": message }))).into_response();
    let request: SendRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => return send_error(StatusCode::BAD_REQUEST, error.to_string()),
    };
    let message_id = match app.new_message_id() {
        Ok(id) => id,
        Err(error) => return send_error(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    };
    let (raw, envelope) = match request.build(&message_id, namespace.clock.now().unix_timestamp()) {
        Ok(built) => built,
        Err(reason) => return send_error(StatusCode::BAD_REQUEST, reason.to_string()),
    };
    if raw.len() > app.max_message_bytes() {
        return send_error(StatusCode::BAD_REQUEST, format!("message exceeds {} bytes", app.max_message_bytes()));
    }
    let Some(received) = Received::parse(raw, None, &envelope) else {
        return send_error(StatusCode::BAD_REQUEST, "the message could not be built".into());
    };
    match app.capture(&namespace, Some(message_id), namespace.clock.now(), Content::Received(Box::new(received))) {
        Ok(id) => Json(json!({ "ID": id })).into_response(),
        Err(error) => send_error(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    }
}
