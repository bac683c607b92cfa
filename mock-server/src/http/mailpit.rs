//! The Mailpit v1 API subset (`mailpit-api.md`): same routes, same JSON, so Mailpit clients
//! (cypress-mailpit, mailpit-api, Playwright helpers) work unchanged. `X-Mock-Namespace` selects
//! the namespace's inbox.

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::mail::search::Query as SearchQuery;
use crate::mail::{Mailbox, StoredMessage};
use crate::state::Namespace;

use super::scope::InboxScope;

/// The newest-first page size Mailpit uses when `limit` is absent.
const DEFAULT_LIMIT: usize = 50;

#[derive(Serialize)]
pub struct MessagesSummary {
    total: usize,
    unread: usize,
    count: usize,
    messages_count: usize,
    messages_unread: usize,
    start: usize,
    tags: Vec<String>,
    messages: Vec<MessageSummary>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageSummary {
    #[serde(rename = "ID")]
    id: String,
    #[serde(rename = "MessageID")]
    message_id: String,
    read: bool,
    from: Mailbox,
    to: Vec<Mailbox>,
    cc: Vec<Mailbox>,
    bcc: Vec<Mailbox>,
    reply_to: Vec<Mailbox>,
    subject: String,
    #[serde(with = "time::serde::rfc3339")]
    created: OffsetDateTime,
    username: String,
    tags: Vec<String>,
    size: usize,
    attachments: usize,
    snippet: String,
}

impl From<&StoredMessage> for MessageSummary {
    fn from(m: &StoredMessage) -> Self {
        Self {
            id: m.id.clone(),
            message_id: m.message_id.clone(),
            read: m.read,
            from: m.from(),
            to: m.to(),
            cc: Vec::new(),
            bcc: Vec::new(),
            reply_to: Vec::new(),
            subject: m.subject(),
            created: m.created,
            username: String::new(),
            tags: Vec::new(),
            size: m.size,
            attachments: 0,
            snippet: m.snippet(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Message {
    #[serde(rename = "ID")]
    id: String,
    #[serde(rename = "MessageID")]
    message_id: String,
    from: Mailbox,
    to: Vec<Mailbox>,
    cc: Vec<Mailbox>,
    bcc: Vec<Mailbox>,
    reply_to: Vec<Mailbox>,
    return_path: String,
    subject: String,
    list_unsubscribe: ListUnsubscribe,
    #[serde(with = "time::serde::rfc3339")]
    date: OffsetDateTime,
    tags: Vec<String>,
    username: String,
    text: String,
    #[serde(rename = "HTML")]
    html: String,
    size: usize,
    inline: Vec<serde_json::Value>,
    attachments: Vec<serde_json::Value>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
struct ListUnsubscribe {
    header: String,
    links: Vec<String>,
    errors: String,
    header_post: String,
}

impl From<&StoredMessage> for Message {
    fn from(m: &StoredMessage) -> Self {
        Self {
            id: m.id.clone(),
            message_id: m.message_id.clone(),
            from: m.from(),
            to: m.to(),
            cc: Vec::new(),
            bcc: Vec::new(),
            reply_to: Vec::new(),
            return_path: m.from().address,
            subject: m.subject(),
            list_unsubscribe: ListUnsubscribe::default(),
            date: m.created,
            tags: Vec::new(),
            username: String::new(),
            text: m.text(),
            html: m.html(),
            size: m.size,
            inline: Vec::new(),
            attachments: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
pub struct Page {
    start: Option<usize>,
    limit: Option<usize>,
    query: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DeleteBody {
    #[serde(rename = "IDs", default)]
    ids: Vec<String>,
}

/// Mailpit's plain-text errors.
fn text_error(status: StatusCode, message: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{message}\n")).into_response()
}

fn not_found() -> Response {
    text_error(StatusCode::NOT_FOUND, "404 page not found")
}

fn ok() -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response()
}

fn summary(namespace: &Namespace, query: Option<&SearchQuery>, page: &Page) -> MessagesSummary {
    let now = namespace.clock.now();
    let inbox = namespace.inbox();
    let start = page.start.unwrap_or(0);
    let limit = page.limit.filter(|&l| l > 0).unwrap_or(DEFAULT_LIMIT);
    let matching: Vec<&StoredMessage> = match query {
        Some(query) => inbox.search(query, now).collect(),
        None => inbox.newest_first().collect(),
    };
    let messages: Vec<MessageSummary> =
        matching.iter().skip(start).take(limit).map(|m| MessageSummary::from(*m)).collect();
    let (total, unread) = (inbox.len(), inbox.unread());
    MessagesSummary {
        total,
        unread,
        count: messages.len(),
        messages_count: matching.len(),
        messages_unread: matching.iter().filter(|m| !m.read).count(),
        start,
        tags: Vec::new(),
        messages,
    }
}

pub async fn list(InboxScope(namespace): InboxScope, Query(page): Query<Page>) -> Response {
    Json(summary(&namespace, None, &page)).into_response()
}

pub async fn search(InboxScope(namespace): InboxScope, Query(page): Query<Page>) -> Response {
    let Some(text) = page.query.as_deref().filter(|q| !q.trim().is_empty()) else {
        return text_error(StatusCode::BAD_REQUEST, "no search query");
    };
    let query = SearchQuery::parse(text);
    Json(summary(&namespace, Some(&query), &page)).into_response()
}

pub async fn message(InboxScope(namespace): InboxScope, Path(id): Path<String>, Query(page): Query<Page>) -> Response {
    let query = page.query.as_deref().map(SearchQuery::parse);
    let now = namespace.clock.now();
    let mut inbox = namespace.inbox();
    match inbox.open(&id, query.as_ref(), now) {
        Some(message) => Json(Message::from(message)).into_response(),
        None => not_found(),
    }
}

pub async fn delete(InboxScope(namespace): InboxScope, body: axum::body::Bytes) -> Response {
    let request: DeleteBody = if body.iter().all(u8::is_ascii_whitespace) {
        DeleteBody::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(request) => request,
            Err(e) => return text_error(StatusCode::BAD_REQUEST, &e.to_string()),
        }
    };
    let mut inbox = namespace.inbox();
    if request.ids.is_empty() {
        inbox.clear();
    } else {
        inbox.delete(&request.ids);
    }
    ok()
}
