//! The control API: accounts, settings, the journal and its wait, captured-email views, and
//! the admin token. Bad input gets a JSON error with the reason.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_configured, spawn_with};
use mock_server::config::Throttle;

#[tokio::test]
async fn customers_can_be_created_used_and_deleted() {
    let app = spawn_app("2.4.8").await;
    let new = json!({ "email": "qa@example.com", "password": "Qa-Passw0rd!", "firstname": "Q", "lastname": "A" });
    let created = TestApp::send(app.post("/__admin/customers").json(&new)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["email"], "qa@example.com");
    assert!(
        app.sign_in("qa@example.com", "Qa-Passw0rd!").await.json()["data"]["generateCustomerToken"]["token"]
            .is_string()
    );

    let duplicate =
        TestApp::send(app.post("/__admin/customers").json(&json!({ "email": "QA@example.com", "password": "x" })))
            .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert!(duplicate.json()["error"].as_str().unwrap().contains("already exists"));

    let deleted = TestApp::send(app.delete("/__admin/customers/qa@example.com")).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.request_reset("qa@example.com").await.json()["errors"][0]["message"],
        "Cannot reset the customer's password"
    );
    assert_eq!(TestApp::send(app.delete("/__admin/customers/qa@example.com")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_input_gets_a_json_error_with_the_reason() {
    let app = spawn_app("2.4.8").await;
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (
            app.post("/__admin/customers").json(&json!({ "email": "nope", "password": "x" })),
            StatusCode::BAD_REQUEST,
            "not a valid email",
        ),
        (
            app.post("/__admin/customers").json(&json!({ "email": "a@example.com" })),
            StatusCode::BAD_REQUEST,
            "missing field `password`",
        ),
        (
            app.post("/__admin/customers").header("Content-Type", "application/json").body("{"),
            StatusCode::BAD_REQUEST,
            "Failed to parse the request body as JSON",
        ),
        (app.post("/__admin/customers").body("{}"), StatusCode::BAD_REQUEST, "Content-Type: application/json"),
        (app.post("/__admin/clock/advance").json(&json!({ "seconds": "soon" })), StatusCode::BAD_REQUEST, "seconds"),
        (app.post("/__admin/clock/advance").json(&json!({ "seconds": 1e12 })), StatusCode::BAD_REQUEST, "ten years"),
        (
            app.post("/__admin/scenarios").json(&json!({ "state": "melted" })),
            StatusCode::BAD_REQUEST,
            "unknown state \"melted\"",
        ),
        (
            app.post("/__admin/scenarios").json(&json!({ "state": "ok", "times": 0 })),
            StatusCode::BAD_REQUEST,
            "times must be at least 1",
        ),
        (
            app.post("/__admin/scenarios").json(&json!({ "state": "ok", "colour": "red" })),
            StatusCode::BAD_REQUEST,
            "unknown field `colour`",
        ),
        (
            app.client.patch(format!("{}/__admin/settings", app.base)).json(&json!({ "magento_version": "2.5.0" })),
            StatusCode::BAD_REQUEST,
            "unsupported Magento version",
        ),
        (app.get("/__admin/requests?limit=lots"), StatusCode::BAD_REQUEST, "limit: invalid digit"),
        (app.get("/__admin/customers/nobody@example.com/reset-token"), StatusCode::NOT_FOUND, "no customer"),
        (app.get("/__admin/customers/roni_cost@example.com/reset-token"), StatusCode::NOT_FOUND, "no live reset token"),
        (app.delete("/__admin/scenarios/nope"), StatusCode::NOT_FOUND, "no scenario rule"),
        (app.get("/__admin/messages/nope"), StatusCode::NOT_FOUND, "no captured message"),
    ];
    for (request, status, reason) in cases {
        let answer = TestApp::send(request).await;
        assert_eq!(answer.status, status, "{}", answer.body);
        let error = answer.json()["error"].as_str().unwrap_or_default().to_owned();
        assert!(error.contains(reason), "{error:?} should mention {reason:?}");
    }
}

#[tokio::test]
async fn settings_switch_the_release_and_the_enumeration_mode_at_run_time() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    let patch = |body: Value| {
        let request = app.client.patch(format!("{}/__admin/settings", app.base)).json(&body);
        TestApp::send(request)
    };
    let changed = patch(json!({ "magento_version": "2.4.6", "enumeration": "uniform" })).await.json();
    assert_eq!(
        changed,
        json!({
            "magento_version": "2.4.6",
            "magento_mode": "default",
            "throttle": "off",
            "enumeration": "uniform",
            "create_account_confirmation": null,
            "recaptcha": null
        })
    );

    let unknown = app.request_reset("nobody@example.com").await;
    assert_eq!(
        unknown.json(),
        json!({ "data": { "requestPasswordResetEmail": true } }),
        "uniform: unknown looks known"
    );
    assert_eq!(app.messages().await["total"], 0, "and nothing is sent");
    let v15_shape = app.reset_password("nobody@example.com", "t", "p").await.body;
    assert!(
        v15_shape.starts_with(r#"{"errors":[{"message":"Cannot set the customer's password","locations""#),
        "{v15_shape}"
    );

    patch(json!({ "enumeration": "magento", "magento_version": "2.4.8" })).await;
    assert_eq!(
        app.request_reset("nobody@example.com").await.json()["errors"][0]["message"],
        "Cannot reset the customer's password"
    );
}

#[tokio::test]
async fn the_journal_records_every_field_with_passwords_masked() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    app.request_reset("roni_cost@example.com").await;
    let query = "mutation reset($e: String!, $p: String!) {\n  resetPassword(email: $e, resetPasswordToken: \"abcdefghijklmnopqrstuvwxyzABCDEF\", newPassword: $p)\n}";
    app.graphql_with(query, json!({ "e": "roni_cost@example.com", "p": "Secret-123" })).await;

    let journal = TestApp::send(app.get("/__admin/requests")).await.json();
    let entries = journal.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let request = &entries[0];
    assert_eq!(request["operation"], "requestPasswordResetEmail");
    assert_eq!(request["email"], "roni_cost@example.com");
    assert_eq!(request["result"], true);
    assert_eq!(request["message_id"], app.messages().await["messages"][0]["ID"]);
    let reset = &entries[1];
    assert_eq!((reset["type"].clone(), reset["operation_name"].clone()), (json!("mutation"), json!("reset")));
    assert_eq!(reset["arguments"]["newPassword"], "****");
    assert_eq!(reset["arguments"]["resetPasswordToken"], "****");
    assert_eq!(reset["variables"], json!({ "e": "roni_cost@example.com", "p": "****" }));
    assert_eq!(reset["error"], "The password token is mismatched. Reset and try again.");
    assert!(!journal.to_string().contains("Secret-123"));

    let filtered = TestApp::send(app.get("/__admin/requests").query(&[("operation", "resetPassword")])).await.json();
    assert_eq!(filtered.as_array().unwrap().len(), 1);
}

/// A document whose arguments are written out is journaled from one kept copy: every request
/// that sends it gets the same entry arguments, masked, with its email.
#[tokio::test]
async fn a_document_sent_again_is_journaled_with_its_written_arguments_masked_each_time() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    let query = "mutation {\n  resetPassword(email: \"roni_cost@example.com\", resetPasswordToken: \"abcdefghijklmnopqrstuvwxyzABCDEF\", newPassword: \"Secret-123\")\n}";
    for _ in 0..3 {
        app.graphql(query).await;
    }

    let journal = TestApp::send(app.get("/__admin/requests")).await.json();
    let entries = journal.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    for entry in entries {
        assert_eq!(
            entry["arguments"],
            json!({ "email": "roni_cost@example.com", "resetPasswordToken": "****", "newPassword": "****" })
        );
        assert_eq!(entry["email"], "roni_cost@example.com");
        assert_eq!(entry["variables"], json!({}));
        assert_eq!(entry["error"], "The password token is mismatched. Reset and try again.");
    }
    assert!(!journal.to_string().contains("Secret-123"));
    assert!(!journal.to_string().contains("abcdefghijklmnopqrstuvwxyzABCDEF"));
    let by_email =
        TestApp::send(app.get("/__admin/requests").query(&[("email", "RONI_COST@example.com")])).await.json();
    assert_eq!(by_email.as_array().unwrap().len(), 3);
}

/// The wait returns as soon as a matching request happens, woken by it rather than polling.
#[tokio::test]
async fn waiting_for_a_request_returns_when_it_happens() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    let waiter = {
        let app = app.in_namespace("");
        tokio::spawn(async move {
            let query = [
                ("operation", "requestPasswordResetEmail"),
                ("email", "JANE.DOE@example.com"),
                ("timeout_ms", "10000"),
            ];
            TestApp::send(app.get("/__admin/requests/wait").query(&query)).await
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    app.request_reset("roni_cost@example.com").await;
    assert!(!waiter.is_finished(), "another email does not match");
    app.request_reset("jane.doe@example.com").await;
    let found = waiter.await.unwrap();
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.json()["email"], "jane.doe@example.com");

    let timeout = TestApp::send(
        app.get("/__admin/requests/wait").query(&[("email", "nobody@example.com"), ("timeout_ms", "50")]),
    )
    .await;
    assert_eq!(timeout.status, StatusCode::REQUEST_TIMEOUT);
}

#[tokio::test]
async fn the_admin_view_of_an_email_carries_link_token_and_request() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    app.request_reset("roni_cost@example.com").await;
    let view = TestApp::send(app.get("/__admin/messages/latest")).await.json();
    let token = app.live_token("roni_cost@example.com").await.unwrap();
    assert_eq!(view["token"], token.as_str());
    assert_eq!(
        view["reset_link"],
        format!(
            "http://localhost:3000/customer/account/createPassword/?email=roni_cost%40example.com&id=1&token={token}"
        )
    );
    assert_eq!(view["request"]["operation"], "requestPasswordResetEmail");
    assert_eq!(view["request"]["message_id"], view["id"]);
}

#[tokio::test]
async fn the_admin_token_guards_the_control_api_only() {
    let app = spawn_configured("2.4.8", |config| config.admin_token = Some("s3cret".into())).await;
    let refused = TestApp::send(app.get("/__admin/customers")).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.json()["error"].as_str().unwrap().contains("Bearer"));
    let wrong = TestApp::send(app.get("/__admin/customers").bearer_auth("guess")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let allowed = TestApp::send(app.get("/__admin/customers").bearer_auth("s3cret")).await;
    assert_eq!(allowed.status, StatusCode::OK);
    assert_eq!(app.request_reset("roni_cost@example.com").await.status, StatusCode::OK, "GraphQL needs no admin token");
    assert_eq!(TestApp::send(app.get("/api/v1/messages")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_scenarios_file_is_loaded_at_start() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/scenarios.toml");
    let args = mock_server::config::ServeArgs::try_from_command_line(["mock-server", "--scenarios", path]).unwrap();
    let rules = mock_server::config::Config::from_args(&args).expect("the example file loads").scenarios;
    let app = spawn_configured("2.4.8", |config| config.scenarios = rules).await;
    assert_eq!(app.request_reset("jane.doe@example.com").await.json()["errors"][0]["message"], "The account is locked");
    assert_eq!(
        app.request_reset("jane.doe@example.com").await.json()["data"]["requestPasswordResetEmail"],
        true,
        "only once"
    );
}
