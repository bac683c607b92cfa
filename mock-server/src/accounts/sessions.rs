//! Customer bearer tokens from `generateCustomerToken`.

use std::collections::HashMap;

use time::OffsetDateTime;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub customer_id: u32,
    pub expires: OffsetDateTime,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Sessions {
    by_token: HashMap<String, Session>,
}

impl Sessions {
    pub fn open(&mut self, token: String, customer_id: u32, now: OffsetDateTime, expires: OffsetDateTime) {
        // Expired sessions are dropped here so the map stays bounded by the live ones.
        self.by_token.retain(|_, s| s.expires > now);
        self.by_token.insert(token, Session { customer_id, expires });
    }

    pub fn customer_id(&self, token: &str, now: OffsetDateTime) -> Option<u32> {
        self.by_token.get(token).filter(|s| s.expires > now).map(|s| s.customer_id)
    }

    pub fn revoke(&mut self, token: &str) -> bool {
        self.by_token.remove(token).is_some()
    }

    pub fn revoke_customer(&mut self, customer_id: u32) {
        self.by_token.retain(|_, s| s.customer_id != customer_id);
    }
}
