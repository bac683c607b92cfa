//! A namespace's accounts as JSON, for `--data-dir`: one record per customer (with its password
//! hash, reset token, lock and failure counts) and one for the rest (next id, sessions, throttles,
//! carts); or, as schema version 1 kept them, all in one document.
//! Its own record type, since [`Customer`]'s `Serialize` is the control API's view, which leaves
//! the secrets out.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::carts::Carts;
use super::password::PasswordHash;
use super::profile::Profile;
use super::security::SecuritySettings;
use super::sessions::Sessions;
use super::throttle::{ResetThrottle, SignInThrottle};
use super::{Accounts, Customer, ResetToken};

#[derive(Serialize)]
struct SnapshotRef<'a> {
    next_id: u32,
    customers: Vec<CustomerRef<'a>>,
    reset_throttle: &'a ResetThrottle,
    sign_in_throttle: &'a SignInThrottle,
    sessions: &'a Sessions,
    carts: &'a Carts,
}

#[derive(Serialize)]
struct CustomerRef<'a> {
    id: u32,
    email: &'a str,
    website: &'a str,
    firstname: &'a str,
    lastname: &'a str,
    password: &'a PasswordHash,
    lock_expires: Option<OffsetDateTime>,
    failures_num: u32,
    first_failure: Option<OffsetDateTime>,
    reset_token: Option<&'a ResetToken>,
    profile: &'a Profile,
}

#[derive(Serialize)]
struct RestRef<'a> {
    next_id: u32,
    reset_throttle: &'a ResetThrottle,
    sign_in_throttle: &'a SignInThrottle,
    sessions: &'a Sessions,
    carts: &'a Carts,
}

#[derive(Deserialize)]
struct Rest {
    next_id: u32,
    reset_throttle: ResetThrottle,
    sign_in_throttle: SignInThrottle,
    sessions: Sessions,
    carts: Carts,
}

/// One customer's row: its key (website, email as looked up) and record, or `None` if removed.
pub struct CustomerRow {
    pub website: String,
    pub email_key: String,
    pub record: Option<String>,
}

#[derive(Deserialize)]
struct Snapshot {
    next_id: u32,
    customers: Vec<CustomerRecord>,
    reset_throttle: ResetThrottle,
    sign_in_throttle: SignInThrottle,
    sessions: Sessions,
    carts: Carts,
}

#[derive(Deserialize)]
struct CustomerRecord {
    id: u32,
    email: String,
    /// Files written before accounts were per website hold the default website's only.
    #[serde(default = "default_website")]
    website: String,
    firstname: String,
    lastname: String,
    password: PasswordHash,
    lock_expires: Option<OffsetDateTime>,
    failures_num: u32,
    first_failure: Option<OffsetDateTime>,
    reset_token: Option<ResetToken>,
    profile: Profile,
}

fn default_website() -> String {
    super::DEFAULT_WEBSITE.to_owned()
}

fn customer_ref(c: &Customer) -> CustomerRef<'_> {
    CustomerRef {
        id: c.id,
        email: &c.email,
        website: &c.website,
        firstname: &c.firstname,
        lastname: &c.lastname,
        password: &c.password,
        lock_expires: c.lock_expires,
        failures_num: c.failures_num,
        first_failure: c.first_failure,
        reset_token: c.reset_token.as_ref(),
        profile: &c.profile,
    }
}

fn customer_from(c: CustomerRecord) -> Customer {
    Customer {
        id: c.id,
        email: c.email,
        website: c.website,
        firstname: c.firstname,
        lastname: c.lastname,
        password: c.password,
        lock_expires: c.lock_expires,
        failures_num: c.failures_num,
        first_failure: c.first_failure,
        reset_token: c.reset_token,
        profile: c.profile,
    }
}

impl Accounts {
    /// The rows of the customers changed since the last call, every one if `all`; the change
    /// marks are cleared.
    pub fn take_changed_rows(&mut self, all: bool) -> serde_json::Result<Vec<CustomerRow>> {
        let changed = std::mem::take(&mut self.changed);
        let keys: Vec<&String> = if all { self.customers.keys().collect() } else { changed.iter().collect() };
        keys.into_iter()
            .map(|key| {
                let (website, email_key) = key.split_once('\n').unwrap_or(("", key));
                let record = self.customers.get(key).map(|c| serde_json::to_string(&customer_ref(c))).transpose()?;
                Ok(CustomerRow { website: website.to_owned(), email_key: email_key.to_owned(), record })
            })
            .collect()
    }

    /// Everything but the customers: next id, throttles, sessions, carts.
    pub fn rest_record(&self) -> serde_json::Result<String> {
        serde_json::to_string(&RestRef {
            next_id: self.next_id,
            reset_throttle: &self.reset_throttle,
            sign_in_throttle: &self.sign_in_throttle,
            sessions: &self.sessions,
            carts: &self.carts,
        })
    }

    /// The accounts [`Accounts::rest_record`] and the customers' rows describe.
    pub fn from_records<'a>(
        settings: SecuritySettings,
        rest: &str,
        customers: impl IntoIterator<Item = &'a str>,
    ) -> serde_json::Result<Self> {
        let rest: Rest = serde_json::from_str(rest)?;
        let mut map = std::collections::BTreeMap::new();
        for record in customers {
            let customer = customer_from(serde_json::from_str(record)?);
            map.insert(super::website_key(&settings, &customer.website, &customer.email), customer);
        }
        Ok(Self {
            customers: map,
            website: super::DEFAULT_WEBSITE.to_owned(),
            next_id: rest.next_id,
            settings,
            reset_throttle: rest.reset_throttle,
            sign_in_throttle: rest.sign_in_throttle,
            sessions: rest.sessions,
            carts: rest.carts,
            changed: std::collections::BTreeSet::new(),
            tracking: false,
        })
    }

    /// The whole state as JSON (borrowed: nothing is cloned).
    pub fn to_snapshot(&self) -> serde_json::Result<Vec<u8>> {
        let customers = self.customers.values().map(customer_ref).collect();
        serde_json::to_vec(&SnapshotRef {
            next_id: self.next_id,
            customers,
            reset_throttle: &self.reset_throttle,
            sign_in_throttle: &self.sign_in_throttle,
            sessions: &self.sessions,
            carts: &self.carts,
        })
    }

    /// The accounts [`Accounts::to_snapshot`] wrote, keyed by `settings`' email form.
    pub fn from_snapshot(settings: SecuritySettings, json: &[u8]) -> serde_json::Result<Self> {
        let snapshot: Snapshot = serde_json::from_slice(json)?;
        let customers = snapshot
            .customers
            .into_iter()
            .map(|c| {
                let customer = Customer {
                    id: c.id,
                    email: c.email,
                    website: c.website,
                    firstname: c.firstname,
                    lastname: c.lastname,
                    password: c.password,
                    lock_expires: c.lock_expires,
                    failures_num: c.failures_num,
                    first_failure: c.first_failure,
                    reset_token: c.reset_token,
                    profile: c.profile,
                };
                (super::website_key(&settings, &customer.website, &customer.email), customer)
            })
            .collect();
        Ok(Self {
            customers,
            website: super::DEFAULT_WEBSITE.to_owned(),
            next_id: snapshot.next_id,
            settings,
            reset_throttle: snapshot.reset_throttle,
            sign_in_throttle: snapshot.sign_in_throttle,
            sessions: snapshot.sessions,
            carts: snapshot.carts,
            changed: std::collections::BTreeSet::new(),
            tracking: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::NewCustomer;

    #[test]
    fn a_snapshot_brings_back_passwords_tokens_locks_and_ids() {
        let now = OffsetDateTime::now_utc();
        let mut accounts = Accounts::new(SecuritySettings::default());
        for email in ["a@example.com", "b@example.com"] {
            let new = NewCustomer {
                email: email.into(),
                password: "Password1!".into(),
                firstname: "A".into(),
                lastname: "B".into(),
                lock_expires: None,
            };
            accounts.create(new).unwrap();
        }
        accounts.store_reset_token("a@example.com", "t0ken".into(), now);
        accounts.set_lock("b@example.com", Some(now + time::Duration::hours(1)));
        accounts.record_authentication_failure("a@example.com", now);

        let back = Accounts::from_snapshot(SecuritySettings::default(), &accounts.to_snapshot().unwrap()).unwrap();

        let a = back.find("a@example.com").unwrap();
        assert!(a.password_matches("Password1!") && !a.password_matches("Password2!"));
        assert!(a.reset_token().unwrap().matches("t0ken"));
        assert_eq!(a.failures_num, 1);
        assert!(back.find("b@example.com").unwrap().is_locked(now));
        assert_eq!(back.next_id, accounts.next_id);
    }
}
