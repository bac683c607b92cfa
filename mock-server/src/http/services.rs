//! The imitation's [`Services`] over the server's shared state and the request's namespace.

use std::sync::{Arc, OnceLock};

use time::OffsetDateTime;

use crate::accounts::Accounts;
use crate::fixtures::{Fixtures, Store};
use crate::http::request_headers::RequestHeaders;
use crate::magento::context::Services;
use crate::magento::store::recaptcha_guard::RecaptchaSettings;
use crate::magento::store::{self, StoreId};
use crate::mail::stored::Content;
use crate::persist::guard::Saving;
use crate::random::{Random, RandomError};
use crate::state::{AppState, Namespace};

/// Two reference-counted handles: cloning them per request costs two counter increments.
pub struct Live {
    pub app: AppState,
    pub namespace: Arc<Namespace>,
    /// The store view the request's `Store` header selected.
    pub store: StoreId,
    /// The request's `X-ReCaptcha` header.
    pub recaptcha_token: Option<String>,
    /// The namespace clock's time, read once: the token, the captured email and the journal
    /// entry of one request carry the same time, and the clock costs about 190 instructions a read.
    now: OnceLock<OffsetDateTime>,
}

impl Live {
    /// The services for a request with these headers (its `Store` already checked: an unknown
    /// code has been refused before this).
    pub fn for_request(app: AppState, namespace: Arc<Namespace>, headers: &RequestHeaders) -> Self {
        let store = store::select(app.fixtures(), headers.store.as_deref()).unwrap_or_default();
        Self { app, namespace, store, recaptcha_token: headers.recaptcha.clone(), now: OnceLock::new() }
    }
}

impl Services for Live {
    fn now(&self) -> OffsetDateTime {
        *self.now.get_or_init(|| self.namespace.clock.now())
    }

    fn accounts(&self) -> Saving<'_, Accounts> {
        self.namespace.accounts_in(&self.store().website)
    }

    fn random(&self) -> &Random {
        self.app.random()
    }

    fn store(&self) -> &Store {
        store::store(self.app.fixtures(), self.store)
    }

    fn stores(&self) -> &Fixtures {
        self.app.fixtures()
    }

    fn storefront_url(&self) -> &str {
        self.store().storefront_url.as_ref().unwrap_or_else(|| self.app.storefront_url())
    }

    fn default_storefront_url(&self) -> &Arc<str> {
        self.app.storefront_url()
    }

    fn recaptcha(&self) -> Arc<RecaptchaSettings> {
        self.namespace.recaptcha().unwrap_or_else(|| Arc::clone(&self.store().recaptcha))
    }

    fn recaptcha_token(&self) -> Option<&str> {
        self.recaptcha_token.as_deref()
    }

    fn customer_token_key(&self) -> &[u8] {
        self.app.customer_token_key()
    }

    fn capture(&self, message_id: Option<String>, content: Content) -> Result<Arc<str>, RandomError> {
        self.app.capture(&self.namespace, message_id, self.now(), content)
    }

    fn new_message_id(&self) -> Result<String, RandomError> {
        self.app.new_message_id()
    }
}
