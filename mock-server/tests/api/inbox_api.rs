//! The rest of the Mailpit API: headers, raw, views, read state, search deletion, send, tags,
//! info, link-check, live events and retention.

use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_configured, spawn_with};
use mock_server::config::Throttle;

const RONI: &str = "roni_cost@example.com";

fn send_body() -> Value {
    json!({
        "From": { "Email": "orders@shop.test", "Name": "Shop" },
        "To": [{ "Email": "qa+checkout@example.com", "Name": "QA" }],
        "Cc": [{ "Email": "cc@example.com" }],
        "Bcc": ["hidden@example.com"],
        "Subject": "Your order",
        "Text": "Thanks for your order",
        "HTML": "<p>Thanks for your <b>order</b></p><script>document.title='owned'</script>",
        "Headers": { "X-Tags": "orders" },
        "Attachments": [{ "Content": "aGVsbG8=", "Filename": "hello.txt", "ContentType": "text/plain" }]
    })
}

#[tokio::test]
async fn send_stores_a_message_with_tags_attachments_and_bcc() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    let sent = TestApp::send(app.post("/api/v1/send").json(&send_body())).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let id = sent.json()["ID"].as_str().unwrap().to_owned();

    let message = app.message(&id).await.json();
    assert_eq!(message["From"], json!({ "Name": "Shop", "Address": "orders@shop.test" }));
    assert_eq!(message["Cc"], json!([{ "Name": "", "Address": "cc@example.com" }]));
    assert_eq!(message["Bcc"], json!([{ "Name": "", "Address": "hidden@example.com" }]));
    assert_eq!(message["Tags"], json!(["checkout", "orders"]), "plus-addressing and X-Tags");
    assert_eq!(message["Text"].as_str().unwrap().trim(), "Thanks for your order");
    let attachment = &message["Attachments"][0];
    assert_eq!((attachment["FileName"].clone(), attachment["Size"].clone()), (json!("hello.txt"), json!(5)));
    assert_eq!(attachment["Checksums"]["SHA256"], "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");

    assert_eq!(TestApp::send(app.get("/api/v1/tags")).await.json(), json!(["checkout", "orders"]));
    let by_tag = TestApp::send(app.get("/api/v1/search").query(&[("query", "tag:orders")])).await.json();
    assert_eq!(by_tag["messages_count"], 1);

    let missing_from =
        TestApp::send(app.post("/api/v1/send").json(&json!({ "To": [{ "Email": "a@example.com" }] }))).await;
    assert_eq!(missing_from.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing_from.json(), json!({ "Error": "From is required" }));
}

#[tokio::test]
async fn headers_raw_and_views() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    app.request_reset(RONI).await;
    let id = app.messages().await["messages"][0]["ID"].as_str().unwrap().to_owned();

    let headers = TestApp::send(app.get(&format!("/api/v1/message/{id}/headers"))).await.json();
    let names: Vec<&String> = headers.as_object().unwrap().keys().collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "keys sorted: {names:?}");
    assert_eq!(headers["Subject"], json!(["Reset your Main Website Store password"]));

    let raw = TestApp::send(app.get(&format!("/api/v1/message/{id}/raw"))).await;
    assert!(raw.content_type.starts_with("text/plain"));
    assert!(raw.body.contains("Subject: Reset your Main Website Store password"));
    assert_eq!(app.messages().await["messages"][0]["Size"], raw.body.len());

    let html = TestApp::send(app.get("/view/latest.html")).await;
    assert!(html.content_type.starts_with("text/html"));
    assert!(html.body.contains("Set a New Password"));
    let text = TestApp::send(app.get(&format!("/view/{id}.txt"))).await;
    assert!(text.body.starts_with("Veronica Costello,"));
    assert_eq!(TestApp::send(app.get("/view/nope.html")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.messages().await["unread"], 1, "views do not mark read");
}

#[tokio::test]
async fn mail_html_cannot_run_scripts_in_our_origin() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    let id = TestApp::send(app.post("/api/v1/send").json(&send_body())).await.json()["ID"].as_str().unwrap().to_owned();
    let response = app.get(&format!("/view/{id}.html")).send().await.unwrap();
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.starts_with("sandbox"), "{csp}");
    let page = TestApp::send(app.get("/")).await;
    assert!(page.body.contains("<html"));
    let page_csp = app.get("/").send().await.unwrap().headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(page_csp.contains("script-src 'self'") && !page_csp.contains("unsafe-inline"), "{page_csp}");
}

#[tokio::test]
async fn read_state_and_deletion_by_search() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    app.request_reset(RONI).await;
    app.request_reset("jane.doe@example.com").await;
    let put = |body: Value| TestApp::send(app.client.put(format!("{}/api/v1/messages", app.base)).json(&body));
    assert_eq!(put(json!({ "Read": true })).await.body, "ok");
    assert_eq!(app.messages().await["unread"], 0);
    let id = app.messages().await["messages"][0]["ID"].as_str().unwrap().to_owned();
    put(json!({ "IDs": [id], "Read": false })).await;
    let unread = TestApp::send(app.get("/api/v1/search").query(&[("query", "is:unread")])).await.json();
    assert_eq!(unread["messages_count"], 1);

    let deleted = TestApp::send(app.delete("/api/v1/search").query(&[("query", "to:jane.doe@example.com")])).await;
    assert_eq!(deleted.body, "ok");
    let left = app.messages().await;
    assert_eq!((left["total"].clone(), left["messages"][0]["To"][0]["Address"].clone()), (json!(1), json!(RONI)));
}

#[tokio::test]
async fn info_and_webui() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    app.request_reset(RONI).await;
    let info = TestApp::send(app.get("/api/v1/info")).await.json();
    for key in ["Version", "LatestVersion", "Database", "DatabaseSize", "Messages", "Unread", "Tags", "RuntimeStats"] {
        assert!(info.get(key).is_some(), "{key}");
    }
    assert_eq!((info["Messages"].clone(), info["Unread"].clone()), (json!(1), json!(1)));
    let webui = TestApp::send(app.get("/api/v1/webui")).await.json();
    assert_eq!(webui["ChaosEnabled"], false);
    assert_eq!(webui["HideDeleteAllButton"], false);
}

/// Our reset links are checked against the live tokens, without leaving the machine.
#[tokio::test]
async fn link_check_tells_live_tokens_from_used_ones() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    app.request_reset(RONI).await;
    let first = app.messages().await["messages"][0]["ID"].as_str().unwrap().to_owned();
    let check = |id: String| TestApp::send(app.get(&format!("/api/v1/message/{id}/link-check")));
    let reset_link = |report: &serde_json::Value| {
        let links = report["Links"].as_array().unwrap().clone();
        links.into_iter().find(|l| l["URL"].as_str().unwrap().contains("createPassword")).expect("the reset link")
    };
    let live = check(first.clone()).await.json();
    assert_eq!(live["Errors"], 0, "{live}");
    assert_eq!(reset_link(&live)["StatusCode"], 200);

    app.request_reset(RONI).await;
    let superseded = check(first).await.json();
    assert_eq!(superseded["Errors"], 1, "{superseded}");
    assert_eq!(reset_link(&superseded)["StatusCode"], 410);
}

#[tokio::test]
async fn retention_drops_the_oldest_and_counts_stay_exact() {
    let app = spawn_configured("2.4.8", |config| {
        config.throttle = Throttle::Off;
        config.max_messages = 3;
    })
    .await;
    for _ in 0..5 {
        app.request_reset(RONI).await;
    }
    let tokens_in_inbox: Vec<String> = {
        let list = app.messages().await;
        assert_eq!((list["total"].clone(), list["messages_count"].clone()), (json!(3), json!(3)));
        list["messages"].as_array().unwrap().iter().map(|m| m["ID"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(tokens_in_inbox.len(), 3);
    assert_eq!(TestApp::send(app.get("/api/v1/info")).await.json()["Messages"], 3);
}

/// The WebSocket announces new mail as it is captured, in the requested namespace only.
#[tokio::test]
async fn events_announce_new_mail_per_namespace() {
    let app = spawn_with("2.4.8", Throttle::Off).await;
    let url = format!("{}/api/events?namespace=qa", app.base.replace("http://", "ws://"));
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.expect("the WebSocket opens");
    app.request_reset(RONI).await; // default namespace: not announced on "qa"
    let qa = app.in_namespace("qa");
    qa.request_reset(RONI).await;
    let frame = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next()).await.unwrap().unwrap().unwrap();
    let event: Value = serde_json::from_str(frame.to_text().unwrap()).unwrap();
    assert_eq!(event["Type"], "new");
    assert_eq!(event["Data"]["To"][0]["Address"], RONI);
    assert_eq!(event["Data"]["ID"], qa.messages().await["messages"][0]["ID"]);
}
