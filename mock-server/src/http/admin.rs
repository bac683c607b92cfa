//! The control API under `/__admin` (contract.md): accounts, locks, the live reset token, the
//! clock and resets. JSON in and out; bad input gets a JSON error with the reason.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::accounts::{Customer, LOCKED_FOREVER, NewCustomer};
use crate::config::Throttle;
use crate::journal::{Entry, Filter};
use crate::magento::MagentoVersion;
use crate::magento::email_address::is_valid_email;
use crate::scenarios::rules::RuleSpec;
use crate::state::{AppState, Enumeration, Namespace};

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

pub async fn create_customer(
    Scope { namespace, .. }: Scope,
    body: Result<Json<CreateCustomer>, JsonRejection>,
) -> Response {
    let Json(new) = match body {
        Ok(body) => body,
        Err(rejection) => {
            return admin_error(
                StatusCode::BAD_REQUEST,
                format!(
                    "expected {{\"email\",\"password\",\"firstname\"?,\"lastname\"?,\"locked\"?}}: {}",
                    rejection.body_text()
                ),
            );
        }
    };
    if !is_valid_email(&new.email) {
        return admin_error(StatusCode::BAD_REQUEST, format!("{:?} is not a valid email address", new.email));
    }
    if new.password.is_empty() {
        return admin_error(StatusCode::BAD_REQUEST, "password must not be empty");
    }
    let customer = NewCustomer {
        email: new.email,
        password: new.password,
        firstname: new.firstname,
        lastname: new.lastname,
        lock_expires: new.locked.then_some(LOCKED_FOREVER),
    };
    let now = namespace.clock.now();
    let mut accounts = namespace.accounts();
    match accounts.create(customer) {
        Ok(created) => (StatusCode::CREATED, Json(customer_json(created, now))).into_response(),
        Err(error) => admin_error(StatusCode::CONFLICT, error.to_string()),
    }
}

pub async fn delete_customer(Scope { namespace, .. }: Scope, Path(email): Path<String>) -> Response {
    match namespace.accounts().remove(&email) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => admin_error(StatusCode::NOT_FOUND, format!("no customer with the email {email:?}")),
    }
}

pub async fn get_settings(State(app): State<AppState>) -> Response {
    Json(app.settings()).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    magento_version: Option<MagentoVersion>,
    throttle: Option<Throttle>,
    enumeration: Option<Enumeration>,
}

pub async fn patch_settings(
    State(app): State<AppState>,
    body: Result<Json<SettingsChange>, JsonRejection>,
) -> Response {
    let Json(change) = match body {
        Ok(body) => body,
        Err(rejection) => {
            return admin_error(
                StatusCode::BAD_REQUEST,
                format!(
                    "expected {{\"magento_version\"?: \"2.4.0\"..\"2.4.8\", \"throttle\"?: \"magento\"|\"off\", \"enumeration\"?: \"magento\"|\"uniform\"}}: {}",
                    rejection.body_text()
                ),
            );
        }
    };
    let settings = app.update_settings(|settings| {
        if let Some(version) = change.magento_version {
            settings.magento_version = version;
        }
        if let Some(throttle) = change.throttle {
            settings.throttle = throttle;
        }
        if let Some(enumeration) = change.enumeration {
            settings.enumeration = enumeration;
        }
    });
    Json(settings).into_response()
}

pub async fn list_scenarios(Scope { namespace, .. }: Scope) -> Response {
    Json(namespace.rules().list()).into_response()
}

pub async fn add_scenario(
    State(app): State<AppState>,
    Scope { namespace, .. }: Scope,
    body: Result<Json<RuleSpec>, JsonRejection>,
) -> Response {
    let Json(spec) = match body {
        Ok(body) => body,
        Err(rejection) => {
            return admin_error(
                StatusCode::BAD_REQUEST,
                format!(
                    "expected {{\"state\", \"operation\"?, \"email\"?, \"times\"?, \"delay_ms\"?}}: {}",
                    rejection.body_text()
                ),
            );
        }
    };
    let id = match app.random().alphanumeric(12) {
        Ok(id) => id,
        Err(error) => return admin_error(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    };
    match spec.into_rule(id.clone()) {
        Ok(rule) => {
            namespace.rules().add(rule);
            (StatusCode::CREATED, Json(json!({ "id": id }))).into_response()
        }
        Err(reason) => admin_error(StatusCode::BAD_REQUEST, reason),
    }
}

pub async fn clear_scenarios(Scope { namespace, .. }: Scope) -> Response {
    namespace.rules().clear();
    StatusCode::NO_CONTENT.into_response()
}

pub async fn delete_scenario(Scope { namespace, .. }: Scope, Path(id): Path<String>) -> Response {
    if namespace.rules().remove(&id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        admin_error(StatusCode::NOT_FOUND, format!("no scenario rule with the id {id:?}"))
    }
}

fn filter_of(query: Result<Query<Filter>, QueryRejection>) -> Result<Filter, Response> {
    query.map(|Query(filter)| filter).map_err(|rejection| {
        admin_error(
            StatusCode::BAD_REQUEST,
            format!("filters are operation, email, after, limit and timeout_ms: {}", rejection.body_text()),
        )
    })
}

/// Newest last; `limit` keeps the newest N.
pub async fn list_requests(Scope { namespace, .. }: Scope, query: Result<Query<Filter>, QueryRejection>) -> Response {
    let filter = match filter_of(query) {
        Ok(filter) => filter,
        Err(response) => return response,
    };
    let journal = namespace.journal();
    let matching: Vec<&Entry> = journal.matching(&filter).collect();
    let skip = filter.limit.map_or(0, |limit| matching.len().saturating_sub(limit));
    Json(&matching[skip..]).into_response()
}

/// The longest a wait may last.
const MAX_WAIT: Duration = Duration::seconds(60);

/// Answers the first matching entry as soon as there is one (a long-poll woken by the journal,
/// not a sleep loop); 408 when `timeout_ms` (default 5000) passes first.
pub async fn wait_for_request(
    Scope { namespace, .. }: Scope,
    query: Result<Query<Filter>, QueryRejection>,
) -> Response {
    let filter = match filter_of(query) {
        Ok(filter) => filter,
        Err(response) => return response,
    };
    let timeout =
        Duration::milliseconds(filter.timeout_ms.map_or(5_000, |ms| ms.min(i64::MAX as u64) as i64)).min(MAX_WAIT);
    let deadline = tokio::time::Instant::now() + std::time::Duration::try_from(timeout).unwrap_or_default();
    loop {
        // Registered before looking, so an entry recorded in between still wakes us.
        let grew = namespace.journal_grew.notified();
        tokio::pin!(grew);
        grew.as_mut().enable();
        if let Some(entry) = namespace.journal().matching(&filter).next().cloned() {
            return Json(entry).into_response();
        }
        if tokio::time::timeout_at(deadline, grew).await.is_err() {
            return admin_error(
                StatusCode::REQUEST_TIMEOUT,
                format!("no matching request within {} ms", timeout.whole_milliseconds()),
            );
        }
    }
}

/// Our own view of a captured email: the reset link and token already parsed, and the request
/// that caused it, so tests need no regex.
pub async fn captured_message(Scope { namespace, .. }: Scope, Path(id): Path<String>) -> Response {
    let now = namespace.clock.now();
    let view = {
        let inbox = namespace.inbox();
        let found =
            if id == "latest" { inbox.newest_first().next() } else { inbox.newest_first().find(|m| m.id == id) };
        found.map(|message| {
            let link = message.reset_link().map(str::to_owned);
            let token = link.as_deref().and_then(|l| l.split_once("token=")).map(|(_, t)| t.to_owned());
            json!({
                "id": message.id,
                "message_id": message.message_id,
                "created": rfc3339(message.created),
                "to": message.to(),
                "subject": message.subject(),
                "reset_link": link,
                "token": token,
            })
        })
    };
    let Some(mut view) = view else {
        return admin_error(StatusCode::NOT_FOUND, format!("no captured message {id:?}"));
    };
    let message_id = view["id"].as_str().unwrap_or_default().to_owned();
    let request = namespace.journal().by_message_id(&message_id).cloned();
    view["request"] = serde_json::to_value(request).unwrap_or(Value::Null);
    view["now"] = Value::String(rfc3339(now));
    Json(view).into_response()
}
