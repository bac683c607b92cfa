//! Magento_Captcha on the sign-in form, as installed (`customer/captcha`: enabled, forms
//! `user_forgotpassword,user_login`, mode `after_fail`, `failed_attempts_login` 3,
//! `failed_attempts_ip` 1000): `CheckUserLoginObserver` before `loginPost/` and `DefaultModel`'s
//! attempt log (the `captcha_log` table), kept here per namespace (and emptied when the
//! namespace is reset).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use crate::state::Namespace;

/// `customer/captcha/failed_attempts_login`.
const ATTEMPTS_PER_LOGIN: u32 = 3;
/// `customer/captcha/failed_attempts_ip`.
const ATTEMPTS_PER_IP: u32 = 1000;
/// `customer/captcha/timeout`: a word is good for this long.
pub const WORD_MINUTES: i64 = 7;
/// Rows kept at once; the oldest is forgotten first.
const MAX_ROWS: usize = 10_000;

/// What one row counts: a username as typed (MySQL compares it case-insensitively) or an address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Subject {
    Login(String),
    Ip(IpAddr),
}

/// `captcha_log`: sign-in posts per username and per address, in each namespace.
#[derive(Debug, Default)]
pub struct AttemptLog {
    // A std Mutex: each use is a short lookup or update, never held across an await.
    rows: Mutex<Rows>,
}

#[derive(Debug, Default)]
struct Rows {
    /// By the namespace's name (shared with the namespace) and what is counted.
    count: HashMap<(Arc<str>, Subject), u32>,
    order: VecDeque<(Arc<str>, Subject)>,
    /// The namespace each name's rows were logged in: a reset namespace is a new one, whose log
    /// starts empty.
    logged_in: HashMap<Arc<str>, Weak<Namespace>>,
}

impl AttemptLog {
    /// `DefaultModel::isRequired($login)` for `user_login` (a guest; a signed-in shopper never
    /// posts here): too many posts from this address or for this username, or the session's flag.
    pub fn required(&self, namespace: &Arc<Namespace>, login: Option<&str>, ip: IpAddr, session_flag: bool) -> bool {
        let mut rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        rows.follow(namespace);
        let name = &namespace.name;
        let count = |subject: Subject| rows.count.get(&(Arc::clone(name), subject)).copied().unwrap_or(0);
        session_flag
            || count(Subject::Ip(ip)) >= ATTEMPTS_PER_IP
            || login.is_some_and(|login| count(login_subject(login)) >= ATTEMPTS_PER_LOGIN)
    }

    /// `logAttempt`: every post counts, whatever its outcome; answers whether the username is now
    /// over its limit (then the session shows the CAPTCHA from here on).
    pub fn log(&self, namespace: &Arc<Namespace>, login: Option<&str>, ip: IpAddr) -> bool {
        let mut rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        rows.follow(namespace);
        rows.add(&namespace.name, Subject::Ip(ip));
        login.is_some_and(|login| rows.add(&namespace.name, login_subject(login)) >= ATTEMPTS_PER_LOGIN)
    }

    /// `ResetAttemptForFrontendObserver` after a successful sign-in: the customer's and the
    /// address's rows go.
    pub fn clear(&self, namespace: &Arc<Namespace>, email: &str, ip: IpAddr) {
        let mut rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        rows.follow(namespace);
        rows.count.remove(&(Arc::clone(&namespace.name), login_subject(email)));
        rows.count.remove(&(Arc::clone(&namespace.name), Subject::Ip(ip)));
    }
}

impl Rows {
    /// Forgets the rows of an earlier namespace of the same name (before a reset or a forget).
    fn follow(&mut self, namespace: &Arc<Namespace>) {
        let current = Arc::downgrade(namespace);
        let same = self.logged_in.get(&namespace.name).is_some_and(|logged| Weak::ptr_eq(logged, &current));
        if !same {
            self.count.retain(|(name, _), _| *name != namespace.name);
            self.order.retain(|(name, _)| *name != namespace.name);
            self.logged_in.retain(|_, logged| logged.strong_count() > 0);
            self.logged_in.insert(Arc::clone(&namespace.name), current);
        }
    }

    fn add(&mut self, namespace: &Arc<str>, subject: Subject) -> u32 {
        let key = (Arc::clone(namespace), subject);
        let count = match self.count.get_mut(&key) {
            Some(count) => {
                *count = count.saturating_add(1);
                *count
            }
            None => {
                self.count.insert(key.clone(), 1);
                self.order.push_back(key);
                1
            }
        };
        while self.count.len() > MAX_ROWS {
            match self.order.pop_front() {
                Some(oldest) => {
                    self.count.remove(&oldest);
                }
                None => break,
            }
        }
        count
    }
}

fn login_subject(login: &str) -> Subject {
    Subject::Login(login.to_lowercase())
}

/// `DefaultModel::isCorrect`: not case-sensitive (`customer/captcha/case_sensitive` 0); nothing
/// typed or nothing stored is wrong.
pub fn word_matches(expected: Option<&str>, typed: &str) -> bool {
    expected.is_some_and(|expected| !expected.is_empty() && !typed.is_empty() && typed.eq_ignore_ascii_case(expected))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    use crate::config::Config;
    use crate::state::AppState;

    const IP: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    fn app() -> AppState {
        AppState::new(&Config::for_tests().expect("the built-in fixtures"))
    }

    #[test]
    fn the_third_post_for_a_username_makes_the_fourth_need_the_word() {
        let app = app();
        let (ns, other) = (app.namespace("ns").unwrap(), app.namespace("other").unwrap());
        let log = AttemptLog::default();
        for n in 1..=3 {
            assert!(!log.required(&ns, Some("A@x.com"), IP, false), "post {n}");
            assert_eq!(log.log(&ns, Some("a@X.com"), IP), n == 3);
        }
        assert!(log.required(&ns, Some("a@x.com"), IP, false));
        assert!(!log.required(&other, Some("a@x.com"), IP, false), "per namespace");
        assert!(!log.required(&ns, Some("b@x.com"), IP, false), "per username");
        log.clear(&ns, "a@x.com", IP);
        assert!(!log.required(&ns, Some("a@x.com"), IP, false));
    }

    #[test]
    fn a_reset_namespace_starts_with_an_empty_log() {
        let app = app();
        let log = AttemptLog::default();
        let before = app.namespace("ns").unwrap();
        for _ in 0..3 {
            log.log(&before, Some("a@x.com"), IP);
        }
        assert!(log.required(&before, Some("a@x.com"), IP, false));
        app.reset_namespace("ns").unwrap();
        let after = app.namespace("ns").unwrap();
        assert!(!log.required(&after, Some("a@x.com"), IP, false));
    }

    #[test]
    fn a_thousand_posts_from_one_address_need_the_word_for_anyone() {
        let ns = app().namespace("ns").unwrap();
        let log = AttemptLog::default();
        for _ in 0..ATTEMPTS_PER_IP {
            log.log(&ns, None, IP);
        }
        assert!(log.required(&ns, None, IP, false));
    }

    #[test]
    fn the_word_is_not_case_sensitive_and_never_empty() {
        assert!(word_matches(Some("aB3k"), "Ab3K"));
        assert!(!word_matches(Some("aB3k"), ""));
        assert!(!word_matches(Some(""), ""));
        assert!(!word_matches(None, "x"));
    }
}
