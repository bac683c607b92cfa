//! What a resolver knows about the request it answers.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

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
    /// Scripted resolver states by response key (see `scenarios::plan`).
    pub field_states: HashMap<String, State>,
    /// Emails captured while answering, by response key, for the journal.
    pub captured: Mutex<Vec<(String, String)>>,
}

impl RequestContext {
    pub fn scripted_state(&self, response_key: &str) -> Option<State> {
        self.field_states.get(response_key).copied()
    }

    pub fn note_captured(&self, response_key: &str, message_id: String) {
        self.captured.lock().unwrap_or_else(PoisonError::into_inner).push((response_key.to_owned(), message_id));
    }

    pub fn captured_by(&self, response_key: &str) -> Option<String> {
        let captured = self.captured.lock().unwrap_or_else(PoisonError::into_inner);
        captured.iter().find(|(key, _)| key == response_key).map(|(_, id)| id.clone())
    }
}
