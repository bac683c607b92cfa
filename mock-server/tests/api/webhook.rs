//! `--webhook-url`: a receiver in the test process gets a JSON POST for every captured message.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::helpers::{TestApp, spawn_configured};

/// How the receiver answers.
#[derive(Clone, Copy)]
enum Behaviour {
    /// 500 to this many POSTs, then 200.
    FailFirst(usize),
    /// Never answers.
    Hang,
}

#[derive(Clone)]
struct Receiver {
    behaviour: Behaviour,
    calls: Arc<AtomicUsize>,
    received: mpsc::UnboundedSender<Value>,
}

async fn hook(State(receiver): State<Receiver>, Json(payload): Json<Value>) -> StatusCode {
    let call = receiver.calls.fetch_add(1, Ordering::SeqCst);
    let _ = receiver.received.send(payload);
    match receiver.behaviour {
        Behaviour::FailFirst(n) if call < n => StatusCode::INTERNAL_SERVER_ERROR,
        Behaviour::FailFirst(_) => StatusCode::OK,
        Behaviour::Hang => std::future::pending().await,
    }
}

/// A receiver on an ephemeral port, and the mock pointed at it.
async fn spawn_with_receiver(behaviour: Behaviour) -> (TestApp, mpsc::UnboundedReceiver<Value>) {
    let (sender, payloads) = mpsc::unbounded_channel();
    let receiver = Receiver { behaviour, calls: Arc::default(), received: sender };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let router = axum::Router::new().route("/hook", post(hook)).with_state(receiver);
    tokio::spawn(async move { axum::serve(listener, router).await });
    let app = spawn_configured("2.4.8", |config| config.webhook_url = Some(url.parse().unwrap())).await;
    (app, payloads)
}

async fn next(payloads: &mut mpsc::UnboundedReceiver<Value>) -> Value {
    tokio::time::timeout(Duration::from_secs(10), payloads.recv()).await.expect("a webhook POST arrives").unwrap()
}

#[tokio::test]
async fn every_captured_message_is_posted_with_mailpits_summary_and_the_reset_link_and_token() {
    let (app, mut payloads) = spawn_with_receiver(Behaviour::FailFirst(0)).await;
    let team = app.in_namespace("webhook-team");
    let answer = team.request_reset("roni_cost@example.com").await;
    assert_eq!(answer.json()["data"]["requestPasswordResetEmail"], true);

    let payload = next(&mut payloads).await;
    let summary = team.messages().await["messages"][0].clone();
    let token = team.live_token("roni_cost@example.com").await.expect("a live token");

    // Mailpit's summary fields, as its inbox lists the message...
    let keys: Vec<&str> = payload.as_object().unwrap().keys().map(String::as_str).collect();
    for key in summary.as_object().unwrap().keys() {
        assert_eq!(payload[key], summary[key], "{key}");
    }
    // ... plus what we add, and nothing else.
    let mut ours: Vec<&str> = keys.iter().copied().filter(|k| summary.get(*k).is_none()).collect();
    ours.sort_unstable();
    assert_eq!(ours, ["namespace", "reset_link", "token"]);
    assert_eq!(payload["token"], token.as_str());
    assert!(payload["reset_link"].as_str().unwrap().ends_with(&format!("token={token}")), "{payload}");
    assert_eq!(payload["namespace"], "webhook-team");
    assert_eq!(payload["To"], json!([{ "Name": "Veronica Costello", "Address": "roni_cost@example.com" }]));

    // Mail without a reset link has nulls there.
    let sent = TestApp::send(app.post("/api/v1/send").json(&json!({
        "From": { "Email": "ops@shop.test" },
        "To": [{ "Email": "qa@shop.test" }],
        "Subject": "Nightly report",
        "Text": "All green."
    })))
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let payload = next(&mut payloads).await;
    assert_eq!((payload["Subject"].clone(), payload["token"].clone()), (json!("Nightly report"), Value::Null));
    assert_eq!(payload["namespace"], "");
}

#[tokio::test]
async fn a_failing_receiver_gets_the_notice_again_with_backoff() {
    let (app, mut payloads) = spawn_with_receiver(Behaviour::FailFirst(2)).await;
    app.request_reset("roni_cost@example.com").await;
    let started = Instant::now();
    let first = next(&mut payloads).await;
    let second = next(&mut payloads).await;
    let third = next(&mut payloads).await;
    assert_eq!(first, second);
    assert_eq!(second, third);
    // 250 ms, then 500 ms, between the attempts.
    assert!(started.elapsed() >= Duration::from_millis(700), "{:?}", started.elapsed());
    let counts = wait_for_counts(&app, |c| c["delivered"] == 1).await;
    assert_eq!((counts["retried"].clone(), counts["failed"].clone()), (json!(2), json!(0)));
    assert!(tokio::time::timeout(Duration::from_millis(500), payloads.recv()).await.is_err(), "no fourth POST");
}

#[tokio::test]
async fn a_receiver_that_hangs_slows_neither_graphql_nor_smtp() {
    let (app, _payloads) = spawn_with_receiver(Behaviour::Hang).await;
    for _ in 0..20 {
        let answer = app.request_reset("roni_cost@example.com").await;
        assert_eq!(answer.json()["data"]["requestPasswordResetEmail"], true);
    }
    let port = app.smtp.unwrap().port().to_string();
    let script = r#"
import smtplib, sys
with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=5) as smtp:
    for n in range(20):
        smtp.sendmail("store@shop.test", ["qa@shop.test"], f"Subject: {n}\r\n\r\nhello\r\n")
"#;
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3").arg("-c").arg(script).arg(port).output()
    })
    .await
    .unwrap()
    .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(app.messages().await["total"], 40);
    // Capture did not wait for delivery: the notices are still queued behind the first one, which
    // the receiver holds (each takes 4 attempts of 5 s to give up). Had capture waited, the queue
    // would be empty now. A state, not a stopwatch: it holds on a loaded machine too.
    let counts = TestApp::send(app.get("/__admin/webhook")).await.json();
    assert_eq!(counts["enabled"], true);
    assert_eq!(counts["delivered"], 0);
    assert!(counts["queued"].as_u64().is_some_and(|queued| queued >= 30), "{counts}");
}

async fn wait_for_counts(app: &TestApp, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let counts = TestApp::send(app.get("/__admin/webhook")).await.json();
        if done(&counts) || Instant::now() > deadline {
            return counts;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
