//! What a resolver knows about the request it answers, and the narrow [`Services`] it is given:
//! the namespace's clock, accounts and inbox, the one source of randomness, and the store.
//!
//! The imitation names nothing of the server: `http` builds a [`RequestContext`] per request
//! from its shared state, and unit tests build one from `testing::Fake` with no server at all.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use time::OffsetDateTime;

use crate::accounts::Accounts;
use crate::fixtures::{Fixtures, Store};
use crate::mail::stored::Content;
use crate::persist::guard::Saving;
use crate::random::{Random, RandomError};
use crate::scenarios::State;

use super::settings::Settings;
use super::store::recaptcha_guard::{self, RecaptchaSettings};

/// Everything the imitation reads or changes besides the request itself.
pub trait Services: Send + Sync {
    /// The namespace's clock (tests move it).
    fn now(&self) -> OffsetDateTime;
    /// The namespace's accounts, carts and sessions. Keep the guard short: not across a
    /// capture, never across an await.
    fn accounts(&self) -> Saving<'_, Accounts>;
    fn random(&self) -> &Random;
    /// The store view the request is for (its `Store` header): names, codes, password rules.
    fn store(&self) -> &Store;
    /// Every store view of the fixtures (`availableStores`).
    fn stores(&self) -> &Fixtures;
    /// The base of every link in the selected store's emails.
    fn storefront_url(&self) -> &str;
    /// `--storefront-url`: the links' base of a store view that sets none of its own.
    fn default_storefront_url(&self) -> &Arc<str>;
    /// reCAPTCHA as it applies to this request: the namespace's (control API), else the store
    /// view's (fixtures).
    fn recaptcha(&self) -> Arc<RecaptchaSettings>;
    /// The request's `X-ReCaptcha` header.
    fn recaptcha_token(&self) -> Option<&str>;
    /// The key customer tokens are signed with.
    fn customer_token_key(&self) -> &[u8];
    /// The mailer: stores a message in the namespace's inbox (with a new `Message-ID` unless it
    /// has one) and answers its Mailpit id.
    fn capture(&self, message_id: Option<String>, content: Content) -> Result<Arc<str>, RandomError>;

    /// A new `Message-ID`, without angle brackets.
    fn new_message_id(&self) -> Result<String, RandomError> {
        crate::mail::message::new_message_id(self.random())
    }
}

/// One request as the resolvers see it. The services come last so that a context built over a
/// concrete `S` coerces to `RequestContext<dyn Services>`, the type every resolver takes, with
/// no allocation beyond the context's own.
pub struct RequestContext<S: ?Sized + Services = dyn Services> {
    /// A snapshot, so one request sees one release even while settings change.
    pub settings: Settings,
    pub client_ip: IpAddr,
    /// From `Authorization: Bearer <token>`.
    pub bearer_token: Option<String>,
    /// Scripted resolver states by response key (see `scenarios::plan`).
    pub field_states: HashMap<String, State>,
    /// Emails captured while answering, by response key, for the journal.
    pub captured: Mutex<Vec<(String, Arc<str>)>>,
    pub services: S,
}

impl<S: ?Sized + Services> RequestContext<S> {
    /// reCAPTCHA's plugin runs before the resolver of every mutation it guards
    /// (`ReCaptchaWebapiGraphQl\Plugin\GraphQlValidator::beforeResolve`): false when it refuses.
    pub fn recaptcha_passes(&self, field: &str) -> bool {
        let Some(form) = recaptcha_guard::form_of(field, self.settings.magento_version) else { return true };
        let settings = self.services.recaptcha();
        !settings.guards(form) || settings.accepts(self.services.recaptcha_token())
    }

    /// `customer/create_account/confirm` for the request's store: the run-time setting, else the
    /// store view's fixture.
    pub fn confirmation_required(&self) -> bool {
        self.settings.create_account_confirmation.unwrap_or(self.services.store().create_account_confirmation)
    }

    pub fn scripted_state(&self, response_key: &str) -> Option<State> {
        self.field_states.get(response_key).copied()
    }

    pub fn note_captured(&self, response_key: &str, message_id: Arc<str>) {
        let mut captured = self.captured.lock().unwrap_or_else(PoisonError::into_inner);
        // Most requests capture one email or none: room for one, without the growth path's
        // reallocation (about 200 instructions).
        if captured.capacity() == 0 {
            *captured = Vec::with_capacity(1);
        }
        captured.push((response_key.to_owned(), message_id));
    }

    pub fn captured_by(&self, response_key: &str) -> Option<Arc<str>> {
        let captured = self.captured.lock().unwrap_or_else(PoisonError::into_inner);
        captured.iter().find(|(key, _)| key == response_key).map(|(_, id)| Arc::clone(id))
    }
}
