//! The two throttles: Magento_Security's on reset requests, and the Integration module's
//! `RequestThrottler` on sign-ins. They are separate mechanisms with separate settings.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use time::{Duration, OffsetDateTime};

use super::security::{ResetProtection, SecuritySettings};

const HOUR: Duration = Duration::hours(1);

#[derive(Debug, Default)]
pub struct ResetThrottle {
    /// Admitted requests of the last hour, oldest first: older ones can never refuse anything.
    recent: VecDeque<ResetRequest>,
}

#[derive(Debug)]
struct ResetRequest {
    at: OffsetDateTime,
    ip: IpAddr,
    email_key: String,
}

impl ResetThrottle {
    /// Refuses a request too soon after, or too many within the hour of, one from the same IP or
    /// for the same email (as the protection type says); otherwise records it.
    pub fn admit(&mut self, settings: &SecuritySettings, email_key: &str, ip: IpAddr, now: OffsetDateTime) -> bool {
        while self.recent.front().is_some_and(|r| now - r.at >= HOUR) {
            self.recent.pop_front();
        }
        let protection = settings.reset_protection;
        let related = |r: &&ResetRequest| match protection {
            ResetProtection::None => false,
            ResetProtection::IpOrEmail => r.ip == ip || r.email_key == email_key,
            ResetProtection::Ip => r.ip == ip,
            ResetProtection::Email => r.email_key == email_key,
        };
        if protection != ResetProtection::None {
            let too_soon = self
                .recent
                .iter()
                .rev()
                .find(related)
                .is_some_and(|last| now - last.at < settings.min_time_between_reset_requests);
            let too_many = self.recent.iter().filter(related).count() >= settings.max_reset_requests_per_hour;
            if too_soon || too_many {
                return false;
            }
        }
        self.recent.push_back(ResetRequest { at: now, ip, email_key: email_key.to_owned() });
        true
    }
}

#[derive(Debug, Default)]
pub struct SignInThrottle {
    by_username: HashMap<String, SignInFailures>,
}

#[derive(Debug)]
struct SignInFailures {
    count: u32,
    lock_expires: Option<OffsetDateTime>,
}

impl SignInThrottle {
    pub fn is_throttled(&self, settings: &SecuritySettings, username: &str, now: OffsetDateTime) -> bool {
        self.by_username.get(username).is_some_and(|f| {
            f.count >= settings.sign_in_max_failures && f.lock_expires.is_some_and(|until| until > now)
        })
    }

    /// Counts a failure; from the maximum on, each failure (re)starts the lock.
    pub fn record_failure(&mut self, settings: &SecuritySettings, username: String, now: OffsetDateTime) {
        let failures = self.by_username.entry(username).or_insert(SignInFailures { count: 0, lock_expires: None });
        failures.count += 1;
        if failures.count >= settings.sign_in_max_failures {
            failures.lock_expires = Some(now + settings.sign_in_lock_timeout);
        }
    }

    pub fn clear(&mut self, username: &str) {
        self.by_username.remove(username);
    }
}
