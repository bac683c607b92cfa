//! HTTP: one router for GraphQL, the Mailpit-compatible inbox API, the control API and health.

pub mod admin;
pub mod connection;
pub mod graphql;
pub mod mailpit;
pub mod request_headers;
pub mod scope;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::{Router, middleware};
use subtle::ConstantTimeEq;
use tower_http::cors::CorsLayer;

use crate::state::AppState;

/// The whole HTTP surface; tests can drive it without a socket.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", post(graphql::post).get(graphql::get).options(graphql::options))
        .route("/api/v1/messages", get(mailpit::list).delete(mailpit::delete))
        .route("/api/v1/search", get(mailpit::search))
        .route("/api/v1/message/{id}", get(mailpit::message))
        .nest("/__admin", admin_router(state.clone()))
        .route("/livez", get(|| async { "ok" }))
        .route("/readyz", get(|| async { "ok" }))
        .layer(CorsLayer::very_permissive())
        .layer(middleware::map_response(options_answer_no_content))
        .with_state(state)
}

/// The control API, behind the bearer token when `--admin-token` is set.
fn admin_router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/clock", get(admin::get_clock).delete(admin::reset_clock))
        .route("/clock/advance", post(admin::advance_clock))
        .route("/customers", get(admin::list_customers).post(admin::create_customer))
        .route("/customers/{email}", delete(admin::delete_customer))
        .route("/customers/{email}/lock", post(admin::lock_customer).delete(admin::unlock_customer))
        .route("/customers/{email}/reset-token", get(admin::reset_token))
        .route("/settings", get(admin::get_settings).patch(admin::patch_settings))
        .route("/scenarios", get(admin::list_scenarios).post(admin::add_scenario).delete(admin::clear_scenarios))
        .route("/scenarios/{id}", delete(admin::delete_scenario))
        .route("/requests", get(admin::list_requests))
        .route("/requests/wait", get(admin::wait_for_request))
        .route("/messages/{id}", get(admin::captured_message))
        .route("/reset", post(admin::reset))
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
        next.run(request).await
    } else {
        let mut response = admin::admin_error(
            StatusCode::UNAUTHORIZED,
            "the control API needs \"Authorization: Bearer <admin token>\"",
        );
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        response
    }
}

/// Magento answers `OPTIONS` with 204; the CORS layer answers preflights itself with 200.
async fn options_answer_no_content(method: Method, mut response: Response) -> Response {
    if method == Method::OPTIONS && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    response
}
