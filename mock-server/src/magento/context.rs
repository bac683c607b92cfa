//! What a resolver knows about the request it answers.

use std::net::IpAddr;
use std::sync::Arc;

use crate::scenarios::State;
use crate::state::{AppState, Namespace, Settings};

pub struct RequestContext {
    pub app: AppState,
    pub namespace: Arc<Namespace>,
    /// A snapshot, so one request sees one release even while settings change.
    pub settings: Settings,
    pub client_ip: IpAddr,
    /// From `Authorization: Bearer <token>`.
    pub bearer_token: Option<String>,
    /// From `X-Mock-Scenario`.
    pub forced_state: Option<State>,
}

impl RequestContext {
    /// The state that overrides the account's real one for `email`: the request header first,
    /// then the magic address. Transport faults are the HTTP layer's business.
    pub fn scripted_state(&self, email: &str) -> Option<State> {
        self.forced_state.or_else(|| State::from_magic_address(email)).filter(|state| !state.is_transport_fault())
    }
}
