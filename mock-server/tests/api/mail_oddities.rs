//! Issue 16's corpus of real-world mail oddities (`fixtures/mail-oddities/`): every file is
//! delivered over real SMTP (Python's smtplib, with the envelope its expectation names) and read
//! back through the Mailpit API, which must show the expected addresses, names, tags, subject,
//! text, HTML and attachments.
//! Garbled mail is fuzzed next to the parser (`src/mail/fuzz.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_configured};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/mail-oddities")
}

fn expectations() -> Vec<Value> {
    let text = std::fs::read_to_string(corpus_dir().join("expected.json")).expect("expected.json");
    serde_json::from_str::<Value>(&text).expect("expected.json is JSON").as_array().expect("a list").clone()
}

/// One SMTP session per file: MAIL FROM, RCPT TO each, DATA with the file's bytes (smtplib
/// dot-stuffs them); prints the mock's `250 ... queued as ID` text, one line per file.
const DELIVER: &str = r#"
import json, smtplib, sys
port, cases = int(sys.argv[1]), json.loads(sys.stdin.read())
for case in cases:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.ehlo()
        code, reply = smtp.mail(case["mail_from"])
        assert code == 250, (code, reply)
        for rcpt in case["rcpt_to"]:
            code, reply = smtp.rcpt(rcpt)
            assert code == 250, (rcpt, code, reply)
        with open(case["path"], "rb") as f:
            code, reply = smtp.data(f.read())
        assert code == 250, (case["path"], code, reply)
        print(reply.decode().rsplit(" ", 1)[-1])
"#;

fn deliver(smtp_port: u16, cases: &[Value]) -> Vec<String> {
    let input: Vec<Value> = cases
        .iter()
        .map(|case| {
            let path = corpus_dir().join(case["file"].as_str().unwrap());
            json!({ "path": path, "mail_from": case["mail_from"], "rcpt_to": case["rcpt_to"] })
        })
        .collect();
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(DELIVER)
        .arg(smtp_port.to_string())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), Value::from(input).to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().lines().map(str::to_owned).collect()
}

/// A source with CRLF line ends made LF and trailing line ends dropped, to compare across both.
fn lines(bytes: &[u8]) -> Vec<u8> {
    let mut text: Vec<u8> = bytes.iter().copied().filter(|&b| b != b'\r').collect();
    while text.last() == Some(&b'\n') {
        text.pop();
    }
    text
}

/// What differs between the expectation and the API's answers, one line each.
fn differences(case: &Value, message: &Value, summary: &Value, admin: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut check = |what: &str, got: &Value, want: &Value| {
        if got != want {
            found.push(format!("{what}: got {got}, want {want}"));
        }
    };
    for (key, field) in [("from", "From"), ("to", "To"), ("cc", "Cc"), ("bcc", "Bcc"), ("subject", "Subject")] {
        check(field, &message[field], &case[key]);
        check(&format!("summary {field}"), &summary[field], &case[key]);
    }
    check("ReplyTo", &message["ReplyTo"], case.get("reply_to").unwrap_or(&json!([])));
    check("Tags", &message["Tags"], &case["tags"]);
    check("summary Tags", &summary["Tags"], &case["tags"]);
    check("summary Attachments", &summary["Attachments"], &case["attachments"]);
    check("HTML", &message["HTML"], &case["html"]);
    let text = message["Text"].as_str().unwrap_or_default();
    if let Some(want) = case.get("text") {
        check("Text", &message["Text"], want);
    } else if let Some(repeat) = case.get("text_repeat") {
        let want = repeat["unit"].as_str().unwrap().repeat(repeat["times"].as_u64().unwrap() as usize)
            + repeat["then"].as_str().unwrap();
        check("Text", &message["Text"], &Value::from(want));
    } else if let Some(want) = case["text_contains"].as_str() {
        let contained = if text.contains(want) { want } else { text };
        check("Text containing", &Value::from(contained), &Value::from(want));
    }
    let files = |list: &Value| -> Value {
        list.as_array()
            .into_iter()
            .flatten()
            .map(|a| json!({ "FileName": a["FileName"], "ContentType": a["ContentType"], "ContentID": a["ContentID"] }))
            .collect()
    };
    check("Attachments", &files(&message["Attachments"]), &case["attachment_files"]);
    check("Inline", &files(&message["Inline"]), &case["inline_files"]);
    check("token", &admin["token"], case.get("reset_token").unwrap_or(&Value::Null));
    found
}

#[tokio::test]
async fn every_oddity_delivered_over_smtp_reads_back_as_expected() {
    let app = spawn_configured("2.4.8", |_| {}).await;
    let smtp_port = app.smtp.expect("the test server listens for SMTP").port();
    let cases = expectations();
    let mut files: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".eml"))
        .collect();
    files.sort();
    let mut expected: Vec<String> = cases.iter().map(|c| c["file"].as_str().unwrap().to_owned()).collect();
    expected.sort();
    assert_eq!(files, expected, "every .eml has exactly one expectation");

    let delivery = cases.clone();
    let ids = tokio::task::spawn_blocking(move || deliver(smtp_port, &delivery)).await.unwrap();
    assert_eq!(ids.len(), cases.len());
    let list = app.messages().await;
    assert_eq!(list["total"], cases.len());

    let mut report = Vec::new();
    for (case, id) in cases.iter().zip(&ids) {
        let message = app.message(id).await.json();
        let summary = list["messages"].as_array().unwrap().iter().find(|m| m["ID"] == id.as_str()).unwrap();
        let admin = TestApp::send(app.get(&format!("/__admin/messages/{id}"))).await.json();
        for difference in differences(case, &message, summary, &admin) {
            report.push(format!("{}: {difference}", case["file"].as_str().unwrap()));
        }
        // The source is kept as sent, 8-bit bytes included (smtplib only makes line ends CRLF).
        let raw = app.get(&format!("/api/v1/message/{id}/raw")).send().await.unwrap().bytes().await.unwrap();
        let sent = std::fs::read(corpus_dir().join(case["file"].as_str().unwrap())).unwrap();
        if lines(&raw) != lines(&sent) {
            report.push(format!("{}: the raw source differs from the bytes sent", case["file"].as_str().unwrap()));
        }
    }
    assert!(report.is_empty(), "{} differences:\n{}", report.len(), report.join("\n"));
}
