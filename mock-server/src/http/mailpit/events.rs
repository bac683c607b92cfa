//! `/api/events`: the inbox's live events over a WebSocket.

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::reply::text_error;
use crate::http::request_headers::{namespace, valid_namespace};
use crate::state::AppState;

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
        None => namespace(&headers),
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
