//! The two throttles: Magento_Security's on reset requests, and the Integration module's
//! `RequestThrottler` on sign-ins. They are separate mechanisms with separate settings.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use time::{Duration, OffsetDateTime};

use super::security::{ResetProtection, SecuritySettings};

const HOUR: Duration = Duration::hours(1);

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ResetThrottle {
    /// Admitted requests of the last hour, oldest first: older ones can never refuse anything.
    recent: VecDeque<ResetRequest>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
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

/// Usernames whose failed sign-ins are counted at once.
const MAX_TRACKED_USERNAMES: usize = 10_000;

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct SignInThrottle {
    by_username: HashMap<String, SignInFailures>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
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
        if self.by_username.len() >= MAX_TRACKED_USERNAMES && !self.by_username.contains_key(&username) {
            // Made-up usernames must not grow memory without bound: forget counts that lock
            // nobody now, and if every entry is a live lock, start over.
            self.by_username.retain(|_, f| f.lock_expires.is_some_and(|until| until > now));
            if self.by_username.len() >= MAX_TRACKED_USERNAMES {
                self.by_username.clear();
            }
        }
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

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn failures_for_made_up_usernames_stay_bounded_and_live_locks_survive() {
        let settings = SecuritySettings::default();
        let now = datetime!(2026-01-01 12:00 UTC);
        let mut throttle = SignInThrottle::default();
        for _ in 0..settings.sign_in_max_failures {
            throttle.record_failure(&settings, "locked-out".into(), now);
        }
        for n in 0..MAX_TRACKED_USERNAMES * 3 {
            throttle.record_failure(&settings, format!("user{n}"), now);
        }
        assert!(throttle.by_username.len() <= MAX_TRACKED_USERNAMES);
        assert!(throttle.is_throttled(&settings, "locked-out", now));
    }
}
