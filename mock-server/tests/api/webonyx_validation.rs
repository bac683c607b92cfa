//! Every document of `fixtures/webonyx-validation-2.4.7-p3.jsonl` (recorded from a real Magento
//! Open Source 2.4.7-p3 store, see `fixtures/README.md`) sent to the mock at `--magento-version
//! 2.4.7`: the status and the body must be the store's, byte for byte. The corpus covers every
//! validation rule of webonyx/graphql-php, variable coercion, Magento's own scalars and limits,
//! and which error comes first when a document breaks several rules.
//!
//! Differences that could not be closed are listed, each with its reason, in
//! `fixtures/webonyx-validation-2.4.7-p3.known-differences.jsonl`; the test fails on any other
//! difference, and on a listed one that no longer differs (so the list cannot go stale).

use std::collections::{BTreeMap, BTreeSet};

use futures_util::{StreamExt, stream};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::helpers::{TestApp, spawn_app};

const CORPUS: &str = include_str!("../../../fixtures/webonyx-validation-2.4.7-p3.jsonl");
const KNOWN: &str = include_str!("../../../fixtures/webonyx-validation-2.4.7-p3.known-differences.jsonl");

#[derive(Deserialize)]
struct Case {
    request: CaseRequest,
    response: CaseResponse,
}

#[derive(Deserialize)]
struct CaseRequest {
    method: String,
    query: String,
    #[serde(default)]
    variables: Option<Value>,
    /// Whether the recorded body had `variables` at all (`"variables": null` included).
    #[serde(skip)]
    has_variables: bool,
    #[serde(rename = "operationName", default)]
    operation_name: Option<Value>,
}

#[derive(Deserialize, Clone)]
struct CaseResponse {
    status: u16,
    body: String,
}

/// A known difference: the document (and variables) it is about, and why it stays.
#[derive(Deserialize)]
struct Known {
    query: String,
    #[serde(default)]
    variables: Option<Value>,
    reason: String,
}

fn cases() -> Vec<Case> {
    CORPUS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut case: Case = serde_json::from_str(line).expect("a corpus line");
            let raw: Value = serde_json::from_str(line).expect("JSON");
            case.request.has_variables = raw["request"].as_object().is_some_and(|r| r.contains_key("variables"));
            case
        })
        .collect()
}

fn key(query: &str, variables: Option<&Value>) -> String {
    format!("{query}\u{0}{}", variables.map(Value::to_string).unwrap_or_default())
}

async fn send(app: &TestApp, request: &CaseRequest) -> (u16, String) {
    let builder = if request.method == "GET" {
        let mut pairs = vec![("query", request.query.clone())];
        if let Some(variables) = &request.variables {
            pairs.push(("variables", variables.to_string()));
        }
        app.get("/graphql").query(&pairs)
    } else {
        let mut body = Map::new();
        if let Some(name) = &request.operation_name {
            body.insert("operationName".into(), name.clone());
        }
        body.insert("query".into(), json!(request.query));
        if request.has_variables {
            body.insert("variables".into(), request.variables.clone().unwrap_or(Value::Null));
        }
        app.post("/graphql").header("Content-Type", "application/json").body(Value::Object(body).to_string())
    };
    let answer = TestApp::send(builder).await;
    (answer.status.as_u16(), answer.body)
}

/// The first error's message with the quoted names and numbers taken out: differences of one
/// kind land in one group.
fn shape(status: u16, body: &str) -> String {
    let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let first = parsed["errors"][0]["message"].as_str().map_or_else(
        || if parsed.get("data").is_some() { "<data>".to_owned() } else { "<not JSON>".to_owned() },
        str::to_owned,
    );
    let mut out = String::new();
    let mut quoted = false;
    for c in first.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                out.push('"');
            }
            _ if quoted => {}
            c if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            c => out.push(c),
        }
    }
    format!("{status} {out}")
}

/// Long documents (the complexity cases) cut in the middle, so the report stays readable.
fn shortened(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 400 {
        return text.to_owned();
    }
    let head: String = chars[..200].iter().collect();
    let tail: String = chars[chars.len() - 150..].iter().collect();
    format!("{head} [...] {tail}")
}

/// Sends the whole corpus; prints every difference, grouped by kind with counts, before failing.
#[tokio::test]
async fn the_mock_validates_every_document_as_the_real_2_4_7_p3_store_does() {
    let app = spawn_app("2.4.7").await.in_namespace("webonyx-validation");
    let cases = cases();
    let known: BTreeMap<String, String> = KNOWN
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Known>(l).expect("a known difference"))
        .map(|k| (key(&k.query, k.variables.as_ref()), k.reason))
        .collect();
    let answers: Vec<(u16, String)> =
        stream::iter(cases.iter().map(|case| send(&app, &case.request))).buffered(8).collect().await;

    let mut groups: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut known_seen = BTreeSet::new();
    let mut agreeing = 0;
    let mut unlisted = Vec::new();
    for (case, (status, body)) in cases.iter().zip(&answers) {
        let expected = &case.response;
        let id = key(&case.request.query, case.request.variables.as_ref());
        let same = *status == expected.status && *body == expected.body;
        if same {
            agreeing += 1;
            if known.contains_key(&id) {
                groups
                    .entry(("listed as a known difference, but agrees now".into(), String::new()))
                    .or_default()
                    .push(format!("{:?}", case.request.query));
                unlisted.push(
                    json!({ "query": case.request.query, "variables": case.request.variables, "agrees_now": true }),
                );
            }
            continue;
        }
        if known.contains_key(&id) {
            known_seen.insert(id);
            continue;
        }
        unlisted.push(json!({ "query": case.request.query, "variables": case.request.variables, "store": expected.body, "mock": body }));
        let detail = format!(
            "{} {:?} variables {}\n      store: {} {}\n      mock:  {} {}",
            case.request.method,
            shortened(&case.request.query),
            case.request.variables.as_ref().map_or_else(|| "-".into(), Value::to_string),
            expected.status,
            shortened(&expected.body),
            status,
            shortened(body)
        );
        groups.entry((shape(expected.status, &expected.body), shape(*status, body))).or_default().push(detail);
    }
    let listed_but_absent = known
        .keys()
        .filter(|k| {
            !known_seen.contains(*k)
                && !cases.iter().any(|c| key(&c.request.query, c.request.variables.as_ref()) == **k)
        })
        .count();
    // To review the differences with a script (listed ones that agree now are marked `agrees_now`):
    // WEBONYX_VALIDATION_DIFFERENCES=/tmp/d.jsonl.
    if let Ok(path) = std::env::var("WEBONYX_VALIDATION_DIFFERENCES") {
        let lines: Vec<String> = unlisted.iter().map(Value::to_string).collect();
        std::fs::write(path, lines.join("\n")).expect("writes the differences");
    }
    println!("{agreeing} of {} documents agree with the store ({} known differences)", cases.len(), known_seen.len());
    let mut report = String::new();
    let mut by_size: Vec<_> = groups.iter().collect();
    by_size.sort_by_key(|(_, details)| std::cmp::Reverse(details.len()));
    for ((store, mock), details) in &by_size {
        report.push_str(&format!("\n{} x  store: {store}\n      mock:  {mock}\n", details.len()));
        for detail in details.iter().take(3) {
            report.push_str(&format!("    {detail}\n"));
        }
    }
    assert!(
        groups.is_empty() && listed_but_absent == 0,
        "{} documents differ ({listed_but_absent} listed differences are not in the corpus):{report}",
        groups.values().map(Vec::len).sum::<usize>()
    );
}
