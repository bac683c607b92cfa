//! Mailpit's chaos triggers (`/api/v1/chaos`, `--enable-chaos`) and the `auth` stage of
//! `/__admin/smtp-faults` that carries out its Authentication trigger, seen by Python's smtplib.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_configured};

/// `count` sessions, each signing in (argv[2] "login") or not, then sending one message; one
/// JSON line per session with what smtplib raised, its exact code and text.
const SCRIPT: &str = r#"
import json, smtplib, sys, time
port, login, count = int(sys.argv[1]), sys.argv[2] == "login", int(sys.argv[3])
text = lambda b: b.decode() if isinstance(b, bytes) else str(b)
for n in range(count):
    start = time.monotonic()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            if login:
                smtp.login("store", "secret")
            smtp.sendmail("store@shop.test", ["a@shop.test"], f"Subject: chaos {n}\r\n\r\nhello\r\n")
            out = {"outcome": "sent"}
    except smtplib.SMTPAuthenticationError as e:
        out = {"outcome": "auth", "code": e.smtp_code, "text": text(e.smtp_error)}
    except smtplib.SMTPSenderRefused as e:
        out = {"outcome": "sender", "code": e.smtp_code, "text": text(e.smtp_error)}
    except smtplib.SMTPRecipientsRefused as e:
        out = {"outcome": "recipients", "refused": {r: [c, text(m)] for r, (c, m) in e.recipients.items()}}
    except smtplib.SMTPServerDisconnected as e:
        out = {"outcome": "disconnected"}
    out["seconds"] = round(time.monotonic() - start, 1)
    print(json.dumps(out), flush=True)
"#;

async fn sessions(app: &TestApp, login: bool, count: usize) -> Vec<Value> {
    let port = app.smtp.expect("the test server listens for SMTP").port().to_string();
    let args = [port, if login { "login" } else { "plain" }.to_owned(), count.to_string()];
    let output = tokio::task::spawn_blocking(move || Command::new("python3").arg("-c").arg(SCRIPT).args(args).output())
        .await
        .unwrap()
        .expect("python3 runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

async fn one(app: &TestApp, login: bool) -> Value {
    let mut result = sessions(app, login, 1).await.remove(0);
    result.as_object_mut().unwrap().remove("seconds");
    result
}

async fn put_chaos(app: &TestApp, body: &str) -> (StatusCode, String, String) {
    let response = app.client.put(format!("{}/api/v1/chaos", app.base)).body(body.to_owned()).send().await.unwrap();
    let status = response.status();
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    (status, content_type, response.text().await.unwrap())
}

async fn get_chaos(app: &TestApp) -> (StatusCode, String, String) {
    let response = app.get("/api/v1/chaos").send().await.unwrap();
    let status = response.status();
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    (status, content_type, response.text().await.unwrap())
}

fn triggers(sender: (u16, u8), recipient: (u16, u8), auth: (u16, u8)) -> String {
    format!(
        "{{\"Sender\":{{\"ErrorCode\":{},\"Probability\":{}}},\"Recipient\":{{\"ErrorCode\":{},\"Probability\":{}}},\"Authentication\":{{\"ErrorCode\":{},\"Probability\":{}}}}}\n",
        sender.0, sender.1, recipient.0, recipient.1, auth.0, auth.1
    )
}

#[tokio::test]
async fn auth_faults_reach_smtplib_at_the_auth_command() {
    let app = spawn_configured("2.4.8", |_| {}).await;
    assert_eq!(one(&app, true).await, json!({ "outcome": "sent" }), "any credentials pass without a fault");

    let add = |fault: Value| {
        let app = &app;
        async move {
            let answer = TestApp::send(app.post("/__admin/smtp-faults").json(&fault)).await;
            assert_eq!(answer.status, StatusCode::CREATED, "{fault}: {}", answer.body);
            answer.json()["id"].as_str().unwrap().to_owned()
        }
    };
    // smtplib tries PLAIN, then LOGIN: an `always` fault refuses both, and it reports the last.
    let id = add(json!({ "stage": "auth", "code": 535 })).await;
    assert_eq!(
        one(&app, true).await,
        json!({ "outcome": "auth", "code": 535, "text": "5.7.8 Authentication credentials invalid" })
    );
    assert_eq!(one(&app, false).await, json!({ "outcome": "sent" }), "a client that does not sign in is not struck");
    TestApp::send(app.delete(&format!("/__admin/smtp-faults/{id}"))).await;

    add(json!({ "stage": "auth", "code": 454, "message": "4.7.0 Try later", "times": 1 })).await;
    assert_eq!(one(&app, true).await, json!({ "outcome": "sent" }), "one refusal: smtplib's LOGIN after PLAIN passes");
    let journal = TestApp::send(app.get("/__admin/requests?operation=smtp-auth")).await.json();
    let entries = journal.as_array().or_else(|| journal["requests"].as_array()).expect("a list").clone();
    assert_eq!(entries.len(), 3, "{journal}");
    assert!(entries.iter().any(|e| e["error"] == "454 4.7.0 Try later" && e["status"] == 454), "{journal}");

    add(json!({ "stage": "auth", "action": "disconnect" })).await;
    assert_eq!(one(&app, true).await, json!({ "outcome": "disconnected" }));
    TestApp::send(app.delete("/__admin/smtp-faults")).await;
    add(json!({ "stage": "auth", "action": "slow", "delay_ms": 700, "times": 1 })).await;
    let slow = sessions(&app, true, 1).await.remove(0);
    assert_eq!(slow["outcome"], "sent");
    assert!(slow["seconds"].as_f64().unwrap() >= 0.7, "{slow}");

    let refused = TestApp::send(
        app.post("/__admin/smtp-faults").json(&json!({ "stage": "auth", "code": 535, "sender": "a@shop.test" })),
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"], "the sender is not known yet at connect or auth");
    assert_eq!(app.messages().await["total"], 4, "the four sessions that went through");
}

#[tokio::test]
async fn without_enable_chaos_the_api_answers_as_mailpit_does() {
    let app = spawn_configured("2.4.8", |_| {}).await;
    let disabled = (StatusCode::BAD_REQUEST, "text/plain".to_owned(), "Chaos is not enabled".to_owned());
    assert_eq!(get_chaos(&app).await, disabled);
    assert_eq!(put_chaos(&app, r#"{"Sender":{"Probability":100}}"#).await, disabled);
    assert_eq!(TestApp::send(app.get("/api/v1/webui")).await.json()["ChaosEnabled"], false);
    assert_eq!(one(&app, false).await, json!({ "outcome": "sent" }));
}

#[tokio::test]
async fn chaos_triggers_are_set_checked_and_strike_as_mailpit_s_do() {
    let app = spawn_configured("2.4.8", |config| config.enable_chaos = true).await;
    let ok = |body: String| (StatusCode::OK, "application/json".to_owned(), body);
    assert_eq!(TestApp::send(app.get("/api/v1/webui")).await.json()["ChaosEnabled"], true);
    assert_eq!(get_chaos(&app).await, ok(triggers((451, 0), (451, 0), (535, 0))));

    // Keys ignoring case; an omitted trigger is reset; a missing code is the default.
    let set = put_chaos(&app, r#"{"sender":{"errorcode":450,"probability":100}}"#).await;
    assert_eq!(set, ok(triggers((450, 100), (451, 0), (535, 0))));
    assert_eq!(one(&app, false).await, json!({ "outcome": "sender", "code": 450, "text": "Chaos sender error" }));

    let set =
        put_chaos(&app, r#"{"Recipient":{"Probability":100},"Authentication":{"ErrorCode":454,"Probability":100}}"#)
            .await;
    assert_eq!(set, ok(triggers((451, 0), (451, 100), (454, 100))));
    assert_eq!(
        one(&app, false).await,
        json!({ "outcome": "recipients", "refused": { "a@shop.test": [451, "Chaos recipient error"] } })
    );
    assert_eq!(one(&app, true).await, json!({ "outcome": "auth", "code": 454, "text": "Chaos authentication error" }));
    // The triggers are faults of the default namespace, listed and journaled with the others.
    let listed = TestApp::send(app.get("/__admin/smtp-faults")).await.json();
    let ids: Vec<&str> = listed.as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["chaos-recipient", "chaos-authentication"]);

    assert_eq!(put_chaos(&app, "{}").await, ok(triggers((451, 0), (451, 0), (535, 0))));
    assert_eq!(one(&app, true).await, json!({ "outcome": "sent" }));

    // Mailpit's checks and texts; triggers before the refused one stay set, as in chaos.SetFromStruct.
    let bad = |text: &str| (StatusCode::BAD_REQUEST, "text/plain".to_owned(), text.to_owned());
    for (body, error) in [
        (r#"{"Sender":{"ErrorCode":250,"Probability":5}}"#, "error code must be between 400 and 599"),
        (r#"{"Sender":{"ErrorCode":600}}"#, "error code must be between 400 and 599"),
        (r#"{"Recipient":{"Probability":101}}"#, "probability must be between 0 and 100"),
        (r#"{"Authentication":{"Probability":-1}}"#, "probability must be between 0 and 100"),
        ("", "EOF"),
        (
            r#"{"Sender":{"Probability":"5"}}"#,
            "json: cannot unmarshal string into Go struct field Triggers.Sender.Probability of type int",
        ),
    ] {
        assert_eq!(put_chaos(&app, body).await, bad(error), "{body}");
    }
    assert_eq!(
        put_chaos(&app, r#"{"Sender":{"ErrorCode":452,"Probability":10},"Recipient":{"Probability":-1}}"#).await,
        bad("probability must be between 0 and 100")
    );
    assert_eq!(get_chaos(&app).await, ok(triggers((452, 10), (451, 0), (535, 0))));

    // A percentage is a chance per session: 50 % of 200 sessions, far from none or all.
    put_chaos(&app, r#"{"Sender":{"Probability":50}}"#).await;
    let results = sessions(&app, false, 200).await;
    let struck = results.iter().filter(|r| r["outcome"] == "sender").count();
    assert!((60..=140).contains(&struck), "{struck} of 200 struck at 50 %");
    assert_eq!(results.iter().filter(|r| r["outcome"] == "sent").count(), 200 - struck);
}
