//! What stops a run outside the checks (exit status 2): bad options, a target that cannot be
//! reached, files that cannot be read or written. Each message says what to fix.

use std::path::PathBuf;

use reqwest::Url;

use crate::release::Release;

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("--cases must be at least 1 (a property over no input checks nothing)")]
    NoCases,
    #[error("--header {0:?} is not 'Name: value'")]
    HeaderShape(String),
    #[error("--header {line:?}: {reason}")]
    Header { line: String, reason: String },
    #[error("{what} {text:?} is not a URL: {reason}")]
    Url { what: &'static str, text: String, reason: String },
    #[error("{what} {text:?} is not an http(s) URL")]
    NotHttp { what: &'static str, text: String },
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
    #[error("the built-in mock cannot imitate {0}")]
    BuiltinRelease(Release),
    #[error("cannot start the built-in mock: {0}")]
    BuiltinStart(#[source] mock_server::MockServerError),
    #[error("the target {url} cannot be reached: {reason}")]
    Unreachable { url: Url, reason: String },
    #[error("the target {url} answered HTTP {status} with no body")]
    NoBody { url: Url, status: u16 },
    #[error("the control API {url} does not work: {reason}")]
    ControlApi { url: Url, reason: String },
    /// A prerequisite of the run is missing (the reason says which).
    #[error("{0}")]
    Missing(String),
    #[error("the namespace {0:?} cannot be sent as a header")]
    Namespace(String),
    #[error("cannot open a session for {0}")]
    Session(String),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot create {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("--golden {0} holds no .snap file")]
    NoGoldenFile(PathBuf),
    #[error("cannot write the JUnit report: {0}")]
    Junit(#[from] quick_junit::SerializeError),
    /// The store answered reCAPTCHA's refusal: what to do about it (see `run::recaptcha_message`).
    #[error("{0}")]
    Recaptcha(String),
    #[error("email-verdicts.jsonl line {line}: {source}")]
    Corpus { line: usize, source: serde_json::Error },
}
