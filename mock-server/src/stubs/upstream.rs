//! The client to the real store (`--upstream`): a request the mock does not emulate is sent on
//! as it came (GET stays GET, POST stays POST) with the headers a store answers by.

use std::time::Duration;

use reqwest::Url;
use serde_json::{Map, Value, json};

/// Larger answers are refused rather than held in memory.
pub const MAX_UPSTREAM_BODY: usize = 16 * 1024 * 1024;
const TIMEOUT: Duration = Duration::from_secs(30);

/// Answer headers worth keeping: what a storefront or a cache reads. Time-dependent ones
/// (`Date`, `Expires`, `Age`) and cookies are left out.
pub const KEPT_HEADERS: [&str; 10] = [
    "cache-control",
    "content-type",
    "pragma",
    "vary",
    "x-content-type-options",
    "x-frame-options",
    "x-magento-cache-debug",
    "x-magento-cache-id",
    "x-magento-tags",
    "x-xss-protection",
];

#[derive(Clone, Debug)]
pub struct Upstream {
    url: Url,
    client: reqwest::Client,
}

#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("--upstream {0:?} is not an http(s) URL")]
    Url(String),
    #[error("cannot build the upstream client: {0}")]
    Client(reqwest::Error),
    #[error("the upstream store did not answer: {0}")]
    Send(reqwest::Error),
    #[error("the upstream store's answer is larger than {MAX_UPSTREAM_BODY} bytes")]
    TooLarge,
}

/// What is sent on.
#[derive(Debug)]
pub struct Forward<'a> {
    pub method: &'static str,
    pub query: &'a str,
    pub variables: &'a Map<String, Value>,
    pub store: Option<&'a str>,
    pub currency: Option<&'a str>,
    pub bearer_token: Option<&'a str>,
}

/// The store's answer, with the kept headers (names in lower case, sorted).
#[derive(Debug)]
pub struct Answered {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Upstream {
    pub fn new(url: &str) -> Result<Self, UpstreamError> {
        let parsed = Url::parse(url).map_err(|_| UpstreamError::Url(url.to_owned()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(UpstreamError::Url(url.to_owned()));
        }
        // No redirects: a redirected POST would become a GET.
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(UpstreamError::Client)?;
        Ok(Self { url: parsed, client })
    }

    /// The URL without credentials, for files and messages.
    pub fn label(&self) -> String {
        let mut url = self.url.clone();
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.to_string()
    }

    pub async fn send(&self, forward: &Forward<'_>) -> Result<Answered, UpstreamError> {
        let mut request = if forward.method == "GET" {
            let mut url = self.url.clone();
            {
                let mut pairs = url.query_pairs_mut();
                pairs.append_pair("query", forward.query);
                if !forward.variables.is_empty() {
                    pairs.append_pair("variables", &Value::Object(forward.variables.clone()).to_string());
                }
            }
            self.client.get(url)
        } else {
            let body = json!({ "query": forward.query, "variables": forward.variables });
            self.client.post(self.url.clone()).header("content-type", "application/json").body(body.to_string())
        };
        if let Some(store) = forward.store {
            request = request.header("store", store);
        }
        if let Some(currency) = forward.currency {
            request = request.header("content-currency", currency);
        }
        if let Some(token) = forward.bearer_token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let mut response = request.send().await.map_err(UpstreamError::Send)?;
        let status = response.status().as_u16();
        let mut headers: Vec<(String, String)> = KEPT_HEADERS
            .iter()
            .filter_map(|name| {
                let values: Vec<&str> =
                    response.headers().get_all(*name).iter().filter_map(|v| v.to_str().ok()).collect();
                (!values.is_empty()).then(|| ((*name).to_owned(), values.join(", ")))
            })
            .collect();
        headers.sort();
        if response.content_length().is_some_and(|length| length > MAX_UPSTREAM_BODY as u64) {
            return Err(UpstreamError::TooLarge);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(UpstreamError::Send)? {
            if body.len() + chunk.len() > MAX_UPSTREAM_BODY {
                return Err(UpstreamError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answered { status, headers, body })
    }
}
