//! [`Services`] with no server, for unit tests of the checks: the built-in fixtures' store and
//! customers, a seeded generator, a clock the test moves, and an outbox instead of an inbox.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex, PoisonError};

use time::OffsetDateTime;

use crate::accounts::{Accounts, SecuritySettings};
use crate::clock::Clock;
use crate::fixtures::{Fixtures, Store};
use crate::mail::stored::Content;
use crate::persist::guard::Saving;
use crate::random::{Random, RandomError};

use super::context::{RequestContext, Services};
use super::settings::{Enumeration, Settings, Throttle};
use super::store::recaptcha_guard::RecaptchaSettings;

pub struct Fake {
    pub clock: Clock,
    accounts: Mutex<Accounts>,
    random: Random,
    fixtures: Fixtures,
    /// What the mailer was given, in order: (Mailpit id, content).
    pub outbox: Mutex<Vec<(String, Content)>>,
}

impl Fake {
    /// The built-in fixtures (`fixtures/customers.toml`): `roni_cost@example.com`,
    /// `locked@example.com`, `jane.doe@example.com` / `Password123!`, ...
    pub fn with_fixtures() -> Self {
        let fixtures = Fixtures::built_in().expect("the built-in fixtures parse");
        let mut accounts = Accounts::new(SecuritySettings::default());
        for entry in fixtures.customers.clone() {
            accounts.use_website(&entry.website);
            accounts.create(entry.customer).expect("the built-in customers are distinct");
        }
        Self {
            clock: Clock::default(),
            accounts: Mutex::new(accounts),
            random: Random::seeded(7),
            fixtures,
            outbox: Mutex::new(Vec::new()),
        }
    }

    pub fn mails(&self) -> usize {
        self.outbox.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

impl Services for Fake {
    fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    fn accounts(&self) -> Saving<'_, Accounts> {
        Saving::new(self.accounts.lock().unwrap_or_else(PoisonError::into_inner), None)
    }

    fn random(&self) -> &Random {
        &self.random
    }

    fn store(&self) -> &Store {
        &self.fixtures.store
    }

    fn stores(&self) -> &Fixtures {
        &self.fixtures
    }

    fn storefront_url(&self) -> &str {
        "http://localhost:3000/"
    }

    fn default_storefront_url(&self) -> &Arc<str> {
        static URL: std::sync::LazyLock<Arc<str>> = std::sync::LazyLock::new(|| "http://localhost:3000/".into());
        &URL
    }

    fn recaptcha(&self) -> Arc<RecaptchaSettings> {
        Arc::clone(&self.fixtures.store.recaptcha)
    }

    fn recaptcha_token(&self) -> Option<&str> {
        None
    }

    fn customer_token_key(&self) -> &[u8] {
        b"unit-test-key"
    }

    fn capture(&self, _message_id: Option<String>, content: Content) -> Result<Arc<str>, RandomError> {
        let id = self.random.alphanumeric(22)?;
        self.outbox.lock().unwrap_or_else(PoisonError::into_inner).push((id.clone(), content));
        Ok(id.into())
    }
}

/// The server's defaults: 2.4.8, default mode, GraphQL unthrottled, unknown emails revealed.
pub fn defaults() -> Settings {
    Settings {
        magento_version: Default::default(),
        magento_mode: Default::default(),
        throttle: Throttle::Magento,
        enumeration: Enumeration::Magento,
        create_account_confirmation: None,
    }
}

/// A request from 192.0.2.1 over `fake`, with no token, no scripted states, nothing captured.
pub fn request(settings: Settings, fake: Fake) -> RequestContext<Fake> {
    RequestContext {
        settings,
        client_ip: IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
        bearer_token: None,
        field_states: HashMap::new(),
        captured: Mutex::new(Vec::new()),
        services: fake,
    }
}
