//! Two websites, as a real Magento Open Source 2.4.7-p3 store with a second website answered
//! the `Store` header (`fixtures/real-store/2.4.7-p3-multi-store.jsonl`), replayed in order
//! against the mock loaded with `fixtures/two-websites.toml`: which store view a code selects,
//! `storeConfig` and `availableStores` per store view, accounts per website (the same email on
//! both, sign-in and reset within the website), tokens valid on every store view, and the reset
//! email in the second store's name, base URL and locale.

use serde_json::Value;

use crate::account_area::{Bindings, replay};
use crate::helpers::{TestApp, spawn_configured};
use crate::recordings;

const RECORDINGS: &str = include_str!("../../../fixtures/real-store/2.4.7-p3-multi-store.jsonl");
const TWO_WEBSITES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/two-websites.toml");

/// The default store's link base on the recorded store (URL rewrites off).
const STORE_BASE: &str = "http://127.0.0.1:8080/index.php/";
const SECOND_BASE: &str = "http://127.0.0.1:8081/index.php/";

async fn two_websites() -> TestApp {
    spawn_configured("2.4.7", |config| {
        config.storefront_url = STORE_BASE.into();
        config.load_fixtures(std::path::Path::new(TWO_WEBSITES)).expect("the fixtures load");
    })
    .await
    .in_namespace("multi-store")
}

/// The latest email to `address` in the mock's inbox: (subject, HTML).
async fn latest_email(app: &TestApp, address: &str) -> (String, String) {
    let message: Value =
        app.get(&format!("/api/v1/message/latest?query=to:{address}")).send().await.unwrap().json().await.unwrap();
    (
        message["Subject"].as_str().unwrap_or_default().to_owned(),
        message["HTML"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn the_mock_answers_the_store_header_as_the_real_2_4_7_p3_store_with_two_websites_did() {
    let app = two_websites().await;
    let mut bindings = Bindings::default();
    let mut differences = Vec::new();
    let recordings = recordings::parse(RECORDINGS);
    assert!(recordings.len() >= 25, "the recording holds {} answers", recordings.len());
    for recording in &recordings {
        let problems = replay(&app, recording, &mut bindings).await;
        if !problems.is_empty() {
            differences.push(format!("{}:\n  {}", recording.name, problems.join("\n  ")));
        }
        if recording.name == "forgot-on-second" {
            let (subject, html) = latest_email(&app, "ms-N-only-second@example.com").await;
            assert_eq!(subject, "Reset your Second Store password");
            let link_at = html.find(&format!("{SECOND_BASE}customer/account/createPassword/?id=")).expect("the link");
            let token_at = link_at + html[link_at..].find("token=").expect("a token") + "token=".len();
            bindings.bind("<reset-token:only-second>", html[token_at..token_at + 32].to_owned());
            assert!(html.contains("/frontend/Magento/luma/en_GB/"), "the second store view's locale");
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} recordings differ from the real store:\n{}",
        differences.len(),
        recordings.len(),
        differences.join("\n")
    );
}

/// The fixtures' own customers are per website: the same email signs in with each website's
/// password on that website's store view only.
#[tokio::test]
async fn a_fixtures_email_on_two_websites_is_two_accounts() {
    let app = two_websites().await;
    let sign_in = |store: &'static str, password: &'static str| {
        let body = serde_json::json!({
            "query": "mutation($p: String!) { generateCustomerToken(email: \"roni_cost@example.com\", password: $p) { token } }",
            "variables": { "p": password },
        });
        app.post("/graphql").header("Store", store).json(&body).send()
    };
    let token = |answer: Value| answer["data"]["generateCustomerToken"]["token"].as_str().map(str::to_owned);
    let second: Value = sign_in("second_view", "Second-Passw0rd!").await.unwrap().json().await.unwrap();
    assert!(token(second).is_some());
    let crossed: Value = sign_in("default", "Second-Passw0rd!").await.unwrap().json().await.unwrap();
    assert_eq!(token(crossed.clone()), None, "{crossed}");
    let main: Value = sign_in("default", "roni_cost3@example.com").await.unwrap().json().await.unwrap();
    assert!(token(main).is_some());
}
