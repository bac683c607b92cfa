//! The whole journey a storefront takes, as a user would: request a reset, read the email
//! through the Mailpit route, take the token from its link, reset, sign in.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app, token_from_link};

const RONI: &str = "roni_cost@example.com";
const OLD_PASSWORD: &str = "roni_cost3@example.com";

#[tokio::test]
async fn a_customer_resets_the_password_from_the_emailed_link_and_signs_in_with_the_new_one() {
    let app = spawn_app("2.4.8").await;
    assert_eq!(app.request_reset(RONI).await.json(), json!({ "data": { "requestPasswordResetEmail": true } }));

    let search = TestApp::send(app.get("/api/v1/search").query(&[("query", format!("to:{RONI}"))])).await;
    let summary = search.json();
    assert_eq!(summary["messages_count"], 1);
    let id = summary["messages"][0]["ID"].as_str().unwrap().to_owned();

    let message = app.message(&id).await.json();
    assert_eq!(message["Subject"], "Reset your Main Website Store password");
    assert_eq!(message["To"], json!([{ "Name": "Veronica Costello", "Address": RONI }]));
    let token = token_from_link(message["Text"].as_str().unwrap());
    assert_eq!(token.len(), 32);
    assert!(
        message["HTML"]
            .as_str()
            .unwrap()
            .contains(&format!("href=\"http://localhost:3000/customer/account/createPassword/?email=roni_cost%40example.com&amp;id=1&amp;token={token}\""))
    );

    let reset = app.reset_password(RONI, &token, "N3w-Passw0rd!").await;
    assert_eq!(reset.json(), json!({ "data": { "resetPassword": true } }));

    let signed_in = app.sign_in(RONI, "N3w-Passw0rd!").await.json();
    let customer_token = signed_in["data"]["generateCustomerToken"]["token"].as_str().expect("a token").to_owned();
    let old = app.sign_in(RONI, OLD_PASSWORD).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        old.json()["errors"][0]["message"],
        "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."
    );

    let me = TestApp::send(
        app.post("/graphql")
            .bearer_auth(&customer_token)
            .json(&json!({ "query": "{ customer { email firstname lastname } }" })),
    )
    .await;
    assert_eq!(
        me.json(),
        json!({ "data": { "customer": { "email": RONI, "firstname": "Veronica", "lastname": "Costello" } } })
    );
}

#[tokio::test]
async fn a_newer_request_supersedes_the_older_token() {
    let app = spawn_app("2.4.8").await;
    app.request_reset(RONI).await;
    let first = app.live_token(RONI).await.unwrap();
    app.advance_clock(10 * 60).await;
    app.request_reset(RONI).await;
    let second = app.live_token(RONI).await.unwrap();
    assert_ne!(first, second);

    let messages = app.messages().await;
    assert_eq!(messages["total"], 2);
    let newest = app.message("latest").await.json();
    assert_eq!(token_from_link(newest["Text"].as_str().unwrap()), second, "`latest` is the newest email");

    let stale = app.reset_password(RONI, &first, "N3w-Passw0rd!").await.json();
    assert_eq!(stale["errors"][0]["message"], "The password token is mismatched. Reset and try again.");
    let fresh = app.reset_password(RONI, &second, "N3w-Passw0rd!").await.json();
    assert_eq!(fresh["data"]["resetPassword"], true);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app("2.4.8").await;
    let signed_in = app.sign_in(RONI, OLD_PASSWORD).await.json();
    let token = signed_in["data"]["generateCustomerToken"]["token"].as_str().unwrap().to_owned();
    let revoke = TestApp::send(
        app.post("/graphql")
            .bearer_auth(&token)
            .json(&json!({ "query": "mutation { revokeCustomerToken { result } }" })),
    )
    .await;
    assert_eq!(revoke.json(), json!({ "data": { "revokeCustomerToken": { "result": true } } }));
    let me =
        TestApp::send(app.post("/graphql").bearer_auth(&token).json(&json!({ "query": "{ customer { email } }" })))
            .await;
    assert_eq!(me.status, StatusCode::FORBIDDEN);
    assert_eq!(me.json()["errors"][0]["message"], "The current customer isn't authorized.");
    assert_eq!(me.json()["errors"][0]["extensions"]["category"], "graphql-authorization");
}

#[tokio::test]
async fn the_store_config_exposes_the_password_policy() {
    let app = spawn_app("2.4.8").await;
    let answer =
        app.graphql("{ storeConfig { store_name minimum_password_length required_character_classes_number } }").await;
    assert_eq!(
        answer.json(),
        json!({ "data": { "storeConfig": {
            "store_name": "Default Store View", "minimum_password_length": "8", "required_character_classes_number": "3"
        } } })
    );
}

/// The reset email as captured (section 9), kept as a golden file with run-dependent values
/// redacted.
#[tokio::test]
async fn the_reset_email_matches_its_golden_file() {
    let app = spawn_app("2.4.8").await;
    app.request_reset(RONI).await;
    let message = app.message("latest").await.json();
    let token = token_from_link(message["Text"].as_str().unwrap());
    let text = message["Text"].as_str().unwrap().replace(&token, "[token]");
    let html = message["HTML"].as_str().unwrap().replace(&token, "[token]");
    insta::with_settings!({ snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_json_snapshot!("reset-email", json!({
            "From": message["From"], "To": message["To"], "Subject": message["Subject"], "Text": text, "HTML": html,
        }));
    });
}
