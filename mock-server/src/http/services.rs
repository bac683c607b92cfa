//! The imitation's [`Services`] over the server's shared state and the request's namespace.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::accounts::Accounts;
use crate::fixtures::Store;
use crate::magento::context::Services;
use crate::mail::stored::Content;
use crate::persist::guard::Saving;
use crate::random::{Random, RandomError};
use crate::state::{AppState, Namespace};

/// Two reference-counted handles: cloning them per request costs two counter increments.
pub struct Live {
    pub app: AppState,
    pub namespace: Arc<Namespace>,
}

impl Services for Live {
    fn now(&self) -> OffsetDateTime {
        self.namespace.clock.now()
    }

    fn accounts(&self) -> Saving<'_, Accounts> {
        self.namespace.accounts()
    }

    fn random(&self) -> &Random {
        self.app.random()
    }

    fn store(&self) -> &Store {
        &self.app.fixtures().store
    }

    fn storefront_url(&self) -> &str {
        self.app.storefront_url()
    }

    fn customer_token_key(&self) -> &[u8] {
        self.app.customer_token_key()
    }

    fn capture(&self, message_id: Option<String>, content: Content) -> Result<String, RandomError> {
        self.app.capture(&self.namespace, message_id, content)
    }

    fn new_message_id(&self) -> Result<String, RandomError> {
        self.app.new_message_id()
    }
}
