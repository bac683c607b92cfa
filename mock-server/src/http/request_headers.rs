//! The headers the mock reads on every request: namespace, scripted state, bearer token.

use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use crate::scenarios::{State, UnknownState};

pub const NAMESPACE_HEADER: &str = "x-mock-namespace";
pub const SCENARIO_HEADER: &str = "x-mock-scenario";

// Parsed once: a `&str` name is parsed again on every lookup.
static NAMESPACE: HeaderName = HeaderName::from_static(NAMESPACE_HEADER);
static SCENARIO: HeaderName = HeaderName::from_static(SCENARIO_HEADER);
static STORE: HeaderName = HeaderName::from_static("store");
static CONTENT_CURRENCY: HeaderName = HeaderName::from_static("content-currency");
static RECAPTCHA: HeaderName = HeaderName::from_static("x-recaptcha");

#[derive(Debug, Default)]
pub struct RequestHeaders {
    /// "" is the default namespace.
    pub namespace: String,
    pub scenario: Option<State>,
    pub bearer_token: Option<String>,
    /// Magento's `Store` header (trimmed; absent when empty): the store view's code.
    pub store: Option<String>,
    /// Magento's `Content-Currency` header (trimmed; absent when empty).
    pub currency: Option<String>,
    /// `X-ReCaptcha`: the token reCAPTCHA-guarded mutations need (absent when empty).
    pub recaptcha: Option<String>,
}

/// One of our own headers is wrong; the message names it and says what it takes.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HeaderError {
    #[error("{0}: the value is not visible ASCII")]
    NotVisibleAscii(String),
    #[error("X-Mock-Namespace: {0:?} must be at most 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'")]
    BadNamespace(String),
    #[error("X-Mock-Scenario: {0}")]
    UnknownScenario(#[from] UnknownState),
}

impl RequestHeaders {
    pub fn read(headers: &HeaderMap) -> Result<Self, HeaderError> {
        Ok(Self {
            namespace: namespace(headers)?,
            scenario: match text(headers, &SCENARIO)? {
                Some(state) => Some(state.trim().parse::<State>()?),
                None => None,
            },
            bearer_token: text(headers, &header::AUTHORIZATION)?
                .and_then(|value| value.strip_prefix("Bearer ").map(|t| t.trim().to_owned()))
                .filter(|token| !token.is_empty()),
            store: text(headers, &STORE)?.map(str::trim).filter(|code| !code.is_empty()).map(str::to_owned),
            currency: text(headers, &CONTENT_CURRENCY)?.map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned),
            recaptcha: text(headers, &RECAPTCHA)?.filter(|t| !t.is_empty()).map(str::to_owned),
        })
    }
}

/// The `X-Mock-Namespace` header.
pub fn namespace(headers: &HeaderMap) -> Result<String, HeaderError> {
    match text(headers, &NAMESPACE)? {
        Some(name) => valid_namespace(name).map(str::to_owned),
        None => Ok(String::new()),
    }
}

/// A namespace name: up to 64 of `[A-Za-z0-9._-]` ("" is the default namespace).
pub fn valid_namespace(name: &str) -> Result<&str, HeaderError> {
    let valid = name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if valid { Ok(name) } else { Err(HeaderError::BadNamespace(name.to_owned())) }
}

fn text<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Result<Option<&'a str>, HeaderError> {
    let not_ascii = || HeaderError::NotVisibleAscii(name.as_str().to_owned());
    headers.get(name).map(|value| value.to_str().map_err(|_| not_ascii())).transpose()
}

/// Our own headers are wrong: say so plainly (this is not a Magento answer).
pub fn bad_header(message: impl std::fmt::Display) -> Response {
    let body = json!({ "errors": [{ "message": message.to_string(), "extensions": { "category": "mock-server" } }] });
    super::answer::json_response(StatusCode::BAD_REQUEST, body.to_string())
}
