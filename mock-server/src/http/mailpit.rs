//! The Mailpit v1 API (`mailpit-api.md`): same routes, same JSON, so Mailpit clients
//! (cypress-mailpit, mailpit-api, Playwright helpers) work unchanged. `X-Mock-Namespace` (or, for
//! the WebSocket, `?namespace=`) selects the namespace's inbox.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use crate::mail::compose::SendRequest;
use crate::mail::mailpit::{Message, MessageSummary, MessagesSummary};
use crate::mail::received::Received;
use crate::mail::search::Query as SearchQuery;
use crate::mail::stored::Content;
use crate::mail::{StoredMessage, links};
use crate::state::{AppState, Namespace};

use super::request_headers::valid_namespace;
use super::scope::InboxScope;

/// The newest-first page size Mailpit uses when `limit` is absent.
const DEFAULT_LIMIT: usize = 50;

#[derive(Deserialize)]
pub struct Page {
    start: Option<usize>,
    limit: Option<usize>,
    query: Option<String>,
}

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

/// Mailpit's plain-text errors.
fn text_error(status: StatusCode, message: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{message}\n")).into_response()
}

/// A 400 in Mailpit's plain-text form.
pub struct BadRequest(String);

impl IntoResponse for BadRequest {
    fn into_response(self) -> Response {
        text_error(StatusCode::BAD_REQUEST, &self.0)
    }
}

fn not_found() -> Response {
    text_error(StatusCode::NOT_FOUND, "404 page not found")
}

fn ok() -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response()
}

/// A JSON body, or nothing (an empty body means "all" for several routes).
fn optional_json<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> Result<T, BadRequest> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| BadRequest(e.to_string()))
}

fn summary(namespace: &Namespace, query: Option<&SearchQuery>, page: &Page) -> MessagesSummary {
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

fn required_query(page: &Page) -> Result<SearchQuery, BadRequest> {
    page.query
        .as_deref()
        .filter(|q| !q.trim().is_empty())
        .map(SearchQuery::parse)
        .ok_or_else(|| BadRequest("no search query".into()))
}

pub async fn list(InboxScope(namespace): InboxScope, Query(page): Query<Page>) -> Response {
    Json(summary(&namespace, None, &page)).into_response()
}

pub async fn search(InboxScope(namespace): InboxScope, Query(page): Query<Page>) -> Result<Response, BadRequest> {
    let query = required_query(&page)?;
    Ok(Json(summary(&namespace, Some(&query), &page)).into_response())
}

pub async fn delete_search(
    InboxScope(namespace): InboxScope,
    Query(page): Query<Page>,
) -> Result<Response, BadRequest> {
    let query = required_query(&page)?;
    let mut inbox = namespace.inbox();
    let ids: Vec<String> = inbox.search(&query).map(|m| m.id.clone()).collect();
    inbox.delete(&ids);
    Ok(ok())
}

/// One message; marks it read. `latest` honours `?query=`.
pub async fn message(InboxScope(namespace): InboxScope, Path(id): Path<String>, Query(page): Query<Page>) -> Response {
    let query = page.query.as_deref().map(SearchQuery::parse);
    let mut inbox = namespace.inbox();
    match inbox.open(&id, query.as_ref()) {
        Some(message) => Json(Message::from(message)).into_response(),
        None => not_found(),
    }
}

/// Runs `render` on a message (by id or `latest`) without marking it read.
fn with_message(namespace: &Namespace, id: &str, render: impl FnOnce(&StoredMessage) -> Response) -> Response {
    let inbox = namespace.inbox();
    inbox.find(id, None).map_or_else(not_found, render)
}

pub async fn headers(InboxScope(namespace): InboxScope, Path(id): Path<String>) -> Response {
    with_message(&namespace, &id, |message| {
        let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in message.parts().headers {
            headers.entry(name).or_default().push(value);
        }
        Json(headers).into_response()
    })
}

pub async fn raw(InboxScope(namespace): InboxScope, Path(id): Path<String>) -> Response {
    with_message(&namespace, &id, |message| {
        ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message.raw()).into_response()
    })
}

/// `/view/{ID}.html` and `/view/{ID}.txt`: the part alone. HTML is sent with a `sandbox` CSP so
/// scripts in mail never run in our origin, even opened directly.
pub async fn view(InboxScope(namespace): InboxScope, Path(file): Path<String>) -> Response {
    let (id, html) = match (file.strip_suffix(".html"), file.strip_suffix(".txt")) {
        (Some(id), _) => (id.to_owned(), true),
        (_, Some(id)) => (id.to_owned(), false),
        _ => return not_found(),
    };
    with_message(&namespace, &id, |message| {
        let parts = message.parts();
        match html {
            true if parts.html.is_empty() => not_found(),
            true => (
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (
                        header::CONTENT_SECURITY_POLICY,
                        "sandbox; default-src 'none'; img-src data: https: http:; style-src 'unsafe-inline' https: http:; font-src data: https: http:",
                    ),
                ],
                parts.html,
            )
                .into_response(),
            false if parts.text.is_empty() => not_found(),
            false => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], parts.text).into_response(),
        }
    })
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
        let matching: Vec<String> = inbox.search(&query).map(|m| m.id.clone()).collect();
        if matching.is_empty() {
            return Ok(ok());
        }
        matching
    };
    inbox.set_read(&ids, request.read);
    Ok(ok())
}

/// One attachment's content: `/api/v1/message/{ID}/part/{PartID}`.
pub async fn part(InboxScope(namespace): InboxScope, Path((id, part_id)): Path<(String, String)>) -> Response {
    with_message(&namespace, &id, |message| match message.attachment(&part_id) {
        Some((content_type, content)) => ([(header::CONTENT_TYPE, content_type)], content).into_response(),
        None => not_found(),
    })
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

/// Injects a message over HTTP. Errors are JSON here, as in Mailpit.
pub async fn send(State(app): State<AppState>, InboxScope(namespace): InboxScope, body: Bytes) -> Response {
    let send_error = |status: StatusCode, message: String| (status, Json(json!({ "Error": message }))).into_response();
    let request: SendRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => return send_error(StatusCode::BAD_REQUEST, error.to_string()),
    };
    let message_id = match app.new_message_id() {
        Ok(id) => id,
        Err(error) => return send_error(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    };
    let (raw, envelope) = match request.build(&message_id, namespace.clock.now().unix_timestamp()) {
        Ok(built) => built,
        Err(reason) => return send_error(StatusCode::BAD_REQUEST, reason.to_string()),
    };
    if raw.len() > app.max_message_bytes() {
        return send_error(StatusCode::BAD_REQUEST, format!("message exceeds {} bytes", app.max_message_bytes()));
    }
    let Some(received) = Received::parse(raw, None, &envelope) else {
        return send_error(StatusCode::BAD_REQUEST, "the message could not be built".into());
    };
    match app.capture(&namespace, Some(message_id), Content::Received(Box::new(received))) {
        Ok(id) => Json(json!({ "ID": id })).into_response(),
        Err(error) => send_error(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    }
}

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

pub async fn webui() -> Response {
    Json(json!({
        "Label": "mock-server",
        "MessageRelay": { "Enabled": false, "SMTPServer": "", "ReturnPath": "", "AllowedRecipients": "", "BlockedRecipients": "", "OverrideFrom": "", "PreserveMessageIDs": false, "RecipientAllowlist": "" },
        "SpamAssassin": false,
        "ChaosEnabled": false,
        "DuplicatesIgnored": false,
        "HideDeleteAllButton": false,
    }))
    .into_response()
}

pub async fn tags(InboxScope(namespace): InboxScope) -> Response {
    Json(namespace.inbox().tags()).into_response()
}

/// Link-check without leaving the machine: our own reset links are checked against the live
/// tokens; other loopback links are fetched; links elsewhere are listed, not fetched.
pub async fn link_check(
    State(app): State<AppState>,
    InboxScope(namespace): InboxScope,
    Path(id): Path<String>,
) -> Response {
    let found = {
        let inbox = namespace.inbox();
        inbox.find(&id, None).map(|message| {
            let parts = message.parts();
            let mut all = links::followable_links(&parts.html);
            for link in links::links(&parts.text) {
                if !all.contains(&link) {
                    all.push(link);
                }
            }
            all
        })
    };
    let Some(found) = found else { return not_found() };
    let mut checked = Vec::with_capacity(found.len());
    for link in found {
        let (status, text) = check_link(&app, &namespace, &link).await;
        checked.push(json!({ "URL": link, "StatusCode": status, "Status": text }));
    }
    let errors = checked.iter().filter(|l| l["StatusCode"].as_u64().is_some_and(|s| s >= 400)).count();
    Json(json!({ "Errors": errors, "Links": checked })).into_response()
}

async fn check_link(app: &AppState, namespace: &Namespace, link: &str) -> (u16, String) {
    if let Some(token) = links::reset_token(link).filter(|_| link.starts_with(app.storefront_url())) {
        let now = namespace.clock.now();
        let accounts = namespace.accounts();
        let hours = accounts.settings.reset_link_expiration_hours;
        let live =
            accounts.customers().filter_map(|c| c.reset_token()).any(|t| t.matches(token) && !t.is_expired(now, hours));
        return if live {
            (200, "OK (reset token is live)".into())
        } else {
            (410, "Gone (reset token used, superseded or expired)".into())
        };
    }
    let Ok(url) = reqwest::Url::parse(link) else { return (0, "invalid URL".into()) };
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let loopback =
        host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        return (0, "not checked: outside this machine".into());
    }
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build();
    match client.map(|c| c.get(url)) {
        Ok(request) => match request.send().await {
            Ok(response) => {
                let status = response.status();
                (status.as_u16(), status.canonical_reason().unwrap_or("").to_owned())
            }
            Err(error) => (0, format!("unreachable: {error}")),
        },
        Err(error) => (0, error.to_string()),
    }
}

#[derive(Deserialize)]
pub struct EventsQuery {
    namespace: Option<String>,
}

/// `/api/events`: Mailpit's WebSocket of inbox events (`new`, `delete`, `truncate`, `update`,
/// `stats`). A browser cannot set headers on a WebSocket, so `?namespace=` is accepted too.
pub async fn events(
    State(app): State<AppState>,
    headers: axum::http::HeaderMap,
    Query(query): Query<EventsQuery>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let name = match query.namespace {
        Some(name) => valid_namespace(&name).map(str::to_owned),
        None => super::request_headers::namespace(&headers),
    };
    let name = match name {
        Ok(name) => name,
        Err(error) => return text_error(StatusCode::BAD_REQUEST, &error.to_string()),
    };
    let receiver = match app.events(&name) {
        Ok(events) => events.subscribe(),
        Err(error) => return text_error(StatusCode::BAD_REQUEST, &error.to_string()),
    };
    upgrade.on_upgrade(move |socket| forward_events(socket, receiver))
}

async fn forward_events(mut socket: WebSocket, mut events: tokio::sync::broadcast::Receiver<std::sync::Arc<str>>) {
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(frame) => {
                    if socket.send(WsMessage::Text(frame.as_ref().into())).await.is_err() {
                        return;
                    }
                }
                // A slow page missed some frames: have it reload its list.
                Err(RecvError::Lagged(_)) => {
                    let frame = json!({ "Type": "truncate", "Data": null }).to_string();
                    if socket.send(WsMessage::Text(frame.into())).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
