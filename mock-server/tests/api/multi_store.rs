//! Two websites, as a real Magento Open Source 2.4.7-p3 store with a second website answered
//! the `Store` header (`fixtures/real-store/2.4.7-p3-multi-store.jsonl`), replayed in order
//! against the mock loaded with `fixtures/two-websites.toml`: which store view a code selects,
//! `storeConfig` and `availableStores` per store view, accounts per website (the same email on
//! both, sign-in and reset within the website), tokens valid on every store view, and the reset
//! email in the second store's name, base URL and locale.

use serde_json::{Value, json};

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

/// A second store view on the default website (the recorded store had one per website).
const FRENCH_VIEW: &str = r#"
[[store_view]]
code = "french_view"
view_name = "French Store View"
name = "Main Website Store"
website = "base"
locale = "fr_FR"
storefront_url = "http://127.0.0.1:8082/index.php/"
"#;
const FRENCH_BASE: &str = "http://127.0.0.1:8082/index.php/";

async fn request_reset_in(app: &TestApp, store: Option<&str>, email: &str) {
    let body = json!({ "query": crate::helpers::request_reset_document(email) });
    let mut request = app.post("/graphql").json(&body);
    if let Some(store) = store {
        request = request.header("Store", store);
    }
    let answer = TestApp::send(request).await.json();
    assert_eq!(answer, json!({ "data": { "requestPasswordResetEmail": true } }));
}

/// `EmailNotification::passwordResetConfirmation` takes the store view from the customer (the
/// one the account was made in, else its website's first: `getWebsiteStoreId`), not from the
/// request's `Store` header: the link and the email's store follow the account.
#[tokio::test]
async fn the_reset_email_comes_from_the_customers_store_view_whichever_the_request_named() {
    let path = std::env::temp_dir().join(format!("two-websites-french-{}.toml", std::process::id()));
    let text = std::fs::read_to_string(TWO_WEBSITES).unwrap() + FRENCH_VIEW;
    std::fs::write(&path, text).unwrap();
    let app = spawn_configured("2.4.7", |config| {
        config.storefront_url = STORE_BASE.into();
        config.load_fixtures(&path).expect("the fixtures load");
    })
    .await;
    std::fs::remove_file(&path).unwrap();

    // A fixture account belongs to its website's first store view, the default one.
    request_reset_in(&app, Some("french_view"), "roni_cost@example.com").await;
    let (_, html) = latest_email(&app, "roni_cost@example.com").await;
    assert!(html.contains(&format!("{STORE_BASE}customer/account/createPassword/?id=1")), "{html}");
    assert!(!html.contains(FRENCH_BASE), "{html}");

    // An account made in the French view is mailed from it, though asked without a Store header.
    let email = "french.shopper@example.com";
    let input = json!({ "email": email, "password": "Fr3nch-Passw0rd!", "firstname": "Fran", "lastname": "Shopper" });
    let body = json!({
        "query": "mutation($input: CustomerCreateInput!) { createCustomerV2(input: $input) { customer { email } } }",
        "variables": { "input": input },
    });
    let created = TestApp::send(app.post("/graphql").header("Store", "french_view").json(&body)).await.json();
    assert_eq!(created["data"]["createCustomerV2"]["customer"]["email"], email, "{created}");
    request_reset_in(&app, None, email).await;
    let (subject, html) = latest_email(&app, email).await;
    assert!(html.contains(&format!("{FRENCH_BASE}customer/account/createPassword/?id=")), "{html}");
    assert_eq!(subject, "Reset your Main Website Store password");
}

async fn signs_in_on(app: &TestApp, store: &str, email: &str, password: &str) -> bool {
    let body = json!({ "query": crate::helpers::sign_in_document(email, password) });
    let answer = TestApp::send(app.post("/graphql").header("Store", store).json(&body)).await.json();
    answer["data"]["generateCustomerToken"]["token"].is_string()
}

#[tokio::test]
async fn the_control_api_acts_on_the_website_its_website_parameter_names() {
    let app = two_websites().await;
    let all = TestApp::send(app.get("/__admin/customers")).await.json();
    let websites: Vec<&str> = all.as_array().unwrap().iter().map(|c| c["website"].as_str().unwrap()).collect();
    assert_eq!(websites, ["base", "second"], "the list shows every website's accounts: {all}");
    let second = TestApp::send(app.get("/__admin/customers?website=second")).await.json();
    assert_eq!(second.as_array().unwrap().len(), 1);
    assert_eq!(second[0]["lastname"], "Second");

    let email = "only.second@example.com";
    let new = json!({ "email": email, "password": "Only-Sec0nd!", "firstname": "Only", "lastname": "Second" });
    let created = TestApp::send(app.post("/__admin/customers?website=second").json(&new)).await;
    assert_eq!(created.status, 201);
    assert_eq!(created.json()["website"], "second");
    assert!(signs_in_on(&app, "second_view", email, "Only-Sec0nd!").await);
    assert!(!signs_in_on(&app, "default", email, "Only-Sec0nd!").await, "not an account of the default website");

    let locked = TestApp::send(app.post("/__admin/customers/roni_cost@example.com/lock?website=second")).await;
    assert_eq!(locked.status, 200);
    assert!(!signs_in_on(&app, "second_view", "roni_cost@example.com", "Second-Passw0rd!").await);
    assert!(
        signs_in_on(&app, "default", "roni_cost@example.com", "roni_cost3@example.com").await,
        "only that website's"
    );
    TestApp::send(app.delete("/__admin/customers/roni_cost@example.com/lock?website=second")).await;
    assert!(signs_in_on(&app, "second_view", "roni_cost@example.com", "Second-Passw0rd!").await);

    let body = json!({ "query": crate::helpers::request_reset_document(email) });
    TestApp::send(app.post("/graphql").header("Store", "second_view").json(&body)).await;
    let token = TestApp::send(app.get(&format!("/__admin/customers/{email}/reset-token?website=second"))).await;
    assert_eq!(token.status, 200);
    assert_eq!(token.json()["token"].as_str().map(str::len), Some(32));
    let on_default = TestApp::send(app.get(&format!("/__admin/customers/{email}/reset-token"))).await;
    assert_eq!(on_default.status, 404);

    let unknown = TestApp::send(app.get("/__admin/customers?website=nosuch")).await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.json()["error"], "no website with the code \"nosuch\" in the fixtures");
    assert_eq!(TestApp::send(app.delete(&format!("/__admin/customers/{email}"))).await.status, 404);
    assert_eq!(TestApp::send(app.delete(&format!("/__admin/customers/{email}?website=second"))).await.status, 204);
}
