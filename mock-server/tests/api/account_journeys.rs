//! The account area as a storefront and its QA use it: sign-up mails the welcome email to the
//! inbox, the lockout `changeCustomerPassword` drives and what ends it, carts across sign-in, and
//! the scripted states of the new operations.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, token_from_link};

const CREATE: &str = "mutation ($input: CustomerCreateInput!) {\n  createCustomerV2(input: $input) {\n    customer {\n      email\n      firstname\n    }\n  }\n}";
const CHANGE: &str = "mutation ($c: String!, $n: String!) {\n  changeCustomerPassword(currentPassword: $c, newPassword: $n) {\n    email\n  }\n}";
const PASSWORD: &str = "Roni-Cost3!x";

fn new_account(email: &str) -> Value {
    json!({ "input": { "email": email, "firstname": "Veronica", "lastname": "Costello", "password": PASSWORD } })
}

async fn sign_up_and_in(app: &TestApp, email: &str) -> String {
    let created = app.graphql_with(CREATE, new_account(email)).await;
    assert_eq!(created.json()["data"]["createCustomerV2"]["customer"]["email"], email, "{}", created.body);
    let signed_in = app.sign_in(email, PASSWORD).await.json();
    signed_in["data"]["generateCustomerToken"]["token"].as_str().expect("a token").to_owned()
}

async fn as_customer(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let request = app.post("/graphql").bearer_auth(token).json(&json!({ "query": query, "variables": variables }));
    TestApp::send(request).await.json()
}

#[tokio::test]
async fn sign_up_mails_the_welcome_email_with_a_working_reset_link() {
    let app = spawn_app("2.4.7").await;
    sign_up_and_in(&app, "new.shopper@example.com").await;

    let latest = TestApp::send(app.get("/api/v1/message/latest?query=to:new.shopper@example.com")).await.json();
    assert_eq!(latest["Subject"], "Welcome to Main Website Store");
    assert_eq!(latest["From"], json!({ "Name": "Owner", "Address": "owner@example.com" }));
    assert_eq!(latest["To"], json!([{ "Name": "Veronica Costello", "Address": "new.shopper@example.com" }]));
    let html = latest["HTML"].as_str().expect("an HTML body");
    assert!(html.contains("Veronica Costello,</p>"));
    // The link's token is the account's live reset token, and it resets the password.
    let token = token_from_link(html);
    assert_eq!(app.live_token("new.shopper@example.com").await.as_deref(), Some(token.as_str()));
    let reset = app.reset_password("new.shopper@example.com", &token, "N3w-Passw0rd!").await;
    assert_eq!(reset.body, r#"{"data":{"resetPassword":true}}"#);

    let journal = TestApp::send(app.get("/__admin/requests").query(&[("operation", "createCustomerV2")])).await.json();
    assert_eq!(journal[0]["message_id"], latest["ID"]);
    assert_eq!(journal[0]["arguments"]["input"]["password"], "****");
}

#[tokio::test]
async fn a_subscriber_without_a_password_gets_both_emails_and_sets_a_password_from_the_link() {
    let app = spawn_app("2.4.7").await;
    let input = json!({ "input": { "email": "nopass@example.com", "firstname": "Nopass", "lastname": "Customer", "is_subscribed": true } });
    let created = app.graphql_with(CREATE, input).await.json();
    assert_eq!(created["data"]["createCustomerV2"]["customer"]["email"], "nopass@example.com");
    let mailed = TestApp::send(app.get("/api/v1/search?query=to:nopass@example.com")).await.json();
    let subjects: Vec<&str> =
        mailed["messages"].as_array().unwrap().iter().map(|m| m["Subject"].as_str().unwrap()).collect();
    assert_eq!(subjects, ["Newsletter subscription success", "Welcome to Main Website Store"], "newest first");
    assert_eq!(mailed["messages"][0]["To"], json!([{ "Name": "", "Address": "nopass@example.com" }]));
    let welcome = TestApp::send(app.get(&format!("/api/v1/message/{}", mailed["messages"][1]["ID"].as_str().unwrap())))
        .await
        .json();
    assert!(welcome["HTML"].as_str().unwrap().contains("To sign in to our site and set a password"));
    let token = token_from_link(welcome["HTML"].as_str().unwrap());
    let reset = app.reset_password("nopass@example.com", &token, "First-Passw0rd!").await;
    assert_eq!(reset.body, r#"{"data":{"resetPassword":true}}"#);
    assert!(
        app.sign_in("nopass@example.com", "First-Passw0rd!").await.json()["data"]["generateCustomerToken"]["token"]
            .is_string()
    );
}

#[tokio::test]
async fn ten_wrong_current_passwords_lock_the_account_for_ten_minutes() {
    let app = spawn_app("2.4.7").await;
    let token = sign_up_and_in(&app, "careless@example.com").await;
    let wrong = json!({ "c": "Wrong-Passw0rd!", "n": "N3w-Passw0rd!" });
    for attempt in 1..=10 {
        let answer = as_customer(&app, &token, CHANGE, wrong.clone()).await;
        assert_eq!(answer["errors"][0]["message"], "Invalid login or password.", "attempt {attempt}");
    }
    let eleventh = as_customer(&app, &token, CHANGE, wrong.clone()).await;
    assert_eq!(eleventh["errors"][0]["message"], "The account is locked.");
    assert_eq!(eleventh["errors"][0]["extensions"]["category"], "graphql-authentication");
    let customer = as_customer(&app, &token, "{\n  customer {\n    email\n  }\n}", json!({})).await;
    assert_eq!(customer["errors"][0]["message"], "The account is locked.");
    let reset = app.request_reset("careless@example.com").await.json();
    assert_eq!(reset["errors"][0]["message"], "The account is locked");

    // The lock ends ten minutes after the last failure; the welcome email's token still resets.
    app.advance_clock(10 * 60 + 1).await;
    let token_mailed = app.live_token("careless@example.com").await.expect("the welcome email's token");
    let reset = app.reset_password("careless@example.com", &token_mailed, "N3w-Passw0rd!").await;
    assert_eq!(reset.body, r#"{"data":{"resetPassword":true}}"#);
    let signed_in = app.sign_in("careless@example.com", "N3w-Passw0rd!").await.json();
    assert!(signed_in["data"]["generateCustomerToken"]["token"].is_string(), "{signed_in}");
}

/// Magento resets the lock's failure count on a storefront (Luma) sign-in only, not on
/// `generateCustomerToken`.
#[tokio::test]
async fn signing_in_again_does_not_forgive_wrong_current_passwords() {
    let app = spawn_app("2.4.7").await;
    let token = sign_up_and_in(&app, "forgetful@example.com").await;
    let wrong = json!({ "c": "Wrong-Passw0rd!", "n": "N3w-Passw0rd!" });
    for _ in 1..=9 {
        as_customer(&app, &token, CHANGE, wrong.clone()).await;
    }
    let token = app.sign_in("forgetful@example.com", PASSWORD).await.json()["data"]["generateCustomerToken"]["token"]
        .as_str()
        .expect("still allowed to sign in")
        .to_owned();
    let tenth = as_customer(&app, &token, CHANGE, wrong.clone()).await;
    assert_eq!(tenth["errors"][0]["message"], "Invalid login or password.");
    let eleventh = as_customer(&app, &token, CHANGE, wrong).await;
    assert_eq!(eleventh["errors"][0]["message"], "The account is locked.");
}

#[tokio::test]
async fn a_changed_password_signs_in_and_the_old_one_does_not() {
    let app = spawn_app("2.4.7").await;
    let token = sign_up_and_in(&app, "changer@example.com").await;
    let changed = as_customer(&app, &token, CHANGE, json!({ "c": PASSWORD, "n": "N3w-Passw0rd!" })).await;
    assert_eq!(changed, json!({ "data": { "changeCustomerPassword": { "email": "changer@example.com" } } }));
    assert!(app.sign_in("changer@example.com", PASSWORD).await.json()["errors"].is_array());
    assert!(
        app.sign_in("changer@example.com", "N3w-Passw0rd!").await.json()["data"]["generateCustomerToken"]["token"]
            .is_string()
    );
    let mailed = TestApp::send(app.get("/api/v1/message/latest?query=to:changer@example.com")).await.json();
    assert_eq!(mailed["Subject"], "Your Main Website Store password has been changed");
    assert_eq!(mailed["From"], json!({ "Name": "CustomerSupport", "Address": "support@example.com" }));
    // Magento leaves the customer's tokens valid after a password change.
    let customer = as_customer(&app, &token, "{\n  customer {\n    email\n  }\n}", json!({})).await;
    assert_eq!(customer["data"]["customer"]["email"], "changer@example.com");
}

#[tokio::test]
async fn the_guest_cart_merges_into_the_customers_cart_once() {
    let app = spawn_app("2.4.7").await;
    let guest = app.graphql("mutation {\n  cartId: createEmptyCart\n}").await.json();
    let guest_cart = guest["data"]["cartId"].as_str().expect("a guest cart").to_owned();
    assert_eq!(guest_cart.len(), 32);
    let token = sign_up_and_in(&app, "merger@example.com").await;
    let mine = as_customer(&app, &token, "mutation {\n  cartId: createEmptyCart\n}", json!({})).await;
    let my_cart = mine["data"]["cartId"].as_str().expect("a customer cart").to_owned();
    let again = as_customer(&app, &token, "{\n  customerCart {\n    id\n  }\n}", json!({})).await;
    assert_eq!(again["data"]["customerCart"]["id"], my_cart.as_str(), "one active cart per customer");

    let merge = "mutation ($s: String!, $d: String) {\n  mergeCarts(source_cart_id: $s, destination_cart_id: $d) {\n    id\n    total_quantity\n  }\n}";
    let merged = as_customer(&app, &token, merge, json!({ "s": guest_cart, "d": my_cart })).await;
    assert_eq!(merged, json!({ "data": { "mergeCarts": { "id": my_cart, "total_quantity": 0 } } }));
    let twice = as_customer(&app, &token, merge, json!({ "s": guest_cart })).await;
    assert_eq!(
        twice,
        json!({ "errors": [{ "message": "The cart isn't active.", "locations": [{ "line": 2, "column": 3 }], "path": ["mergeCarts"], "extensions": { "category": "graphql-no-such-entity" } }] }),
        "no data at all: mergeCarts is non-null"
    );
}

#[tokio::test]
async fn the_new_operations_answer_scripted_states() {
    let app = spawn_app("2.4.7").await;
    let token = sign_up_and_in(&app, "scripted@example.com").await;
    let scripted = |state: &str, query: &str, variables: Value| {
        let request = app
            .post("/graphql")
            .bearer_auth(&token)
            .header("X-Mock-Scenario", state)
            .json(&json!({ "query": query, "variables": variables }));
        async move { TestApp::send(request).await.json() }
    };
    let locked = scripted("locked", CHANGE, json!({ "c": PASSWORD, "n": "N3w-Passw0rd!" })).await;
    assert_eq!(locked["errors"][0]["message"], "The account is locked.");
    let failing = scripted("internal-error", CREATE, new_account("other@example.com")).await;
    assert_eq!(failing["errors"][0]["message"], "Internal server error");
    assert!(app.sign_in("other@example.com", PASSWORD).await.json()["errors"].is_array(), "no account was made");

    let before = app.messages().await["total"].as_u64().unwrap();
    let quiet = scripted("mail-failure", CREATE, new_account("quiet@example.com")).await;
    assert_eq!(quiet["data"]["createCustomerV2"]["customer"]["email"], "quiet@example.com");
    assert_eq!(app.messages().await["total"].as_u64().unwrap(), before, "no welcome email");
}

/// 2.4.8 dropped `ValidateRequiredArguments` (`docs/magento-account-area.md` section 1.4).
#[tokio::test]
async fn from_2_4_8_missing_names_and_emails_are_refused_by_the_save() {
    let (old, new) = (spawn_app("2.4.7").await, spawn_app("2.4.8").await);
    let nameless = json!({ "input": { "email": "nameless@example.com", "firstname": "", "lastname": "Costello", "password": PASSWORD } });
    let message = |answer: Value| answer["errors"][0]["message"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        message(old.graphql_with(CREATE, nameless.clone()).await.json()),
        "Required parameters are missing: First Name"
    );
    assert_eq!(message(new.graphql_with(CREATE, nameless).await.json()), "\"First Name\" is a required value.");
    let v1 = "mutation {\n  createCustomer(input: {firstname: \"A\", lastname: \"B\", password: \"x\"}) {\n    customer {\n      email\n    }\n  }\n}";
    assert_eq!(message(old.graphql(v1).await.json()), "Required parameters are missing: Email");
    assert_eq!(message(new.graphql(v1).await.json()), "The email address is required to create a customer account.");
}

async fn latest(app: &TestApp, email: &str) -> Value {
    TestApp::send(app.get(&format!("/api/v1/message/latest?query=to:{email}"))).await.json()
}

/// The newest journal entry of `operation` (the journal lists the oldest first).
async fn entry(app: &TestApp, operation: &str) -> Value {
    let journal = TestApp::send(app.get("/__admin/requests").query(&[("operation", operation)])).await.json();
    journal.as_array().and_then(|entries| entries.last()).cloned().unwrap_or_default()
}

/// The journal entry of each operation that mails links the email it captured, as the reset
/// request's does: `message_id` on the entry, and the entry on `/__admin/messages/{id}`.
#[tokio::test]
async fn the_journal_links_the_email_each_mailing_operation_captured() {
    let app = spawn_app("2.4.7").await;
    let email = "journal.mail@example.com";
    let token = sign_up_and_in(&app, email).await;
    let welcome = latest(&app, email).await;
    assert_eq!(welcome["Subject"], "Welcome to Main Website Store");
    assert_eq!(entry(&app, "createCustomerV2").await["message_id"], welcome["ID"]);

    as_customer(&app, &token, CHANGE, json!({ "c": PASSWORD, "n": "N3w-Passw0rd!" })).await;
    let changed = latest(&app, email).await;
    assert_eq!(changed["Subject"], "Your Main Website Store password has been changed");
    assert_eq!(entry(&app, "changeCustomerPassword").await["message_id"], changed["ID"]);
    let captured = TestApp::send(app.get(&format!("/__admin/messages/{}", changed["ID"].as_str().unwrap()))).await;
    assert_eq!(captured.json()["request"]["operation"], "changeCustomerPassword", "{}", captured.body);

    let subscribe = "mutation ($input: CustomerUpdateInput!) {\n  updateCustomerV2(input: $input) {\n    customer {\n      is_subscribed\n    }\n  }\n}";
    as_customer(&app, &token, subscribe, json!({ "input": { "is_subscribed": true } })).await;
    let newsletter = latest(&app, email).await;
    assert_eq!(newsletter["Subject"], "Newsletter subscription success");
    assert_eq!(entry(&app, "updateCustomerV2").await["message_id"], newsletter["ID"]);

    // An update that mails nothing links nothing.
    as_customer(&app, &token, subscribe, json!({ "input": { "is_subscribed": true } })).await;
    assert_eq!(entry(&app, "updateCustomerV2").await["message_id"], Value::Null);
}
