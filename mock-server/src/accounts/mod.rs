//! Customers and everything that changes with time around them: reset tokens, locks, the two
//! throttles and sign-in sessions. The checks' order lives in `magento`; this module keeps state.

mod carts;
mod password;
mod profile;
mod security;
mod sessions;
mod snapshot;
mod throttle;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use serde::Serialize;
use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};

pub use carts::{Cart, Carts};
use password::PasswordHash;
pub use profile::Profile;
pub use security::SecuritySettings;
use sessions::Sessions;
use throttle::{ResetThrottle, SignInThrottle};

/// The website of a fresh install, where customers without another website live.
pub const DEFAULT_WEBSITE: &str = "base";

/// A lock with no end: an administrator's lock, or `locked = true` in the fixtures.
pub const LOCKED_FOREVER: OffsetDateTime = time::macros::datetime!(9999-12-31 23:59:59 UTC);

/// A customer account as the mock knows it.
#[derive(Clone, Debug, Serialize)]
pub struct Customer {
    pub id: u32,
    pub email: String,
    /// The website whose accounts this is one of (accounts are per website in Magento).
    pub website: String,
    pub firstname: String,
    pub lastname: String,
    #[serde(skip)]
    password: PasswordHash,
    #[serde(with = "time::serde::rfc3339::option")]
    pub lock_expires: Option<OffsetDateTime>,
    #[serde(skip)]
    failures_num: u32,
    #[serde(skip)]
    first_failure: Option<OffsetDateTime>,
    #[serde(skip)]
    reset_token: Option<ResetToken>,
    /// What the account pages show and edit besides the name and email.
    #[serde(skip)]
    pub profile: Profile,
}

/// The live reset token of a customer.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ResetToken {
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// What a new account starts with.
#[derive(Clone, Debug)]
pub struct NewCustomer {
    pub email: String,
    pub password: String,
    pub firstname: String,
    pub lastname: String,
    pub lock_expires: Option<OffsetDateTime>,
}

impl NewCustomer {
    /// What every account must have, wherever it comes from (fixtures, the control API).
    pub fn check(&self) -> Result<(), CustomerError> {
        if !crate::magento::email_address::is_valid_email(&self.email) {
            return Err(CustomerError::InvalidEmail(self.email.clone()));
        }
        if self.password.is_empty() {
            return Err(CustomerError::EmptyPassword(self.email.clone()));
        }
        Ok(())
    }
}

impl Customer {
    pub fn name(&self) -> String {
        // `format!("{first} {last}").trim()`, in one allocation when nothing is trimmed.
        let mut name = String::with_capacity(self.firstname.len() + 1 + self.lastname.len());
        name.push_str(&self.firstname);
        name.push(' ');
        name.push_str(&self.lastname);
        match name.trim() {
            trimmed if trimmed.len() == name.len() => name,
            trimmed => trimmed.to_owned(),
        }
    }

    pub fn is_locked(&self, now: OffsetDateTime) -> bool {
        self.lock_expires.is_some_and(|expires| expires > now)
    }

    pub fn password_matches(&self, candidate: &str) -> bool {
        self.password.matches(candidate)
    }

    pub fn reset_token(&self) -> Option<&ResetToken> {
        self.reset_token.as_ref()
    }
}

impl ResetToken {
    /// Timing-safe, as Magento compares them.
    pub fn matches(&self, candidate: &str) -> bool {
        bool::from(self.token.as_bytes().ct_eq(candidate.as_bytes()))
    }

    /// Expired from exactly `period` whole hours after creation, or when created in the future.
    pub fn is_expired(&self, now: OffsetDateTime, period_hours: i64) -> bool {
        let age = now - self.created_at;
        age.is_negative() || age.whole_hours() >= period_hours
    }

    pub fn expires_at(&self, period_hours: i64) -> OffsetDateTime {
        self.created_at + Duration::hours(period_hours)
    }
}

/// All accounts of one namespace.
#[derive(Debug, Default)]
pub struct Accounts {
    /// Keyed by the website and the lookup form of the email (see [`Accounts::key`]).
    customers: BTreeMap<String, Customer>,
    /// The website whose customers lookups by email see. Whoever takes the lock sets it
    /// (`Namespace::accounts_in`), so it holds for that critical section; ids and sessions are
    /// shared by all websites, as on a real store (a token works on every store view).
    website: String,
    next_id: u32,
    pub settings: SecuritySettings,
    reset_throttle: ResetThrottle,
    sign_in_throttle: SignInThrottle,
    sessions: Sessions,
    /// The namespace's carts (guests' and customers').
    pub carts: Carts,
    /// Keys of the customers changed (or removed) since `--data-dir` last took them, so that
    /// a change writes their rows only; kept only once [`Accounts::track_changes`] was called.
    changed: BTreeSet<String>,
    tracking: bool,
}

/// Where a customer is among the current website's ([`Accounts::find_keyed`]).
pub struct CustomerKey(String);

/// The map key of `email` among `website`'s customers.
fn website_key(settings: &SecuritySettings, website: &str, email: &str) -> String {
    let mut key = String::with_capacity(website.len() + 1 + email.len());
    key.push_str(website);
    key.push('\n');
    settings.push_email_key(&mut key, email);
    key
}

/// A customer no account may be made from.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CustomerError {
    #[error("customer email {0:?} is not a valid email address")]
    InvalidEmail(String),
    #[error("customer {0:?} has an empty password")]
    EmptyPassword(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccountError {
    #[error("a customer with the email {0:?} already exists")]
    Duplicate(String),
}

impl Accounts {
    pub fn new(settings: SecuritySettings) -> Self {
        Self { settings, next_id: 1, website: DEFAULT_WEBSITE.to_owned(), ..Self::default() }
    }

    /// Marks changed customers from now on (with `--data-dir`; memory only has no use for it).
    pub fn track_changes(&mut self) {
        self.tracking = true;
    }

    fn mark_changed(&mut self, key: &str) {
        if self.tracking && !self.changed.contains(key) {
            self.changed.insert(key.to_owned());
        }
    }

    /// Lookups by email from now on see the customers of `website`.
    pub fn use_website(&mut self, website: &str) {
        if self.website != website {
            website.clone_into(&mut self.website);
        }
    }

    /// The key of `email` in the current website.
    fn key(&self, email: &str) -> String {
        website_key(&self.settings, &self.website, email)
    }

    pub fn create(&mut self, new: NewCustomer) -> Result<&Customer, AccountError> {
        let key = self.key(&new.email);
        if self.customers.contains_key(&key) {
            return Err(AccountError::Duplicate(new.email));
        }
        let password = PasswordHash::new(&new.email, &new.password);
        let customer = Customer {
            id: self.next_id.max(1),
            email: new.email,
            website: self.website.clone(),
            firstname: new.firstname,
            lastname: new.lastname,
            password,
            lock_expires: new.lock_expires,
            failures_num: 0,
            first_failure: None,
            reset_token: None,
            profile: Profile::default(),
        };
        self.next_id = customer.id + 1;
        self.mark_changed(&key);
        Ok(self.customers.entry(key).or_insert(customer))
    }

    pub fn remove(&mut self, email: &str) -> Option<Customer> {
        let key = self.key(email);
        let removed = self.customers.remove(&key)?;
        self.mark_changed(&key);
        self.sessions.revoke_customer(removed.id);
        Some(removed)
    }

    pub fn find(&self, email: &str) -> Option<&Customer> {
        self.customers.get(&self.key(email))
    }

    /// [`Accounts::find`], with the key kept for a change that follows
    /// ([`Accounts::store_reset_token_at`]): a reset request looks its customer up once.
    pub fn find_keyed(&self, email: &str) -> (CustomerKey, Option<&Customer>) {
        let key = CustomerKey(self.key(email));
        let customer = self.customers.get(&key.0);
        (key, customer)
    }

    fn find_mut(&mut self, email: &str) -> Option<&mut Customer> {
        let key = self.key(email);
        self.get_mut_marked(&key)
    }

    /// The customer at `key`, marked changed.
    fn get_mut_marked(&mut self, key: &str) -> Option<&mut Customer> {
        if self.tracking && self.customers.contains_key(key) {
            self.mark_changed(key);
        }
        self.customers.get_mut(key)
    }

    /// The customer `id`, marked changed.
    fn by_id_mut(&mut self, id: u32) -> Option<&mut Customer> {
        if !self.tracking {
            return self.customers.values_mut().find(|c| c.id == id);
        }
        let key = self.customers.iter().find(|(_, c)| c.id == id).map(|(key, _)| key.clone())?;
        self.mark_changed(&key);
        self.customers.get_mut(&key)
    }

    pub fn customers(&self) -> impl Iterator<Item = &Customer> {
        self.customers.values()
    }

    pub fn by_id(&self, id: u32) -> Option<&Customer> {
        self.customers.values().find(|c| c.id == id)
    }

    /// Changes what `change` changes of the customer `id`; false when there is no such customer.
    /// The email is not among them: see [`Accounts::change_email`].
    pub fn update(&mut self, id: u32, change: impl FnOnce(&mut Customer)) -> bool {
        let Some(customer) = self.by_id_mut(id) else { return false };
        let email = customer.email.clone();
        change(customer);
        customer.email = email;
        true
    }

    /// Moves the customer `id` to `new_email`, refusing an email another account has.
    pub fn change_email(&mut self, id: u32, new_email: &str) -> Result<(), AccountError> {
        let Some((old_key, website)) =
            self.customers.iter().find(|(_, c)| c.id == id).map(|(k, c)| (k.clone(), c.website.clone()))
        else {
            return Ok(());
        };
        // Within the customer's own website, whichever store the request named.
        let new_key = website_key(&self.settings, &website, new_email);
        if new_key != old_key && self.customers.contains_key(&new_key) {
            return Err(AccountError::Duplicate(new_email.to_owned()));
        }
        if let Some(mut customer) = self.customers.remove(&old_key) {
            customer.email = new_email.to_owned();
            self.mark_changed(&old_key);
            self.mark_changed(&new_key);
            self.customers.insert(new_key, customer);
        }
        Ok(())
    }

    /// `changeCustomerPassword`'s save: the new password, with the sessions left open (Magento
    /// revokes tokens only when an account is disabled or deleted).
    pub fn change_password(&mut self, id: u32, new_password: &str) {
        if let Some(customer) = self.by_id_mut(id) {
            customer.password = PasswordHash::new(&customer.email, new_password);
        }
    }

    /// Locks until `until` (`None` unlocks); also clears the failure count on unlock.
    pub fn set_lock(&mut self, email: &str, until: Option<OffsetDateTime>) -> bool {
        let Some(customer) = self.find_mut(email) else { return false };
        customer.lock_expires = until;
        if until.is_none() {
            customer.failures_num = 0;
            customer.first_failure = None;
        }
        true
    }

    /// Magento_Security's reset-request throttle: refuses, or records the request.
    pub fn admit_reset_request(&mut self, email: &str, ip: IpAddr, now: OffsetDateTime) -> bool {
        let key = self.settings.email_key(email);
        self.reset_throttle.admit(&self.settings, &key, ip, now)
    }

    /// Stores `token` as the customer's only live reset token.
    pub fn store_reset_token(&mut self, email: &str, token: String, now: OffsetDateTime) {
        let key = CustomerKey(self.key(email));
        self.store_reset_token_at(&key, token, now);
    }

    /// [`Accounts::store_reset_token`] for a key from [`Accounts::find_keyed`], taken under the
    /// same lock (a key names a website, which another request could switch in between).
    pub fn store_reset_token_at(&mut self, key: &CustomerKey, token: String, now: OffsetDateTime) {
        if let Some(customer) = self.get_mut_marked(&key.0) {
            customer.reset_token = Some(ResetToken { token, created_at: now });
        }
    }

    /// Sets a new password: the token is used up, failures and lock are cleared, sessions end.
    pub fn complete_reset(&mut self, email: &str, new_password: &str) {
        let Some(customer) = self.find_mut(email) else { return };
        customer.password = PasswordHash::new(&customer.email, new_password);
        customer.reset_token = None;
        customer.failures_num = 0;
        customer.first_failure = None;
        customer.lock_expires = None;
        let id = customer.id;
        self.sessions.revoke_customer(id);
    }

    /// The Integration module's sign-in throttle: true while `email` may not sign in.
    pub fn sign_in_throttled(&self, email: &str, now: OffsetDateTime) -> bool {
        self.sign_in_throttle.is_throttled(&self.settings, &self.settings.email_key(email), now)
    }

    pub fn record_sign_in_failure(&mut self, email: &str, now: OffsetDateTime) {
        let key = self.settings.email_key(email);
        self.sign_in_throttle.record_failure(&self.settings, key, now);
    }

    pub fn clear_sign_in_failures(&mut self, email: &str) {
        let key = self.settings.email_key(email);
        self.sign_in_throttle.clear(&key);
    }

    /// The Customer module's account lock: counts a wrong password, locking at the threshold.
    pub fn record_authentication_failure(&mut self, email: &str, now: OffsetDateTime) {
        let (max_failures, threshold) = (self.settings.lockout_failures, self.settings.lockout_threshold);
        let Some(customer) = self.find_mut(email) else { return };
        if max_failures == 0 || threshold.is_zero() {
            return;
        }
        // Failures accumulate only while the first one is younger than the threshold.
        match customer.first_failure {
            Some(first) if now - first < threshold => customer.failures_num += 1,
            _ => {
                customer.failures_num = 1;
                customer.first_failure = Some(now);
            }
        }
        if customer.failures_num >= max_failures {
            customer.lock_expires = Some(now + threshold);
        }
    }

    pub fn clear_authentication_failures(&mut self, email: &str) {
        if let Some(customer) = self.find_mut(email) {
            customer.failures_num = 0;
            customer.first_failure = None;
        }
    }

    pub fn open_session(&mut self, customer_id: u32, token: String, now: OffsetDateTime) {
        let expires = now + self.settings.customer_token_lifetime;
        self.sessions.open(token, customer_id, now, expires);
    }

    /// The customer a bearer token signs in, while it is live.
    pub fn session_customer(&self, token: &str, now: OffsetDateTime) -> Option<&Customer> {
        let id = self.sessions.customer_id(token, now)?;
        self.by_id(id)
    }

    pub fn revoke_session(&mut self, token: &str) -> bool {
        self.sessions.revoke(token)
    }
}

#[cfg(test)]
mod tests;
