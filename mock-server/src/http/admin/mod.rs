//! The control API under `/__admin` (contract.md): accounts, the clock, settings, scripted
//! rules, stubs, the request journal and captured-email views. JSON in and out; bad input gets
//! `{"error": "<reason>"}` with a 4xx status.

mod accounts;
mod clock;
mod journal;
mod scenarios;
mod settings;
mod smtp_faults;
mod stubs;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde_json::json;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::state::AppState;

/// The control API, behind the bearer token when `--admin-token` is set.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/clock", get(clock::get).delete(clock::back_to_real_time))
        .route("/clock/advance", post(clock::advance))
        .route("/customers", get(accounts::list).post(accounts::create))
        .route("/customers/{email}", delete(accounts::delete))
        .route("/customers/{email}/lock", post(accounts::lock).delete(accounts::unlock))
        .route("/customers/{email}/reset-token", get(accounts::reset_token))
        .route("/settings", get(settings::get).patch(settings::patch))
        .route("/scenarios", get(scenarios::list).post(scenarios::add).delete(scenarios::clear))
        .route("/scenarios/{id}", delete(scenarios::remove))
        .route("/stubs", get(stubs::list).post(stubs::add).delete(stubs::clear))
        .route("/stubs/{id}", delete(stubs::remove))
        .route("/smtp-faults", get(smtp_faults::list).post(smtp_faults::add).delete(smtp_faults::clear))
        .route("/smtp-faults/{id}", delete(smtp_faults::remove))
        .route("/webhook", get(smtp_faults::webhook))
        .route("/requests", get(journal::list))
        .route("/requests/wait", get(journal::wait))
        .route("/messages/{id}", get(journal::captured_message))
        .route("/reset", post(settings::reset_namespace))
        .route("/namespaces", get(settings::namespaces))
        .route("/namespaces/{name}", delete(settings::forget_namespace))
        .route("/openapi.json", get(crate::http::openapi::admin))
        .route_layer(middleware::from_fn_with_state(state, require_admin_token))
}

async fn require_admin_token(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let Some(expected) = app.admin_token() else { return next.run(request).await };
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
        return next.run(request).await;
    }
    let mut response =
        AdminError::new(StatusCode::UNAUTHORIZED, "the control API needs \"Authorization: Bearer <admin token>\"")
            .into_response();
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// A refusal of the control API: `{"error": "..."}`.
#[derive(Debug)]
pub struct AdminError {
    status: StatusCode,
    message: String,
}

impl AdminError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

type AdminResult = Result<Response, AdminError>;

/// A JSON body whose refusal explains itself in the control API's error format.
pub struct AdminJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AdminJson<T> {
    type Rejection = AdminError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(request, state)
            .await
            .map(|Json(value)| Self(value))
            .map_err(|rejection: JsonRejection| AdminError::bad_request(rejection.body_text()))
    }
}

/// Query parameters, refused the same way.
pub struct AdminQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for AdminQuery<T> {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection: QueryRejection| AdminError::bad_request(rejection.body_text()))
    }
}

fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_default()
}
