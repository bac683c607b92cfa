//! `/api/v1/info` and `/api/v1/webui`: what the server is and holds.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::http::scope::InboxScope;
use crate::state::AppState;

pub async fn info(State(app): State<AppState>, InboxScope(namespace): InboxScope) -> Response {
    let inbox = namespace.inbox();
    let tags: BTreeMap<String, usize> = inbox
        .tags()
        .into_iter()
        .map(|tag| {
            let count = inbox.newest_first().filter(|m| m.tags.contains(&tag)).count();
            (tag, count)
        })
        .collect();
    Json(json!({
        "Version": env!("CARGO_PKG_VERSION"),
        "LatestVersion": "",
        "Database": "memory",
        "DatabaseSize": inbox.total_size(),
        "Messages": inbox.len(),
        "Unread": inbox.unread(),
        "Tags": tags,
        "RuntimeStats": {
            "Uptime": app.uptime_seconds(),
            "MessagesDeleted": 0,
            "SMTPAccepted": 0,
            "SMTPRejected": 0,
            "SMTPIgnored": 0,
            "MaxMessages": app.max_messages(),
        },
    }))
    .into_response()
}

pub async fn webui(State(app): State<AppState>) -> Response {
    Json(json!({
        "Label": "mock-server",
        "MessageRelay": { "Enabled": false, "SMTPServer": "", "ReturnPath": "", "AllowedRecipients": "", "BlockedRecipients": "", "OverrideFrom": "", "PreserveMessageIDs": false, "RecipientAllowlist": "" },
        "SpamAssassin": false,
        "ChaosEnabled": app.chaos_enabled(),
        "DuplicatesIgnored": false,
        "HideDeleteAllButton": false,
    }))
    .into_response()
}
