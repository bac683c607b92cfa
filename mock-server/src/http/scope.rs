//! The namespace a request addresses (`X-Mock-Namespace`, or `?namespace=` on inbox routes), as
//! extractors: the control API answers a bad name with a JSON error, the Mailpit routes with
//! Mailpit's plain text.

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::{AppState, Namespace};

use super::request_headers::{NAMESPACE_HEADER, namespace, valid_namespace};

/// The namespace of an `/__admin` request.
pub struct Scope {
    pub name: String,
    pub namespace: Arc<Namespace>,
}

/// The namespace of a Mailpit-compatible request.
pub struct InboxScope(pub Arc<Namespace>);

pub struct BadNamespace(String);

impl FromRequestParts<AppState> for Scope {
    type Rejection = BadNamespace;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Self::Rejection> {
        let name = namespace(&parts.headers).map_err(|e| BadNamespace(e.to_string()))?;
        let namespace = app.namespace(&name).map_err(|e| BadNamespace(e.to_string()))?;
        Ok(Self { name, namespace })
    }
}

impl IntoResponse for BadNamespace {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, Json(json!({ "error": self.0 }))).into_response()
    }
}

pub struct BadInboxNamespace(String);

impl FromRequestParts<AppState> for InboxScope {
    type Rejection = BadInboxNamespace;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Self::Rejection> {
        let name = match namespace_param(parts) {
            // A browser cannot put a header on an iframe's request (`/view/{ID}.html`).
            Some(name) if !parts.headers.contains_key(NAMESPACE_HEADER) => valid_namespace(&name).map(str::to_owned),
            _ => namespace(&parts.headers),
        }
        .map_err(|e| BadInboxNamespace(e.to_string()))?;
        app.namespace(&name).map(Self).map_err(|e| BadInboxNamespace(e.to_string()))
    }
}

/// `?namespace=NAME`, if the request has it.
fn namespace_param(parts: &Parts) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Param {
        namespace: Option<String>,
    }
    Query::<Param>::try_from_uri(&parts.uri).ok().and_then(|Query(param)| param.namespace)
}

impl IntoResponse for BadInboxNamespace {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{}\n", self.0))
            .into_response()
    }
}
