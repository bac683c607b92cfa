//! The direct path (`magento/direct.rs`) changes no byte: every request goes, in the same order,
//! to a server that answers the documents it takes directly and to one that answers everything
//! through async-graphql's executor (`Config::direct_answers` off), both seeded alike, and the
//! two answers must be the same: status, every header but the clock's (`date`, `expires`), body.
//!
//! Requests: the recorded real-store requests, the oracle corpora in fixtures/ (every document
//! naming a direct-path field, a fixed sample of the others), the documents behind the goldens
//! in snapshots/ with every scripted state, the email corpus, answers written outside the
//! executor (stubs, header errors, unreadable bodies), and random documents (proptest).

use std::sync::OnceLock;

use base64::Engine;
use proptest::prelude::*;
use serde_json::{Value, json};

use futures_util::future::join_all;

use crate::helpers::{TestApp, literal, request_reset_document, reset_password_document, spawn_configured};

/// One request as sent to both servers.
#[derive(Clone, Debug)]
struct Request {
    method: &'static str,
    /// Path and query string.
    path: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

impl Request {
    fn post(body: &Value) -> Self {
        Self::post_with(body, &[])
    }

    fn post_with(body: &Value, headers: &[(&str, &str)]) -> Self {
        let mut all = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        all.extend(headers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        Self { method: "POST", path: "/graphql".into(), headers: all, body: Some(body.to_string()) }
    }
}

/// What a client sees of an answer.
#[derive(Debug, PartialEq, Eq)]
enum Wire {
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// The connection ended without an answer (`connection-reset`).
    NoAnswer,
}

struct Pair {
    direct: TestApp,
    general: TestApp,
}

async fn pair(version: &str) -> Pair {
    let direct = spawn_configured(version, |config| config.seed = Some(1207)).await;
    let general = spawn_configured(version, |config| {
        config.seed = Some(1207);
        config.direct_answers = false;
    })
    .await;
    Pair { direct, general }
}

async fn wire(app: &TestApp, request: &Request) -> Wire {
    let url = format!("{}{}", app.base, request.path);
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap();
    let mut builder = app.client.request(method, url);
    if !app.namespace.is_empty() {
        builder = builder.header("X-Mock-Namespace", &app.namespace);
    }
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    let Ok(response) = builder.send().await else { return Wire::NoAnswer };
    let status = response.status().as_u16();
    // In the order they came: the direct path must write them as the router does.
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| *name != "date" && *name != "expires")
        .map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
        .collect();
    let Ok(body) = response.text().await else { return Wire::NoAnswer };
    Wire::Answer { status, headers, body }
}

impl Pair {
    fn in_namespace(&self, namespace: &str) -> Pair {
        Pair { direct: self.direct.in_namespace(namespace), general: self.general.in_namespace(namespace) }
    }

    /// Sends `request` to both servers (the direct one first) and compares the answers.
    async fn same(&self, request: &Request) -> Result<(), String> {
        let direct = wire(&self.direct, request).await;
        let general = wire(&self.general, request).await;
        if direct == general || same_but_for_token_time(&direct, &general) {
            return Ok(());
        }
        Err(format!("{request:?}\n  direct:  {direct:?}\n  general: {general:?}"))
    }

    async fn all_same(&self, requests: &[Request]) {
        for request in requests {
            if let Err(difference) = self.same(request).await {
                panic!("the two paths differ: {difference}");
            }
        }
    }

    /// Stateless requests, 16 at a time.
    async fn all_same_concurrently(&self, requests: &[Request]) {
        for chunk in requests.chunks(16) {
            for result in join_all(chunk.iter().map(|r| self.same(r))).await {
                if let Err(difference) = result {
                    panic!("the two paths differ: {difference}");
                }
            }
        }
    }
}

/// Customer tokens carry `iat`/`exp` in seconds: two tokens issued a moment apart on each side of
/// a second differ there, and only there (then in the signature too). Anything else must match.
fn same_but_for_token_time(direct: &Wire, general: &Wire) -> bool {
    let (Wire::Answer { status: s1, headers: h1, body: b1 }, Wire::Answer { status: s2, headers: h2, body: b2 }) =
        (direct, general)
    else {
        return false;
    };
    let token = regex::Regex::new(r"eyJ[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+").unwrap();
    let claims = |body: &str| -> Vec<Value> {
        token
            .captures_iter(body)
            .filter_map(|c| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&c[1]).ok())
            .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
            .collect()
    };
    let (c1, c2) = (claims(b1), claims(b2));
    let close = c1.len() == c2.len()
        && !c1.is_empty()
        && c1.iter().zip(&c2).all(|(a, b)| {
            let times = |c: &Value| c["iat"].as_i64().zip(c["exp"].as_i64());
            let (Some((iat1, exp1)), Some((iat2, exp2))) = (times(a), times(b)) else { return false };
            a["uid"] == b["uid"] && (iat1 - iat2).abs() <= 1 && exp1 - iat1 == exp2 - iat2
        });
    close && s1 == s2 && h1.len() == h2.len() && token.replace_all(b1, "TOKEN") == token.replace_all(b2, "TOKEN")
}

fn lines(path: &str) -> Vec<Value> {
    let path = format!("{}/../fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

const DIRECT_FIELDS: [&str; 3] = ["requestPasswordResetEmail", "resetPassword", "generateCustomerToken"];

fn names_a_direct_field(text: &str) -> bool {
    DIRECT_FIELDS.iter().any(|field| text.contains(field))
}

/// Every entry naming a direct-path field, and every `every`-th of the others.
fn sample(entries: Vec<Value>, text: impl Fn(&Value) -> String, every: usize) -> Vec<Value> {
    entries
        .into_iter()
        .enumerate()
        .filter(|(i, e)| names_a_direct_field(&text(e)) || i % every == 0)
        .map(|(_, e)| e)
        .collect()
}

#[tokio::test]
async fn the_recorded_real_store_requests_get_the_same_bytes_from_both_paths() {
    let servers = pair("2.4.7").await;
    for file in ["real-store/2.4.7-p3-answers.jsonl", "real-store/2.4.7-p3-account-area.jsonl"] {
        let requests: Vec<Request> = lines(file)
            .iter()
            .filter_map(|entry| entry.get("request"))
            .filter(|request| request["path"].as_str().is_some_and(|p| p.starts_with("/graphql")))
            .map(|request| Request {
                method: match request["method"].as_str() {
                    Some("GET") => "GET",
                    Some("OPTIONS") => "OPTIONS",
                    _ => "POST",
                },
                path: request["path"].as_str().unwrap_or("/graphql").to_owned(),
                headers: request["headers"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect(),
                body: request["body"].as_str().map(str::to_owned),
            })
            .collect();
        assert!(requests.len() > 20, "{file} was read");
        servers.in_namespace(file).all_same(&requests).await;
    }
}

#[tokio::test]
async fn the_oracle_corpora_get_the_same_bytes_from_both_paths() {
    let servers = pair("2.4.7").await;
    let validation = sample(lines("webonyx-validation-2.4.7-p3.jsonl"), |e| e["request"]["query"].to_string(), 8);
    let requests: Vec<Request> = validation
        .iter()
        .filter_map(|entry| {
            let request = &entry["request"];
            let query = request["query"].as_str()?;
            Some(match request["method"].as_str() {
                Some("GET") => {
                    let mut path = format!("/graphql?query={}", urlencode(query));
                    if let Some(variables) = request.get("variables") {
                        path.push_str(&format!("&variables={}", urlencode(&variables.to_string())));
                    }
                    Request { method: "GET", path, headers: Vec::new(), body: None }
                }
                _ => Request::post(&json!({ "query": query, "variables": request.get("variables") })),
            })
        })
        .collect();
    assert!(requests.len() > 2_000, "the validation corpus was read");
    servers.in_namespace("validation").all_same_concurrently(&requests).await;

    let syntax = sample(lines("webonyx-syntax.jsonl"), |e| e["query"].to_string(), 40);
    let requests: Vec<Request> =
        syntax.iter().filter_map(|e| e["query"].as_str()).map(|q| Request::post(&json!({ "query": q }))).collect();
    assert!(requests.len() > 500, "the syntax corpus was read");
    servers.in_namespace("syntax").all_same_concurrently(&requests).await;
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const SCRIPTED: [&str; 12] = [
    "ok",
    "unknown",
    "locked",
    "throttled",
    "mail-failure",
    "internal-error",
    "delay-1",
    "http-500",
    "http-502",
    "http-503",
    "malformed-json",
    "connection-reset",
];

/// The documents behind the goldens (documented_cases.rs, journey.rs), in each release, plain
/// and under every scripted state, as literals and as variables, in journey order.
#[tokio::test]
async fn the_goldens_documents_get_the_same_bytes_from_both_paths_in_every_release() {
    for version in ["2.4.0", "2.4.3", "2.4.4", "2.4.6", "2.4.7", "2.4.8"] {
        let servers = pair(version).await.in_namespace("goldens");
        let emails = ["", "0", "roni_cost@example.com", "roni_cost@", "nobody@example.com", "locked@example.com"];
        let mut requests = Vec::new();
        for email in emails {
            requests.push(Request::post(&json!({ "query": request_reset_document(email) })));
            let by_variable = "mutation Reset($email: String!) { requestPasswordResetEmail(email: $email) }";
            requests.push(Request::post(&json!({ "query": by_variable, "variables": { "email": email } })));
            for password in ["", "roni_cost3@example.com", "wrong"] {
                let sign_in = format!(
                    "mutation {{\n  generateCustomerToken(email: {}, password: {}) {{\n    token\n  }}\n}}",
                    literal(email),
                    literal(password)
                );
                requests.push(Request::post(&json!({ "query": sign_in })));
            }
            for (token, password) in [("", "NewPassw0rd!"), ("abc", ""), ("0123456789abcdef0123456789abcdef", "short")]
            {
                requests.push(Request::post(&json!({ "query": reset_password_document(email, token, password) })));
            }
        }
        for state in SCRIPTED {
            let document = request_reset_document("roni_cost@example.com");
            requests.push(Request::post_with(&json!({ "query": document }), &[("X-Mock-Scenario", state)]));
            let magic = request_reset_document(&format!("{state}@mock.invalid"));
            requests.push(Request::post(&json!({ "query": magic })));
            let reset = reset_password_document("roni_cost@example.com", "abc", "NewPassw0rd!");
            requests.push(Request::post_with(&json!({ "query": reset }), &[("X-Mock-Scenario", state)]));
        }
        servers.all_same(&requests).await;

        // The journey: a request, the token from the control API, the reset, then signing in.
        let journey = servers.in_namespace("journey");
        journey.all_same(&[Request::post(&json!({ "query": request_reset_document("roni_cost@example.com") }))]).await;
        let token = journey.direct.live_token("roni_cost@example.com").await.expect("a live token");
        assert_eq!(journey.general.live_token("roni_cost@example.com").await.as_deref(), Some(token.as_str()));
        let steps = [
            reset_password_document("roni_cost@example.com", &token, "weak"),
            reset_password_document("roni_cost@example.com", &token, "N3w-Passw0rd!"),
            reset_password_document("roni_cost@example.com", &token, "N3w-Passw0rd!"),
            "mutation {\n  generateCustomerToken(email: \"roni_cost@example.com\", password: \"N3w-Passw0rd!\") {\n    token\n  }\n}"
                .to_owned(),
            "mutation { a: generateCustomerToken(email: \"roni_cost@example.com\", password: \"N3w-Passw0rd!\") { t: token } }"
                .to_owned(),
        ];
        let steps: Vec<Request> = steps.iter().map(|q| Request::post(&json!({ "query": q }))).collect();
        journey.all_same(&steps).await;
    }
}

/// Answers that are not an executed request's JSON get the front layer's `Vary` and
/// `Access-Control-Allow-Credentials` from the dispatch, not from the per-second header maps:
/// stubs (one recorded with its own `Vary` and credentials header), our own header errors, bodies
/// the controller cannot read, the wrong content type, a scripted malformed answer and an
/// unknown store. Each gets them once, as the router's answer has them.
#[tokio::test]
async fn answers_written_outside_the_executor_get_the_same_bytes_from_both_paths() {
    let servers = pair("2.4.7").await.in_namespace("outside");
    let stub = json!({
        "request": { "root_field": "cmsBlocks" },
        "response": {
            "status": 200,
            "headers": { "vary": "Accept-Encoding", "access-control-allow-credentials": "false" },
            "json": { "data": { "cmsBlocks": null } }
        }
    });
    for app in [&servers.direct, &servers.general] {
        let added = TestApp::send(app.post("/__admin/stubs").json(&stub)).await;
        assert_eq!(added.status.as_u16(), 201, "{}", added.body);
    }
    let reset = request_reset_document("roni_cost@example.com");
    let plain_text = Request {
        headers: vec![("Content-Type".into(), "text/plain".into())],
        ..Request::post(&json!({ "query": reset }))
    };
    let raw = |body: &str| Request { body: Some(body.to_owned()), ..Request::post(&json!({})) };
    let requests = [
        Request::post(&json!({ "query": "{ cmsBlocks(identifiers: [\"a\"]) { items { identifier } } }" })),
        Request::post_with(&json!({ "query": reset }), &[("X-Mock-Scenario", "melted")]),
        Request::post_with(&json!({ "query": reset }), &[("X-Mock-Scenario", "malformed-json")]),
        Request::post_with(&json!({ "query": reset }), &[("Store", "nowhere")]),
        plain_text,
        raw("{"),
        raw("1"),
        raw(""),
    ];
    servers.all_same(&requests).await;
    // Not only alike: the stub's answer has its own `Vary` and the front layer's, and the
    // credentials header once.
    let Wire::Answer { headers, .. } = wire(&servers.direct, &requests[0]).await else { panic!("no answer") };
    let named = |name: &str| headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
    assert_eq!(
        named("vary"),
        ["Accept-Encoding", "origin, access-control-request-method, access-control-request-headers"]
    );
    assert_eq!(named("access-control-allow-credentials"), ["true"]);
}

#[tokio::test]
async fn every_address_of_the_email_corpus_gets_the_same_bytes_from_both_paths() {
    let servers = pair("2.4.7").await.in_namespace("emails");
    let emails: Vec<String> =
        lines("email-verdicts.jsonl").iter().filter_map(|e| e["email"].as_str().map(str::to_owned)).collect();
    assert!(emails.len() > 1_000, "the email corpus was read");
    let by_variable = "mutation($email: String!) { requestPasswordResetEmail(email: $email) }";
    let requests: Vec<Request> = emails
        .iter()
        .flat_map(|email| {
            [
                Request::post(&json!({ "query": request_reset_document(email) })),
                Request::post(&json!({ "query": by_variable, "variables": { "email": email } })),
            ]
        })
        .collect();
    servers.all_same_concurrently(&requests).await;
}

// Random documents: the three fields with random aliases, argument spellings (literal, variable,
// wrong type, missing), selections and emails, one after another on one pair of servers.

fn runtime_and_servers() -> &'static (tokio::runtime::Runtime, Pair) {
    static SHARED: OnceLock<(tokio::runtime::Runtime, Pair)> = OnceLock::new();
    SHARED.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let servers = runtime.block_on(pair("2.4.7")).in_namespace("random");
        (runtime, servers)
    })
}

fn email() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("roni_cost@example.com".to_owned()),
        Just("locked@example.com".to_owned()),
        Just("nobody@example.com".to_owned()),
        Just("mail-failure@mock.invalid".to_owned()),
        Just(String::new()),
        "[a-z0-9._+-]{0,12}@[a-z0-9.-]{0,10}",
        "\\PC{0,16}",
    ]
}

/// An argument: `(text in the document, variable definition and value if any)`.
fn argument(
    name: &'static str,
    value: BoxedStrategy<String>,
) -> impl Strategy<Value = (String, Option<(String, Value)>)> {
    (value, 0..5u8).prop_map(move |(value, how)| match how {
        0 | 1 => (format!("{name}: {}", literal(&value)), None),
        2 => (format!("{name}: ${name}"), Some((format!("${name}: String!"), Value::String(value)))),
        // Coerced by Magento's rules: a number, a boolean, a null.
        3 => (format!("{name}: ${name}"), Some((format!("${name}: String"), json!(value.len())))),
        _ => (format!("{name}: {}", value.len()), None),
    })
}

fn document() -> impl Strategy<Value = (String, Value)> {
    let password =
        prop_oneof![Just("roni_cost3@example.com".to_owned()), Just("N3w-Passw0rd!".to_owned()), "\\PC{0,10}"].boxed();
    let alias = prop_oneof![Just(String::new()), "[a-z][a-zA-Z0-9_]{0,6}".prop_map(|a| format!("{a}: "))];
    let field = prop_oneof![
        argument("email", email().boxed()).prop_map(|a| ("requestPasswordResetEmail", vec![a], "")),
        (
            argument("email", email().boxed()),
            argument("resetPasswordToken", "[a-zA-Z0-9]{0,32}".boxed()),
            argument("newPassword", password.clone())
        )
            .prop_map(|(a, b, c)| ("resetPassword", vec![a, b, c], "")),
        (
            argument("email", email().boxed()),
            argument("password", password),
            prop_oneof![Just(" { token }"), Just(" { t: token }"), Just(" { token __typename }"), Just("")]
        )
            .prop_map(|(a, b, s)| ("generateCustomerToken", vec![a, b], s)),
    ];
    (alias, field, any::<bool>(), any::<bool>()).prop_map(|(alias, (name, arguments, selection), drop_one, twice)| {
        let mut arguments = arguments;
        if drop_one && arguments.len() > 1 {
            arguments.pop();
        }
        let definitions: Vec<String> =
            arguments.iter().filter_map(|(_, v)| v.as_ref().map(|(d, _)| d.clone())).collect();
        let variables: serde_json::Map<String, Value> = arguments
            .iter()
            .filter_map(|(_, v)| v.as_ref())
            .map(|(d, value)| (d[1..d.find(':').unwrap_or(1)].to_owned(), value.clone()))
            .collect();
        let texts: Vec<&str> = arguments.iter().map(|(text, _)| text.as_str()).collect();
        let call = format!("{alias}{name}({}){selection}", texts.join(", "));
        let body = if twice { format!("{call}\n  {call}") } else { call };
        let head = if definitions.is_empty() {
            "mutation".to_owned()
        } else {
            format!("mutation({})", definitions.join(", "))
        };
        (format!("{head} {{\n  {body}\n}}"), Value::Object(variables))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_documents_get_the_same_bytes_from_both_paths((query, variables) in document()) {
        let (runtime, servers) = runtime_and_servers();
        let request = Request::post(&json!({ "query": query, "variables": variables }));
        let result = runtime.block_on(servers.same(&request));
        prop_assert!(result.is_ok(), "{}", result.err().unwrap_or_default());
    }
}
