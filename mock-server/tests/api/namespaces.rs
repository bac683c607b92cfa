//! Many tests sharing one server: namespaces keep their accounts, tokens, inbox, journal,
//! scenarios and clock apart.

use reqwest::StatusCode;

use std::time::Duration;

use mock_server::{GraphQlResponse, MockClient, MockServer, ScenarioRule};

use crate::helpers::{TestApp, join_all, request_reset_document, reset_password_document, sign_in_document, spawn_app};

const RONI: &str = "roni_cost@example.com";

/// 32 journeys at once, one per namespace, each seeing only its own world (through the library's
/// `MockClient`, one per namespace).
#[tokio::test]
async fn thirty_two_concurrent_journeys_in_distinct_namespaces_see_only_their_own_world() {
    let server = MockServer::start().await.unwrap();
    let journeys = (0..32u64).map(|n| {
        let mock = server.namespace(&format!("journey-{n}"));
        async move {
            // Each namespace has its own scenario rule and clock.
            let rule =
                ScenarioRule::state("internal-error").operation("generateCustomerToken").email("nobody@example.com");
            mock.scenario(rule).await.unwrap();
            mock.clock().advance(Duration::from_secs(n * 60)).await.unwrap();

            let requested = mock.graphql(&request_reset_document(RONI)).send().await.unwrap();
            assert_eq!(requested.data()["requestPasswordResetEmail"], true);
            assert_eq!(mock.messages().await.unwrap()["total"], 1, "journey {n} sees only its own email");
            let token = mock.wait_for_reset_link(RONI).await.unwrap().token;
            assert_eq!(mock.reset_token(RONI).await.unwrap().map(|t| t.token).as_deref(), Some(token.as_str()));
            let password = format!("N3w-Passw0rd-{n}!");
            let reset = mock.graphql(&reset_password_document(RONI, &token, &password)).send().await.unwrap();
            assert_eq!(reset.data()["resetPassword"], true);
            assert!(sign_in(&mock, RONI, &password).await.data()["generateCustomerToken"]["token"].is_string());

            let journal = mock.received_requests().await.unwrap();
            let operations: Vec<&str> = journal.iter().map(|e| e.operation.as_str()).collect();
            assert_eq!(
                operations,
                ["requestPasswordResetEmail", "resetPassword", "generateCustomerToken"],
                "journey {n}"
            );
            assert_eq!(mock.scenarios().await.unwrap().len(), 1);
            (n, token, password)
        }
    });
    let results = join_all(journeys).await;

    let tokens: std::collections::HashSet<&String> = results.iter().map(|(_, token, _)| token).collect();
    assert_eq!(tokens.len(), 32, "all tokens distinct");
    // The default namespace saw none of it, and every other namespace kept its own password.
    assert_eq!(server.messages().await.unwrap()["total"], 0);
    assert!(
        sign_in(&server, RONI, "roni_cost3@example.com").await.data()["generateCustomerToken"]["token"].is_string()
    );
    for (n, _, password) in &results {
        let other = server.namespace(&format!("journey-{}", (n + 1) % 32));
        let refused = sign_in(&other, RONI, password).await;
        assert_eq!(refused.status(), 401, "journey {n}'s password works only in its namespace");
    }

    // Resetting one namespace leaves the others alone.
    let first = server.namespace("journey-0");
    first.reset().await.unwrap();
    assert_eq!(first.messages().await.unwrap()["total"], 0);
    assert!(first.received_requests().await.unwrap().is_empty());
    assert!(first.scenarios().await.unwrap().is_empty());
    assert!(sign_in(&first, RONI, "roni_cost3@example.com").await.data()["generateCustomerToken"]["token"].is_string());
    let second = server.namespace("journey-1");
    assert_eq!(second.messages().await.unwrap()["total"], 1);
    assert_eq!(second.clock().get().await.unwrap().offset_seconds, 60.0);
}

async fn sign_in(mock: &MockClient, email: &str, password: &str) -> GraphQlResponse {
    mock.graphql(&sign_in_document(email, password)).send().await.unwrap()
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
