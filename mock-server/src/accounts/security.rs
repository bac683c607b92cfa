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
        if self.case_insensitive_emails { email.to_lowercase() } else { email.to_owned() }
    }
}
