//! What 2.4.8 adds to the account area, over HTTP: `resendConfirmationEmail` and
//! `recaptchaFormConfig(formType:)`, served on a 2.4.8 server and unknown fields on older ones, as
//! for any field a release lacks (`recaptchaV3Config` before 2.4.7). There is no real 2.4.8 store:
//! the expected answers come from 2.4.8-beta1's source (`docs/magento-account-area.md` sections
//! 1.5 and 5), the unknown-field texts from webonyx's `FieldsOnCorrectType` rule.

use serde_json::{Value, json};

use crate::account_area::{Bindings, replay};
use crate::helpers::{TestApp, spawn_app, spawn_configured};
use crate::recordings;

/// What the real 2.4.7-p3 store answered for the two fields (`tools/record_later_fields.py`).
const RECORDED: &str = include_str!("../../../fixtures/real-store/2.4.7-p3-later-fields.jsonl");

const RESEND: &str = "mutation ($e: String!) { resendConfirmationEmail(email: $e) }";
const CREATE: &str = "mutation ($e: String!) { createCustomerV2(input: {firstname: \"Re\", lastname: \"Send\", \
                      email: $e, password: \"Roni-Cost3!x\"}) { customer { email } } }";
const FORM: &str = "query ($f: ReCaptchaFormEnum!) { recaptchaFormConfig(formType: $f) { is_enabled configurations \
                    { re_captcha_type website_key minimum_score badge_position theme language_code \
                    validation_failure_message technical_failure_message } } }";

async fn graphql(app: &TestApp, query: &str, variables: Value) -> Value {
    app.graphql_with(query, variables).await.json()
}

async fn patch_settings(app: &TestApp, change: Value) {
    let answer = TestApp::send(
        app.client
            .patch(format!("{}/__admin/settings", app.base))
            .json(&change)
            .header("X-Mock-Namespace", &app.namespace),
    )
    .await;
    assert!(answer.status.is_success(), "{}", answer.body);
}

/// The subjects of the messages to `email`, newest first.
async fn subjects(app: &TestApp, email: &str) -> Vec<String> {
    let found: Value = app.get(&format!("/api/v1/search?query=to:{email}")).send().await.unwrap().json().await.unwrap();
    found["messages"].as_array().unwrap().iter().map(|m| m["Subject"].as_str().unwrap().to_owned()).collect()
}

fn unknown(field: &str, parent: &str, column: u64) -> Value {
    json!({ "errors": [{ "message": format!("Cannot query field \"{field}\" on type \"{parent}\"."),
        "locations": [{ "line": 1, "column": column }] }] })
}

/// Replayed against the mock at 2.4.7 with the recorded store's two websites: byte for byte.
#[tokio::test]
async fn the_mock_at_2_4_7_refuses_them_as_the_real_2_4_7_p3_store_did() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/two-websites.toml");
    let app = spawn_configured("2.4.7", |config| config.load_fixtures(fixtures.as_ref()).expect("the fixtures load"))
        .await
        .in_namespace("later-fields");
    let mut bindings = Bindings::default();
    let recordings = recordings::parse(RECORDED);
    assert_eq!(recordings.len(), 9);
    let mut differences = Vec::new();
    for recording in &recordings {
        let problems = replay(&app, recording, &mut bindings).await;
        if !problems.is_empty() {
            differences.push(format!("{}:\n  {}", recording.name, problems.join("\n  ")));
        }
    }
    assert!(differences.is_empty(), "{} differ from the real store:\n{}", differences.len(), differences.join("\n"));
}

#[tokio::test]
async fn the_fields_2_4_8_adds_are_unknown_fields_on_2_4_7_p3() {
    let app = spawn_app("2.4.7").await;
    let resend = app.graphql("mutation { resendConfirmationEmail(email: \"a@example.com\") }").await;
    assert_eq!(resend.json(), unknown("resendConfirmationEmail", "Mutation", 12), "{}", resend.body);
    let form = app.graphql("{ recaptchaFormConfig(formType: CUSTOMER_LOGIN) { is_enabled } }").await;
    assert_eq!(form.json(), unknown("recaptchaFormConfig", "Query", 3), "{}", form.body);
    // What 2.4.7 has answers as before.
    let v3 = app.graphql("{ recaptchaV3Config { is_enabled } }").await;
    assert_eq!(v3.json(), json!({ "data": { "recaptchaV3Config": { "is_enabled": false } } }), "{}", v3.body);
}

/// "Did you mean" lists the real fields of the release the request names (Magento's lazy schema
/// has only those): on 2.4.7 the v3 query, which exists, is suggested for the 2.4.8 one.
#[tokio::test]
async fn the_suggestions_are_the_releases_own_fields() {
    let document = "{ recaptchaV3Config { is_enabled } recaptchaFormConfig(formType: CUSTOMER_LOGIN) { is_enabled } }";
    let old = spawn_app("2.4.7").await.graphql(document).await.json();
    assert_eq!(
        old["errors"][0]["message"],
        "Cannot query field \"recaptchaFormConfig\" on type \"Query\". Did you mean \"recaptchaV3Config\"?",
        "{old}"
    );
    let new = spawn_app("2.4.8").await.graphql(document).await.json();
    assert_eq!(new["data"]["recaptchaFormConfig"], json!({ "is_enabled": false }), "{new}");
}

#[tokio::test]
async fn recaptcha_v3_config_is_unknown_before_2_4_7() {
    let answer = spawn_app("2.4.6").await.graphql("{ recaptchaV3Config { is_enabled } }").await;
    assert_eq!(answer.json(), unknown("recaptchaV3Config", "Query", 3), "{}", answer.body);
}

/// 2.4.8 GA's `recaptchaV3Config` has a `theme` (the default `light`); 2.4.7-p3's had none.
#[tokio::test]
async fn recaptcha_v3_config_has_a_theme_from_2_4_8() {
    let document = "{ recaptchaV3Config { theme } }";
    let new = spawn_app("2.4.8").await.graphql(document).await.json();
    assert_eq!(new, json!({ "data": { "recaptchaV3Config": { "theme": "light" } } }));
    let old = spawn_app("2.4.7").await.graphql(document).await.json();
    assert_eq!(old, unknown("theme", "ReCaptchaConfigurationV3", 23), "{old}");
}

/// The version switched at run time switches the schema with it.
#[tokio::test]
async fn the_release_set_at_run_time_decides_which_fields_exist() {
    let app = spawn_app("2.4.8").await.in_namespace("release-switch");
    let query = "{ recaptchaFormConfig(formType: CONTACT) { is_enabled } }";
    assert_eq!(app.graphql(query).await.json()["data"]["recaptchaFormConfig"]["is_enabled"], false);
    patch_settings(&app, json!({ "magento_version": "2.4.7" })).await;
    assert_eq!(app.graphql(query).await.json(), unknown("recaptchaFormConfig", "Query", 3));
    patch_settings(&app, json!({ "magento_version": "2.4.8" })).await;
    assert_eq!(app.graphql(query).await.json()["data"]["recaptchaFormConfig"]["is_enabled"], false);
}

#[tokio::test]
async fn recaptcha_form_config_answers_off_v3_and_v2_as_the_settings_say() {
    let app = spawn_app("2.4.8").await.in_namespace("form-config");
    let off = graphql(&app, FORM, json!({ "f": "CUSTOMER_LOGIN" })).await;
    assert_eq!(off, json!({ "data": { "recaptchaFormConfig": { "is_enabled": false, "configurations": null } } }));

    patch_settings(&app, json!({ "recaptcha": { "forms": ["customer_login"], "website_key": "site-key" } })).await;
    let v3 = graphql(&app, FORM, json!({ "f": "CUSTOMER_LOGIN" })).await;
    let expected = |kind: &str, score: Value, badge: &str| {
        json!({ "data": { "recaptchaFormConfig": { "is_enabled": true, "configurations": {
            "re_captcha_type": kind, "website_key": "site-key", "minimum_score": score, "badge_position": badge,
            "theme": "light", "language_code": "", "validation_failure_message": "reCAPTCHA verification failed.",
            "technical_failure_message": "Something went wrong with reCAPTCHA. Please contact the store owner." } } } })
    };
    assert_eq!(v3, expected("RECAPTCHA_V3", json!(0.5), "inline"));
    let other = graphql(&app, FORM, json!({ "f": "CUSTOMER_CREATE" })).await;
    assert_eq!(other["data"]["recaptchaFormConfig"]["is_enabled"], false, "{other}");

    let settings =
        |kind| json!({ "recaptcha": { "forms": ["customer_login"], "type": kind, "website_key": "site-key" } });
    patch_settings(&app, settings("recaptcha")).await;
    assert_eq!(graphql(&app, FORM, json!({ "f": "CUSTOMER_LOGIN" })).await, expected("RECAPTCHA", Value::Null, ""));
    // A v2 form is not v3's: recaptchaV3Config lists none.
    let v3_config = graphql(&app, "{ recaptchaV3Config { is_enabled forms } }", json!({})).await;
    assert_eq!(v3_config["data"]["recaptchaV3Config"], json!({ "is_enabled": false, "forms": [] }));
    patch_settings(&app, settings("invisible")).await;
    assert_eq!(
        graphql(&app, FORM, json!({ "f": "CUSTOMER_LOGIN" })).await,
        expected("INVISIBLE", Value::Null, "inline")
    );
}

/// 2.4.8-beta1's enum has `RESEND_CONFIRMATION_EMAIL`, its resolver's map of forms does not.
#[tokio::test]
async fn the_resend_form_reads_as_the_resolvers_catch_all() {
    let app = spawn_app("2.4.8").await;
    let answer =
        graphql(&app, "{ recaptchaFormConfig(formType: RESEND_CONFIRMATION_EMAIL) { is_enabled } }", json!({})).await;
    assert_eq!(
        answer,
        json!({ "errors": [{ "message": "Configuration for provided captcha type can not be retrieved.",
            "locations": [{ "line": 1, "column": 3 }], "path": ["recaptchaFormConfig"],
            "extensions": { "category": "graphql-input" } }], "data": { "recaptchaFormConfig": null } })
    );
}

fn refused(message: &str) -> Value {
    json!({ "errors": [{ "message": message, "locations": [{ "line": 1, "column": 26 }],
        "path": ["resendConfirmationEmail"], "extensions": { "category": "graphql-input" } }],
        "data": { "resendConfirmationEmail": null } })
}

#[tokio::test]
async fn resend_confirmation_email_mails_the_link_again_to_an_unconfirmed_account() {
    let app = spawn_app("2.4.8").await.in_namespace("resend");
    patch_settings(&app, json!({ "create_account_confirmation": true })).await;
    let email = "resend-me@example.com";
    graphql(&app, CREATE, json!({ "e": email })).await;
    assert_eq!(subjects(&app, email).await, ["Please confirm your Main Website Store account"]);

    let resent = graphql(&app, RESEND, json!({ "e": email })).await;
    assert_eq!(resent, json!({ "data": { "resendConfirmationEmail": true } }));
    let mailed = subjects(&app, email).await;
    assert_eq!(mailed, ["Please confirm your Main Website Store account"; 2]);
    // The same key again: the account keeps it until confirmed.
    let found: Value = app.get(&format!("/api/v1/search?query=to:{email}")).send().await.unwrap().json().await.unwrap();
    let keys: Vec<String> = mailed_keys(&app, &found).await;
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);
    // The journal links the entry to the email, as for every operation that mails.
    let journal: Value = app.get("/__admin/requests").send().await.unwrap().json().await.unwrap();
    let entry = journal.as_array().unwrap().iter().rev().find(|e| e["operation"] == "resendConfirmationEmail").unwrap();
    assert_eq!(entry["message_id"], found["messages"][0]["ID"], "{entry}");

    let confirm = "mutation ($e: String!, $k: String!) { confirmEmail(input: {email: $e, confirmation_key: $k}) \
                   { customer { email } } }";
    graphql(&app, confirm, json!({ "e": email, "k": keys[0] })).await;
    let again = graphql(&app, RESEND, json!({ "e": email })).await;
    assert_eq!(again, refused("Confirmation isn't needed."));
}

/// The confirmation keys in the messages of a search answer, in its order.
async fn mailed_keys(app: &TestApp, found: &Value) -> Vec<String> {
    let mut keys = Vec::new();
    for message in found["messages"].as_array().unwrap() {
        let id = message["ID"].as_str().unwrap();
        let full: Value = app.get(&format!("/api/v1/message/{id}")).send().await.unwrap().json().await.unwrap();
        let html = full["HTML"].as_str().unwrap();
        let start = html.find("&amp;key=").unwrap() + "&amp;key=".len();
        keys.push(html[start..].chars().take_while(char::is_ascii_alphanumeric).collect());
    }
    keys
}

#[tokio::test]
async fn resend_confirmation_email_refuses_as_its_resolver_does() {
    let app = spawn_app("2.4.8").await.in_namespace("resend-refusals");
    let cases = [
        ("not-an-email", "Email address is not valid"),
        ("nobody@example.com", "There is no user registered with that email address."),
        // A fixture account made before confirmation was required has no key.
        ("roni_cost@example.com", "Confirmation isn't needed."),
    ];
    for (email, message) in cases {
        assert_eq!(graphql(&app, RESEND, json!({ "e": email })).await, refused(message), "{email}");
    }
}

/// Scripted like the others: `unknown` is the missing account, `internal-error` the resolver's
/// catch-all (it catches every exception), `mail-failure` still `true` with nothing mailed.
#[tokio::test]
async fn resend_confirmation_email_is_scriptable() {
    let app = spawn_app("2.4.8").await.in_namespace("resend-scripted");
    patch_settings(&app, json!({ "create_account_confirmation": true })).await;
    let email = "scripted-resend@example.com";
    graphql(&app, CREATE, json!({ "e": email })).await;
    let scripted = |state: &'static str| {
        let request = app.post("/graphql").header("X-Mock-Scenario", state).json(&json!({ "query": RESEND,
            "variables": { "e": email } }));
        async move { TestApp::send(request).await.json() }
    };
    assert_eq!(scripted("unknown").await, refused("There is no user registered with that email address."));
    assert_eq!(scripted("internal-error").await, refused("There was an error when sending the confirmation email"));
    assert_eq!(scripted("mail-failure").await, json!({ "data": { "resendConfirmationEmail": true } }));
    assert_eq!(subjects(&app, email).await.len(), 1, "only the sign-up's email");
    let magic = graphql(&app, RESEND, json!({ "e": "unknown@scenario.test" })).await;
    assert_eq!(magic, refused("There is no user registered with that email address."));
}

/// Guarded by the `resend_confirmation_email` form where the store turns reCAPTCHA on for it.
#[tokio::test]
async fn resend_confirmation_email_needs_a_recaptcha_token_where_its_form_is_guarded() {
    let app = spawn_app("2.4.8").await.in_namespace("resend-recaptcha");
    patch_settings(&app, json!({ "recaptcha": { "forms": ["resend_confirmation_email"] } })).await;
    let without = graphql(&app, RESEND, json!({ "e": "not-an-email" })).await;
    assert_eq!(without, refused("ReCaptcha validation failed, please try again"));
    let request = app.post("/graphql").header("X-ReCaptcha", "any-token").json(&json!({ "query": RESEND,
        "variables": { "e": "not-an-email" } }));
    assert_eq!(TestApp::send(request).await.json(), refused("Email address is not valid"));
}
