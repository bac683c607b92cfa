//! `/api/v1/messages`: the list (newest first, paged), deleting and marking read.

use axum::Json;
use axum::body::Bytes;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::reply::{BadRequest, ok, optional_json};
use crate::http::scope::InboxScope;
use crate::mail::StoredMessage;
use crate::mail::mailpit::{MessageSummary, MessagesSummary};
use crate::mail::search::Query as SearchQuery;
use crate::state::Namespace;

/// The newest-first page size Mailpit uses when `limit` is absent.
const DEFAULT_LIMIT: usize = 50;

/// `?start=&limit=&query=`.
#[derive(Deserialize)]
pub struct Page {
    start: Option<usize>,
    limit: Option<usize>,
    pub(super) query: Option<String>,
}

/// The body of `PUT` and `DELETE`.
#[derive(Deserialize, Default)]
pub struct Ids {
    #[serde(rename = "IDs", default)]
    ids: Vec<String>,
    /// For `PUT`: `false` when absent, as in Mailpit.
    #[serde(rename = "Read", default)]
    read: bool,
    /// For `PUT`: a search instead of ids.
    #[serde(rename = "Search", default)]
    search: String,
}

pub(super) fn summary(namespace: &Namespace, query: Option<&SearchQuery>, page: &Page) -> MessagesSummary {
    let inbox = namespace.inbox();
    let start = page.start.unwrap_or(0);
    let limit = page.limit.filter(|&l| l > 0).unwrap_or(DEFAULT_LIMIT);
    let matching: Vec<&StoredMessage> = match query {
        Some(query) => inbox.search(query).collect(),
        None => inbox.newest_first().collect(),
    };
    let messages: Vec<MessageSummary> =
        matching.iter().skip(start).take(limit).map(|m| MessageSummary::from(*m)).collect();
    MessagesSummary {
        total: inbox.len(),
        unread: inbox.unread(),
        count: messages.len(),
        messages_count: matching.len(),
        messages_unread: matching.iter().filter(|m| !m.read).count(),
        start,
        tags: inbox.tags(),
        messages,
    }
}

pub async fn list(InboxScope(namespace): InboxScope, Query(page): Query<Page>) -> Response {
    Json(summary(&namespace, None, &page)).into_response()
}

/// Mark read or unread: `{"IDs":[...],"Read":true}` or `{"Search":"...","Read":true}`; neither
/// means all.
pub async fn set_read(InboxScope(namespace): InboxScope, body: Bytes) -> Result<Response, BadRequest> {
    let request: Ids = optional_json(&body)?;
    let mut inbox = namespace.inbox();
    let ids = if request.search.trim().is_empty() {
        request.ids
    } else {
        let query = SearchQuery::parse(&request.search);
        let matching: Vec<String> = inbox.search(&query).map(|m| m.id.to_string()).collect();
        if matching.is_empty() {
            return Ok(ok());
        }
        matching
    };
    inbox.set_read(&ids, request.read);
    Ok(ok())
}

/// `{"IDs":[...]}` deletes those; no body or no IDs deletes all.
pub async fn delete(InboxScope(namespace): InboxScope, body: Bytes) -> Result<Response, BadRequest> {
    let request: Ids = optional_json(&body)?;
    let mut inbox = namespace.inbox();
    if request.ids.is_empty() {
        inbox.clear();
    } else {
        inbox.delete(&request.ids);
    }
    Ok(ok())
}
