//! All of a namespace's accounts as one JSON document, for `--data-dir`: customers with their
//! password hashes, reset tokens, locks and failure counts, plus sessions, throttles and carts.
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

impl Accounts {
    /// The whole state as JSON (borrowed: nothing is cloned).
    pub fn to_snapshot(&self) -> serde_json::Result<Vec<u8>> {
        let customers = self
            .customers
            .values()
            .map(|c| CustomerRef {
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
            })
            .collect();
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
