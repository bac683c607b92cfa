//! The headers the mock reads on every request: namespace, scripted state, bearer token.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
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
        let found = Found::of(headers);
        Ok(Self {
            namespace: match text(&NAMESPACE, found.namespace)? {
                Some(name) => valid_namespace(name)?.to_owned(),
                None => String::new(),
            },
            scenario: match text(&SCENARIO, found.scenario)? {
                Some(state) => Some(state.trim().parse::<State>()?),
                None => None,
            },
            bearer_token: text(&header::AUTHORIZATION, found.authorization)?
                .and_then(|value| value.strip_prefix("Bearer ").map(|t| t.trim().to_owned()))
                .filter(|token| !token.is_empty()),
            store: text(&STORE, found.store)?.map(str::trim).filter(|code| !code.is_empty()).map(str::to_owned),
            currency: text(&CONTENT_CURRENCY, found.currency)?
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            recaptcha: text(&RECAPTCHA, found.recaptcha)?.filter(|t| !t.is_empty()).map(str::to_owned),
        })
    }
}

/// The first value of each header [`RequestHeaders`] reads, as `HeaderMap::get` gives it, found
/// in one pass: a request has a handful of headers, and six hashed lookups cost more than
/// comparing each name.
#[derive(Default)]
struct Found<'a> {
    namespace: Option<&'a HeaderValue>,
    scenario: Option<&'a HeaderValue>,
    authorization: Option<&'a HeaderValue>,
    store: Option<&'a HeaderValue>,
    currency: Option<&'a HeaderValue>,
    recaptcha: Option<&'a HeaderValue>,
}

impl<'a> Found<'a> {
    fn of(headers: &'a HeaderMap) -> Self {
        let mut found = Self::default();
        for (name, value) in headers {
            let slot = if name == header::AUTHORIZATION {
                &mut found.authorization
            } else if name == NAMESPACE {
                &mut found.namespace
            } else if name == SCENARIO {
                &mut found.scenario
            } else if name == STORE {
                &mut found.store
            } else if name == CONTENT_CURRENCY {
                &mut found.currency
            } else if name == RECAPTCHA {
                &mut found.recaptcha
            } else {
                continue;
            };
            slot.get_or_insert(value);
        }
        found
    }
}

/// The `X-Mock-Namespace` header.
pub fn namespace(headers: &HeaderMap) -> Result<String, HeaderError> {
    match text(&NAMESPACE, headers.get(&NAMESPACE))? {
        Some(name) => valid_namespace(name).map(str::to_owned),
        None => Ok(String::new()),
    }
}

/// A namespace name: up to 64 of `[A-Za-z0-9._-]` ("" is the default namespace).
pub fn valid_namespace(name: &str) -> Result<&str, HeaderError> {
    let valid = name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if valid { Ok(name) } else { Err(HeaderError::BadNamespace(name.to_owned())) }
}

fn text<'a>(name: &HeaderName, value: Option<&'a HeaderValue>) -> Result<Option<&'a str>, HeaderError> {
    let not_ascii = || HeaderError::NotVisibleAscii(name.as_str().to_owned());
    value.map(|value| value.to_str().map_err(|_| not_ascii())).transpose()
}

/// Our own headers are wrong: say so plainly (this is not a Magento answer).
pub fn bad_header(message: impl std::fmt::Display) -> Response {
    let body = json!({ "errors": [{ "message": message.to_string(), "extensions": { "category": "mock-server" } }] });
    super::answer::json_response(StatusCode::BAD_REQUEST, body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_header_read_is_its_first_value_as_get_gives_it() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("host", "example.com"),
            ("store", " second_view "),
            ("x-mock-namespace", "team-a"),
            ("store", "third_view"),
            ("authorization", "Bearer  abc "),
            ("x-mock-namespace", "team-b"),
            ("content-currency", "EUR"),
            ("x-recaptcha", "token"),
            ("x-mock-scenario", "locked"),
        ] {
            headers.append(HeaderName::from_static(name), HeaderValue::from_static(value));
        }
        let found = Found::of(&headers);
        for (name, value) in [
            (&NAMESPACE, found.namespace),
            (&SCENARIO, found.scenario),
            (&header::AUTHORIZATION, found.authorization),
            (&STORE, found.store),
            (&CONTENT_CURRENCY, found.currency),
            (&RECAPTCHA, found.recaptcha),
        ] {
            assert_eq!(value, headers.get(name), "{name}");
        }
        let read = RequestHeaders::read(&headers).unwrap();
        assert_eq!(read.namespace, "team-a");
        assert_eq!(read.store.as_deref(), Some("second_view"));
        assert_eq!(read.bearer_token.as_deref(), Some("abc"));
        assert_eq!(read.scenario, Some(State::Locked));
    }

    #[test]
    fn the_namespace_is_checked_before_the_others() {
        let mut headers = HeaderMap::new();
        headers.insert(SCENARIO.clone(), HeaderValue::from_static("no-such-state"));
        headers.insert(NAMESPACE.clone(), HeaderValue::from_static("bad name"));
        assert!(matches!(RequestHeaders::read(&headers), Err(HeaderError::BadNamespace(_))));
        headers.remove(&NAMESPACE);
        assert!(matches!(RequestHeaders::read(&headers), Err(HeaderError::UnknownScenario(_))));
    }
}
