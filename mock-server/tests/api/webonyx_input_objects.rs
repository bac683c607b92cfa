//! Input objects as webonyx/graphql-php v15.22.0 checks them inside Magento 2.4.7-p3: every line of
//! `fixtures/webonyx-input-objects-2.4.7-p3.jsonl` (the library's own verdicts, with Magento's
//! scalars, on generated requests; see `fixtures/README.md`) sent to the mock at
//! `--magento-version 2.4.7` in developer mode, which shows every error: a refused request must
//! get exactly the library's errors (messages, locations, order), an accepted one must run.

use futures_util::{StreamExt, stream};
use mock_server::MagentoMode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_configured};

const CORPUS: &str = include_str!("../../../fixtures/webonyx-input-objects-2.4.7-p3.jsonl");

async fn send(app: &TestApp, line: &Value) -> Value {
    let mut body = json!({ "query": line["query"] });
    if let Some(variables) = line.get("variables") {
        body["variables"] = variables.clone();
    }
    let answer =
        TestApp::send(app.post("/graphql").header("Content-Type", "application/json").body(body.to_string())).await;
    serde_json::from_str(&answer.body).unwrap_or_else(|_| json!({ "not JSON": answer.body }))
}

/// Whether the mock's answer is the verdict's: the same errors and nothing else, or a run.
fn agrees(line: &Value, answer: &Value) -> bool {
    match line.get("errors") {
        Some(errors) => *answer == json!({ "errors": errors }),
        None => answer.get("data").is_some(),
    }
}

#[tokio::test]
async fn the_mock_checks_input_objects_as_webonyx_does_in_2_4_7_p3() {
    let app = spawn_configured("2.4.7", |config| config.magento_mode = MagentoMode::Developer)
        .await
        .in_namespace("webonyx-input-objects");
    let lines: Vec<Value> =
        CORPUS.lines().skip(1).map(|line| serde_json::from_str(line).expect("a corpus line")).collect();
    assert!(lines.len() > 1000, "the corpus has its lines");
    let answers: Vec<Value> = stream::iter(lines.iter().map(|line| send(&app, line))).buffered(8).collect().await;
    let refused = lines.iter().filter(|line| line.get("errors").is_some()).count();
    let differences: Vec<String> = lines
        .iter()
        .zip(&answers)
        .filter(|(line, answer)| !agrees(line, answer))
        .map(|(line, answer)| {
            let expected = line.get("errors").map_or_else(|| "a run".to_owned(), Value::to_string);
            format!(
                "{} variables {}\n  webonyx: {expected}\n  mock:    {answer}",
                line["query"],
                line.get("variables").map_or_else(|| "-".to_owned(), Value::to_string)
            )
        })
        .collect();
    assert!(
        differences.is_empty(),
        "{} of {} lines ({refused} refused by webonyx) differ:\n{}",
        differences.len(),
        lines.len(),
        differences.join("\n")
    );
}
