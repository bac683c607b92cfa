//! Every scripted state, reached all three ways (header, magic address, rule), seen as a
//! storefront sees it: faults really happen at the transport.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, join_all, request_reset_document, spawn_with};
use mock_server::config::Throttle;

#[derive(Clone, Copy, Debug)]
enum Way {
    Header,
    MagicAddress,
    Rule,
}

/// What came back: an HTTP answer, or a broken connection.
enum Seen {
    Answer { status: StatusCode, body: String, elapsed: Duration },
    ConnectionError(String),
}

async fn trigger(app: &TestApp, way: Way, state: &str) -> Seen {
    let email = match way {
        Way::MagicAddress => format!("{state}@scenario.test"),
        _ => "roni_cost@example.com".to_owned(),
    };
    if let Way::Rule = way {
        let rule = json!({ "operation": "requestPasswordResetEmail", "email": email, "state": state, "times": 1 });
        let created = TestApp::send(app.post("/__admin/scenarios").json(&rule)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    }
    let mut request = app.post("/graphql").json(&json!({ "query": request_reset_document(&email) }));
    if let Way::Header = way {
        request = request.header("X-Mock-Scenario", state);
    }
    let started = Instant::now();
    match request.send().await {
        Ok(response) => {
            let status = response.status();
            match response.text().await {
                Ok(body) => Seen::Answer { status, body, elapsed: started.elapsed() },
                Err(error) => Seen::ConnectionError(format!("{error:?}")),
            }
        }
        Err(error) => Seen::ConnectionError(format!("{error:?}")),
    }
}

fn answer(seen: Seen, context: &str) -> (StatusCode, String, Duration) {
    match seen {
        Seen::Answer { status, body, elapsed } => (status, body, elapsed),
        Seen::ConnectionError(error) => panic!("{context}: expected an answer, the connection failed: {error}"),
    }
}

fn error_message(body: &str) -> Value {
    let json: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    json["errors"][0]["message"].clone()
}

#[tokio::test]
async fn every_state_is_reachable_by_header_magic_address_and_rule() {
    let server = spawn_with("2.4.8", Throttle::Off).await;
    for way in [Way::Header, Way::MagicAddress, Way::Rule] {
        for state in ["ok", "unknown", "locked", "throttled", "mail-failure", "internal-error"] {
            let context = format!("{way:?} {state}");
            let app = server.in_namespace(&format!("{way:?}-{state}"));
            let (status, body, _) = answer(trigger(&app, way, state).await, &context);
            assert_eq!(status, StatusCode::OK, "{context}");
            let json: Value = serde_json::from_str(&body).unwrap();
            let field = &json["data"]["requestPasswordResetEmail"];
            match state {
                "ok" => assert_eq!(*field, true, "{context}"),
                "mail-failure" => assert_eq!((field.clone(), json.get("errors")), (json!(false), None), "{context}"),
                "unknown" | "throttled" => {
                    assert_eq!(error_message(&body), "Cannot reset the customer's password", "{context}")
                }
                "locked" => assert_eq!(error_message(&body), "The account is locked", "{context}"),
                _ => {
                    assert_eq!(error_message(&body), "Internal server error", "{context}");
                    assert!(json["errors"][0].get("extensions").is_none(), "2.4.8 internal errors carry no extensions");
                }
            }
            let mails = app.messages().await["total"].as_u64().unwrap();
            assert_eq!(mails, u64::from(state == "ok"), "{context}: emails captured");
        }

        let app = server.in_namespace(&format!("{way:?}-faults"));
        for (state, status, marker) in [
            ("http-500", StatusCode::INTERNAL_SERVER_ERROR, "There has been an error processing your request"),
            ("http-502", StatusCode::BAD_GATEWAY, "502 Bad Gateway"),
            ("http-503", StatusCode::SERVICE_UNAVAILABLE, "503 Service Temporarily Unavailable"),
        ] {
            let (seen_status, body, _) = answer(trigger(&app, way, state).await, state);
            assert_eq!(seen_status, status, "{way:?} {state}");
            assert!(body.starts_with("<html>") && body.contains(marker), "{way:?} {state}: {body}");
        }

        let (status, body, _) = answer(trigger(&app, way, "malformed-json").await, "malformed-json");
        assert_eq!(status, StatusCode::OK);
        assert!(serde_json::from_str::<Value>(&body).is_err(), "{way:?}: the body must not parse: {body}");

        let (status, _, elapsed) = answer(trigger(&app, way, "delay-300").await, "delay-300");
        assert_eq!(status, StatusCode::OK);
        assert!(elapsed >= Duration::from_millis(300), "{way:?}: answered after {elapsed:?}");

        match trigger(&app, way, "connection-reset").await {
            Seen::ConnectionError(error) => {
                assert!(error.contains("reset") || error.contains("closed"), "{way:?}: {error}")
            }
            Seen::Answer { status, body, .. } => panic!("{way:?}: expected a reset connection, got {status} {body}"),
        }
    }
}

/// Rules take precedence over magic addresses; the header over both.
#[tokio::test]
async fn precedence_is_header_then_rule_then_magic_address_then_real_state() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    let rule = json!({ "email": "locked@scenario.test", "state": "throttled" });
    TestApp::send(app.post("/__admin/scenarios").json(&rule)).await;
    let by_rule = app.request_reset("locked@scenario.test").await;
    assert_eq!(error_message(&by_rule.body), "Cannot reset the customer's password");
    let by_header = TestApp::send(
        app.post("/graphql")
            .header("X-Mock-Scenario", "ok")
            .json(&json!({ "query": request_reset_document("locked@scenario.test") })),
    )
    .await;
    assert_eq!(by_header.json()["data"]["requestPasswordResetEmail"], true);
    TestApp::send(app.delete("/__admin/scenarios")).await;
    assert_eq!(error_message(&app.request_reset("locked@scenario.test").await.body), "The account is locked");
    assert_eq!(app.request_reset("roni_cost@example.com").await.json()["data"]["requestPasswordResetEmail"], true);
}

/// Fifty concurrent requests against a rule for the next 7: exactly 7 get the state.
#[tokio::test]
async fn next_n_times_is_exact_under_concurrent_requests() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    let rule = json!({ "operation": "requestPasswordResetEmail", "state": "locked", "times": 7 });
    let created = TestApp::send(app.post("/__admin/scenarios").json(&rule)).await;
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let requests = (0..50).map(|_| {
        let app = app.in_namespace("");
        async move { app.request_reset("roni_cost@example.com").await }
    });
    let answers = join_all(requests).await;
    let locked = answers.iter().filter(|a| a.body.contains("The account is locked")).count();
    assert_eq!(locked, 7);
    assert_eq!(answers.len() - locked, 43, "the others fall through to the real account");
    let listed = TestApp::send(app.get("/__admin/scenarios")).await.json();
    assert_eq!(listed[0]["id"], id);
    assert_eq!((listed[0]["uses_left"].clone(), listed[0]["used"].clone()), (json!(0), json!(7)));
}

#[tokio::test]
async fn a_rule_with_a_delay_holds_the_answer_back() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    let rule = json!({ "operation": "resetPassword", "state": "unknown", "delay_ms": 250 });
    TestApp::send(app.post("/__admin/scenarios").json(&rule)).await;
    let started = Instant::now();
    let answer = app.reset_password("roni_cost@example.com", "abcdefghijklmnopqrstuvwxyzABCDEF", "N3w-Passw0rd!").await;
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_eq!(error_message(&answer.body), "Cannot set the customer's password");
}

/// PHP runs a request to its end when the client goes away (it notices only when it writes
/// output), so a reset whose client gave up during a delay still sends its email.
#[tokio::test]
async fn a_client_that_gives_up_during_a_delay_does_not_cancel_the_reset() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    let request = app
        .post("/graphql")
        .header("X-Mock-Scenario", "delay-500")
        .json(&json!({ "query": request_reset_document("roni_cost@example.com") }))
        .timeout(Duration::from_millis(100));
    let error = request.send().await.expect_err("the client gives up first");
    assert!(error.is_timeout(), "{error:?}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.messages().await["total"] != 1 {
        assert!(Instant::now() < deadline, "no email was captured after the client gave up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
