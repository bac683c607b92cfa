//! The responses of the stubs stage: a stub's or the store's bytes as they are, and the
//! mock's own errors in Magento's error JSON shape.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::key::Identity;
use super::matching::Stub;

/// Marks an answer whose headers are a stub's or the store's: the page-cache headers the mock
/// adds to its own answers must not touch them.
#[derive(Clone, Copy, Debug)]
pub struct Replayed;

/// The status, headers and body exactly as given (`application/json` when no type is given).
pub fn raw(status: StatusCode, headers: &[(HeaderName, HeaderValue)], body: Vec<u8>) -> Response {
    let mut response = (status, Body::from(body)).into_response();
    let map = response.headers_mut();
    for (name, value) in headers {
        map.append(name.clone(), value.clone());
    }
    if !map.contains_key(header::CONTENT_TYPE) {
        map.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    response.extensions_mut().insert(Replayed);
    response
}

/// An error of the mock's own (not a Magento answer), shaped like Magento's error JSON.
pub fn mock_error(status: StatusCode, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "category": "mock-server" } }] });
    raw(status, &[], body.to_string().into_bytes())
}

/// A request no recording or stub answers: what was asked, the recordings of the same
/// operation with what differs, and how to record it.
pub fn unrecorded(request: &Identity, nearest: &[&std::sync::Arc<Stub>], upstream: Option<&str>) -> Response {
    let name = request.operation_name.as_deref().map_or_else(|| "(anonymous)".to_owned(), |n| format!("\"{n}\""));
    let mut message = format!(
        "mock-server has no recording of this request: operation {name}, root fields {}, {}, variables {}, store {}, currency {}, {}.",
        request.root_fields.join(", "),
        request.method,
        request.variables,
        request.store.as_deref().unwrap_or("(none)"),
        request.currency.as_deref().unwrap_or("(none)"),
        if request.signed_in { "signed in" } else { "guest" },
    );
    if nearest.is_empty() {
        message.push_str(" No recording of this operation exists.");
    } else {
        let near: Vec<String> = nearest.iter().take(5).map(|stub| describe(stub)).collect();
        message.push_str(&format!(" Recordings of the same operation: {}.", near.join("; ")));
    }
    let how = match upstream {
        Some(url) => format!(" Record it: mock-server --upstream {url} --record DIR (or --unrecorded forward)."),
        None => " Record it: mock-server --upstream https://<store>/graphql --record DIR, then --stubs DIR; or add a stub with POST /__admin/stubs.".to_owned(),
    };
    message.push_str(&how);
    let body = json!({ "errors": [{ "message": message, "extensions": { "category": "mock-server-unrecorded" } }] });
    raw(StatusCode::OK, &[], body.to_string().into_bytes())
}

fn describe(stub: &Stub) -> String {
    let request = &stub.file.request;
    format!(
        "{} (variables {}, store {}, {})",
        stub.id,
        request.variables.clone().unwrap_or(Value::Null),
        request.store.as_deref().unwrap_or("(none)"),
        if request.signed_in == Some(true) { "signed in" } else { "guest" }
    )
}

/// A resolver's `Internal server error` for the first root field, as the release renders it.
pub fn internal_error(request: &Identity, version: crate::magento::MagentoVersion) -> Response {
    use crate::magento::render::{WireError, response_body};
    use crate::magento::{Category, ErrorShape};
    let field = request.root_fields.first().cloned().unwrap_or_default();
    let error = WireError {
        message: "Internal server error".into(),
        locations: Vec::new(),
        path: vec![Value::String(field.clone())],
        category: (version.shape() == ErrorShape::Webonyx14).then_some(Category::Internal),
    };
    let body = response_body(&[error], Some(json!({ field: null })), version);
    raw(StatusCode::OK, &[], body.into_bytes())
}
