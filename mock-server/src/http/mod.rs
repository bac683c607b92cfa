//! HTTP: one router for GraphQL, the Mailpit-compatible inbox API, the control API, the
//! storefront's password pages and health.

mod admin;
mod answer;
mod cache_headers;
pub(crate) mod connection;
pub(crate) mod dispatch;
mod error_page;
mod front;
mod front_headers;
mod graphql;
mod mailpit;
mod openapi;
pub(crate) mod request_headers;
mod scope;
pub(crate) mod server;
mod services;
mod storefront;
mod watchdog;
mod web;

use axum::Router;
use axum::routing::{get, post};
use tower_http::cors::CorsLayer;

use crate::state::AppState;

/// The whole HTTP surface; tests can drive it without a socket.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", post(graphql::post).get(graphql::get))
        .route(
            "/api/v1/messages",
            get(mailpit::messages::list).delete(mailpit::messages::delete).put(mailpit::messages::set_read),
        )
        .route("/api/v1/search", get(mailpit::search::search).delete(mailpit::search::delete_search))
        .route("/api/v1/message/{id}", get(mailpit::message::message))
        .route("/api/v1/message/{id}/headers", get(mailpit::message::headers))
        .route("/api/v1/message/{id}/raw", get(mailpit::message::raw))
        .route("/api/v1/message/{id}/part/{part}", get(mailpit::message::part))
        .route("/api/v1/message/{id}/link-check", get(mailpit::message::link_check))
        .route("/api/v1/send", post(mailpit::send::send))
        .route("/api/v1/info", get(mailpit::info::info))
        .route("/api/v1/webui", get(mailpit::info::webui))
        .route("/api/v1/chaos", get(mailpit::chaos::get_chaos).put(mailpit::chaos::set_chaos))
        .route("/api/v1/tags", get(mailpit::tags::tags))
        .route("/api/v1/openapi.json", get(openapi::inbox))
        .route("/api/events", get(mailpit::events::events))
        .route("/view/{file}", get(mailpit::message::view))
        .nest("/__admin", admin::router(state.clone()))
        .merge(web::router())
        .merge(storefront::router())
        .route("/livez", get(|| async { "ok" }))
        .route("/readyz", get(|| async { "ok" }))
        .layer(front::FrontLayer::new(cors(&state), state.clone()))
        .with_state(state)
}

/// Open to every origin (credentials included) unless `--cors-origin` names some.
fn cors(state: &AppState) -> CorsLayer {
    match state.cors_origins() {
        [] => CorsLayer::very_permissive(),
        origins => CorsLayer::very_permissive().allow_origin(origins.to_vec()),
    }
}
