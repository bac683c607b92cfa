//! The OpenAPI documents (`assets/openapi/`) against the server: every documented operation, sent
//! as its examples describe, answers a status the document lists, with a documented media type;
//! and every API route the router serves is in a document, so the documents cannot fall behind.
//! (The bodies are validated against the documented schemas in JavaScript, with Ajv, in
//! `tests/openapi/`: the `jsonschema` crate would add 29 crates to the build, fancy-regex and
//! num-bigint among them.)
//!
//! A new API route: describe it in `assets/openapi/admin.json` or `inbox.json`, with examples of
//! its parameters and body that succeed in a namespace where Roni has just asked for a reset, or
//! with `x-example-answer` saying what the example gets instead.

use std::collections::BTreeSet;
use std::path::Path;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

const ADMIN_DOC: &str = include_str!("../../assets/openapi/admin.json");
const INBOX_DOC: &str = include_str!("../../assets/openapi/inbox.json");

/// Path prefixes of the APIs the documents describe. GraphQL has its own schema (`mock-server
/// schema`), and the pages (`/`, `/assets/...`) are for people.
const DOCUMENTED_PREFIXES: &[&str] = &["/__admin/", "/api/", "/view/", "/livez", "/readyz"];

/// Source folders whose `.route(...)` calls are nested under a prefix (`.nest("/__admin", ...)`).
const NESTED: &[(&str, &str)] = &[("admin", "/__admin")];

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options", "trace"];

fn documents() -> [(&'static str, Value); 2] {
    [
        ("admin.json", serde_json::from_str(ADMIN_DOC).expect("admin.json is JSON")),
        ("inbox.json", serde_json::from_str(INBOX_DOC).expect("inbox.json is JSON")),
    ]
}

/// `#/components/...` references, resolved within the document.
fn resolve<'a>(doc: &'a Value, item: &'a Value) -> &'a Value {
    match item.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("a local reference");
            resolve(doc, doc.pointer(pointer).unwrap_or_else(|| panic!("{reference} resolves")))
        }
        None => item,
    }
}

/// Every (METHOD, path, operation) of a document.
fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            if METHODS.contains(&method.as_str()) {
                found.push((method.to_uppercase(), path.clone(), operation));
            }
        }
    }
    found
}

/// A path with every templated segment made alike: `/view/{ID}.html` and `/view/{file}` match.
fn normalized(path: &str) -> String {
    path.split('/').map(|segment| if segment.contains('{') { "{}" } else { segment }).collect::<Vec<_>>().join("/")
}

#[tokio::test]
async fn the_served_documents_are_the_files_in_assets() {
    let app = spawn_app("2.4.8").await;
    for (path, file) in [("/__admin/openapi.json", ADMIN_DOC), ("/api/v1/openapi.json", INBOX_DOC)] {
        let answer = TestApp::send(app.get(path)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.content_type, "application/json", "{path}");
        assert_eq!(answer.body, file, "{path}");
        assert_eq!(answer.json()["openapi"], "3.1.0", "{path}");
    }
}

/// Each operation runs in a namespace of its own in which Roni has just asked for a reset, so
/// `latest`, the live token and the journal all have something to show.
#[tokio::test]
async fn every_documented_operation_answers_a_documented_status_and_media_type() {
    let server = spawn_app("2.4.8").await;
    // The default namespace exists once used; `DELETE /__admin/namespaces/_` forgets it.
    assert_eq!(TestApp::send(server.get("/__admin/clock")).await.status, StatusCode::OK);
    let mut checked = 0;
    for (file, doc) in documents() {
        for (index, (method, path, operation)) in operations(&doc).into_iter().enumerate() {
            let app = server.in_namespace(&format!("openapi-{}-{index}", file.trim_end_matches(".json")));
            let reset = app.request_reset("roni_cost@example.com").await;
            assert_eq!(reset.json()["data"]["requestPasswordResetEmail"], true);

            let answer = TestApp::send(example_request(&app, &doc, &method, &path, operation)).await;
            let what = format!("{method} {path} ({file}) answered {}: {}", answer.status, answer.body);
            let status = answer.status.as_u16();
            // An example that cannot succeed says what it gets instead (`x-example-answer`).
            match operation.pointer("/x-example-answer/status").and_then(Value::as_u64) {
                Some(refusal) => assert_eq!(u64::from(status), refusal, "{what}"),
                None => assert!(answer.status.is_success(), "the example should succeed: {what}"),
            }
            let responses = &operation["responses"];
            let response = responses
                .get(status.to_string())
                .map(|r| resolve(&doc, r))
                .unwrap_or_else(|| panic!("status {status} is not documented: {what}"));
            match response.get("content").and_then(Value::as_object) {
                Some(content) => {
                    let media_type = answer.content_type.split(';').next().unwrap_or_default().trim();
                    assert!(
                        content.contains_key(media_type) || content.contains_key("*/*"),
                        "{media_type:?} is not among {:?}: {what}",
                        content.keys().collect::<Vec<_>>()
                    );
                }
                None => assert!(answer.body.is_empty(), "documented without a body: {what}"),
            }
            checked += 1;
        }
    }
    assert!(checked >= 35, "only {checked} operations were found in the documents");
}

/// The request an operation's documented examples describe.
fn example_request(app: &TestApp, doc: &Value, method: &str, path: &str, operation: &Value) -> reqwest::RequestBuilder {
    let mut url_path = path.to_owned();
    let mut query: Vec<(String, String)> = Vec::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let parameter = resolve(doc, parameter);
        let name = parameter["name"].as_str().expect("a parameter name");
        let example = match &parameter["example"] {
            Value::String(text) => Some(text.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        };
        match (parameter["in"].as_str(), example) {
            (Some("path"), Some(example)) => url_path = url_path.replace(&format!("{{{name}}}"), &example),
            (Some("path"), None) => panic!("{method} {path}: path parameter {name} has no example"),
            (Some("query"), Some(example)) => query.push((name.to_owned(), example)),
            _ => {}
        }
    }
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = app.client.request(method, format!("{}{url_path}", app.base)).query(&query);
    request = request.header("X-Mock-Namespace", &app.namespace);
    let body = resolve(doc, &operation["requestBody"]);
    if let Some(example) = body.pointer("/content/application~1json/example") {
        request = request.json(example);
    }
    request
}

#[test]
fn every_api_route_the_router_serves_is_documented_and_nothing_else() {
    let served = served_routes();
    // The parser must see the router, not nothing.
    for known in [("GET", "/__admin/clock"), ("DELETE", "/__admin/customers/{}/lock"), ("PUT", "/api/v1/messages")] {
        assert!(served.contains(&(known.0.to_owned(), known.1.to_owned())), "{known:?} not found in {served:?}");
    }
    let documented: BTreeSet<(String, String)> = documents()
        .iter()
        .flat_map(|(_, doc)| operations(doc).into_iter().map(|(method, path, _)| (method, normalized(&path))))
        .collect();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "served but in neither mock-server/assets/openapi/admin.json nor inbox.json: {undocumented:?}"
    );
    let not_served: Vec<_> = documented.difference(&served).collect();
    assert!(not_served.is_empty(), "documented but not served: {not_served:?}");
}

/// (METHOD, normalized path) of every `.route(...)` under `src/http` within the documented prefixes.
fn served_routes() -> BTreeSet<(String, String)> {
    let http = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut routes = BTreeSet::new();
    for file in rust_files(&http) {
        let relative = file.strip_prefix(&http).expect("under src/http").to_string_lossy().replace('\\', "/");
        let prefix = NESTED.iter().find(|(dir, _)| relative.starts_with(&format!("{dir}/"))).map_or("", |(_, p)| p);
        let source = std::fs::read_to_string(&file).expect("readable source");
        for (path, methods) in route_calls(&source) {
            let full = format!("{prefix}{path}");
            if DOCUMENTED_PREFIXES.iter().any(|p| full.starts_with(p)) {
                routes.extend(methods.into_iter().map(|m| (m, normalized(&full))));
            }
        }
    }
    routes
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a readable folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// `.route("/path", get(a).post(b))`: the path and the methods, across line breaks.
fn route_calls(source: &str) -> Vec<(String, Vec<String>)> {
    // A commented-out route is not served.
    let source: String =
        source.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let source = source.as_str();
    let mut calls = Vec::new();
    for (start, _) in source.match_indices(".route(") {
        let arguments = &source[start + ".route(".len()..];
        let mut depth = 1;
        let end = arguments
            .char_indices()
            .find(|&(_, c)| {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .map_or(arguments.len(), |(i, _)| i);
        let arguments = &arguments[..end];
        let Some(path) = arguments.split('"').nth(1) else { continue };
        let methods = METHODS
            .iter()
            .filter(|method| {
                arguments.match_indices(&format!("{method}(")).any(|(i, _)| {
                    let before = arguments[..i].chars().next_back();
                    !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                })
            })
            .map(|method| method.to_uppercase())
            .collect();
        calls.push((path.to_owned(), methods));
    }
    calls
}

#[test]
fn the_route_parser_reads_wrapped_calls_and_ignores_handler_names_and_comments() {
    let source = r#"
        .route("/a", get(x::get).delete(x::delete))
        .route(
            "/b/{id}",
            post(|| async { "ok" }),
        )
        .route_layer(get(nothing))
        // .route("/c", get(old))
    "#;
    assert_eq!(
        route_calls(source),
        vec![
            ("/a".to_owned(), vec!["GET".to_owned(), "DELETE".to_owned()]),
            ("/b/{id}".to_owned(), vec!["POST".to_owned()])
        ]
    );
}

/// The walk above sends a plain GET to `/api/events`; the upgrade it documents is checked here.
#[tokio::test]
async fn the_events_route_upgrades_to_a_websocket_as_documented() {
    let app = spawn_app("2.4.8").await;
    let [_, (_, inbox)] = documents();
    assert!(inbox.pointer("/paths/~1api~1events/get/responses/101").is_some());
    let url = format!("{}/api/events?namespace=openapi-events", app.base.replacen("http://", "ws://", 1));
    let (_, response) = tokio_tungstenite::connect_async(url).await.expect("the WebSocket opens");
    assert_eq!(response.status().as_u16(), 101);
}
