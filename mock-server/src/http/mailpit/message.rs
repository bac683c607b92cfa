//! `/api/v1/message/{ID}` and what hangs off it: headers, source, parts, link check; and
//! `/view/{ID}.html|.txt`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::messages::Page;
use super::reply::not_found;
use crate::http::scope::InboxScope;
use crate::mail::mailpit::Message;
use crate::mail::search::Query as SearchQuery;
use crate::mail::{StoredMessage, links};
use crate::state::{AppState, Namespace};

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
pub(super) fn with_message(
    namespace: &Namespace,
    id: &str,
    render: impl FnOnce(&StoredMessage) -> Response,
) -> Response {
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

/// One attachment's content: `/api/v1/message/{ID}/part/{PartID}`.
pub async fn part(InboxScope(namespace): InboxScope, Path((id, part_id)): Path<(String, String)>) -> Response {
    with_message(&namespace, &id, |message| match message.attachment(&part_id) {
        Some((content_type, content)) => ([(header::CONTENT_TYPE, content_type)], content).into_response(),
        None => not_found(),
    })
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
    if let Some(token) = links::reset_token(link).filter(|_| link.starts_with(&**app.storefront_url())) {
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
