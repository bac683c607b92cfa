//! Bad requests get a clear error and the server carries on.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

async fn still_serving(app: &TestApp) {
    let answer = app.graphql("{ storeConfig { store_name } }").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn malformed_and_non_utf8_bodies_are_refused_clearly() {
    let app = spawn_app("2.4.8").await;
    for body in [&b"{\"query\":"[..], b"\xff\xfe\x00garbage", b"[]", b"\"just a string\"", b"{\"query\": 5}", b""] {
        let answer =
            TestApp::send(app.post("/graphql").header("Content-Type", "application/json").body(body.to_vec())).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body:?}");
        assert_eq!(answer.json()["errors"][0]["message"], "Syntax Error: Unable to parse the request.");
    }
    still_serving(&app).await;
}

#[tokio::test]
async fn absurd_documents_are_refused_without_harm() {
    let app = spawn_app("2.4.8").await;
    let deep = format!("{{{}{}}}", "storeConfig { ".repeat(50_000), "}".repeat(50_000));
    let answer = app.graphql(&deep).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.json()["errors"][0]["message"].as_str().unwrap().starts_with("Max query depth should be 20"));

    let wide = format!(
        "mutation {{ {} }}",
        (0..5_000).map(|i| format!("a{i}: requestPasswordResetEmail(email: \"\")")).collect::<Vec<_>>().join(" ")
    );
    let answer = app.graphql(&wide).await;
    assert_eq!(answer.json()["errors"].as_array().map(Vec::len), Some(5_000), "each field answers for itself");

    let garbage = app.graphql("\u{0}\u{1}}}}}{{{{ query mutation ... $$$").await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert!(garbage.json()["errors"][0]["message"].as_str().unwrap().starts_with("Syntax Error:"));
    still_serving(&app).await;
}

#[tokio::test]
async fn unknown_fields_and_bad_mock_headers_are_explained() {
    let app = spawn_app("2.4.8").await;
    let answer = app.graphql("{ customerr { email } }").await;
    assert_eq!(answer.json()["errors"][0]["message"], "Cannot query field \"customerr\" on type \"Query\".");

    let bad_state = TestApp::send(
        app.post("/graphql")
            .header("X-Mock-Scenario", "explode")
            .json(&json!({ "query": "{ storeConfig { store_name } }" })),
    )
    .await;
    assert_eq!(bad_state.status, StatusCode::BAD_REQUEST);
    assert!(
        bad_state.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("X-Mock-Scenario: unknown state \"explode\"")
    );

    let bad_namespace = TestApp::send(
        app.post("/graphql")
            .header("X-Mock-Namespace", "no spaces")
            .json(&json!({ "query": "{ storeConfig { store_name } }" })),
    )
    .await;
    assert_eq!(bad_namespace.status, StatusCode::BAD_REQUEST);
    still_serving(&app).await;
}

#[tokio::test]
async fn introspection_and_typename_work() {
    let app = spawn_app("2.4.8").await;
    let answer = app.graphql("{ __typename __schema { mutationType { name fields { name } } } }").await.json();
    assert_eq!(answer["data"]["__typename"], "Query");
    let fields: Vec<&str> = answer["data"]["__schema"]["mutationType"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for name in ["requestPasswordResetEmail", "resetPassword", "generateCustomerToken", "revokeCustomerToken"] {
        assert!(fields.contains(&name), "{name}");
    }
}

#[tokio::test]
async fn health_probes_answer() {
    let app = spawn_app("2.4.8").await;
    for path in ["/livez", "/readyz"] {
        assert_eq!(TestApp::send(app.get(path)).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn cors_is_open_for_local_frontends() {
    let app = spawn_app("2.4.8").await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
        .header("Origin", "http://localhost:3000")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type,x-mock-scenario")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "http://localhost:3000");
}
