//! Syntax errors over HTTP are webonyx's own, word for word and location for location, as
//! recorded from the real library in `fixtures/webonyx-syntax.jsonl`.

use serde_json::{Value, json};

use crate::helpers::spawn_app;

const CORPUS: &str = include_str!("../../../fixtures/webonyx-syntax.jsonl");

fn corpus() -> impl Iterator<Item = Value> {
    CORPUS.lines().map(|line| serde_json::from_str::<Value>(line).unwrap()).filter(|entry| entry["query"].is_string())
}

/// Every 40th syntax error of the corpus (about 250, of every kind), sent as a storefront would.
/// Columns below 0 are left out: the wire type of a location cannot carry them.
#[tokio::test]
async fn a_sample_of_the_corpus_gets_webonyxs_exact_message_and_location() {
    let app = spawn_app("2.4.7-p3").await;
    let sample = corpus()
        .filter(|entry| entry["message"].is_string())
        .filter(|entry| entry["locations"][0]["column"].as_i64().unwrap() >= 0)
        .step_by(40);
    let mut sent = 0;
    for entry in sample {
        let answer = app.graphql(entry["query"].as_str().unwrap()).await.json();
        let expected = json!([{ "message": entry["message"], "locations": entry["locations"] }]);
        assert_eq!(answer["errors"], expected, "{}", entry["query"]);
        assert!(answer.get("data").is_none(), "{}", entry["query"]);
        sent += 1;
    }
    assert!(sent >= 200, "only {sent} documents sent");
}

/// Where webonyx's lexer reads past the end of the text, PHP warns and Magento answers with its
/// generic error instead of the syntax error the library would have thrown.
#[tokio::test]
async fn a_read_past_the_end_is_magentos_internal_error() {
    let app = spawn_app("2.4.7-p3").await;
    for entry in corpus().filter(|entry| entry["verdict"] == "internal").step_by(20) {
        let answer = app.graphql(entry["query"].as_str().unwrap()).await.json();
        assert_eq!(answer, json!({ "errors": [{ "message": "Internal server error" }] }), "{}", entry["query"]);
    }
}

/// Bodies as a real 2.4.7-p3 store wrote them: webonyx prints `/` as `"\/"` inside the message,
/// and PHP's JSON escapes it (and non-ASCII) once more.
#[tokio::test]
async fn the_bytes_are_the_real_stores() {
    let app = spawn_app("2.4.7-p3").await;
    let seen = [
        (
            "{ a/ }",
            r#"{"errors":[{"message":"Syntax Error: Cannot parse the unexpected character \"\\\/\".","locations":[{"line":1,"column":4}]}]}"#,
        ),
        (
            "{ a(\"é\": 1) }",
            r#"{"errors":[{"message":"Syntax Error: Expected Name, found String \"\u00e9\"","locations":[{"line":1,"column":5}]}]}"#,
        ),
        ("{ a(b: \"é", r#"{"errors":[{"message":"Internal server error"}]}"#),
    ];
    for (query, body) in seen {
        assert_eq!(app.graphql(query).await.body, body, "{query}");
    }
}

#[tokio::test]
async fn documents_webonyx_accepts_are_not_syntax_errors() {
    let app = spawn_app("2.4.7-p3").await;
    let accepted = [
        "{ storeConfig { store_name } }",
        "\u{feff}# a comment\r\n{ storeConfig { store_name ,,, } }",
        "query ($email: String! @deprecated) { isEmailAvailable(email: $email) { is_email_available } }",
    ];
    for query in accepted {
        let answer = app.graphql(query).await;
        assert!(!answer.body.contains("Syntax Error"), "{query}: {}", answer.body);
    }
}
