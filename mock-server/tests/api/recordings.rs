//! Answers recorded from a real store (fixtures/real-store/*.jsonl) and how the mock's answer is
//! compared with one: what `real_store.rs` and `account_area.rs` replay.

use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize)]
pub struct Recording {
    pub name: String,
    pub request: RecordedRequest,
    pub response: RecordedResponse,
}

#[derive(Deserialize)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub headers: Map<String, Value>,
    #[serde(default)]
    pub body: Option<String>,
}

#[derive(Deserialize)]
pub struct RecordedResponse {
    pub status: u16,
    pub headers: Map<String, Value>,
    pub body: String,
}

/// One recording a line.
pub fn parse(jsonl: &str) -> Vec<Recording> {
    jsonl.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("a recording")).collect()
}

/// Every difference in status and in the headers the recording kept: the cache id only needs
/// its shape (its salt is the store's own), and the cache headers the store did not send must
/// not be sent either.
pub fn status_and_header_differences(expected: &RecordedResponse, status: u16, headers: &HeaderMap) -> Vec<String> {
    let mut problems = Vec::new();
    if status != expected.status {
        problems.push(format!("status {status}, recorded {}", expected.status));
    }
    for (name, recorded) in &expected.headers {
        let recorded = recorded.as_str().unwrap_or_default();
        let ours = headers.get(name.as_str()).and_then(|v| v.to_str().ok());
        let same = match (name.to_ascii_lowercase().as_str(), ours) {
            ("x-magento-cache-id", Some(ours)) => ours.len() == 64 && ours.bytes().all(|b| b.is_ascii_hexdigit()),
            (_, Some(ours)) => ours == recorded,
            (_, None) => false,
        };
        if !same {
            problems.push(format!("header {name}: {ours:?}, recorded {recorded:?}"));
        }
    }
    for unexpected in ["x-magento-cache-id", "x-magento-tags"] {
        let recorded = expected.headers.keys().any(|k| k.eq_ignore_ascii_case(unexpected));
        if !recorded && headers.contains_key(unexpected) {
            problems.push(format!("header {unexpected} sent, but the store sent none"));
        }
    }
    problems
}
