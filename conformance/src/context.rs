//! The run's context: the options, the target's clients and what the target can do; and the
//! [`Session`] each check works in (its own namespace on the mock, with clean-up afterwards).

use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use reqwest::Url;
use reqwest::header::HeaderMap;

use crate::admin::Admin;
use crate::error::SetupError;
use crate::inbox::Inbox;
use crate::outcome::{CheckResult, Skipped, Stop};
use crate::release::Release;
use crate::target::Endpoint;

/// A customer the suite may use, with the password it has now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub email: String,
    pub password: String,
    /// `Firstname Lastname`, when known: the email's recipient name.
    pub name: Option<String>,
}

/// How the suite reaches the target, as [`crate::run::prepare`] found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The mock, started in-process.
    Builtin,
    /// A mock with its control API (`--admin`): namespaces, clock, locks.
    Admin,
    /// Any URL, with accounts given by flags.
    Plain,
}

/// Everything the checks share, cheap to clone; each check gets its own notes (parts skipped
/// with their reasons, and figures such as how many verdicts it checked).
#[derive(Clone, Debug)]
pub struct Context {
    inner: Arc<Inner>,
    notes: Arc<Mutex<Notes>>,
}

/// What a check noted besides its verdict.
#[derive(Clone, Debug, Default)]
pub struct Notes {
    /// `(part, reason)` of every part that could not run.
    pub skipped: Vec<(String, String)>,
    /// Figures worth reporting (`1218 verdicts checked`).
    pub info: Vec<String>,
}

#[derive(Debug)]
pub struct Inner {
    pub endpoint: Endpoint,
    pub inbox: Option<Url>,
    pub admin: Option<Url>,
    pub mode: Mode,
    pub release: Release,
    pub throttles: bool,
    /// Whether `POST /__admin/customers` exists.
    pub can_create_customers: bool,
    pub active: Vec<Account>,
    pub locked_email: Option<String>,
    pub cases: u32,
    pub seed: u64,
    pub mail_timeout: std::time::Duration,
    /// The golden files the snapshot checks compare with (`--golden DIR` or the release's built-in
    /// set); `None` when there is none for the release.
    pub goldens: Option<crate::golden::Set>,
    /// The store's frontend name (the reset email's subject names it): `--store-name`, else
    /// `storeConfig.store_group_name` (Magento's default frontend name), else unknown.
    pub store_name: Option<String>,
    /// The password policy of the store (`storeConfig`), `(minimum length, character classes)`.
    pub policy: (usize, usize),
    /// Magento's mode (`default`, `production`, `developer`): how many errors an answer keeps.
    pub magento_mode: String,
    pub run_id: String,
    pub counter: AtomicU64,
    /// Against a plain throttling target, one successful reset request per run.
    pub request_budget: AtomicUsize,
    /// Store views of other websites (`--store`); the built-in mock's when it is the target.
    pub stores: Vec<String>,
    /// `--recaptcha-store` (the built-in mock's `second_view` when it is the target).
    pub recaptcha_store: Option<String>,
}

impl Context {
    pub fn new(inner: Inner) -> Self {
        Context { inner: Arc::new(inner), notes: Arc::default() }
    }

    /// The same context with notes of its own, for one check.
    pub fn for_check(&self) -> Context {
        Context { inner: Arc::clone(&self.inner), notes: Arc::default() }
    }

    /// Notes that `part` could not run, and why: the check will not pass.
    pub fn skip_part(&self, part: &str, reason: &str) {
        self.notes.lock().unwrap_or_else(PoisonError::into_inner).skipped.push((part.to_owned(), reason.to_owned()));
    }

    /// Notes a figure for the report.
    pub fn note(&self, info: impl Into<String>) {
        self.notes.lock().unwrap_or_else(PoisonError::into_inner).info.push(info.into());
    }

    pub fn notes(&self) -> Notes {
        self.notes.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub fn mode(&self) -> Mode {
        self.inner.mode
    }
    pub fn release(&self) -> Release {
        self.inner.release
    }
    pub fn throttles(&self) -> bool {
        self.inner.throttles
    }
    pub fn cases(&self) -> u32 {
        self.inner.cases
    }
    pub fn seed(&self) -> u64 {
        self.inner.seed
    }
    /// The mock (built in or `--admin`): namespaces, scenarios and the control API are there.
    pub fn is_mock(&self) -> bool {
        self.inner.admin.is_some()
    }
    pub fn has_inbox(&self) -> bool {
        self.inner.inbox.is_some()
    }
    pub fn inner(&self) -> &Inner {
        &self.inner
    }

    /// The request that met the store's reCAPTCHA, once one has: the run stops there.
    pub fn recaptcha(&self) -> Option<String> {
        self.inner.endpoint.traffic.recaptcha()
    }

    /// A number unique within the run.
    pub fn next_number(&self) -> u64 {
        self.inner.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// Skips unless the target is the mock.
    pub fn require_mock(&self, what: &str) -> CheckResult {
        if self.is_mock() { Ok(()) } else { Err(Stop::skip(format!("{what} needs the mock's control API (--admin)"))) }
    }

    /// A session of its own; on the mock, in a fresh namespace.
    pub fn session(&self, name: &str) -> Result<Session, Stop> {
        let mut endpoint = self.inner.endpoint.clone();
        let mut namespace = None;
        if self.is_mock() {
            // At most 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'.
            let clean: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
            let mut ns = format!("cf-{}-{}-{clean}", self.inner.run_id, self.next_number());
            ns.truncate(64);
            endpoint = endpoint.with_header("x-mock-namespace", &ns)?;
            namespace = Some(ns);
        }
        let admin = self.inner.admin.clone().map(|base| Admin { base, endpoint: endpoint.clone() });
        let timeout = self.inner.mail_timeout;
        let inbox = self.inner.inbox.clone().map(|base| Inbox { base, endpoint: endpoint.clone(), timeout });
        Ok(Session {
            ctx: self.clone(),
            target: endpoint,
            admin,
            inbox,
            namespace,
            state: Arc::new(Mutex::new(SessionState::default())),
        })
    }

    /// Runs `body` in a new session, then cleans up whatever happened.
    pub async fn with_session<F, Fut>(&self, name: &str, body: F) -> CheckResult
    where
        F: FnOnce(Session) -> Fut,
        Fut: Future<Output = CheckResult>,
    {
        let session = self.session(name)?;
        let result = body(session.clone()).await;
        let cleanup = session.finish().await;
        result.and(cleanup)
    }
}

#[derive(Debug, Default)]
struct SessionState {
    created: Vec<String>,
    /// Accounts whose password the session changed: (account as found, password now).
    changed: Vec<(Account, String)>,
    successful_requests: u32,
    primary: Option<Account>,
    locked: Option<String>,
}

/// One check's view of the target.
#[derive(Clone, Debug)]
pub struct Session {
    pub ctx: Context,
    /// The GraphQL endpoint (with the namespace header on the mock).
    pub target: Endpoint,
    pub admin: Option<Admin>,
    pub inbox: Option<Inbox>,
    pub namespace: Option<String>,
    state: Arc<Mutex<SessionState>>,
}

/// The accounts of the mock's built-in fixtures (documented in the README), used when the
/// control API cannot create accounts.
const BUILT_IN_ACTIVE: (&str, &str, &str) = ("roni_cost@example.com", "roni_cost3@example.com", "Veronica Costello");

impl Session {
    fn state(&self) -> std::sync::MutexGuard<'_, SessionState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn admin(&self, what: &str) -> Result<&Admin, Stop> {
        self.admin.as_ref().ok_or_else(|| Stop::skip(format!("{what} needs the mock's control API (--admin)")))
    }

    pub fn inbox(&self, what: &str) -> Result<&Inbox, Stop> {
        self.inbox.as_ref().ok_or_else(|| Stop::skip(format!("{what} needs the target's inbox (--inbox)")))
    }

    /// An unlocked account with a known password: created in the namespace when the control
    /// API can, the built-in fixture on `builtin`, else the first `--active-email`.
    pub async fn account(&self) -> Result<Account, Stop> {
        if let Some(account) = self.state().primary.clone() {
            return Ok(account);
        }
        let account = self.new_account().await?;
        self.state().primary = Some(account.clone());
        Ok(account)
    }

    /// Another account than [`Session::account`] when the control API can create one, else the same.
    pub async fn new_account(&self) -> Result<Account, Stop> {
        let ctx = &self.ctx;
        if let Some(admin) = &self.admin
            && ctx.inner.can_create_customers
        {
            let n = ctx.next_number();
            let email = format!("conformance.{}.{n}@example.com", ctx.inner.run_id);
            let password = format!("Conf-{n}-Passw0rd");
            let last = format!("Check{n}");
            if admin.create_customer(&email, &password, ("Conformance", &last)).await? {
                self.state().created.push(email.clone());
                return Ok(Account { email, password, name: Some(format!("Conformance {last}")) });
            }
        }
        if ctx.mode() == Mode::Builtin {
            let (email, password, name) = BUILT_IN_ACTIVE;
            return Ok(Account { email: email.into(), password: password.into(), name: Some(name.into()) });
        }
        ctx.inner
            .active
            .first()
            .cloned()
            .ok_or_else(|| Stop::skip("needs an account: give --active-email and --active-password"))
    }

    /// A locked account: on the mock, an account of the namespace locked through the control
    /// API; elsewhere `--locked-email`.
    pub async fn locked_email(&self) -> Result<String, Stop> {
        if let Some(email) = self.state().locked.clone() {
            return Ok(email);
        }
        if self.ctx.mode() == Mode::Builtin && !self.ctx.inner.can_create_customers {
            self.state().locked = Some("locked@example.com".to_owned());
            return Ok("locked@example.com".to_owned());
        }
        if let Some(admin) = &self.admin {
            let account =
                if self.ctx.inner.can_create_customers { self.new_account().await? } else { self.account().await? };
            admin.lock(&account.email, None).await?;
            self.state().locked = Some(account.email.clone());
            return Ok(account.email);
        }
        let email = self
            .ctx
            .inner
            .locked_email
            .clone()
            .ok_or_else(|| Stop::skip("needs a locked account: give --locked-email"))?;
        self.state().locked = Some(email.clone());
        Ok(email)
    }

    /// Skips a check that changes a password when the suite could not change it back.
    pub fn require_restorable(&self) -> CheckResult {
        if self.admin.is_none() && self.inbox.is_none() {
            return Err(Stop::skip(
                "changes a password the suite could not restore: it needs the target's inbox (--inbox) to read a reset token",
            ));
        }
        if self.admin.is_none() && self.ctx.throttles() {
            return Err(Stop::skip(
                "changes a password the suite could not restore: the target throttles reset requests (--throttle magento without --admin)",
            ));
        }
        Ok(())
    }

    /// Before a reset request that should succeed: on a throttling target, moves the clock past
    /// the throttle (12 minutes, which also keeps under 5 an hour), or skips when it cannot.
    pub async fn make_room_for_request(&self) -> CheckResult {
        if !self.ctx.throttles() {
            return Ok(());
        }
        let first = self.state().successful_requests == 0;
        if let Some(admin) = &self.admin {
            if !first {
                admin.advance_clock(721).await?;
            }
        } else if !first || self.ctx.inner.request_budget.fetch_sub(1, Ordering::SeqCst) == 0 {
            self.ctx.inner.request_budget.store(0, Ordering::SeqCst);
            return Err(Stop::skip(
                "the target throttles reset requests and its clock cannot be moved (--throttle magento without --admin)",
            ));
        }
        self.state().successful_requests += 1;
        Ok(())
    }

    /// The account this session has used, if any (nothing is created).
    pub fn known_account(&self) -> Option<Account> {
        self.state().primary.clone()
    }

    /// The locked account this session has used, if any.
    pub fn known_locked(&self) -> Option<String> {
        let state = self.state();
        state.locked.clone()
    }

    /// A locked account when the run has one; `None` (with the reason) when it has not. Errors
    /// other than a missing prerequisite stop the check.
    pub async fn locked_email_if_any(&self) -> Result<Result<String, Skipped>, Stop> {
        match self.locked_email().await {
            Ok(email) => Ok(Ok(email)),
            Err(Stop::Skip(reason)) => Ok(Err(Skipped(reason))),
            Err(other) => Err(other),
        }
    }

    /// The account's name as the store knows it (the email's recipient and greeting): given, or
    /// read with `customer { firstname lastname }` after signing in.
    pub async fn account_name(&self, account: &Account) -> Result<String, Stop> {
        if let Some(name) = &account.name {
            return Ok(name.clone());
        }
        let answer = self.target.sign_in(&account.email, &account.password).await?;
        let token = crate::target::customer_token(&answer)
            .ok_or_else(|| Stop::skip(format!("cannot sign in as {} to read the customer's name", account.email)))?;
        let name = self.target.customer_name(&token).await?;
        name.ok_or_else(|| Stop::skip(format!("the store does not show {}'s name", account.email)))
    }

    /// Requests a reset that must succeed, and reads the new token from the inbox (or, with
    /// no inbox, from the control API).
    pub async fn fresh_token(&self, email: &str) -> Result<String, Stop> {
        if self.inbox.is_none() && self.admin.is_none() {
            return Err(Stop::skip("needs the target's inbox (--inbox) to read the reset token"));
        }
        let before = match &self.inbox {
            Some(inbox) => inbox.count(email).await?,
            None => 0,
        };
        self.make_room_for_request().await?;
        let answer = self.target.request_reset(email).await?;
        if answer.data("requestPasswordResetEmail") != Some(serde_json::Value::Bool(true)) {
            return Err(Stop::deviation(&answer, format!("a reset request for {email} did not answer true"), None));
        }
        if let Some(inbox) = &self.inbox {
            let (mail, _) = inbox.wait_for_new(email, before).await?;
            return mail
                .reset_link()
                .map(|(_, token)| token)
                .ok_or_else(|| Stop::deviation(&mail.answer, "the reset email holds no createPassword link", None));
        }
        match self.admin("reading the token")?.live_token(email).await? {
            Some(token) => Ok(token),
            None => Err(Stop::error(format!("the control API shows no live token for {email} after a request"))),
        }
    }

    /// Records that `account`'s password is now `new_password`, so [`Session::finish`] restores it.
    pub fn password_changed(&self, account: &Account, new_password: &str) {
        let mut state = self.state();
        match state.changed.iter_mut().find(|(a, _)| a.email == account.email) {
            Some(entry) => entry.1 = new_password.to_owned(),
            None => state.changed.push((account.clone(), new_password.to_owned())),
        }
    }

    /// Puts things back: the namespace to the fixtures on the mock; elsewhere every changed
    /// password back to what it was.
    pub async fn finish(&self) -> CheckResult {
        let (created, changed) = {
            let mut state = self.state();
            (std::mem::take(&mut state.created), std::mem::take(&mut state.changed))
        };
        if let Some(admin) = &self.admin {
            for email in created {
                admin.delete_customer(&email).await?;
            }
            return admin.reset().await;
        }
        for (account, _now) in changed {
            let token = self.fresh_token(&account.email).await.map_err(|stop| match stop {
                Stop::Skip(reason) => {
                    Stop::error(format!("could not restore the password of {}: {reason}", account.email))
                }
                other => other,
            })?;
            let answer = self.target.reset_password(&account.email, &token, &account.password).await?;
            if answer.data("resetPassword") != Some(serde_json::Value::Bool(true)) {
                return Err(Stop::deviation(
                    &answer,
                    format!("could not restore the password of {}", account.email),
                    None,
                ));
            }
        }
        Ok(())
    }
}

/// Builds a header map from `Name: value` lines.
pub fn header_map(headers: &[String]) -> Result<HeaderMap, SetupError> {
    let mut map = HeaderMap::new();
    for line in headers {
        let (name, value) = line.split_once(':').ok_or_else(|| SetupError::HeaderShape(line.clone()))?;
        let bad = |e: &dyn std::fmt::Display| SetupError::Header { line: line.clone(), reason: e.to_string() };
        let name = reqwest::header::HeaderName::from_bytes(name.trim().as_bytes()).map_err(|e| bad(&e))?;
        let value = reqwest::header::HeaderValue::from_str(value.trim()).map_err(|e| bad(&e))?;
        map.append(name, value);
    }
    Ok(map)
}
