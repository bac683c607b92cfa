//! SMTP faults on demand (`/__admin/smtp-faults`), seen by a real SMTP client: Python's smtplib,
//! as a store written in Python (or PHP's Symfony Mailer, which reads replies the same way) sees them.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_configured};

/// Sends `count` messages from argv[2] to the comma-separated argv[3] (argv[4]: the
/// X-Mock-Namespace header, may be empty), one session each, and prints one JSON line per
/// attempt: what smtplib raised, with the exact code and text, and how long it took.
const SEND_SCRIPT: &str = r#"
import json, smtplib, sys, time
port, sender, recipients, namespace, count = int(sys.argv[1]), sys.argv[2], sys.argv[3].split(","), sys.argv[4], int(sys.argv[5])
header = f"X-Mock-Namespace: {namespace}\r\n" if namespace else ""
text = lambda b: b.decode() if isinstance(b, bytes) else str(b)
for n in range(count):
    msg = f"From: {sender}\r\nTo: {', '.join(recipients)}\r\nSubject: attempt {n}\r\n{header}\r\nhello\r\n"
    start = time.monotonic()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            refused = smtp.sendmail(sender, recipients, msg)
            out = {"outcome": "sent", "refused": {r: [c, text(m)] for r, (c, m) in refused.items()}}
    except smtplib.SMTPConnectError as e:
        out = {"outcome": "connect", "code": e.smtp_code, "text": text(e.smtp_error)}
    except smtplib.SMTPSenderRefused as e:
        out = {"outcome": "sender", "code": e.smtp_code, "text": text(e.smtp_error)}
    except smtplib.SMTPRecipientsRefused as e:
        out = {"outcome": "recipients", "refused": {r: [c, text(m)] for r, (c, m) in e.recipients.items()}}
    except smtplib.SMTPDataError as e:
        out = {"outcome": "data", "code": e.smtp_code, "text": text(e.smtp_error)}
    except smtplib.SMTPServerDisconnected as e:
        out = {"outcome": "disconnected", "text": str(e)}
    out["seconds"] = time.monotonic() - start
    print(json.dumps(out), flush=True)
"#;

/// Runs the script off the runtime thread (which serves the SMTP sessions).
async fn send(app: &TestApp, sender: &str, recipients: &[&str], namespace: &str, count: usize) -> Vec<Value> {
    let port = app.smtp.expect("the test server listens for SMTP").port().to_string();
    let args = [port, sender.to_owned(), recipients.join(","), namespace.to_owned(), count.to_string()];
    let output =
        tokio::task::spawn_blocking(move || Command::new("python3").arg("-c").arg(SEND_SCRIPT).args(args).output())
            .await
            .unwrap()
            .expect("python3 runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

async fn send_one(app: &TestApp, recipients: &[&str]) -> Value {
    send(app, "store@shop.test", recipients, "", 1).await.remove(0)
}

async fn add_fault(app: &TestApp, fault: Value) -> String {
    let answer = TestApp::send(app.post("/__admin/smtp-faults").json(&fault)).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{fault}: {}", answer.body);
    answer.json()["id"].as_str().unwrap().to_owned()
}

async fn clear_faults(app: &TestApp) {
    assert_eq!(TestApp::send(app.delete("/__admin/smtp-faults")).await.status, StatusCode::NO_CONTENT);
}

async fn total(app: &TestApp) -> u64 {
    app.messages().await["total"].as_u64().unwrap()
}

/// Without the code and text, and the time, which the cases check apart.
fn outcome(result: &Value) -> Value {
    let mut result = result.clone();
    result.as_object_mut().unwrap().remove("seconds");
    result
}

#[tokio::test]
async fn every_refusal_reaches_smtplib_with_its_exact_code_and_text_and_nothing_is_captured() {
    let app = spawn_configured("2.4.8", |_| {}).await;
    let to = "roni_cost@example.com";
    let cases = [
        (
            json!({"stage": "connect", "code": 421}),
            json!({"outcome": "connect", "code": 421, "text": "4.3.2 Service not available, closing transmission channel"}),
        ),
        (
            json!({"stage": "connect", "code": 554, "message": "5.3.2 No SMTP service here"}),
            json!({"outcome": "connect", "code": 554, "text": "5.3.2 No SMTP service here"}),
        ),
        (
            json!({"stage": "connect", "action": "disconnect"}),
            json!({"outcome": "disconnected", "text": "Connection unexpectedly closed"}),
        ),
        (
            json!({"stage": "mail", "code": 451, "sender": "STORE@shop.test"}),
            json!({"outcome": "sender", "code": 451, "text": "4.3.0 Requested action aborted: local error in processing"}),
        ),
        (
            json!({"stage": "mail", "code": 550, "message": "5.7.1 Sender address rejected"}),
            json!({"outcome": "sender", "code": 550, "text": "5.7.1 Sender address rejected"}),
        ),
        (
            json!({"stage": "mail", "code": 421}),
            json!({"outcome": "sender", "code": 421, "text": "4.3.2 Service not available, closing transmission channel"}),
        ),
        (
            json!({"stage": "mail", "action": "disconnect"}),
            json!({"outcome": "disconnected", "text": "Connection unexpectedly closed"}),
        ),
        (
            json!({"stage": "rcpt", "code": 450, "recipient": to}),
            json!({"outcome": "recipients", "refused": {to: [450, "4.2.1 Mailbox unavailable, try again later"]}}),
        ),
        (
            json!({"stage": "rcpt", "code": 452}),
            json!({"outcome": "recipients", "refused": {to: [452, "4.3.1 Insufficient system storage"]}}),
        ),
        (
            json!({"stage": "rcpt", "code": 550, "message": "5.1.1 No such user here"}),
            json!({"outcome": "recipients", "refused": {to: [550, "5.1.1 No such user here"]}}),
        ),
        (
            json!({"stage": "rcpt", "action": "disconnect"}),
            json!({"outcome": "disconnected", "text": "Connection unexpectedly closed"}),
        ),
        (
            json!({"stage": "data", "code": 451}),
            json!({"outcome": "data", "code": 451, "text": "4.3.0 Requested action aborted: local error in processing"}),
        ),
        (
            json!({"stage": "data", "code": 552}),
            json!({"outcome": "data", "code": 552, "text": "5.2.2 Requested mail action aborted: exceeded storage allocation"}),
        ),
        (
            json!({"stage": "data", "code": 554, "recipient": to}),
            json!({"outcome": "data", "code": 554, "text": "5.0.0 Transaction failed"}),
        ),
        (
            json!({"stage": "data", "action": "disconnect"}),
            json!({"outcome": "disconnected", "text": "Connection unexpectedly closed"}),
        ),
    ];
    for (fault, expected) in cases {
        clear_faults(&app).await;
        let id = add_fault(&app, fault.clone()).await;
        let result = send_one(&app, &[to]).await;
        assert_eq!(outcome(&result), expected, "{fault}");
        assert_eq!(total(&app).await, 0, "{fault}: a refused delivery is not captured");

        let stage = fault["stage"].as_str().unwrap();
        let journal = TestApp::send(app.get(&format!("/__admin/requests?operation=smtp-{stage}"))).await.json();
        let entry = journal.as_array().unwrap().last().expect("the fault is journaled");
        assert_eq!(entry["type"], "smtp");
        assert_eq!(entry["scenario"].as_str().unwrap().split(' ').nth(1), Some(id.as_str()), "{fault}");
        assert_eq!(entry["status"], fault.get("code").cloned().unwrap_or(json!(0)), "{fault}");
    }
    // With the faults gone the same delivery goes through.
    clear_faults(&app).await;
    assert_eq!(outcome(&send_one(&app, &[to]).await), json!({"outcome": "sent", "refused": {}}));
    assert_eq!(total(&app).await, 1);
}

#[tokio::test]
async fn a_refused_recipient_leaves_the_others_delivered() {
    let app = spawn_configured("2.4.8", |_| {}).await;
    add_fault(&app, json!({"stage": "rcpt", "code": 550, "recipient": "gone@example.com"})).await;
    let result = send_one(&app, &["gone@example.com", "roni_cost@example.com"]).await;
    assert_eq!(
        outcome(&result),
        json!({"outcome": "sent", "refused": {"gone@example.com": [550, "5.1.1 Mailbox unavailable"]}})
    );
    let inbox = app.messages().await;
    assert_eq!(inbox["total"], 1);
    let journal = TestApp::send(app.get("/__admin/requests?operation=smtp-rcpt")).await.json();
    assert_eq!(journal[0]["email"], "gone@example.com");
}

#[tokio::test]
async fn slow_faults_answer_as_usual_after_the_delay_at_every_stage() {
    let app = spawn_configured("2.4.8", |_| {}).await;
    for stage in ["connect", "mail", "rcpt", "data"] {
        clear_faults(&app).await;
        add_fault(&app, json!({"stage": stage, "action": "slow", "delay_ms": 700})).await;
        let result = send_one(&app, &["roni_cost@example.com"]).await;
        assert_eq!(outcome(&result), json!({"outcome": "sent", "refused": {}}), "{stage}");
        let seconds = result["seconds"].as_f64().unwrap();
        assert!(seconds >= 0.7, "{stage}: answered after {seconds} s");
    }
    assert_eq!(total(&app).await, 4, "slow deliveries are captured");
}

/// A store that retries: the first two attempts are refused with 451, the third is stored.
#[tokio::test]
async fn times_refuses_the_next_n_deliveries_then_lets_mail_through() {
    let app = spawn_configured("2.4.8", |_| {}).await;
    let id = add_fault(&app, json!({"stage": "data", "code": 451, "times": 2})).await;
    let results = send(&app, "store@shop.test", &["roni_cost@example.com"], "", 3).await;
    let outcomes: Vec<&str> = results.iter().map(|r| r["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["data", "data", "sent"]);
    assert_eq!(total(&app).await, 1);
    let listed = TestApp::send(app.get("/__admin/smtp-faults")).await.json();
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!((listed[0]["uses_left"].clone(), listed[0]["used"].clone()), (json!(0), json!(2)));
}

/// Mailpit's chaos strikes at random; ours with a seed, so a failing run can be replayed.
#[tokio::test]
async fn a_seeded_probability_strikes_the_same_deliveries_every_time() {
    let app = spawn_configured("2.4.8", |_| {}).await;
    let mut patterns = Vec::new();
    for _ in 0..2 {
        clear_faults(&app).await;
        add_fault(&app, json!({"stage": "mail", "code": 451, "probability": 0.5, "seed": 20_260_216})).await;
        let results = send(&app, "store@shop.test", &["roni_cost@example.com"], "", 16).await;
        let pattern: String = results.iter().map(|r| if r["outcome"] == "sent" { '.' } else { 'x' }).collect();
        patterns.push(pattern);
    }
    assert_eq!(patterns[0], patterns[1], "the same seed, the same deliveries refused");
    assert!(patterns[0].contains('x') && patterns[0].contains('.'), "{}", patterns[0]);
    let delivered = patterns.iter().flat_map(|p| p.chars()).filter(|&c| c == '.').count() as u64;
    assert_eq!(total(&app).await, delivered);

    // Another seed refuses other deliveries.
    clear_faults(&app).await;
    add_fault(&app, json!({"stage": "mail", "code": 451, "probability": 0.5, "seed": 7})).await;
    let results = send(&app, "store@shop.test", &["roni_cost@example.com"], "", 16).await;
    let other: String = results.iter().map(|r| if r["outcome"] == "sent" { '.' } else { 'x' }).collect();
    assert_ne!(other, patterns[0]);

    // Without a seed one is drawn, and listed so the run can be repeated.
    clear_faults(&app).await;
    add_fault(&app, json!({"stage": "mail", "code": 451, "probability": 0.5})).await;
    let listed = TestApp::send(app.get("/__admin/smtp-faults")).await.json();
    assert!(listed[0]["seed"].is_u64(), "{listed}");
}

#[tokio::test]
async fn data_faults_belong_to_the_namespace_the_message_names() {
    let app = spawn_configured("2.4.8", |_| {}).await;
    let team = app.in_namespace("team-a");
    add_fault(&team, json!({"stage": "data", "code": 554})).await;

    let refused = send(&app, "store@shop.test", &["roni_cost@example.com"], "team-a", 1).await;
    assert_eq!(refused[0]["code"], 554);
    let passed = send(&app, "store@shop.test", &["roni_cost@example.com"], "team-b", 1).await;
    assert_eq!(passed[0]["outcome"], "sent", "another namespace's mail is not struck");
    assert_eq!(total(&team).await, 0);
    assert_eq!(total(&app.in_namespace("team-b")).await, 1);
    let journal = TestApp::send(team.get("/__admin/requests?operation=smtp-data")).await.json();
    assert_eq!(journal.as_array().unwrap().len(), 1);

    // Before DATA the namespace is not known yet: such faults are refused outside the default one.
    let answer = TestApp::send(team.post("/__admin/smtp-faults").json(&json!({"stage": "rcpt", "code": 450}))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.json()["error"].as_str().unwrap().contains("default namespace"));
}

#[tokio::test]
async fn the_control_api_explains_refusals_lists_removes_and_caps() {
    let app = spawn_configured("2.4.8", |_| {}).await;
    for (fault, reason) in [
        (json!({"stage": "mail"}), "action \"reply\" needs a code from 400 to 599"),
        (json!({"stage": "mail", "code": 250}), "code must be from 400 to 599"),
        (json!({"stage": "mail", "code": 451, "message": "ok\r\n250 fine"}), "printable ASCII"),
        (json!({"stage": "data", "action": "slow", "delay_ms": 60_001}), "delay_ms must be at most 60000"),
        (json!({"stage": "helo", "code": 451}), "unknown variant `helo`"),
        (json!({"stage": "mail", "code": 451, "recipient": "a@b.test"}), "recipient is known from stage rcpt on"),
    ] {
        let answer = TestApp::send(app.post("/__admin/smtp-faults").json(&fault)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{fault}");
        let error = answer.json()["error"].as_str().unwrap().to_owned();
        assert!(error.contains(reason), "{fault}: {error}");
    }
    let id = add_fault(&app, json!({"stage": "rcpt", "code": 452, "times": 3})).await;
    let listed = TestApp::send(app.get("/__admin/smtp-faults")).await.json();
    assert_eq!(listed[0]["message"], "4.3.1 Insufficient system storage");
    assert_eq!(listed[0]["uses_left"], 3);
    assert_eq!(TestApp::send(app.delete(&format!("/__admin/smtp-faults/{id}"))).await.status, StatusCode::NO_CONTENT);
    assert_eq!(TestApp::send(app.delete(&format!("/__admin/smtp-faults/{id}"))).await.status, StatusCode::NOT_FOUND);

    for _ in 0..100 {
        add_fault(&app, json!({"stage": "mail", "code": 451})).await;
    }
    let answer = TestApp::send(app.post("/__admin/smtp-faults").json(&json!({"stage": "mail", "code": 451}))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.json()["error"].as_str().unwrap().contains("at most 100"));
}
