//! Expiry and the reset-request throttle, tested by moving the mock's clock, never by sleeping.

use mock_server::config::Throttle;

use crate::helpers::{spawn_app, spawn_with};

const RONI: &str = "roni_cost@example.com";

#[tokio::test]
async fn a_token_is_good_for_1_59_59_and_expired_at_exactly_2_00_00() {
    let app = spawn_app("2.4.8").await;
    app.request_reset(RONI).await;
    let token = app.live_token(RONI).await.unwrap();
    app.advance_clock(2 * 3600 - 1).await;
    // A policy failure proves the token passed its checks without using it up.
    let still_good = app.reset_password(RONI, &token, "short").await.json();
    assert_eq!(
        still_good["errors"][0]["message"],
        "The password needs at least 8 characters. Create a new password and try again."
    );
    app.advance_clock(1).await;
    let expired = app.reset_password(RONI, &token, "N3w-Passw0rd!").await.json();
    assert_eq!(expired["errors"][0]["message"], "The password token is expired. Reset and try again.");
}

/// Magento never throttles GraphQL reset requests (its throttle runs in the web storefront's area).
#[tokio::test]
async fn graphql_reset_requests_are_not_throttled_by_default() {
    let app = spawn_app("2.4.7").await;
    for _ in 0..7 {
        assert_eq!(app.request_reset(RONI).await.json()["data"]["requestPasswordResetEmail"], true);
    }
}

/// `--throttle web-forms`: the storefront forms' limits, for stores that extend them to GraphQL.
#[tokio::test]
async fn reset_requests_are_throttled_ten_minutes_apart_and_five_an_hour() {
    let app = spawn_with("2.4.8", Throttle::WebForms).await;
    let outcome = |answer: serde_json::Value| answer["data"]["requestPasswordResetEmail"].clone();
    assert_eq!(outcome(app.request_reset(RONI).await.json()), true);
    app.advance_clock(9 * 60 + 59).await;
    let refused = app.request_reset(RONI).await.json();
    assert_eq!(refused["errors"][0]["message"], "Cannot reset the customer's password");
    // By IP too: another account from the same address is refused within the ten minutes.
    let other = app.request_reset("jane.doe@example.com").await.json();
    assert_eq!(other["errors"][0]["message"], "Cannot reset the customer's password");
    app.advance_clock(1).await;
    assert_eq!(outcome(app.request_reset(RONI).await.json()), true);

    // Requests 3, 4 and 5 of the hour pass; the 6th, though 10 minutes after the 5th, does not.
    for _ in 0..3 {
        app.advance_clock(10 * 60).await;
        assert_eq!(outcome(app.request_reset(RONI).await.json()), true);
    }
    app.advance_clock(10 * 60).await;
    assert_eq!(app.request_reset(RONI).await.json()["errors"][0]["message"], "Cannot reset the customer's password");
}

#[tokio::test]
async fn throttle_off_allows_requests_in_a_row() {
    let app = crate::helpers::spawn_with("2.4.8", mock_server::config::Throttle::Off).await;
    for _ in 0..8 {
        assert_eq!(app.request_reset(RONI).await.json()["data"]["requestPasswordResetEmail"], true);
    }
    assert_eq!(app.messages().await["total"], 8);
}
