//! The answers a real Magento Open Source 2.4.7-p3 store gave (fixtures/real-store/), replayed in
//! their recorded order against the mock at `--magento-version 2.4.7`: status, the headers that
//! matter and the body, byte for byte. Only what the store's README says was redacted (account
//! emails, the mailed token, customer tokens) and what differs on every run (the cache id, the
//! error page's log record number) is normalised.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, spawn_configured};
use crate::recordings::{self, Recording};

const RECORDINGS: &str = include_str!("../../../fixtures/real-store/2.4.7-p3-answers.jsonl");

/// The accounts the recording names `activeN` and `lockedN` (its upper-case probe spells the number out).
const ACTIVE: &str = "active883454@example.com";
const LOCKED: &str = "locked883454@example.com";
const ACTIVE_PASSWORD: &str = "Roni-Cost3!x";
/// The base URL the recording's store had (URL rewrites off, so with `index.php/`).
const STORE_BASE: &str = "http://127.0.0.1:8080/index.php/";

fn recordings() -> Vec<Recording> {
    recordings::parse(RECORDINGS)
}

async fn store_like_app() -> TestApp {
    let app =
        spawn_configured("2.4.7", |config| config.storefront_url = STORE_BASE.into()).await.in_namespace("real-store");
    for (email, locked) in [(ACTIVE, false), (LOCKED, true)] {
        let customer = json!({ "email": email, "password": ACTIVE_PASSWORD, "firstname": "Veronica", "lastname": "Costello", "locked": locked });
        let answer = TestApp::send(app.post("/__admin/customers").json(&customer)).await;
        assert!(answer.status.is_success(), "{}", answer.body);
    }
    app
}

/// Replays every recording; lists every difference before failing, so one run shows them all.
#[tokio::test]
async fn the_mock_answers_what_the_real_2_4_7_p3_store_answered() {
    let app = store_like_app().await;
    let mut token = String::from("<no token mailed yet>");
    let mut differences = Vec::new();
    for recording in recordings() {
        let substitute = |text: &str| {
            text.replace("activeN@example.com", ACTIVE)
                .replace("lockedN@example.com", LOCKED)
                .replace("<the mailed 32-char token>", &token)
        };
        let request = &recording.request;
        let method = Method::from_bytes(request.method.as_bytes()).expect("a method");
        let mut builder = app.client.request(method, format!("{}{}", app.base, substitute(&request.path)));
        builder = builder.header("X-Mock-Namespace", &app.namespace);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str().expect("a header value"));
        }
        if let Some(body) = &request.body {
            builder = builder.body(substitute(body));
        }
        let response = builder.send().await.expect("the mock answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.expect("a body");
        let expected = &recording.response;

        let mut problems = recordings::status_and_header_differences(expected, status, &headers);
        if let Some(token) = customer_token(&body)
            && !is_jwt_shaped(&token)
        {
            problems.push(format!("customer token {token:?} is not a JWT like the store's"));
        }
        let normalised = normalise(&body);
        if normalised != normalise(&expected.body) {
            problems.push(format!("body\n    ours:     {normalised}\n    recorded: {}", normalise(&expected.body)));
        }
        if !problems.is_empty() {
            differences.push(format!("{}:\n  {}", recording.name, problems.join("\n  ")));
        }

        // Every successful request replaces the token; the recording's placeholder is the latest mailed one.
        if expected.body.contains(r#""requestPasswordResetEmail":true"#) {
            token = app.live_token(ACTIVE).await.expect("a reset token after a successful request");
        }
    }
    assert!(
        differences.is_empty(),
        "{} differences from the real store:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

fn customer_token(body: &str) -> Option<String> {
    let answer: serde_json::Value = serde_json::from_str(body).ok()?;
    Some(answer["data"]["generateCustomerToken"]["token"].as_str()?.to_owned())
}

/// `header.payload.signature`, each part base64url without padding.
fn is_jwt_shaped(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// What differs on every run even on the same store: customer tokens (JWTs) and the error page's
/// log record number.
fn normalise(body: &str) -> String {
    let mut text = body.to_owned();
    if let Some(start) = text.find(r#""token":""#) {
        let from = start + r#""token":""#.len();
        if let Some(len) = text[from..].find('"') {
            text.replace_range(from..from + len, "<redacted JWT>");
        }
    }
    if let Some(start) = text.find("Error log record number: ") {
        let from = start + "Error log record number: ".len();
        let len = text[from..].find('<').unwrap_or(0);
        text.replace_range(from..from + len, "<record>");
    }
    text
}
