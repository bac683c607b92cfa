//! The target over HTTP: a GraphQL endpoint plus extra headers (and the namespace, when the
//! target is the mock). Every [`Answer`] keeps the request that produced it, for the report.

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Client, Method, RequestBuilder, Url};
use serde_json::{Value, json};

use crate::check::Stop;

/// How long one request may take before it counts as a deviation.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// A response as bytes on the wire, with the request that produced it.
#[derive(Clone, Debug)]
pub struct Answer {
    /// `METHOD URL` then the body sent (shortened when long).
    pub request: String,
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Answer {
    /// What a golden file holds: the status line and the exact body.
    pub fn golden(&self) -> String {
        format!("HTTP {}\n{}", self.status, self.body)
    }

    pub fn json(&self) -> Result<Value, Stop> {
        serde_json::from_str(&self.body)
            .map_err(|e| Stop::deviation(self, format!("the answer is not JSON ({e})"), None))
    }

    /// The first error's message, when the body is JSON with errors.
    pub fn message(&self) -> Option<String> {
        let body: Value = serde_json::from_str(&self.body).ok()?;
        body.get("errors")?.get(0)?.get("message")?.as_str().map(str::to_owned)
    }

    /// `data.<field>` when present.
    pub fn data(&self, field: &str) -> Option<Value> {
        let body: Value = serde_json::from_str(&self.body).ok()?;
        body.get("data")?.get(field).cloned()
    }
}

/// A GraphQL string literal. JSON's escaping is valid GraphQL; non-ASCII characters are written
/// as `\uXXXX` (surrogate pairs above U+FFFF) so the document itself stays ASCII.
pub fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// Laid out like the documented example: the field at line 2, column 3.
pub fn request_reset_document(email: &str) -> String {
    format!("mutation {{\n  requestPasswordResetEmail(email: {})\n}}", literal(email))
}

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
}

impl Endpoint {
    pub fn new(graphql: Url, headers: HeaderMap) -> Result<Self, String> {
        let client = Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self { client, graphql, headers })
    }

    /// The same endpoint with one more header on every request.
    pub fn with_header(&self, name: &'static str, value: &str) -> Result<Self, Stop> {
        let mut headers = self.headers.clone();
        let value = HeaderValue::from_str(value).map_err(|e| Stop::error(format!("bad header value: {e}")))?;
        headers.insert(HeaderName::from_static(name), value);
        Ok(Self { client: self.client.clone(), graphql: self.graphql.clone(), headers })
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
        let response = self.client.execute(built).await.map_err(|e| Stop::transport(&description, &e))?;
        let status = response.status().as_u16();
        let content_type =
            response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let body = response.text().await.map_err(|e| Stop::transport(&description, &e))?;
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

    pub async fn request_reset(&self, email: &str) -> Result<Answer, Stop> {
        self.graphql(&request_reset_document(email)).await
    }

    pub async fn reset_password(&self, email: &str, token: &str, new_password: &str) -> Result<Answer, Stop> {
        self.graphql(&reset_password_document(email, token, new_password)).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Result<Answer, Stop> {
        self.graphql(&sign_in_document(email, password)).await
    }

    /// The store's name from `storeConfig` (the email subject names it).
    pub async fn store_name(&self) -> Result<String, Stop> {
        let answer = self.graphql("{ storeConfig { store_name } }").await?;
        let body = answer.json()?;
        body["data"]["storeConfig"]["store_name"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Stop::deviation(&answer, "storeConfig { store_name } gave no name", None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_backslashes_and_everything_outside_printable_ascii() {
        assert_eq!(literal("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(literal("é\n"), r#""\u00E9\u000A""#);
        assert_eq!(literal("😀"), r#""\uD83D\uDE00""#);
    }
}
