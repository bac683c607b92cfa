//! Section 6: the sign-in throttle and the account lock are separate mechanisms.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

const RONI: &str = "roni_cost@example.com";
const PASSWORD: &str = "roni_cost3@example.com";
const SIGN_IN_FAILED: &str =
    "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.";

fn token_of(answer: &serde_json::Value) -> Option<&str> {
    answer["data"]["generateCustomerToken"]["token"].as_str()
}

/// Six failures throttle the seventh attempt, even with the right password, for 1800 s; the
/// account itself is never locked this way (that needs ten failures, and the throttle stops
/// the seventh before the password is checked).
#[tokio::test]
async fn six_wrong_passwords_throttle_sign_in_for_thirty_minutes_without_locking_the_account() {
    let app = spawn_app("2.4.8").await;
    for _ in 0..6 {
        let answer = app.sign_in(RONI, "wrong").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.json()["errors"][0]["message"], SIGN_IN_FAILED);
        assert_eq!(answer.json()["errors"][0]["extensions"]["category"], "graphql-authentication");
    }
    for _ in 0..10 {
        let refused = app.sign_in(RONI, PASSWORD).await.json();
        assert_eq!(refused["errors"][0]["message"], SIGN_IN_FAILED, "throttled even with the right password");
    }
    // The reset mutations still work: the throttle is not the account lock.
    assert_eq!(app.request_reset(RONI).await.json()["data"]["requestPasswordResetEmail"], true);

    app.advance_clock(1799).await;
    assert!(token_of(&app.sign_in(RONI, PASSWORD).await.json()).is_none());
    app.advance_clock(1).await;
    assert!(token_of(&app.sign_in(RONI, PASSWORD).await.json()).is_some(), "free again at exactly 1800 s");
}

#[tokio::test]
async fn a_successful_sign_in_resets_the_failure_count() {
    let app = spawn_app("2.4.8").await;
    // 3 + 5 failures: past the throttle's 6 unless the success resets it, short of the account
    // lock's 10, which a GraphQL sign-in does not reset (magento-account-area.md section 2.3).
    for _ in 0..3 {
        app.sign_in(RONI, "wrong").await;
    }
    assert!(token_of(&app.sign_in(RONI, PASSWORD).await.json()).is_some());
    for _ in 0..5 {
        app.sign_in(RONI, "wrong").await;
    }
    assert!(token_of(&app.sign_in(RONI, PASSWORD).await.json()).is_some(), "the count started again");
}

#[tokio::test]
async fn a_locked_account_gets_the_generic_sign_in_message_with_status_200_on_2_4_6() {
    let app = spawn_app("2.4.6").await;
    let answer = app.sign_in("locked@example.com", "Password1!").await;
    assert_eq!(answer.status, StatusCode::OK, "2.4.6 answers auth failures with 200");
    assert_eq!(answer.json()["errors"][0]["message"], SIGN_IN_FAILED);
}

#[tokio::test]
async fn an_administrators_lock_expires_on_the_clock() {
    let app = spawn_app("2.4.8").await;
    let lock =
        TestApp::send(app.post(&format!("/__admin/customers/{RONI}/lock")).json(&json!({ "minutes": 30 }))).await;
    assert_eq!(lock.status, StatusCode::OK, "{}", lock.body);
    assert_eq!(app.request_reset(RONI).await.json()["errors"][0]["message"], "The account is locked");
    let reset = app.reset_password(RONI, "abcdefghijklmnopqrstuvwxyzABCDEF", "N3w-Passw0rd!").await;
    assert_eq!(reset.json()["errors"][0]["message"], "The account is locked");
    assert!(token_of(&app.sign_in(RONI, PASSWORD).await.json()).is_none());

    app.advance_clock(30 * 60 - 1).await;
    assert_eq!(app.request_reset(RONI).await.json()["errors"][0]["message"], "The account is locked");
    app.advance_clock(1).await;
    assert_eq!(app.request_reset(RONI).await.json()["data"]["requestPasswordResetEmail"], true);
    assert!(token_of(&app.sign_in(RONI, PASSWORD).await.json()).is_some());
}

#[tokio::test]
async fn missing_sign_in_arguments_name_the_argument() {
    let app = spawn_app("2.4.8").await;
    let answer = app.sign_in("", PASSWORD).await.json();
    assert_eq!(answer["errors"][0]["message"], "Specify the \"email\" value.");
    assert_eq!(answer["errors"][0]["extensions"]["category"], "graphql-input");
    let answer = app.sign_in(RONI, "").await.json();
    assert_eq!(answer["errors"][0]["message"], "Specify the \"password\" value.");
}

#[tokio::test]
async fn is_email_available_reveals_accounts_only_up_to_2_4_6() {
    let query = |email: &str| format!("{{ isEmailAvailable(email: \"{email}\") {{ is_email_available }} }}");
    let old = spawn_app("2.4.6").await;
    assert_eq!(old.graphql(&query(RONI)).await.json()["data"]["isEmailAvailable"]["is_email_available"], false);
    assert_eq!(
        old.graphql(&query("new@example.com")).await.json()["data"]["isEmailAvailable"]["is_email_available"],
        true
    );
    let new = spawn_app("2.4.8").await;
    assert_eq!(new.graphql(&query(RONI)).await.json()["data"]["isEmailAvailable"]["is_email_available"], true);
    assert_eq!(new.graphql(&query("not-an-email")).await.json()["errors"][0]["message"], "Email is invalid");
}
