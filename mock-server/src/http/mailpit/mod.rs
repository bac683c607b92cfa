//! The Mailpit v1 API (`mailpit-api.md`): same routes, same JSON, so Mailpit clients
//! (cypress-mailpit, mailpit-api, Playwright helpers) work unchanged. `X-Mock-Namespace` (or, for
//! the WebSocket, `?namespace=`) selects the namespace's inbox. One module per resource; the
//! message shapes themselves are `mail::mailpit`'s, shared with the live events.

pub(super) mod chaos;
pub(super) mod events;
pub(super) mod info;
pub(super) mod message;
pub(super) mod messages;
mod reply;
pub(super) mod search;
pub(super) mod send;
pub(super) mod tags;
