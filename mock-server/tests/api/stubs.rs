//! The whole storefront offline (docs/stubs.md): a session recorded against a store (here a
//! second mock-server answering `products`, `cmsBlocks` and `categories` from hand-written stubs)
//! and replayed with `--stubs`, beside the live account flow; stubs at run time.

use std::path::{Path, PathBuf};

use mock_server::Application;
use mock_server::config::{Config, ServeArgs};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, request_reset_document};

/// A token that travels on the wire to the store and must never reach a recording.
const WIRE_TOKEN: &str = "wire-token-3b9f0c7d2e";

async fn spawn(flags: &[&str]) -> TestApp {
    let mut args = vec!["mock-server", "--listen", "127.0.0.1:0", "--smtp-listen", "off"];
    args.extend_from_slice(flags);
    let config = Config::from_args(&ServeArgs::try_from_command_line(args).unwrap()).unwrap();
    let app = Application::build(config).await.expect("binds port 0");
    let base = format!("http://{}", app.address());
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp { base, smtp: None, client: reqwest::Client::new(), namespace: String::new() }
}

fn temp_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("mock-stubs-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, stub: &Value) {
    std::fs::write(dir.join(name), serde_json::to_string_pretty(&stub).unwrap()).unwrap();
}

/// The store: a catalogue, CMS blocks and a category tree that differ by search, store view and
/// sign-in, with the cache headers a Magento store sends.
fn store_stubs() -> PathBuf {
    let dir = temp_dir("store");
    let headers = json!({
        "cache-control": "max-age=86400, public, s-maxage=86400",
        "content-type": "application/json",
        "x-magento-cache-id": "6a1c53d7b8e0f4a29d3c5e7f9a1b2c4d6e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b",
        "x-magento-tags": "cat_p,cat_p_1,cat_p_2,FPC"
    });
    let products = |name: &str, sku: &str| json!({ "data": { "products": { "total_count": 1, "items": [{ "sku": sku, "name": name, "url_key": format!("{}/x", sku) }] } } });
    write(
        &dir,
        "a-products-fr.json",
        &json!({
            "request": { "operation_name": "Products", "store": "fr" },
            "response": { "headers": headers, "json": products("Sac de sport Joust", "24-MB01") }
        }),
    );
    write(
        &dir,
        "products-bag.json",
        &json!({
            "request": { "operation_name": "Products", "variables": { "search": "bag" } },
            "response": { "headers": headers, "json": products("Joust Duffle Bag", "24-MB01") }
        }),
    );
    write(
        &dir,
        "products-shirt.json",
        &json!({
            "request": { "root_field": "products", "variables": { "search": { "$regex": "^shi" } } },
            "response": { "headers": headers, "json": products("Tiberius Gym Tank", "MT11") }
        }),
    );
    write(
        &dir,
        "a-categories-signed-in.json",
        &json!({
            "request": { "root_field": "categories", "signed_in": true },
            "response": { "headers": { "content-type": "application/json", "cache-control": "max-age=0, must-revalidate, no-cache, no-store" },
                          "json": { "data": { "categories": { "items": [{ "name": "Gear", "children_count": "3" }, { "name": "VIP sale" }] } } } }
        }),
    );
    write(
        &dir,
        "categories.json",
        &json!({
            "request": { "root_field": "categories" },
            "response": { "headers": headers, "json": { "data": { "categories": { "items": [{ "name": "Gear", "children_count": "3" }] } } } }
        }),
    );
    // Not PHP's encoding (unescaped é and slash, a space): kept as text, byte for byte.
    write(
        &dir,
        "cms-blocks.json",
        &json!({
            "request": { "root_field": "cmsBlocks" },
            "response": { "headers": headers, "text": "{\"data\": {\"cmsBlocks\":{\"items\":[{\"identifier\":\"footer\",\"content\":\"<p>Café</p>\"}]}}}" }
        }),
    );
    dir
}

/// One storefront request, and the headers compared on replay.
struct Call {
    get: bool,
    query: &'static str,
    variables: Value,
    headers: Vec<(&'static str, String)>,
}

const PRODUCTS: &str =
    "query Products($search: String) {\n  products(search: $search) { total_count items { sku name url_key } }\n}";
const CMS_BLOCKS: &str =
    "query CmsBlocks($ids: [String]) { cmsBlocks(identifiers: $ids) { items { identifier content } } }";
const CATEGORIES: &str = "query Categories { categories { items { name children_count } } }";

fn session() -> Vec<Call> {
    let call = |get, query, variables, headers: &[(&'static str, &str)]| Call {
        get,
        query,
        variables,
        headers: headers.iter().map(|(n, v)| (*n, (*v).to_owned())).collect(),
    };
    let bearer = format!("Bearer {WIRE_TOKEN}");
    vec![
        call(false, PRODUCTS, json!({ "search": "bag" }), &[]),
        call(false, PRODUCTS, json!({ "search": "shirt" }), &[]),
        call(false, PRODUCTS, json!({ "search": "bag" }), &[("Store", "fr")]),
        call(true, PRODUCTS, json!({ "search": "bag" }), &[("Content-Currency", "EUR")]),
        call(true, CMS_BLOCKS, json!({ "ids": ["footer"] }), &[]),
        call(false, CATEGORIES, json!({}), &[]),
        call(false, CATEGORIES, json!({}), &[("Authorization", &bearer)]),
    ]
}

/// Status, the headers that matter, and the body's bytes.
#[derive(Debug, PartialEq)]
struct Seen {
    status: StatusCode,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

async fn send(app: &TestApp, call: &Call) -> Seen {
    let mut request = if call.get {
        let mut url = reqwest::Url::parse(&format!("{}/graphql", app.base)).unwrap();
        url.query_pairs_mut().append_pair("query", call.query).append_pair("variables", &call.variables.to_string());
        app.client.get(url)
    } else {
        app.post("/graphql").json(&json!({ "query": call.query, "variables": call.variables }))
    };
    for (name, value) in &call.headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = ["cache-control", "content-type", "x-magento-cache-id", "x-magento-tags"]
        .iter()
        .filter_map(|n| Some(((*n).to_owned(), response.headers().get(*n)?.to_str().ok()?.to_owned())))
        .collect();
    Seen { status, headers, body: response.bytes().await.unwrap().to_vec() }
}

fn files_in(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    files.sort();
    files
}

async fn journal(app: &TestApp) -> Vec<Value> {
    TestApp::send(app.get("/__admin/requests")).await.json().as_array().unwrap().clone()
}

#[tokio::test]
async fn a_session_recorded_against_a_store_replays_offline_byte_for_byte() {
    let store = spawn(&["--stubs", store_stubs().to_str().unwrap()]).await;
    let recordings = temp_dir("recordings");
    let upstream = format!("{}/graphql", store.base);
    let recorder = spawn(&["--upstream", &upstream, "--record", recordings.to_str().unwrap()]).await;
    let mut live = Vec::new();
    for call in &session() {
        let through_recorder = send(&recorder, call).await;
        assert_eq!(through_recorder, send(&store, call).await, "the recorder passes the store's answer on");
        assert_eq!(through_recorder.status, StatusCode::OK);
        live.push(through_recorder);
    }
    let files = files_in(&recordings);
    assert_eq!(files.len(), session().len(), "one file per distinct request: {files:?}");
    for (name, text) in &files {
        assert!(["Products-", "CmsBlocks-", "Categories-"].iter().any(|p| name.starts_with(p)), "{name}");
        assert!(text.starts_with("{\n  \"id\": "), "pretty JSON:\n{text}");
        assert!(!text.contains(WIRE_TOKEN), "{name} holds the bearer token:\n{text}");
    }
    let offline = spawn(&["--stubs", recordings.to_str().unwrap()]).await;
    for (call, recorded) in session().iter().zip(&live) {
        assert_eq!(&send(&offline, call).await, recorded, "{} {}", call.query, call.variables);
    }
    let answered_by: Vec<Value> = journal(&offline).await.iter().map(|e| e["stub"]["answered_by"].clone()).collect();
    assert_eq!(answered_by, vec![json!("recording"); session().len()]);
    std::fs::remove_dir_all(&recordings).ok();
}

/// Variables, the store view and signing in each make the store answer differently, so each
/// gets its own recording, and the replay tells them apart.
#[tokio::test]
async fn requests_differing_only_in_variables_store_or_sign_in_are_recorded_and_replayed_apart() {
    let store = spawn(&["--stubs", store_stubs().to_str().unwrap()]).await;
    let recordings = temp_dir("apart");
    let upstream = format!("{}/graphql", store.base);
    let recorder = spawn(&["--upstream", &upstream, "--record", recordings.to_str().unwrap()]).await;
    let calls = session();
    for call in &calls {
        send(&recorder, call).await;
    }
    let offline = spawn(&["--stubs", recordings.to_str().unwrap()]).await;
    let mut replayed = Vec::new();
    for call in &calls {
        replayed.push(String::from_utf8(send(&offline, call).await.body).unwrap());
    }
    let name =
        |i: usize| serde_json::from_str::<Value>(&replayed[i]).unwrap()["data"]["products"]["items"][0]["name"].clone();
    assert_eq!(
        (name(0), name(1), name(2)),
        (json!("Joust Duffle Bag"), json!("Tiberius Gym Tank"), json!("Sac de sport Joust"))
    );
    assert!(!replayed[5].contains("VIP sale") && replayed[6].contains("VIP sale"), "{replayed:?}");
    let stored: Vec<Value> =
        files_in(&recordings).iter().map(|(_, text)| serde_json::from_str(text).unwrap()).collect();
    let signed_in: Vec<&Value> = stored.iter().map(|f| &f["request"]["signed_in"]).collect();
    assert_eq!(signed_in.iter().filter(|s| ***s == json!(true)).count(), 1);
    std::fs::remove_dir_all(&recordings).ok();
}

#[tokio::test]
async fn an_unrecorded_request_gets_an_error_naming_the_nearest_recordings_and_how_to_record_it() {
    let store = spawn(&["--stubs", store_stubs().to_str().unwrap()]).await;
    let recordings = temp_dir("unrecorded");
    let recorder =
        spawn(&["--upstream", &format!("{}/graphql", store.base), "--record", recordings.to_str().unwrap()]).await;
    send(&recorder, &session()[0]).await;
    let offline = spawn(&["--stubs", recordings.to_str().unwrap()]).await;
    let tent = Call { get: false, query: PRODUCTS, variables: json!({ "search": "tent" }), headers: vec![] };
    let seen = send(&offline, &tent).await;
    assert_eq!(seen.status, StatusCode::OK);
    let answer: Value = serde_json::from_slice(&seen.body).unwrap();
    let message = answer["errors"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("mock-server has no recording of this request: operation \"Products\""), "{message}");
    assert!(
        message.contains("{\"search\":\"tent\"}") && message.contains("Recordings of the same operation: Products-"),
        "{message}"
    );
    assert!(message.contains("(variables {\"search\":\"bag\"}") && message.contains("--record DIR"), "{message}");
    assert_eq!(answer["errors"][0]["extensions"]["category"], "mock-server-unrecorded");
    // With the store at hand, --unrecorded error still refuses rather than forwarding.
    let strict = spawn(&[
        "--stubs",
        recordings.to_str().unwrap(),
        "--upstream",
        &format!("{}/graphql", store.base),
        "--unrecorded",
        "error",
    ])
    .await;
    let refused: Value = serde_json::from_slice(&send(&strict, &tent).await.body).unwrap();
    assert_eq!(refused["errors"][0]["extensions"]["category"], "mock-server-unrecorded");
    assert!(journal(&store).await.iter().all(|e| e["variables"]["search"] != "tent"), "nothing was forwarded");
    std::fs::remove_dir_all(&recordings).ok();
}

#[tokio::test]
async fn emulated_operations_are_answered_by_the_mock_and_never_forwarded() {
    let store = spawn(&["--stubs", store_stubs().to_str().unwrap()]).await;
    let recordings = temp_dir("emulated");
    let recorder =
        spawn(&["--upstream", &format!("{}/graphql", store.base), "--record", recordings.to_str().unwrap()]).await;
    let answer = recorder.request_reset("roni_cost@example.com").await;
    assert_eq!(answer.body, r#"{"data":{"requestPasswordResetEmail":true}}"#);
    assert_eq!(recorder.messages().await["total"], 1, "the mock's own inbox has the email");
    assert!(journal(&store).await.is_empty(), "the store saw nothing");
    assert!(files_in(&recordings).is_empty());
    let entry = &journal(&recorder).await[0];
    assert_eq!((entry["operation"].as_str(), entry.get("stub")), (Some("requestPasswordResetEmail"), None));
    std::fs::remove_dir_all(&recordings).ok();
}

#[tokio::test]
async fn stubs_added_at_run_time_match_by_operation_root_field_variables_and_store_per_namespace() {
    let server = spawn(&[]).await;
    let (a, b) = (server.in_namespace("team-a"), server.in_namespace("team-b"));
    let stub = json!({
        "request": { "operation_name": "Products", "root_field": "products", "store": "default",
                     "variables": { "search": { "$regex": "^sh" } } },
        "response": { "status": 200, "headers": { "x-magento-tags": "cat_p" }, "json": { "data": { "products": { "total_count": 7 } } } }
    });
    let created = TestApp::send(a.post("/__admin/stubs").json(&stub)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let shirts = Call {
        get: false,
        query: PRODUCTS,
        variables: json!({ "search": "shirt" }),
        headers: vec![("Store", "default".into())],
    };
    let seen = send(&a, &shirts).await;
    assert_eq!(
        (seen.status, seen.body.as_slice()),
        (StatusCode::OK, br#"{"data":{"products":{"total_count":7}}}"#.as_slice())
    );
    assert!(seen.headers.contains(&("x-magento-tags".into(), "cat_p".into())), "{:?}", seen.headers);
    // Another namespace, another search or no Store header: Magento's own answer for an unknown field.
    for (app, call) in [
        (&b, &shirts),
        (
            &a,
            &Call {
                get: false,
                query: PRODUCTS,
                variables: json!({ "search": "bag" }),
                headers: vec![("Store", "default".into())],
            },
        ),
        (&a, &Call { get: false, query: PRODUCTS, variables: json!({ "search": "shirt" }), headers: vec![] }),
    ] {
        let body = String::from_utf8(send(app, call).await.body).unwrap();
        assert!(body.contains("Cannot query field \\\"products\\\" on type \\\"Query\\\""), "{body}");
    }
    let journal = journal(&a).await;
    assert_eq!(journal[0]["stub"], json!({ "answered_by": "stub", "id": id, "overrides_emulated": false }));
    assert_eq!(journal[0]["arguments"], json!({ "search": "shirt" }));
    let listed = TestApp::send(a.get("/__admin/stubs")).await.json();
    assert_eq!((listed[0]["id"].as_str(), listed[0]["source"].as_str()), (Some(id.as_str()), Some("admin")));
    assert_eq!(TestApp::send(b.get("/__admin/stubs")).await.json(), json!([]));
    assert_eq!(TestApp::send(a.delete(&format!("/__admin/stubs/{id}"))).await.status, StatusCode::NO_CONTENT);
    assert_eq!(TestApp::send(a.delete(&format!("/__admin/stubs/{id}"))).await.status, StatusCode::NOT_FOUND);
    let bad = TestApp::send(a.post("/__admin/stubs").json(&json!({ "response": { "state": "melted" } }))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.json()["error"].as_str().unwrap().contains("unknown state \"melted\""), "{}", bad.body);
}

#[tokio::test]
async fn a_stub_answers_with_a_scripted_state_or_a_delay() {
    let server = spawn(&[]).await;
    let add = |stub: Value| {
        let request = server.post("/__admin/stubs").json(&stub);
        async move { TestApp::send(request).await.status }
    };
    assert_eq!(
        add(json!({ "request": { "root_field": "categories" }, "response": { "state": "http-503" } })).await,
        StatusCode::CREATED
    );
    let gateway = send(&server, &Call { get: false, query: CATEGORIES, variables: json!({}), headers: vec![] }).await;
    assert_eq!(gateway.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(String::from_utf8_lossy(&gateway.body).contains("503 Service Temporarily Unavailable"));
    let delayed = json!({ "request": { "root_field": "cmsBlocks" }, "response": { "delay_ms": 300, "json": { "data": { "cmsBlocks": null } } } });
    assert_eq!(add(delayed).await, StatusCode::CREATED);
    let started = std::time::Instant::now();
    let late =
        send(&server, &Call { get: true, query: CMS_BLOCKS, variables: json!({ "ids": ["x"] }), headers: vec![] })
            .await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    assert_eq!(late.body, br#"{"data":{"cmsBlocks":null}}"#);
}

/// The account flow stays emulated; a stub may override one of its operations on purpose, and
/// the journal says so.
#[tokio::test]
async fn a_stub_can_override_an_emulated_operation_and_the_journal_says_so() {
    let server = spawn(&[]).await;
    let app = server.in_namespace("override");
    let locked = json!({ "id": "reset-locked", "request": { "root_field": "requestPasswordResetEmail" }, "response": { "state": "locked" } });
    assert_eq!(TestApp::send(app.post("/__admin/stubs").json(&locked)).await.status, StatusCode::CREATED);
    let answer = app.request_reset("roni_cost@example.com").await;
    assert_eq!(answer.json()["errors"][0]["message"], "The account is locked");
    assert_eq!(journal(&app).await[0]["scenario"], "locked");
    let replaced = json!({ "id": "reset-false", "request": { "operation_name": "Forgot" },
                           "response": { "json": { "data": { "requestPasswordResetEmail": false } } } });
    assert_eq!(TestApp::send(app.post("/__admin/stubs").json(&replaced)).await.status, StatusCode::CREATED);
    let named = "mutation Forgot {\n  requestPasswordResetEmail(email: \"roni_cost@example.com\")\n}";
    assert_eq!(app.graphql(named).await.body, r#"{"data":{"requestPasswordResetEmail":false}}"#);
    let entry = journal(&app).await.last().unwrap().clone();
    assert_eq!(entry["stub"], json!({ "answered_by": "stub", "id": "reset-false", "overrides_emulated": true }));
    assert_eq!(entry["email"], "roni_cost@example.com");
    // Unstubbed, the emulation answers again, in other namespaces all along.
    assert_eq!(TestApp::send(app.delete("/__admin/stubs")).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.graphql(&request_reset_document("roni_cost@example.com")).await.body,
        r#"{"data":{"requestPasswordResetEmail":true}}"#
    );
}

/// What `main` prints after `mock-server: ` before exiting with 2 (checked in-process: the
/// binary in a shared target directory may be another branch's).
fn refused(args: &[&str]) -> String {
    let mut line = vec!["mock-server", "--listen", "127.0.0.1:0", "--smtp-listen", "off"];
    line.extend_from_slice(args);
    match Config::from_args(&ServeArgs::try_from_command_line(line).unwrap()) {
        Ok(_) => panic!("{args:?} was accepted"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn a_bad_stubs_path_upstream_url_or_record_flag_stops_the_server_with_the_reason() {
    let dir = temp_dir("bad");
    write(&dir, "broken.json", &json!({ "request": { "operaton_name": "X" }, "response": { "text": "" } }));
    let error = refused(&["--stubs", dir.to_str().unwrap()]);
    assert!(error.contains("broken.json") && error.contains("unknown field `operaton_name`"), "{error}");
    assert!(refused(&["--stubs", "/nonexistent/stubs"]).starts_with("--stubs cannot read /nonexistent/stubs"));
    let error = refused(&["--upstream", "store.example/graphql"]);
    assert_eq!(error, "--upstream \"store.example/graphql\" is not an http(s) URL");
    assert_eq!(
        refused(&["--record", dir.to_str().unwrap()]),
        "--record needs --upstream: the store whose answers to record"
    );
    std::fs::remove_dir_all(&dir).ok();
}
