//! The storefront's account area as a real Magento Open Source 2.4.7-p3 answered it
//! (`fixtures/real-store/2.4.7-p3-account-area.jsonl`: Venia's and Alokai's documents, wire-exact,
//! and their error cases), replayed in order against the mock at `--magento-version 2.4.7`:
//! status, the headers that matter and the body, byte for byte.
//!
//! The recording's placeholders (its README) are bound to what the mock answers where they first
//! appear: `<jwt:ROLE>` where `generateCustomerToken` answered a token, `<cart:ROLE>` where
//! `createEmptyCart` answered a cart id. Later requests send the bound values, and later answers
//! must carry them where the store's did.

use std::collections::HashMap;

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{TestApp, spawn_configured};
use crate::recordings::{self, Recording};

const RECORDINGS: &str = include_str!("../../../fixtures/real-store/2.4.7-p3-account-area.jsonl");

/// The base URL the recording's store had (URL rewrites off, so with `index.php/`).
const STORE_BASE: &str = "http://127.0.0.1:8080/index.php/";

fn recordings() -> Vec<Recording> {
    recordings::parse(RECORDINGS)
}

/// Placeholders and what the mock answered for them.
#[derive(Default)]
pub struct Bindings(HashMap<String, String>);

impl Bindings {
    /// Binds `placeholder` to a value the test learnt elsewhere (an emailed token).
    pub fn bind(&mut self, placeholder: &str, value: String) {
        self.0.insert(placeholder.to_owned(), value);
    }

    /// `text` with every bound placeholder replaced.
    pub fn apply(&self, text: &str) -> String {
        self.substitute(text)
    }

    fn substitute(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (placeholder, value) in &self.0 {
            text = text.replace(placeholder.as_str(), value);
        }
        text
    }

    /// Binds every unbound placeholder the recorded answer has as a whole string to the mock's
    /// value at the same place; a value of the wrong shape is a difference.
    fn learn(&mut self, recorded: &Value, ours: &Value, problems: &mut Vec<String>) {
        match (recorded, ours) {
            (Value::String(placeholder), Value::String(value)) if is_placeholder(placeholder) => {
                if self.0.contains_key(placeholder) {
                    return;
                }
                let fits =
                    if placeholder.starts_with("<jwt:") { is_jwt_shaped(value) } else { is_masked_cart_id(value) };
                if fits {
                    self.0.insert(placeholder.clone(), value.clone());
                } else {
                    problems.push(format!("{placeholder} answered as {value:?}, which has the wrong shape"));
                }
            }
            (Value::Object(recorded), Value::Object(ours)) => {
                for (key, value) in recorded {
                    if let Some(our_value) = ours.get(key) {
                        self.learn(value, our_value, problems);
                    }
                }
            }
            (Value::Array(recorded), Value::Array(ours)) => {
                for (value, our_value) in recorded.iter().zip(ours) {
                    self.learn(value, our_value, problems);
                }
            }
            _ => {}
        }
    }
}

fn is_placeholder(text: &str) -> bool {
    (text.starts_with("<jwt:") || text.starts_with("<cart:")) && text.ends_with('>')
}

/// `header.payload.signature`, each part base64url without padding.
fn is_jwt_shaped(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

fn is_masked_cart_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Replays every recording; lists every difference before failing, so one run shows them all.
#[tokio::test]
async fn the_mock_answers_the_storefront_account_area_as_the_real_2_4_7_p3_store_did() {
    let app = spawn_configured("2.4.7", |config| config.storefront_url = STORE_BASE.into())
        .await
        .in_namespace("account-area");
    let mut bindings = Bindings::default();
    let mut differences = Vec::new();
    let recordings = recordings();
    for recording in &recordings {
        let problems = replay(&app, recording, &mut bindings).await;
        if !problems.is_empty() {
            differences.push(format!("{}:\n  {}", recording.name, problems.join("\n  ")));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} recordings differ from the real store:\n{}",
        differences.len(),
        recordings.len(),
        differences.join("\n")
    );
}

pub async fn replay(app: &TestApp, recording: &Recording, bindings: &mut Bindings) -> Vec<String> {
    let request = &recording.request;
    let method = Method::from_bytes(request.method.as_bytes()).expect("a method");
    let mut builder = app.client.request(method, format!("{}{}", app.base, bindings.substitute(&request.path)));
    builder = builder.header("X-Mock-Namespace", &app.namespace);
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), bindings.substitute(value.as_str().expect("a header value")));
    }
    if let Some(body) = &request.body {
        builder = builder.body(bindings.substitute(body));
    }
    let response = builder.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.expect("a body");
    let expected = &recording.response;

    let mut problems = recordings::status_and_header_differences(expected, status, &headers);
    if let (Ok(recorded), Ok(ours)) =
        (serde_json::from_str::<Value>(&expected.body), serde_json::from_str::<Value>(&body))
    {
        bindings.learn(&recorded, &ours, &mut problems);
    }
    let expected_body = bindings.substitute(&expected.body);
    if body != expected_body {
        problems.push(format!("body\n    ours:     {body}\n    recorded: {expected_body}"));
    }
    problems
}
