//! The one error of the library API: each message says what happened and what to look at.

use std::time::Duration;

/// What can go wrong starting the mock or calling its control API and inbox from a test.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockServerError {
    /// The builder's settings do not make a server (a bad storefront URL, fixtures that do not parse).
    #[error("cannot configure the mock: {0}")]
    Config(#[from] crate::config::ConfigError),
    /// `MockServerBuilder::magento_version` was given a release the mock does not imitate.
    #[error(
        "unsupported Magento version {0:?}: expected 2.4.0 to 2.4.8 (a patch such as 2.4.7-p3 behaves as its base release)"
    )]
    UnsupportedVersion(String),
    /// No loopback port could be bound.
    #[error("cannot listen on 127.0.0.1: {0}")]
    Bind(#[source] std::io::Error),
    /// The server stopped with an error while shutting down.
    #[error("the mock stopped with an error: {0}")]
    Serve(#[source] std::io::Error),
    /// The HTTP client could not be built (no TLS is involved: only loopback is asked).
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// The request did not get an answer: the server stopped, or the call was cut off.
    #[error("{method} {url} got no answer (was the MockServer dropped or shut down?): {source}")]
    Unreachable { method: &'static str, url: String, source: reqwest::Error },
    /// The control API refused the call; `reason` is its `error` text.
    #[error("{method} {url} answered {status}: {reason}")]
    Refused { method: &'static str, url: String, status: u16, reason: String },
    /// The answer was not the JSON the OpenAPI document describes.
    #[error("{method} {url} answered something other than the documented JSON ({reason}): {body}")]
    Unexpected { method: &'static str, url: String, reason: String, body: String },
    /// `MockClient::connect` was given something other than the server's base URL.
    #[error("{url:?} is not the mock's base URL (like http://127.0.0.1:4000): {reason}")]
    Url { url: String, reason: String },
    /// A namespace name that cannot be sent as the `X-Mock-Namespace` header.
    #[error("the namespace {0:?} cannot be sent as a header (letters, digits, '.', '_' and '-' only)")]
    Namespace(String),
    /// Nothing matched before the timeout.
    #[error("no request {filter} within {timeout:?} in namespace {namespace:?}")]
    NoRequest { filter: String, namespace: String, timeout: Duration },
    /// No reset email arrived before the timeout; `answers` are what the reset requests for this
    /// address got, which usually says why (an unknown address, a scripted state, a throttle).
    #[error("no reset email to {email} within {timeout:?} in namespace {namespace:?}; {}", describe_answers(answers))]
    NoResetEmail { email: String, namespace: String, timeout: Duration, answers: Vec<String> },
    /// The captured email holds no `createPassword` link (a custom template?).
    #[error("the email {id} to {email} has no reset link (subject {subject:?})")]
    NoResetLink { id: String, email: String, subject: String },
}

fn describe_answers(answers: &[String]) -> String {
    if answers.is_empty() {
        "no reset request for it was made (requestPasswordResetEmail in this namespace)".to_owned()
    } else {
        format!("its reset requests were answered: {}", answers.join(", "))
    }
}

/// The library's results.
pub(crate) type Result<T, E = MockServerError> = std::result::Result<T, E>;
