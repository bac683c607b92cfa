//! Fuzzing the request path: arbitrary bytes and arbitrary documents sent to `/graphql` never
//! panic and always get one of the documented answers. `FUZZ_CASES` sets the number of cases
//! (CI runs more than the default).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use mock_server::config::Config;
use mock_server::http::router;
use mock_server::state::AppState;
use proptest::prelude::*;
use tower::ServiceExt;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
}

fn app() -> AppState {
    AppState::new(&Config::for_tests().unwrap())
}

/// Sends one request through the router (no socket) and checks the answer's form.
fn check(
    app: &AppState,
    runtime: &tokio::runtime::Runtime,
    content_type: &str,
    body: Vec<u8>,
) -> Result<(), TestCaseError> {
    let request = Request::post("/graphql").header("content-type", content_type).body(Body::from(body)).unwrap();
    let response = runtime.block_on(router(app.clone()).oneshot(request)).unwrap();
    let status = response.status();
    let bytes = runtime.block_on(axum::body::to_bytes(response.into_body(), usize::MAX)).unwrap();
    // PHP's strict types refuse a body that is not a JSON object or list, or a `query` that is
    // not a string: Bootstrap's plain-text 500, as on a real store.
    if status == StatusCode::INTERNAL_SERVER_ERROR
        && bytes.starts_with(b"An error has happened during application run.")
    {
        return Ok(());
    }
    prop_assert!(
        [
            StatusCode::OK,
            StatusCode::BAD_REQUEST,
            StatusCode::UNAUTHORIZED,
            StatusCode::FORBIDDEN,
            StatusCode::INTERNAL_SERVER_ERROR
        ]
        .contains(&status),
        "status {status}"
    );
    let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    prop_assert!(json.get("errors").is_some() || json.get("data").is_some());
    // `Internal server error` comes only from before execution (PHP warnings in webonyx's lexer),
    // never from a resolver: no error that has a path says it.
    for error in json["errors"].as_array().into_iter().flatten() {
        prop_assert!(!(error["message"] == "Internal server error" && error.get("path").is_some()), "{json}");
    }
    Ok(())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bodies_get_a_documented_answer(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&app(), &runtime(), "application/json", body)?;
    }

    #[test]
    fn arbitrary_documents_get_a_documented_answer(query in "\\PC{0,200}") {
        let body = serde_json::json!({ "query": query }).to_string().into_bytes();
        check(&app(), &runtime(), "application/json", body)?;
    }

    /// Documents made of GraphQL's own tokens reach deeper into the parser and validator.
    #[test]
    fn token_soup_documents_get_a_documented_answer(
        tokens in proptest::collection::vec(
            prop_oneof![
                Just("mutation"), Just("query"), Just("{"), Just("}"), Just("("), Just(")"), Just(":"), Just("$e"),
                Just("String!"), Just("requestPasswordResetEmail"), Just("resetPassword"), Just("email"),
                Just("\"roni_cost@example.com\""), Just("\"\""), Just("null"), Just("123"), Just("..."), Just("on"),
                Just("fragment"), Just("f"), Just("Mutation"), Just("@include(if: true)"), Just("__typename"), Just(","),
                Just("storeConfig"), Just("store_name"), Just("customer"), Just("email"), Just("a:"), Just("["), Just("]"),
            ],
            0..40,
        ),
        variables in proptest::option::of(prop_oneof![Just(serde_json::json!({"e": "a@b.cd"})), Just(serde_json::json!({"e": 5})), Just(serde_json::json!([1]))]),
    ) {
        let body = serde_json::json!({ "query": tokens.join(" "), "variables": variables }).to_string().into_bytes();
        check(&app(), &runtime(), "application/json", body)?;
    }
}
