//! The inbox through Mailpit's routes, with Mailpit's field names.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_with, token_from_link};
use mock_server::config::Throttle;

const RONI: &str = "roni_cost@example.com";

#[tokio::test]
async fn the_list_has_mailpits_envelope_and_summary_fields_newest_first() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    app.request_reset(RONI).await;
    app.request_reset("jane.doe@example.com").await;
    let list = app.messages().await;
    let keys: Vec<&str> = list.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["total", "unread", "count", "messages_count", "messages_unread", "start", "tags", "messages"]);
    assert_eq!((list["total"].clone(), list["unread"].clone(), list["count"].clone()), (json!(2), json!(2), json!(2)));
    let newest = &list["messages"][0];
    let keys: Vec<&str> = newest.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "ID",
            "MessageID",
            "Read",
            "From",
            "To",
            "Cc",
            "Bcc",
            "ReplyTo",
            "Subject",
            "Created",
            "Username",
            "Tags",
            "Size",
            "Attachments",
            "Snippet"
        ]
    );
    assert_eq!(newest["To"][0]["Address"], "jane.doe@example.com", "newest first");
    assert_eq!(newest["From"], json!({ "Name": "CustomerSupport", "Address": "support@example.com" }));
    assert_eq!(newest["Subject"], "Reset your Main Website Store password");
    assert_eq!(newest["ID"].as_str().unwrap().len(), 22);
    assert!(newest["Size"].as_u64().unwrap() > 1000);
    assert!(newest["Snippet"].as_str().unwrap().starts_with("Jane Doe, There was recently a request"));
    assert!(newest["Snippet"].as_str().unwrap().chars().count() <= 253);
    assert!(newest["Created"].as_str().unwrap().ends_with('Z'));

    let page = TestApp::send(app.get("/api/v1/messages").query(&[("start", "1"), ("limit", "1")])).await.json();
    assert_eq!((page["start"].clone(), page["count"].clone()), (json!(1), json!(1)));
    assert_eq!(page["messages"][0]["To"][0]["Address"], RONI);
}

#[tokio::test]
async fn opening_a_message_marks_it_read_and_unknown_ids_are_404() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    app.request_reset(RONI).await;
    let id = app.messages().await["messages"][0]["ID"].as_str().unwrap().to_owned();
    let message = app.message(&id).await.json();
    let keys: Vec<&str> = message.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "ID",
            "MessageID",
            "From",
            "To",
            "Cc",
            "Bcc",
            "ReplyTo",
            "ReturnPath",
            "Subject",
            "ListUnsubscribe",
            "Date",
            "Tags",
            "Username",
            "Text",
            "HTML",
            "Size",
            "Inline",
            "Attachments"
        ]
    );
    for phrase in [
        "Veronica Costello,",
        "There was recently a request to change the password for your account.",
        "If you requested this change, set a new password here:",
        "Set a New Password",
        "If you did not make this request, you can ignore this email and your password will remain the same.",
    ] {
        assert!(message["Text"].as_str().unwrap().contains(phrase), "{phrase}");
        assert!(message["HTML"].as_str().unwrap().contains(phrase), "{phrase}");
    }
    assert_eq!(app.messages().await["unread"], 0);

    let missing = app.message("nope").await;
    assert_eq!((missing.status, missing.body.as_str()), (StatusCode::NOT_FOUND, "404 page not found\n"));
}

#[tokio::test]
async fn search_by_recipient_and_delete_all() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    app.request_reset(RONI).await;
    app.request_reset("jane.doe@example.com").await;
    let found = TestApp::send(app.get("/api/v1/search").query(&[("query", "to:jane.doe@example.com")])).await.json();
    assert_eq!((found["messages_count"].clone(), found["total"].clone()), (json!(1), json!(2)));
    let none = TestApp::send(app.get("/api/v1/search").query(&[("query", "-to:example.com")])).await.json();
    assert_eq!(none["messages_count"], 0);
    let missing_query = TestApp::send(app.get("/api/v1/search")).await;
    assert_eq!(missing_query.status, StatusCode::BAD_REQUEST);

    let latest_for_roni =
        TestApp::send(app.get("/api/v1/message/latest").query(&[("query", format!("to:{RONI}"))])).await;
    assert_eq!(latest_for_roni.json()["To"][0]["Address"], RONI);
    assert_eq!(token_from_link(latest_for_roni.json()["Text"].as_str().unwrap()), app.live_token(RONI).await.unwrap());

    let deleted = TestApp::send(app.delete("/api/v1/messages")).await;
    assert_eq!((deleted.status, deleted.body.as_str()), (StatusCode::OK, "ok"));
    assert_eq!(app.messages().await["total"], 0);
}

#[tokio::test]
async fn delete_by_ids_leaves_the_others() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    app.request_reset(RONI).await;
    app.request_reset("jane.doe@example.com").await;
    let id = app.messages().await["messages"][0]["ID"].as_str().unwrap().to_owned();
    let deleted = TestApp::send(app.delete("/api/v1/messages").json(&json!({ "IDs": [id] }))).await;
    assert_eq!(deleted.body, "ok");
    let left = app.messages().await;
    assert_eq!(left["total"], 1);
    assert_eq!(left["messages"][0]["To"][0]["Address"], RONI);
}
