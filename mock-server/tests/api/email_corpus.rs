//! Issue 3's end-to-end proof: every string of the public verdict corpus, sent through the
//! running server, gets the answer Magento's real validator implies.

use serde_json::{Value, json};

use crate::helpers::spawn_with;
use mock_server::config::Throttle;

const CORPUS: &str = include_str!("../../../fixtures/email-verdicts.jsonl");

#[tokio::test]
async fn request_password_reset_email_gives_the_corpus_answer_for_every_string() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    let query = "mutation($e: String!) { requestPasswordResetEmail(email: $e) }";
    let customers = crate::helpers::TestApp::send(app.get("/__admin/customers")).await.json();
    let known = |email: &str| {
        customers.as_array().unwrap().iter().any(|c| c["email"].as_str().unwrap().eq_ignore_ascii_case(email))
    };
    let mut disagreements = Vec::new();
    let mut checked = 0;
    for line in CORPUS.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let email = case["email"].as_str().unwrap();
        let expected = match case["verdict"].as_str().unwrap() {
            "empty" => "You must specify an email address.",
            "invalid" => "The email address has an invalid format.",
            // A valid address reaches the lookup: a fixture customer gets the email.
            _ if known(email) => "(no error)",
            _ => "Cannot reset the customer's password",
        };
        let answer = app.graphql_with(query, json!({ "e": email })).await.json();
        let got = answer["errors"][0]["message"].as_str().unwrap_or("(no error)").to_owned();
        if got != expected {
            disagreements.push(format!("{email:?} [{}]: expected {expected:?}, got {got:?}", case["class"]));
        }
        checked += 1;
    }
    assert_eq!(checked, 1218);
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
}
