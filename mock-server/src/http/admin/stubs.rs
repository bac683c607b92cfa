//! Stubs of a namespace at run time (docs/stubs.md): listed with the `--stubs` files (read-only
//! here), added, removed.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::http::scope::Scope;
use crate::state::AppState;
use crate::stubs::format::StubFile;
use crate::stubs::matching::Stub;

use super::{AdminError, AdminJson, AdminResult};

/// The namespace's stubs, newest first (they are tried first), then the files'.
pub async fn list(State(app): State<AppState>, Scope { namespace, .. }: Scope) -> Response {
    let admin: Vec<Value> = namespace.stubs().list().iter().map(|stub| shown(stub)).collect();
    let files: Vec<Value> = app.stubs().files().all().map(|stub| shown(stub)).collect();
    Json(admin.into_iter().chain(files).collect::<Vec<_>>()).into_response()
}

fn shown(stub: &Stub) -> Value {
    let mut file = stub.file.clone();
    file.id = Some(stub.id.clone());
    let mut value = serde_json::to_value(&file).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("source".into(), Value::String(stub.source.clone()));
    }
    value
}

/// A stub in the file format; 201 `{"id"}`.
pub async fn add(
    State(app): State<AppState>,
    Scope { namespace, .. }: Scope,
    AdminJson(file): AdminJson<StubFile>,
) -> AdminResult {
    let id = match file.id.clone().filter(|id| !id.is_empty()) {
        Some(id) => id,
        None => app
            .random()
            .alphanumeric(12)
            .map_err(|e| AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?,
    };
    let stub = Stub::compile(file, id.clone(), "admin".into()).map_err(|e| AdminError::bad_request(e.to_string()))?;
    namespace.stubs().add(Arc::new(stub)).map_err(|e| AdminError::bad_request(e.to_string()))?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

/// Removes the namespace's stubs (files stay).
pub async fn clear(Scope { namespace, .. }: Scope) -> StatusCode {
    namespace.stubs().clear();
    StatusCode::NO_CONTENT
}

pub async fn remove(
    State(app): State<AppState>,
    Scope { namespace, .. }: Scope,
    Path(id): Path<String>,
) -> AdminResult {
    if namespace.stubs().remove(&id) {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    if app.stubs().files().all().any(|stub| stub.id == id) {
        return Err(AdminError::new(
            StatusCode::CONFLICT,
            format!("the stub {id:?} comes from a --stubs file: remove the file and restart"),
        ));
    }
    Err(AdminError::not_found(format!("no stub with the id {id:?}")))
}
