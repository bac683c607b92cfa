//! The target over HTTP: a GraphQL endpoint plus extra headers (and the namespace, when the
//! target is the mock). Every [`Answer`] keeps the request that produced it, for the report.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Client, Method, RequestBuilder, Url};
use serde_json::{Value, json};

use crate::error::SetupError;
pub use crate::outcome::Answer;
use crate::outcome::Stop;

/// How long one request may take before it counts as a deviation, by default.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// The message of Magento's reCAPTCHA plugin when a protected mutation comes without a valid token.
pub const RECAPTCHA_FAILED: &str = "ReCaptcha validation failed, please try again";

/// The traffic to the target, shared by every client of a run: the pace (`--rate`), how many
/// requests may be in flight (`--concurrency`), what was sent, and whether the store asked for
/// reCAPTCHA (which stops the run).
#[derive(Debug)]
pub struct Traffic {
    /// Least time between two requests to the target.
    pub interval: Option<Duration>,
    next: tokio::sync::Mutex<tokio::time::Instant>,
    in_flight: tokio::sync::Semaphore,
    /// Requests sent to the target (GraphQL), and to other services (inbox, control API).
    pub sent: AtomicU64,
    pub other: AtomicU64,
    recaptcha: Mutex<Option<String>>,
}

impl Traffic {
    /// `rate` requests per second at most (`None`: as fast as answers come), `concurrency` at once.
    pub fn new(rate: Option<f64>, concurrency: usize) -> Arc<Self> {
        Arc::new(Traffic {
            interval: rate.filter(|r| *r > 0.0).map(|r| Duration::from_secs_f64(1.0 / r)),
            next: tokio::sync::Mutex::new(tokio::time::Instant::now()),
            in_flight: tokio::sync::Semaphore::new(concurrency.max(1)),
            sent: AtomicU64::new(0),
            other: AtomicU64::new(0),
            recaptcha: Mutex::new(None),
        })
    }

    /// Waits for this request's turn under `--rate`.
    async fn pace(&self) {
        let Some(interval) = self.interval else { return };
        let at = {
            let mut next = self.next.lock().await;
            let now = tokio::time::Instant::now();
            let at = (*next).max(now);
            *next = at + interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// The request that met reCAPTCHA, once one has.
    pub fn recaptcha(&self) -> Option<String> {
        self.recaptcha.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }
}

/// Whether a GraphQL string literal can carry `text`: webonyx's lexer refuses every character
/// below U+0020 but tab inside a string literal, raw or escaped (magento-behaviour.md section 0),
/// so such strings travel only as variables.
pub fn literal_safe(text: &str) -> bool {
    text.chars().all(|c| c >= ' ' || c == '\t')
}

/// A GraphQL string literal: quotes and backslashes escaped, everything else as it is (UTF-8).
/// Only for [`literal_safe`] text.
pub fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Laid out like the documented example: the field at line 2, column 3.
pub fn request_reset_document(email: &str) -> String {
    format!("mutation {{\n  requestPasswordResetEmail(email: {})\n}}", literal(email))
}

/// The same request with its email as a variable (the field still at line 2, column 3).
pub const REQUEST_RESET_VARIABLES: &str = "mutation reset($e: String!) {\n  requestPasswordResetEmail(email: $e)\n}";
/// `resetPassword` with variables, the field at line 2, column 3.
pub const RESET_PASSWORD_VARIABLES: &str = "mutation reset($e: String!, $t: String!, $p: String!) {\n  resetPassword(email: $e, resetPasswordToken: $t, newPassword: $p)\n}";
/// `generateCustomerToken` with variables, the field at line 2, column 3.
pub const SIGN_IN_VARIABLES: &str = "mutation signIn($e: String!, $p: String!) {\n  generateCustomerToken(email: $e, password: $p) {\n    token\n  }\n}";

pub fn reset_password_document(email: &str, token: &str, new_password: &str) -> String {
    format!(
        "mutation {{\n  resetPassword(email: {}, resetPasswordToken: {}, newPassword: {})\n}}",
        literal(email),
        literal(token),
        literal(new_password)
    )
}

pub fn sign_in_document(email: &str, password: &str) -> String {
    format!(
        "mutation {{\n  generateCustomerToken(email: {}, password: {}) {{\n    token\n  }}\n}}",
        literal(email),
        literal(password)
    )
}

/// The GraphQL endpoint with the headers every request carries.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub client: Client,
    pub graphql: Url,
    pub headers: HeaderMap,
    pub traffic: Arc<Traffic>,
    /// Whether a reCAPTCHA refusal is what this endpoint's requests test (the reCAPTCHA checks),
    /// so that it does not stop the run.
    pub recaptcha_expected: bool,
}

impl Endpoint {
    /// An endpoint with no pace, one request at a time, the default timeout.
    pub fn new(graphql: Url, headers: HeaderMap) -> Result<Self, SetupError> {
        Self::with_traffic(graphql, headers, REQUEST_TIMEOUT, Traffic::new(None, 64))
    }

    /// An endpoint whose requests time out after `timeout` and share `traffic`.
    pub fn with_traffic(
        graphql: Url,
        headers: HeaderMap,
        timeout: Duration,
        traffic: Arc<Traffic>,
    ) -> Result<Self, SetupError> {
        let client = Client::builder().timeout(timeout).build().map_err(SetupError::HttpClient)?;
        Ok(Self { client, graphql, headers, traffic, recaptcha_expected: false })
    }

    /// The same endpoint with one more header on every request.
    pub fn with_header(&self, name: &'static str, value: &str) -> Result<Self, Stop> {
        let mut headers = self.headers.clone();
        let value = HeaderValue::from_str(value).map_err(|e| Stop::error(format!("bad header value: {e}")))?;
        headers.insert(HeaderName::from_static(name), value);
        Ok(Self { headers, ..self.clone() })
    }

    /// The same endpoint whose reCAPTCHA refusals are expected answers, not a reason to stop the run.
    #[must_use]
    pub fn expecting_recaptcha(&self) -> Self {
        Self { recaptcha_expected: true, ..self.clone() }
    }

    pub fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.client.request(method, url).headers(self.headers.clone())
    }

    /// Sends and reads the whole answer; a transport failure is a deviation.
    pub async fn send(&self, request: RequestBuilder, described_body: &str) -> Result<Answer, Stop> {
        let built = request.build().map_err(|e| Stop::error(format!("cannot build a request: {e}")))?;
        let mut shown: String = described_body.chars().take(800).collect();
        if shown.len() < described_body.len() {
            shown.push_str(&format!("… ({} bytes)", described_body.len()));
        }
        let description = format!("{} {}\n{shown}", built.method(), built.url());
        let to_target = built.url().origin() == self.graphql.origin() && built.url().path() == self.graphql.path();
        let _permit = if to_target {
            self.traffic.pace().await;
            self.traffic.sent.fetch_add(1, Ordering::Relaxed);
            self.traffic.in_flight.acquire().await.ok()
        } else {
            self.traffic.other.fetch_add(1, Ordering::Relaxed);
            None
        };
        let response = self.client.execute(built).await.map_err(|e| Stop::transport(&description, &e))?;
        let status = response.status().as_u16();
        let content_type =
            response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let body = response.text().await.map_err(|e| Stop::transport(&description, &e))?;
        if to_target && !self.recaptcha_expected && body.contains(RECAPTCHA_FAILED) {
            let mut seen = self.traffic.recaptcha.lock().unwrap_or_else(PoisonError::into_inner);
            seen.get_or_insert_with(|| description.clone());
        }
        Ok(Answer { request: description, status, content_type, body })
    }

    pub async fn post_json(&self, body: &Value) -> Result<Answer, Stop> {
        let text = body.to_string();
        let request = self
            .request(Method::POST, self.graphql.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(text.clone());
        self.send(request, &text).await
    }

    pub async fn post_raw(&self, content_type: &str, body: String) -> Result<Answer, Stop> {
        let request =
            self.request(Method::POST, self.graphql.clone()).header(CONTENT_TYPE, content_type).body(body.clone());
        self.send(request, &body).await
    }

    pub async fn get_query(&self, query: &str) -> Result<Answer, Stop> {
        let mut url = self.graphql.clone();
        url.query_pairs_mut().append_pair("query", query);
        self.send(self.request(Method::GET, url), "").await
    }

    pub async fn graphql(&self, document: &str) -> Result<Answer, Stop> {
        self.post_json(&json!({ "query": document })).await
    }

    pub async fn graphql_with(&self, document: &str, variables: Value) -> Result<Answer, Stop> {
        self.post_json(&json!({ "query": document, "variables": variables })).await
    }

    /// A document with variables, as the customer `token` when one is given (`Authorization: Bearer`).
    pub async fn graphql_as(&self, token: Option<&str>, document: &str, variables: Value) -> Result<Answer, Stop> {
        let text = json!({ "query": document, "variables": variables }).to_string();
        let mut request = self
            .request(Method::POST, self.graphql.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(text.clone());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let shown = match token {
            Some(token) => format!("Authorization: Bearer {}…\n{text}", token.chars().take(12).collect::<String>()),
            None => text,
        };
        self.send(request, &shown).await
    }

    /// The documented request, as a literal when one can carry the email, else as a variable.
    pub async fn request_reset(&self, email: &str) -> Result<Answer, Stop> {
        if literal_safe(email) {
            self.graphql(&request_reset_document(email)).await
        } else {
            self.graphql_with(REQUEST_RESET_VARIABLES, json!({ "e": email })).await
        }
    }

    /// `resetPassword`, as literals when they can carry the arguments, else as variables.
    pub async fn reset_password(&self, email: &str, token: &str, new_password: &str) -> Result<Answer, Stop> {
        if [email, token, new_password].iter().all(|t| literal_safe(t)) {
            self.graphql(&reset_password_document(email, token, new_password)).await
        } else {
            self.graphql_with(RESET_PASSWORD_VARIABLES, json!({ "e": email, "t": token, "p": new_password })).await
        }
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Result<Answer, Stop> {
        if literal_safe(email) && literal_safe(password) {
            self.graphql(&sign_in_document(email, password)).await
        } else {
            self.graphql_with(SIGN_IN_VARIABLES, json!({ "e": email, "p": password })).await
        }
    }

    /// `storeConfig { <field> }` as a string, `None` when the store does not have the field.
    pub async fn store_config(&self, field: &str) -> Result<Option<String>, Stop> {
        let answer = self.graphql(&format!("{{ storeConfig {{ {field} }} }}")).await?;
        let body = answer.json()?;
        if body.get("errors").is_some() {
            return Ok(None);
        }
        Ok(body["data"]["storeConfig"][field].as_str().map(str::to_owned))
    }

    /// `customer { firstname lastname }` with a customer token: the name the reset email greets.
    pub async fn customer_name(&self, customer_token: &str) -> Result<Option<String>, Stop> {
        let request = self
            .request(Method::POST, self.graphql.clone())
            .header(CONTENT_TYPE, "application/json")
            .bearer_auth(customer_token)
            .body(json!({ "query": "{ customer { firstname lastname } }" }).to_string());
        let answer = self.send(request, "{ customer { firstname lastname } }").await?;
        let body = answer.json()?;
        let customer = &body["data"]["customer"];
        Ok(match (customer["firstname"].as_str(), customer["lastname"].as_str()) {
            (Some(first), Some(last)) => Some(format!("{first} {last}")),
            _ => None,
        })
    }
}

/// The customer token of a successful `generateCustomerToken` answer.
pub fn customer_token(answer: &Answer) -> Option<String> {
    answer.data("generateCustomerToken")?.get("token")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_and_backslashes_and_refuse_control_characters() {
        assert_eq!(literal("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(literal("é😀"), "\"é😀\"");
        assert!(literal_safe("a\tb é"));
        assert!(!literal_safe("a\u{1}b@example.com"), "webonyx refuses controls in literals");
        assert!(!literal_safe("a\nb"));
    }
}
