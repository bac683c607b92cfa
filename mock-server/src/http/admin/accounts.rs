//! Accounts of a namespace: list, create, delete, lock, unlock, and the live reset token.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::accounts::{Customer, LOCKED_FOREVER, NewCustomer};
use crate::http::scope::Scope;

use super::{AdminError, AdminJson, AdminResult, rfc3339};

pub async fn list(Scope { namespace, .. }: Scope) -> Response {
    let now = namespace.clock.now();
    let accounts = namespace.accounts();
    let customers: Vec<Value> = accounts.customers().map(|c| customer_json(c, now)).collect();
    Json(customers).into_response()
}

fn customer_json(c: &Customer, now: OffsetDateTime) -> Value {
    json!({
        "id": c.id,
        "email": c.email,
        "firstname": c.firstname,
        "lastname": c.lastname,
        "locked": c.is_locked(now),
        "lock_expires": c.lock_expires.map(rfc3339),
        "has_reset_token": c.reset_token().is_some(),
    })
}

fn no_customer(email: &str) -> AdminError {
    AdminError::not_found(format!("no customer with the email {email:?}"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomer {
    email: String,
    password: String,
    #[serde(default)]
    firstname: String,
    #[serde(default)]
    lastname: String,
    #[serde(default)]
    locked: bool,
}

pub async fn create(Scope { namespace, .. }: Scope, AdminJson(new): AdminJson<CreateCustomer>) -> AdminResult {
    let customer = NewCustomer {
        email: new.email,
        password: new.password,
        firstname: new.firstname,
        lastname: new.lastname,
        lock_expires: new.locked.then_some(LOCKED_FOREVER),
    };
    customer.check().map_err(|e| AdminError::bad_request(e.to_string()))?;
    let now = namespace.clock.now();
    let mut accounts = namespace.accounts();
    let created = accounts.create(customer).map_err(|e| AdminError::new(StatusCode::CONFLICT, e.to_string()))?;
    Ok((StatusCode::CREATED, Json(customer_json(created, now))).into_response())
}

pub async fn delete(Scope { namespace, .. }: Scope, Path(email): Path<String>) -> AdminResult {
    namespace.accounts().remove(&email).ok_or_else(|| no_customer(&email))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    minutes: Option<u32>,
}

/// Locks for `minutes`, or (without) until unlocked, as an administrator's lock.
pub async fn lock(Scope { namespace, .. }: Scope, Path(email): Path<String>, body: Option<Json<Lock>>) -> AdminResult {
    let lock = body.map(|Json(lock)| lock).unwrap_or_default();
    let now = namespace.clock.now();
    let until = lock.minutes.map_or(LOCKED_FOREVER, |m| now + Duration::minutes(i64::from(m)));
    if !namespace.accounts().set_lock(&email, Some(until)) {
        return Err(no_customer(&email));
    }
    Ok(Json(json!({ "email": email, "locked": true, "lock_expires": rfc3339(until) })).into_response())
}

pub async fn unlock(Scope { namespace, .. }: Scope, Path(email): Path<String>) -> AdminResult {
    if !namespace.accounts().set_lock(&email, None) {
        return Err(no_customer(&email));
    }
    Ok(Json(json!({ "email": email, "locked": false })).into_response())
}

pub async fn reset_token(Scope { namespace, .. }: Scope, Path(email): Path<String>) -> AdminResult {
    let accounts = namespace.accounts();
    let hours = accounts.settings.reset_link_expiration_hours;
    let customer = accounts.find(&email).ok_or_else(|| no_customer(&email))?;
    let token =
        customer.reset_token().ok_or_else(|| AdminError::not_found(format!("{email:?} has no live reset token")))?;
    Ok(Json(json!({
        "token": token.token,
        "created_at": rfc3339(token.created_at),
        "expires_at": rfc3339(token.expires_at(hours)),
    }))
    .into_response())
}
