//! What the helpers send and answer, as the OpenAPI documents describe them (`assets/openapi/`).
//! Answers ignore fields they do not know, so a newer server does not break an older test.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

/// A customer as the control API lists it (`GET /__admin/customers`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Customer {
    pub id: u64,
    pub email: String,
    /// The code of the website the account belongs to (accounts are per website).
    #[serde(default)]
    pub website: String,
    pub firstname: String,
    pub lastname: String,
    pub locked: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub lock_expires: Option<OffsetDateTime>,
    pub has_reset_token: bool,
}

/// A customer to add (`POST /__admin/customers`).
#[derive(Clone, Debug, Serialize)]
#[must_use]
pub struct NewCustomer {
    email: String,
    password: String,
    firstname: String,
    lastname: String,
    locked: bool,
    /// Sent as `?website=`, not in the body.
    #[serde(skip)]
    website: Option<String>,
}

impl NewCustomer {
    pub fn new(email: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            email: email.into(),
            password: password.into(),
            firstname: String::new(),
            lastname: String::new(),
            locked: false,
            website: None,
        }
    }

    /// On the website with this code (a `website` of the fixtures' store views), rather than
    /// the default one.
    pub fn website(mut self, code: impl Into<String>) -> Self {
        self.website = Some(code.into());
        self
    }

    pub fn name(mut self, firstname: impl Into<String>, lastname: impl Into<String>) -> Self {
        self.firstname = firstname.into();
        self.lastname = lastname.into();
        self
    }

    pub(crate) fn website_code(&self) -> Option<&str> {
        self.website.as_deref()
    }

    /// Locked until unlocked.
    pub fn locked(mut self) -> Self {
        self.locked = true;
        self
    }
}

/// A customer's lock after `lock`/`unlock`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LockState {
    pub email: String,
    pub locked: bool,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub lock_expires: Option<OffsetDateTime>,
}

/// The live reset token of a customer (`GET /__admin/customers/{email}/reset-token`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ResetToken {
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// The namespace's clock: what it reads and how far it is from real time.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ClockReading {
    #[serde(with = "time::serde::rfc3339")]
    pub now: OffsetDateTime,
    pub offset_seconds: f64,
}

/// A scripted rule to add: answer `state` to matching requests, optionally only the next
/// `times` of them, optionally after a delay (`POST /__admin/scenarios`).
///
/// States: `ok`, `unknown`, `locked`, `throttled`, `mail-failure`, `internal-error`,
/// `delay-<ms>`, `http-500`, `http-502`, `http-503`, `connection-reset`, `malformed-json`.
#[derive(Clone, Debug, Serialize)]
#[must_use]
pub struct ScenarioRule {
    state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    operation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    times: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delay_ms: Option<u64>,
}

impl ScenarioRule {
    /// Every request answers `state` (narrow it with the other methods).
    pub fn state(state: impl Into<String>) -> Self {
        Self { state: state.into(), operation: None, email: None, times: None, delay_ms: None }
    }

    /// Only this GraphQL root field, e.g. `requestPasswordResetEmail`.
    pub fn operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    /// Only requests for this email (compared ignoring case).
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Only the next `times` matching requests; then the real state again.
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    /// Answer after this long (at most five minutes).
    pub fn delay(mut self, delay: std::time::Duration) -> Self {
        self.delay_ms = Some(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));
        self
    }
}

/// A scripted rule as the server lists it, with its uses.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Rule {
    pub id: String,
    pub operation: Option<String>,
    pub email: Option<String>,
    pub state: String,
    pub times: Option<u32>,
    /// `None` for a rule without a limit.
    pub uses_left: Option<u32>,
    pub delay_ms: Option<u64>,
    pub used: u64,
}

/// Which journal entries: by operation (root field or operation name), email, and position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct RequestFilter {
    pub(crate) operation: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) after: Option<u64>,
}

impl RequestFilter {
    /// Every request.
    pub fn any() -> Self {
        Self::default()
    }

    /// Requests to this root field or with this operation name.
    pub fn operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    /// Requests for this email (compared ignoring case).
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Entries newer than the one with this id.
    pub fn after(mut self, id: u64) -> Self {
        self.after = Some(id);
        self
    }

    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        query.extend(self.operation.clone().map(|o| ("operation", o)));
        query.extend(self.email.clone().map(|e| ("email", e)));
        query.extend(self.after.map(|a| ("after", a.to_string())));
        query
    }
}

impl std::fmt::Display for RequestFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.operation.as_deref().unwrap_or("of any operation"))?;
        if let Some(email) = &self.email {
            write!(f, " for {email}")?;
        }
        if let Some(after) = self.after {
            write!(f, " after entry {after}")?;
        }
        Ok(())
    }
}

/// One GraphQL root field the server answered (the request journal).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct JournalEntry {
    pub id: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    pub namespace: String,
    /// `query` or `mutation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub operation_name: Option<String>,
    /// The root field, e.g. `requestPasswordResetEmail`.
    pub operation: String,
    pub response_key: String,
    pub email: Option<String>,
    /// As resolved (variables substituted), passwords and tokens masked.
    pub arguments: Value,
    pub variables: Value,
    /// The scripted state that answered, if any.
    pub scenario: Option<String>,
    /// The HTTP status answered.
    pub status: u16,
    /// The field's value in `data` (customer tokens masked).
    pub result: Value,
    pub error: Option<String>,
    /// The inbox id of the email this request captured.
    pub message_id: Option<String>,
    /// Set when a stub, a recording or the upstream store answered instead of the emulation.
    #[serde(default)]
    pub stub: Option<StubAnswer>,
}

/// Who answered a journal entry the stubs took (`--stubs`, `--upstream`, `/__admin/stubs`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct StubAnswer {
    /// `stub`, `recording`, `upstream` or `unrecorded`.
    pub answered_by: String,
    /// The stub's or recording's id.
    pub id: Option<String>,
    /// The mock emulates this operation; a stub answered it instead, on purpose.
    pub overrides_emulated: bool,
}

/// A captured reset email, its link already taken apart.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ResetEmail {
    /// The link as emailed: `<storefront-url>customer/account/createPassword/?...token=...`.
    pub link: String,
    pub token: String,
    /// The link's `id` (from 2.4.4), else the customer's id from the control API.
    pub customer_id: Option<u64>,
    pub subject: String,
    /// The recipients' addresses.
    pub to: Vec<String>,
    /// The inbox (Mailpit) id, for `/api/v1/message/{id}`.
    pub inbox_id: String,
    /// The `Message-ID` header, without angle brackets.
    pub message_id: String,
    pub created: OffsetDateTime,
    /// The `requestPasswordResetEmail` that sent it.
    pub request: Option<JournalEntry>,
}

/// `GET /__admin/messages/{id}`.
#[derive(Deserialize)]
pub(crate) struct CapturedMessage {
    pub(crate) id: String,
    pub(crate) message_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) created: OffsetDateTime,
    pub(crate) to: Vec<Mailbox>,
    pub(crate) subject: String,
    pub(crate) reset_link: Option<String>,
    pub(crate) token: Option<String>,
    pub(crate) request: Option<JournalEntry>,
}

#[derive(Deserialize)]
pub(crate) struct Mailbox {
    #[serde(rename = "Address")]
    pub(crate) address: String,
}
