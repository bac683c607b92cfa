//! The request journal, a wait on it, and our own view of a captured email.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::http::scope::Scope;
use crate::journal::{Entry, Filter};
use crate::mail::links;

use super::{AdminError, AdminQuery, AdminResult, rfc3339};

/// Newest last; `limit` keeps the newest N.
pub async fn list(Scope { namespace, .. }: Scope, AdminQuery(filter): AdminQuery<Filter>) -> Response {
    let journal = namespace.journal();
    let matching: Vec<&Entry> = journal.matching(&filter).collect();
    let skip = filter.limit.map_or(0, |limit| matching.len().saturating_sub(limit));
    Json(&matching[skip..]).into_response()
}

const DEFAULT_WAIT_MS: u64 = 5_000;
const MAX_WAIT_MS: u64 = 60_000;

/// Answers the first matching entry as soon as there is one (a long-poll woken by the journal,
/// not a sleep loop); 408 when `timeout_ms` (default 5000, at most 60000) passes first.
pub async fn wait(Scope { namespace, .. }: Scope, AdminQuery(filter): AdminQuery<Filter>) -> AdminResult {
    let timeout_ms = filter.timeout_ms.unwrap_or(DEFAULT_WAIT_MS).min(MAX_WAIT_MS);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(timeout_ms);
    loop {
        // Registered before looking, so an entry recorded in between still wakes us.
        let grew = namespace.journal_grew.notified();
        tokio::pin!(grew);
        grew.as_mut().enable();
        if let Some(entry) = namespace.journal().matching(&filter).next().cloned() {
            return Ok(Json(entry).into_response());
        }
        if tokio::time::timeout_at(deadline, grew).await.is_err() {
            let message = format!("no matching request within {timeout_ms} ms");
            return Err(AdminError::new(StatusCode::REQUEST_TIMEOUT, message));
        }
    }
}

/// A captured email with its reset link and token already parsed, and the request that caused
/// it, so tests need no regex. `latest` is the newest.
pub async fn captured_message(Scope { namespace, .. }: Scope, Path(id): Path<String>) -> AdminResult {
    let mut view = {
        let inbox = namespace.inbox();
        let mut newest_first = inbox.newest_first();
        let found = if id == "latest" { newest_first.next() } else { newest_first.find(|m| *m.id == *id) };
        let message = found.ok_or_else(|| AdminError::not_found(format!("no captured message {id:?}")))?;
        let link = message.reset_link();
        let token = link.as_deref().and_then(links::reset_token).map(str::to_owned);
        json!({
            "id": message.id,
            "message_id": message.message_id,
            "created": rfc3339(message.created),
            "to": message.to(),
            "subject": message.subject(),
            "reset_link": link,
            "token": token,
        })
    };
    let id = view["id"].as_str().unwrap_or_default().to_owned();
    let request = namespace.journal().by_message_id(&id).cloned();
    view["request"] = serde_json::to_value(request).unwrap_or(Value::Null);
    Ok(Json(view).into_response())
}
