//! SMTP faults of a namespace, and the webhook's counts.

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::http::scope::Scope;
use crate::mail::smtp_faults::{FaultSpec, Stage};
use crate::state::AppState;

use super::{AdminError, AdminJson, AdminResult};

/// Newest first, with the uses left and the seed in use.
pub async fn list(Scope { namespace, .. }: Scope) -> Response {
    Json(namespace.smtp_faults().list()).into_response()
}

pub async fn add(
    State(app): State<AppState>,
    Scope { name, namespace }: Scope,
    AdminJson(spec): AdminJson<FaultSpec>,
) -> AdminResult {
    if !name.is_empty() && spec.stage != Stage::Data {
        return Err(AdminError::bad_request(
            "faults at connect, auth, mail and rcpt belong to the default namespace: a delivery's X-Mock-Namespace header is read only with its message (stage data)",
        ));
    }
    let internal = |e: crate::random::RandomError| AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    let id = app.random().alphanumeric(12).map_err(internal)?;
    // Drawn from the server's generator, so `--seed` makes even an unseeded probability repeat.
    let seed_hex = app.random().hex(8).map_err(internal)?;
    let seed = u64::from_str_radix(&seed_hex, 16).unwrap_or_default();
    let fault = spec.into_fault(id.clone(), seed).map_err(|e| AdminError::bad_request(e.to_string()))?;
    namespace.smtp_faults().add(fault).map_err(|e| AdminError::bad_request(e.to_string()))?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

pub async fn clear(Scope { namespace, .. }: Scope) -> StatusCode {
    namespace.smtp_faults().clear();
    StatusCode::NO_CONTENT
}

pub async fn remove(Scope { namespace, .. }: Scope, Path(id): Path<String>) -> AdminResult {
    if !namespace.smtp_faults().remove(&id) {
        return Err(AdminError::not_found(format!("no SMTP fault with the id {id:?}")));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `--webhook-url`'s delivery counts since start (server-wide).
pub async fn webhook(State(app): State<AppState>) -> Response {
    let Some(webhook) = app.webhook() else {
        return Json(json!({ "enabled": false })).into_response();
    };
    let counts = webhook.counts();
    let limits = webhook.limits();
    Json(json!({
        "enabled": true,
        "queued": webhook.queued(),
        "queue_capacity": limits.queue,
        "timeout_ms": u64::try_from(limits.timeout.as_millis()).unwrap_or(u64::MAX),
        "attempts": limits.attempts,
        "delivered": counts.delivered.load(Ordering::Relaxed),
        "retried": counts.retried.load(Ordering::Relaxed),
        "failed": counts.failed.load(Ordering::Relaxed),
        "dropped": counts.dropped.load(Ordering::Relaxed),
    }))
    .into_response()
}
