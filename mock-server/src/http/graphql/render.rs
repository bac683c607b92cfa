//! The last stage, render: the answer's status, body and cache flag, and the answers the other
//! stages give when they refuse a request.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use crate::http::answer::json_response;
use crate::http::cache_headers::CacheContext;
use crate::magento::render::{WireError, response_body, shown_errors};
use crate::magento::validation::ValidationError;
use crate::magento::{Category, MagentoMode, MagentoVersion, StatusFamily};
use crate::scenarios::{State, faults};

/// What the root fields answered.
pub(super) enum Data {
    /// The executor's `data` object.
    Object(Value),
    /// The direct path's one root field, whose body is already written: the journal reads it
    /// by key, so no `data` map (an `IndexMap`, hashed and allocated) is built for it.
    Field { key: String, value: Value },
}

impl Data {
    /// The answer of the root field with this response key.
    pub(super) fn field(&self, key: &str) -> Option<&Value> {
        match self {
            Data::Object(data) => data.get(key),
            Data::Field { key: field, value } => (field == key).then_some(value),
        }
    }

    /// The `data` object as it is rendered.
    pub(super) fn into_value(self) -> Value {
        match self {
            Data::Object(data) => data,
            Data::Field { key, value } => Value::Object([(key, value)].into_iter().collect()),
        }
    }
}

/// What execution produced, ready to be written.
pub(super) struct Rendered<'a> {
    pub(super) status: StatusCode,
    pub(super) errors: &'a [WireError],
    pub(super) data: Option<Data>,
    /// Already written (the direct path's template).
    pub(super) body: Option<String>,
    pub(super) fault: Option<State>,
    /// Every root field has a cache identity.
    pub(super) cacheable_fields: bool,
}

/// The answer with every header: Magento's JSON (or the scripted malformed text), stored by the
/// full-page cache only when it is a query of cacheable fields that succeeded.
pub(super) fn render(rendered: Rendered<'_>, version: MagentoVersion, cache: &CacheContext<'_>) -> Response {
    let Rendered { status, errors, data, body, fault, cacheable_fields } = rendered;
    let body = body.unwrap_or_else(|| response_body(errors, data.map(Data::into_value), version));
    if fault == Some(State::MalformedJson) {
        return cache.apply(json_response(status, faults::malformed(&body)));
    }
    cache.json_answer(status, body, errors.is_empty() && cacheable_fields)
}

/// Root fields whose schema declares `@cache(cacheIdentity: ...)` (StoreGraphQl's `storeConfig`
/// and `availableStores`): the only answers Magento's built-in full-page cache stores.
pub(super) fn has_cache_identity(field: &str) -> bool {
    matches!(field, "storeConfig" | "availableStores")
}

/// 2.4.8's `getHttpResponseCode`: the first error with a category decides (401, 403 or 200).
pub(super) fn status_for(errors: &[WireError], version: MagentoVersion) -> StatusCode {
    if version.statuses() == StatusFamily::CatchAll {
        return StatusCode::OK;
    }
    match errors.iter().find_map(|e| e.category) {
        Some(Category::Authentication) => StatusCode::UNAUTHORIZED,
        Some(Category::Authorization) => StatusCode::FORBIDDEN,
        _ => StatusCode::OK,
    }
}

/// A refusal by the controller's validators: 500 up to 2.4.7 (its catch-all status), 400 in 2.4.8.
pub(super) fn request_failure(version: MagentoVersion, message: &str) -> Response {
    let status = match version.statuses() {
        StatusFamily::Mapped => StatusCode::BAD_REQUEST,
        StatusFamily::CatchAll => StatusCode::INTERNAL_SERVER_ERROR,
    };
    json_response(status, response_body(&[WireError::request_level(message)], None, version))
}

/// A document refused by validation (or coercion): HTTP 200, no `data`.
pub(super) fn validation_failure(errors: Vec<ValidationError>, version: MagentoVersion, mode: MagentoMode) -> Response {
    let errors: Vec<WireError> = errors.into_iter().map(|e| WireError::validation(e, version)).collect();
    json_response(StatusCode::OK, response_body(&shown_errors(errors, version, mode), None, version))
}

/// An exception before execution: the status Magento gives a syntax error.
pub(super) fn thrown(error: WireError, version: MagentoVersion, empty_query: bool) -> Response {
    let status =
        StatusCode::from_u16(version.syntax_error_status(empty_query)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json_response(status, response_body(&[error], None, version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::request_headers::RequestHeaders;

    async fn body_of(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    fn version(patch: u8) -> MagentoVersion {
        MagentoVersion::from_patch(patch).unwrap()
    }

    #[tokio::test]
    async fn a_success_is_cacheable_only_for_fields_with_a_cache_identity() {
        let data = || Some(Data::Object(serde_json::json!({"storeConfig": {"store_name": "Main"}})));
        let rendered = |cacheable_fields| Rendered {
            status: StatusCode::OK,
            errors: &[],
            data: data(),
            body: None,
            fault: None,
            cacheable_fields,
        };
        // A GET the built-in full-page cache stores loses its tags.
        let get = CacheContext::of(version(7), b"", &RequestHeaders::default(), true);
        let cached = render(rendered(true), version(7), &get);
        assert!(cached.headers().get("x-magento-tags").is_none());
        assert_eq!(body_of(cached).await, r#"{"data":{"storeConfig":{"store_name":"Main"}}}"#);
        assert_eq!(render(rendered(false), version(7), &get).headers()["x-magento-tags"], "FPC");
        let post = CacheContext::of(version(7), b"{}", &RequestHeaders::default(), false);
        assert_eq!(render(rendered(true), version(7), &post).headers()["x-magento-tags"], "FPC");
        assert!(has_cache_identity("storeConfig") && !has_cache_identity("requestPasswordResetEmail"));
    }

    #[tokio::test]
    async fn a_scripted_malformed_answer_is_cut_short() {
        let data = Some(Data::Object(serde_json::json!({"requestPasswordResetEmail": true})));
        let rendered = Rendered {
            status: StatusCode::OK,
            errors: &[],
            data,
            body: None,
            fault: Some(State::MalformedJson),
            cacheable_fields: false,
        };
        let cache = CacheContext::of(version(7), b"", &RequestHeaders::default(), false);
        let body = body_of(render(rendered, version(7), &cache)).await;
        assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");
    }

    #[tokio::test]
    async fn refusals_use_the_release_s_statuses() {
        assert_eq!(request_failure(version(7), "no").status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(request_failure(version(8), "no").status(), StatusCode::BAD_REQUEST);
        let auth = WireError { category: Some(Category::Authentication), ..WireError::request_level("who?") };
        assert_eq!(status_for(std::slice::from_ref(&auth), version(8)), StatusCode::UNAUTHORIZED);
        assert_eq!(status_for(&[auth], version(7)), StatusCode::OK);
        let refused = validation_failure(vec![ValidationError::new("bad", vec![])], version(7), MagentoMode::Default);
        assert_eq!(refused.status(), StatusCode::OK);
        // 2.4.7 (webonyx 15): a validation error carries no category.
        assert_eq!(body_of(refused).await, r#"{"errors":[{"message":"bad"}]}"#);
    }
}
