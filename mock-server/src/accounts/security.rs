//! The store settings behind tokens, throttles and locks, with Magento's defaults.

use serde::{Deserialize, Serialize};
use time::Duration;

/// `customer/password/password_reset_protection_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetProtection {
    None,
    /// Magento's default "By IP and Email", which refuses when either matches.
    IpOrEmail,
    Ip,
    Email,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecuritySettings {
    /// `customer/password/reset_link_expiration_period`, in hours.
    pub reset_link_expiration_hours: i64,
    pub reset_protection: ResetProtection,
    /// `customer/password/min_time_between_password_reset_requests`.
    pub min_time_between_reset_requests: Duration,
    /// `customer/password/max_number_password_reset_requests` per hour.
    pub max_reset_requests_per_hour: usize,
    /// `customer/password/lockout_failures` (0 disables the lock).
    pub lockout_failures: u32,
    /// `customer/password/lockout_threshold`: the window and the lock's length.
    pub lockout_threshold: Duration,
    /// `oauth/authentication_lock/max_failures_count`.
    pub sign_in_max_failures: u32,
    /// `oauth/authentication_lock/timeout`.
    pub sign_in_lock_timeout: Duration,
    /// `oauth/access_token_lifetime/customer`.
    pub customer_token_lifetime: Duration,
    /// Whether email lookups ignore case, as MySQL's default collation does.
    pub case_insensitive_emails: bool,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        Self {
            reset_link_expiration_hours: 2,
            reset_protection: ResetProtection::IpOrEmail,
            min_time_between_reset_requests: Duration::minutes(10),
            max_reset_requests_per_hour: 5,
            lockout_failures: 10,
            lockout_threshold: Duration::minutes(10),
            sign_in_max_failures: 6,
            sign_in_lock_timeout: Duration::seconds(1800),
            customer_token_lifetime: Duration::hours(1),
            case_insensitive_emails: true,
        }
    }
}

impl SecuritySettings {
    /// The form of an email under which accounts are looked up.
    pub fn email_key(&self, email: &str) -> String {
        let mut key = String::with_capacity(email.len());
        self.push_email_key(&mut key, email);
        key
    }

    /// [`SecuritySettings::email_key`] appended to `out` (the account lookup builds its key in one
    /// allocation; it runs several times per request).
    pub fn push_email_key(&self, out: &mut String, email: &str) {
        match (self.case_insensitive_emails, email.is_ascii()) {
            (false, _) => out.push_str(email),
            // Same as `to_lowercase` for ASCII text, without its own allocation.
            (true, true) => {
                let start = out.len();
                out.push_str(email);
                out[start..].make_ascii_lowercase();
            }
            (true, false) => out.push_str(&email.to_lowercase()),
        }
    }
}
