//! Scripted rules of a namespace.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::http::scope::Scope;
use crate::scenarios::rules::RuleSpec;
use crate::state::AppState;

use super::{AdminError, AdminJson, AdminResult};

/// Newest first, with the uses left.
pub async fn list(Scope { namespace, .. }: Scope) -> Response {
    Json(namespace.rules().list()).into_response()
}

pub async fn add(
    State(app): State<AppState>,
    Scope { namespace, .. }: Scope,
    AdminJson(spec): AdminJson<RuleSpec>,
) -> AdminResult {
    let id =
        app.random().alphanumeric(12).map_err(|e| AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let rule = spec.into_rule(id.clone()).map_err(|e| AdminError::bad_request(e.to_string()))?;
    namespace.rules().add(rule);
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

pub async fn clear(Scope { namespace, .. }: Scope) -> StatusCode {
    namespace.rules().clear();
    StatusCode::NO_CONTENT
}

pub async fn remove(Scope { namespace, .. }: Scope, Path(id): Path<String>) -> AdminResult {
    if !namespace.rules().remove(&id) {
        return Err(AdminError::not_found(format!("no scenario rule with the id {id:?}")));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
