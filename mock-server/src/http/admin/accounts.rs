//! Accounts of a namespace: list, create, delete, lock, unlock, and the live reset token.
//! Accounts are per website, as in Magento: `?website=CODE` (a website of the fixtures) picks
//! one; without it a route acts on the default website's accounts, and the list shows all.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::accounts::{Customer, DEFAULT_WEBSITE, LOCKED_FOREVER, NewCustomer};
use crate::http::scope::Scope;
use crate::state::AppState;

use super::{AdminError, AdminJson, AdminResult, rfc3339};

/// The `website` query parameter every route takes.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct WebsiteParam {
    website: Option<String>,
}

type WebsiteQuery = Result<Query<WebsiteParam>, QueryRejection>;

/// The website `?website=` names, checked against the fixtures' websites; `None` without it.
fn website(app: &AppState, query: WebsiteQuery) -> Result<Option<String>, AdminError> {
    let Query(WebsiteParam { website }) = query.map_err(|refused| AdminError::bad_request(refused.body_text()))?;
    match website {
        Some(code) if !app.fixtures().stores().any(|store| store.website == code) => {
            Err(AdminError::bad_request(format!("no website with the code {code:?} in the fixtures")))
        }
        website => Ok(website),
    }
}

/// The website a route acts on: the one named, else the default one.
fn website_or_default(app: &AppState, query: WebsiteQuery) -> Result<String, AdminError> {
    Ok(website(app, query)?.unwrap_or_else(|| DEFAULT_WEBSITE.to_owned()))
}

pub async fn list(State(app): State<AppState>, Scope { namespace, .. }: Scope, query: WebsiteQuery) -> AdminResult {
    let only = website(&app, query)?;
    let now = namespace.clock.now();
    let accounts = namespace.accounts();
    let customers: Vec<Value> = accounts
        .customers()
        .filter(|c| only.as_ref().is_none_or(|website| c.website == *website))
        .map(|c| customer_json(c, now))
        .collect();
    Ok(Json(customers).into_response())
}

fn customer_json(c: &Customer, now: OffsetDateTime) -> Value {
    json!({
        "id": c.id,
        "email": c.email,
        "website": c.website,
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

pub async fn create(
    State(app): State<AppState>,
    Scope { namespace, .. }: Scope,
    query: WebsiteQuery,
    AdminJson(new): AdminJson<CreateCustomer>,
) -> AdminResult {
    let website = website_or_default(&app, query)?;
    let customer = NewCustomer {
        email: new.email,
        password: new.password,
        firstname: new.firstname,
        lastname: new.lastname,
        lock_expires: new.locked.then_some(LOCKED_FOREVER),
    };
    customer.check().map_err(|e| AdminError::bad_request(e.to_string()))?;
    let now = namespace.clock.now();
    let mut accounts = namespace.accounts_in(&website);
    let created = accounts.create(customer).map_err(|e| AdminError::new(StatusCode::CONFLICT, e.to_string()))?;
    Ok((StatusCode::CREATED, Json(customer_json(created, now))).into_response())
}

pub async fn delete(
    State(app): State<AppState>,
    Scope { namespace, .. }: Scope,
    Path(email): Path<String>,
    query: WebsiteQuery,
) -> AdminResult {
    let website = website_or_default(&app, query)?;
    namespace.accounts_in(&website).remove(&email).ok_or_else(|| no_customer(&email))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    minutes: Option<u32>,
}

/// Locks for `minutes`, or (without) until unlocked, as an administrator's lock.
pub async fn lock(
    State(app): State<AppState>,
    Scope { namespace, .. }: Scope,
    Path(email): Path<String>,
    query: WebsiteQuery,
    body: Option<Json<Lock>>,
) -> AdminResult {
    let website = website_or_default(&app, query)?;
    let lock = body.map(|Json(lock)| lock).unwrap_or_default();
    let now = namespace.clock.now();
    let until = lock.minutes.map_or(LOCKED_FOREVER, |m| now + Duration::minutes(i64::from(m)));
    if !namespace.accounts_in(&website).set_lock(&email, Some(until)) {
        return Err(no_customer(&email));
    }
    Ok(Json(json!({ "email": email, "locked": true, "lock_expires": rfc3339(until) })).into_response())
}

pub async fn unlock(
    State(app): State<AppState>,
    Scope { namespace, .. }: Scope,
    Path(email): Path<String>,
    query: WebsiteQuery,
) -> AdminResult {
    let website = website_or_default(&app, query)?;
    if !namespace.accounts_in(&website).set_lock(&email, None) {
        return Err(no_customer(&email));
    }
    Ok(Json(json!({ "email": email, "locked": false })).into_response())
}

pub async fn reset_token(
    State(app): State<AppState>,
    Scope { namespace, .. }: Scope,
    Path(email): Path<String>,
    query: WebsiteQuery,
) -> AdminResult {
    let website = website_or_default(&app, query)?;
    let accounts = namespace.accounts_in(&website);
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
