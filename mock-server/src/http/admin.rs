//! The control API under `/__admin` (contract.md): accounts, locks, the live reset token, the
//! clock and resets. JSON in and out; bad input gets a JSON error with the reason.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::accounts::LOCKED_FOREVER;
use crate::state::{AppState, Namespace};

use super::scope::Scope;

/// A JSON error for the control API: `{"error": "..."}`.
pub fn admin_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_default()
}

pub async fn get_clock(scope: Scope) -> Response {
    clock_json(&scope.namespace)
}

fn clock_json(namespace: &Namespace) -> Response {
    let offset = namespace.clock.offset();
    Json(json!({ "now": rfc3339(namespace.clock.now()), "offset_seconds": offset.as_seconds_f64() })).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    seconds: f64,
}

pub async fn advance_clock(Scope { namespace, .. }: Scope, body: Result<Json<Advance>, JsonRejection>) -> Response {
    let Json(advance) = match body {
        Ok(body) => body,
        Err(rejection) => {
            return admin_error(
                StatusCode::BAD_REQUEST,
                format!("expected {{\"seconds\": N}}: {}", rejection.body_text()),
            );
        }
    };
    // Ten years either way is plenty for expiry and lock tests, and keeps dates representable.
    if !advance.seconds.is_finite() || advance.seconds.abs() > 315_576_000.0 {
        return admin_error(StatusCode::BAD_REQUEST, "seconds must be a number within ±315576000 (ten years)");
    }
    namespace.clock.advance(Duration::seconds_f64(advance.seconds));
    clock_json(&namespace)
}

pub async fn reset_clock(Scope { namespace, .. }: Scope) -> Response {
    namespace.clock.reset();
    clock_json(&namespace)
}

pub async fn list_customers(Scope { namespace, .. }: Scope) -> Response {
    let now = namespace.clock.now();
    let accounts = namespace.accounts();
    let customers: Vec<_> = accounts
        .customers()
        .map(|c| {
            json!({
                "id": c.id,
                "email": c.email,
                "firstname": c.firstname,
                "lastname": c.lastname,
                "locked": c.is_locked(now),
                "lock_expires": c.lock_expires.map(rfc3339),
                "has_reset_token": c.reset_token().is_some(),
            })
        })
        .collect();
    Json(customers).into_response()
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    minutes: Option<u32>,
}

pub async fn lock_customer(
    Scope { namespace, .. }: Scope,
    Path(email): Path<String>,
    body: Option<Json<Lock>>,
) -> Response {
    let lock = body.map(|Json(lock)| lock).unwrap_or_default();
    let now = namespace.clock.now();
    // Without minutes, the lock lasts as an administrator's does: until lifted.
    let until = lock.minutes.map_or(LOCKED_FOREVER, |m| now + Duration::minutes(i64::from(m)));
    if namespace.accounts().set_lock(&email, Some(until)) {
        Json(json!({ "email": email, "locked": true, "lock_expires": rfc3339(until) })).into_response()
    } else {
        admin_error(StatusCode::NOT_FOUND, format!("no customer with the email {email:?}"))
    }
}

pub async fn unlock_customer(Scope { namespace, .. }: Scope, Path(email): Path<String>) -> Response {
    if namespace.accounts().set_lock(&email, None) {
        Json(json!({ "email": email, "locked": false })).into_response()
    } else {
        admin_error(StatusCode::NOT_FOUND, format!("no customer with the email {email:?}"))
    }
}

pub async fn reset_token(Scope { namespace, .. }: Scope, Path(email): Path<String>) -> Response {
    let accounts = namespace.accounts();
    let hours = accounts.settings.reset_link_expiration_hours;
    let Some(customer) = accounts.find(&email) else {
        return admin_error(StatusCode::NOT_FOUND, format!("no customer with the email {email:?}"));
    };
    match customer.reset_token() {
        Some(token) => Json(json!({
            "token": token.token,
            "created_at": rfc3339(token.created_at),
            "expires_at": rfc3339(token.expires_at(hours)),
        }))
        .into_response(),
        None => admin_error(StatusCode::NOT_FOUND, format!("{email:?} has no live reset token")),
    }
}

pub async fn reset(State(app): State<AppState>, Scope { name, .. }: Scope) -> Response {
    app.reset_namespace(&name);
    Json(json!({ "reset": true, "namespace": name })).into_response()
}
