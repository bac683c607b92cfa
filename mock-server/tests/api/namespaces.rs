//! Many tests sharing one server: namespaces keep their accounts, tokens, inbox, journal,
//! scenarios and clock apart.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, join_all, spawn_app, token_from_link};

const RONI: &str = "roni_cost@example.com";

/// 32 journeys at once, one per namespace, each seeing only its own world.
#[tokio::test]
async fn thirty_two_concurrent_journeys_in_distinct_namespaces_see_only_their_own_world() {
    let server = spawn_app("2.4.8").await;
    let journeys = (0..32).map(|n| {
        let app = server.in_namespace(&format!("journey-{n}"));
        async move {
            // Each namespace has its own scenario rule and clock.
            let rule = json!({ "operation": "generateCustomerToken", "email": "nobody@example.com", "state": "internal-error" });
            TestApp::send(app.post("/__admin/scenarios").json(&rule)).await;
            app.advance_clock(n * 60).await;

            assert_eq!(app.request_reset(RONI).await.json()["data"]["requestPasswordResetEmail"], true);
            let inbox = app.messages().await;
            assert_eq!(inbox["total"], 1, "journey {n} sees only its own email");
            let message = app.message("latest").await.json();
            let token = token_from_link(message["Text"].as_str().unwrap());
            assert_eq!(app.live_token(RONI).await.as_deref(), Some(token.as_str()));
            let password = format!("N3w-Passw0rd-{n}!");
            assert_eq!(app.reset_password(RONI, &token, &password).await.json()["data"]["resetPassword"], true);
            assert!(app.sign_in(RONI, &password).await.json()["data"]["generateCustomerToken"]["token"].is_string());

            let journal = TestApp::send(app.get("/__admin/requests")).await.json();
            let operations: Vec<&str> = journal.as_array().unwrap().iter().map(|e| e["operation"].as_str().unwrap()).collect();
            assert_eq!(operations, ["requestPasswordResetEmail", "resetPassword", "generateCustomerToken"], "journey {n}");
            assert_eq!(TestApp::send(app.get("/__admin/scenarios")).await.json().as_array().unwrap().len(), 1);
            (n, token, password)
        }
    });
    let results = join_all(journeys).await;

    let tokens: std::collections::HashSet<&String> = results.iter().map(|(_, token, _)| token).collect();
    assert_eq!(tokens.len(), 32, "all tokens distinct");
    // The default namespace saw none of it, and every other namespace kept its own password.
    assert_eq!(server.messages().await["total"], 0);
    assert!(
        server.sign_in(RONI, "roni_cost3@example.com").await.json()["data"]["generateCustomerToken"]["token"]
            .is_string()
    );
    for (n, _, password) in &results {
        let other = server.in_namespace(&format!("journey-{}", (n + 1) % 32));
        let refused = other.sign_in(RONI, password).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "journey {n}'s password works only in its namespace");
    }

    // Resetting one namespace leaves the others alone.
    let first = server.in_namespace("journey-0");
    TestApp::send(first.post("/__admin/reset")).await;
    assert_eq!(first.messages().await["total"], 0);
    assert_eq!(TestApp::send(first.get("/__admin/requests")).await.json(), json!([]));
    assert_eq!(TestApp::send(first.get("/__admin/scenarios")).await.json(), json!([]));
    assert!(
        first.sign_in(RONI, "roni_cost3@example.com").await.json()["data"]["generateCustomerToken"]["token"]
            .is_string()
    );
    let second = server.in_namespace("journey-1");
    assert_eq!(second.messages().await["total"], 1);
    let clock = TestApp::send(second.get("/__admin/clock")).await.json();
    assert_eq!(clock["offset_seconds"], 60.0);
}

/// Namespaces are capped, so made-up names cannot grow memory without bound; a finished one can be
/// forgotten to make room.
#[tokio::test]
async fn namespaces_are_capped_and_can_be_forgotten() {
    let server = spawn_app("2.4.8").await;
    // The default namespace counts too.
    assert_eq!(TestApp::send(server.get("/__admin/clock")).await.status, StatusCode::OK);
    for n in 1..mock_server::state::MAX_NAMESPACES {
        let answer = TestApp::send(server.in_namespace(&format!("n{n}")).get("/__admin/clock")).await;
        assert_eq!(answer.status, StatusCode::OK, "namespace {n}");
    }
    let refused = server.in_namespace("one-too-many").request_reset(RONI).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.json()["errors"][0]["message"].as_str().unwrap().starts_with("too many namespaces"));
    let inbox = TestApp::send(server.in_namespace("one-too-many").get("/api/v1/messages")).await;
    assert_eq!(inbox.status, StatusCode::BAD_REQUEST);

    let forgotten = TestApp::send(server.delete("/__admin/namespaces/n1")).await;
    assert_eq!(forgotten.status, StatusCode::NO_CONTENT);
    let admitted = server.in_namespace("one-too-many").request_reset(RONI).await;
    assert_eq!(admitted.json()["data"]["requestPasswordResetEmail"], true);
    assert_eq!(TestApp::send(server.delete("/__admin/namespaces/n1")).await.status, StatusCode::NOT_FOUND);
}
