//! What a real Magento Open Source 2.4.7-p3 store answered while its SMTP server failed
//! (`fixtures/real-store/2.4.7-p3-mail-failures.jsonl`, `tools/record_mail_failures.py`), replayed
//! against the mock: the mock sends no SMTP itself, so each recorded SMTP refusal is replayed with
//! the scripted `mail-failure` state, and the reset token must be replaced as the store's was.

use serde_json::{Value, json};

use crate::account_area::{Bindings, replay};
use crate::helpers::{TestApp, spawn_configured};
use crate::recordings::{self, Recording};

const RECORDINGS: &str = include_str!("../../../fixtures/real-store/2.4.7-p3-mail-failures.jsonl");

/// The store answered HTTP 500 with the usual body: laminas-mail's destructor sent QUIT on the
/// dropped socket and its exception ended PHP with a fatal error after the answer was written
/// (php-server.log). No scripted state gives a 500 with a GraphQL body; checked below instead.
const DROPPED: &str = "reset-data-disconnect";

/// The recorded faults, with what the scripted state stands for.
fn scenario_for(fault: &Value) -> Option<&'static str> {
    // A slow server only slows the answer (laminas-mail waits up to 600 s for DATA's reply).
    (!fault.is_null() && fault["action"] != "slow").then_some("mail-failure")
}

#[tokio::test]
async fn the_mock_answers_mail_failures_as_the_real_2_4_7_p3_store_did() {
    let app = spawn_configured("2.4.7", |_| {}).await.in_namespace("mail-failures");
    let account = json!({ "email": "active1@example.com", "password": "Roni-Cost3!x", "firstname": "Active", "lastname": "Customer" });
    let created = TestApp::send(app.post("/__admin/customers").json(&account)).await;
    assert_eq!(created.status, reqwest::StatusCode::CREATED, "{}", created.body);

    let lines: Vec<Value> = RECORDINGS.lines().map(|l| serde_json::from_str(l).expect("a line")).collect();
    let mut recordings = recordings::parse(RECORDINGS);
    assert_eq!(lines.len(), 12, "every recorded request");
    let mut bindings = Bindings::default();
    let mut differences = Vec::new();
    let mut rotations = 0;
    for (recording, line) in recordings.iter_mut().zip(&lines) {
        assert_eq!(recording.name, line["name"]);
        if let Some(state) = scenario_for(&line["fault"]) {
            recording.request.headers.insert("X-Mock-Scenario".into(), state.into());
        }
        let watched = line["effects"].get("token_rotated").and_then(Value::as_bool);
        let before = app.live_token("active1@example.com").await;
        let problems = if recording.name == DROPPED {
            dropped_problems(&app, recording, &mut bindings).await
        } else {
            replay(&app, recording, &mut bindings).await
        };
        if let Some(rotated) = watched {
            let after = app.live_token("active1@example.com").await;
            assert!(after.is_some(), "{}: a token is stored", recording.name);
            assert_eq!(before != after, rotated, "{}: the token was replaced as on the store", recording.name);
            rotations += usize::from(rotated);
        }
        if !problems.is_empty() {
            differences.push(format!("{}:\n  {}", recording.name, problems.join("\n  ")));
        }
    }
    assert_eq!(rotations, 7, "the store replaced the token on every reset request, mail or not");
    assert!(differences.is_empty(), "{} differ from the real store:\n{}", differences.len(), differences.join("\n"));
}

/// The dropped connection: the same body as the store's, with 200 where PHP's fatal error made 500.
async fn dropped_problems(app: &TestApp, recording: &Recording, bindings: &mut Bindings) -> Vec<String> {
    assert_eq!(recording.response.status, 500, "the store's answer is the one documented");
    let mut as_answered = Recording {
        name: recording.name.clone(),
        request: recordings::RecordedRequest {
            method: recording.request.method.clone(),
            path: recording.request.path.clone(),
            headers: recording.request.headers.clone(),
            body: recording.request.body.clone(),
        },
        response: recordings::RecordedResponse {
            status: 200,
            headers: recording.response.headers.clone(),
            body: recording.response.body.clone(),
        },
    };
    as_answered.name.push_str(" (status 200)");
    replay(app, &as_answered, bindings).await
}
