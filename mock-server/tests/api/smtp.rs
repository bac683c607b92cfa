//! SMTP capture, driven by a real SMTP client: Python's smtplib.

use std::process::Command;

use serde_json::json;

use crate::helpers::{TestApp, spawn_configured};

/// A Magento-like reset email from a real store: multipart, quoted-printable and base64 parts,
/// an encoded UTF-8 subject, and a theme link with `id=` before the token.
const SEND_SCRIPT: &str = r#"
import smtplib, sys
from email.message import EmailMessage
msg = EmailMessage()
msg["From"] = "Store Support <support@shop.test>"
msg["To"] = "Veronica Costello <roni_cost@example.com>"
msg["Subject"] = "Passwort zurücksetzen für Ihr Konto"
msg["X-Mock-Namespace"] = "smtp-test"
msg.set_content("Grüße! Set a new password: https://shop.test/customer/account/createPassword/?id=7&token=RealStoreToken123\n", cte="quoted-printable")
msg.add_alternative('<p>Gr&uuml;&szlig;e</p><a href="https://shop.test/customer/account/createPassword/?id=7&amp;token=RealStoreToken123">Set a New Password</a>', subtype="html", cte="base64")
with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10) as smtp:
    smtp.ehlo()
    smtp.login("magento", "secret")
    refused = smtp.send_message(msg, to_addrs=["roni_cost@example.com", "audit@example.com"])
    assert not refused, refused
print("sent")
"#;

#[tokio::test]
async fn mail_sent_over_smtp_lands_in_the_inbox_with_its_reset_link() {
    let app = spawn_configured("2.4.8", |_| {}).await;
    let smtp_port = app.smtp.expect("the test server listens for SMTP").port();

    // The client runs off the test's runtime thread, which serves the SMTP session.
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3").arg("-c").arg(SEND_SCRIPT).arg(smtp_port.to_string()).output()
    })
    .await
    .unwrap()
    .expect("python3 runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let inbox = app.in_namespace("smtp-test");
    let message = inbox.message("latest").await.json();
    assert_eq!(message["Subject"], "Passwort zurücksetzen für Ihr Konto");
    assert_eq!(message["From"], json!({ "Name": "Store Support", "Address": "support@shop.test" }));
    assert_eq!(message["Bcc"], json!([{ "Name": "", "Address": "audit@example.com" }]));
    assert!(message["Text"].as_str().unwrap().starts_with("Grüße! Set a new password"));
    assert!(message["HTML"].as_str().unwrap().contains("Set a New Password"));
    assert!(message["Text"].as_str().unwrap().contains("createPassword/?id=7&token=RealStoreToken123"));

    let view = TestApp::send(inbox.get("/__admin/messages/latest")).await.json();
    assert_eq!(view["token"], "RealStoreToken123", "reset links in a real store's mail are recognised");
    assert_eq!(app.messages().await["total"], 0, "the message chose its namespace");
}
