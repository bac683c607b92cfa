//! The namespace a request addresses (`X-Mock-Namespace`), as extractors: the control API
//! answers a bad header with a JSON error, the Mailpit routes with Mailpit's plain text.

use std::sync::Arc;

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::{AppState, Namespace};

use super::request_headers::namespace;

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
        let name = namespace(&parts.headers).map_err(BadNamespace)?;
        let namespace = app.namespace(&name);
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
        let name = namespace(&parts.headers).map_err(BadInboxNamespace)?;
        Ok(Self(app.namespace(&name)))
    }
}

impl IntoResponse for BadInboxNamespace {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{}\n", self.0))
            .into_response()
    }
}
