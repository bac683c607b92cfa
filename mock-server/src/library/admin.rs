//! The control-API helpers of [`MockClient`]: customers, locks, the clock, scripted rules, the
//! journal, resets. Each is one documented route (`routes.rs`).

use std::time::Duration;

use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::client::MockClient;
use super::error::{MockServerError, Result};
use super::routes;
use super::types::{
    ClockReading, Customer, JournalEntry, LockState, NewCustomer, RequestFilter, ResetToken, Rule, ScenarioRule,
};

/// The server's longest single wait (`/__admin/requests/wait` caps `timeout_ms` there).
const MAX_WAIT: Duration = Duration::from_secs(60);

impl MockClient {
    /// Every customer of this namespace, on every website (see [`website`](Self::website)).
    pub async fn customers(&self) -> Result<Vec<Customer>> {
        self.call(routes::CUSTOMERS, &[], &[], None).await
    }

    /// The customer with this email (compared ignoring case), if there is one; the first listed
    /// when the email has an account on more than one website.
    pub async fn customer(&self, email: &str) -> Result<Option<Customer>> {
        Ok(self.customers().await?.into_iter().find(|c| c.email.eq_ignore_ascii_case(email)))
    }

    /// Adds a customer; refused (409) when the email is taken.
    pub async fn add_customer(&self, customer: NewCustomer) -> Result<Customer> {
        let query: Vec<(&str, String)> =
            customer.website_code().map(|code| ("website", code.to_owned())).into_iter().collect();
        let body = serde_json::to_value(customer).unwrap_or(Value::Null);
        self.call(routes::ADD_CUSTOMER, &[], &query, Some(&body)).await
    }

    /// Removes the default website's account with this email.
    pub async fn remove_customer(&self, email: &str) -> Result<()> {
        self.on_default_website().remove_customer(email).await
    }

    /// Locks the default website's account until unlocked, as too many failed sign-ins would.
    pub async fn lock(&self, email: &str) -> Result<LockState> {
        self.on_default_website().lock(email).await
    }

    /// Locks the default website's account for `minutes` of the namespace's clock.
    pub async fn lock_for(&self, email: &str, minutes: u32) -> Result<LockState> {
        self.on_default_website().lock_for(email, minutes).await
    }

    pub async fn unlock(&self, email: &str) -> Result<LockState> {
        self.on_default_website().unlock(email).await
    }

    /// The live reset token of the default website's account, `None` when there is none.
    pub async fn reset_token(&self, email: &str) -> Result<Option<ResetToken>> {
        self.on_default_website().reset_token(email).await
    }

    /// The accounts of the website with this code (a `website` of the fixtures' store views;
    /// accounts are per website, as in Magento): the account helpers, sent with `?website=`.
    /// An unknown code is refused by the server with the codes it knows.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), mock_server::MockServerError> {
    /// use mock_server::MockServer;
    ///
    /// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/two-websites.toml");
    /// let server = MockServer::builder().fixtures_file(fixtures).start().await?;
    /// // Roni has an account on each website; only the second website's is locked.
    /// let second = server.website("second");
    /// assert!(second.lock("roni_cost@example.com").await?.locked);
    /// assert!(second.customer("roni_cost@example.com").await?.expect("a fixture").locked);
    /// assert!(!server.website("base").customer("roni_cost@example.com").await?.expect("a fixture").locked);
    /// assert!(!second.unlock("roni_cost@example.com").await?.locked);
    /// # Ok(()) }
    /// ```
    pub fn website<'a>(&'a self, code: &'a str) -> Website<'a> {
        Website { client: self, code: Some(code) }
    }

    fn on_default_website(&self) -> Website<'_> {
        Website { client: self, code: None }
    }

    /// The namespace's clock, which token expiry, locks and throttles read.
    pub fn clock(&self) -> Clock<'_> {
        Clock { client: self }
    }

    /// Adds a scripted rule; answers its id (for [`remove_scenario`](Self::remove_scenario)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), mock_server::MockServerError> {
    /// use mock_server::{MockServer, ScenarioRule};
    ///
    /// let server = MockServer::start().await?;
    /// // The next reset request for Roni answers as for a locked account, then the real state again.
    /// let rule = ScenarioRule::state("locked").operation("requestPasswordResetEmail").email("roni_cost@example.com").times(1);
    /// server.scenario(rule).await?;
    /// let request = "mutation { requestPasswordResetEmail(email: \"roni_cost@example.com\") }";
    /// let first = server.graphql(request).send().await?;
    /// assert!(first.error_message().is_some());
    /// let second = server.graphql(request).send().await?;
    /// assert_eq!(second.data()["requestPasswordResetEmail"], true);
    /// assert_eq!(server.scenarios().await?[0].uses_left, Some(0));
    /// # Ok(()) }
    /// ```
    pub async fn scenario(&self, rule: ScenarioRule) -> Result<String> {
        #[derive(Deserialize)]
        struct Added {
            id: String,
        }
        let body = serde_json::to_value(rule).unwrap_or(Value::Null);
        let added: Added = self.call(routes::ADD_SCENARIO, &[], &[], Some(&body)).await?;
        Ok(added.id)
    }

    /// The rules, with their uses left.
    pub async fn scenarios(&self) -> Result<Vec<Rule>> {
        self.call(routes::SCENARIOS, &[], &[], None).await
    }

    pub async fn remove_scenario(&self, id: &str) -> Result<()> {
        self.call_empty(routes::REMOVE_SCENARIO, &[id]).await
    }

    pub async fn clear_scenarios(&self) -> Result<()> {
        self.call_empty(routes::CLEAR_SCENARIOS, &[]).await
    }

    /// Every GraphQL root field this namespace answered, oldest first.
    pub async fn received_requests(&self) -> Result<Vec<JournalEntry>> {
        self.requests(&RequestFilter::any()).await
    }

    /// The journal entries matching `filter`, oldest first.
    pub async fn requests(&self, filter: &RequestFilter) -> Result<Vec<JournalEntry>> {
        self.call(routes::REQUESTS, &[], &filter.query(), None).await
    }

    /// The first entry matching `filter`, as soon as there is one (the server's long-poll, not a
    /// sleep loop); [`MockServerError::NoRequest`] after `timeout`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), mock_server::MockServerError> {
    /// use std::time::Duration;
    /// use mock_server::{MockServer, RequestFilter};
    ///
    /// let server = MockServer::start().await?;
    /// server.graphql("{ storeConfig { store_code } }").send().await?;
    /// let filter = RequestFilter::any().operation("storeConfig");
    /// let entry = server.wait_for_request(&filter, Duration::from_secs(5)).await?;
    /// assert_eq!((entry.kind.as_str(), entry.status), ("query", 200));
    /// assert_eq!(server.received_requests().await?.len(), 1);
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_request(&self, filter: &RequestFilter, timeout: Duration) -> Result<JournalEntry> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now()).min(MAX_WAIT);
            let mut query = filter.query();
            query.push(("timeout_ms", left.as_millis().to_string()));
            let answer = self.send(routes::WAIT_FOR_REQUEST, &[], &query, None).await?;
            if answer.status != StatusCode::REQUEST_TIMEOUT {
                return answer.success()?.decode();
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(MockServerError::NoRequest {
                    filter: filter.to_string(),
                    namespace: self.namespace_name().to_owned(),
                    timeout,
                });
            }
        }
    }

    /// Accounts, tokens, inbox, journal, rules and clock of this namespace back to the fixtures.
    pub async fn reset(&self) -> Result<()> {
        self.call::<Value>(routes::RESET, &[], &[], None).await.map(drop)
    }

    /// Frees this namespace on the server (after a test); nothing happens when it was never used.
    pub async fn forget(&self) -> Result<()> {
        let name = if self.namespace_name().is_empty() { "_" } else { self.namespace_name() };
        let answer = self.send(routes::FORGET_NAMESPACE, &[name], &[], None).await?;
        if answer.status == StatusCode::NOT_FOUND {
            return Ok(());
        }
        answer.success().map(drop)
    }

    /// The inbox as Mailpit's `GET /api/v1/messages` answers it.
    pub async fn messages(&self) -> Result<Value> {
        self.call(routes::MESSAGES, &[], &[], None).await
    }
}

/// One website's accounts ([`MockClient::website`]); the same helpers as on the client, which
/// act on the default website.
#[derive(Clone, Copy, Debug)]
pub struct Website<'a> {
    client: &'a MockClient,
    /// `None`: the default website (no `?website=`).
    code: Option<&'a str>,
}

impl Website<'_> {
    fn query(&self) -> Vec<(&'static str, String)> {
        self.code.map(|code| ("website", code.to_owned())).into_iter().collect()
    }

    /// The website's customers.
    pub async fn customers(&self) -> Result<Vec<Customer>> {
        self.client.call(routes::CUSTOMERS, &[], &self.query(), None).await
    }

    /// The website's customer with this email (compared ignoring case), if there is one.
    pub async fn customer(&self, email: &str) -> Result<Option<Customer>> {
        Ok(self.customers().await?.into_iter().find(|c| c.email.eq_ignore_ascii_case(email)))
    }

    pub async fn remove_customer(&self, email: &str) -> Result<()> {
        self.client.send(routes::REMOVE_CUSTOMER, &[email], &self.query(), None).await?.success().map(drop)
    }

    /// Locks the account until unlocked, as too many failed sign-ins would.
    pub async fn lock(&self, email: &str) -> Result<LockState> {
        self.client.call(routes::LOCK, &[email], &self.query(), None).await
    }

    /// Locks the account for `minutes` of the namespace's clock.
    pub async fn lock_for(&self, email: &str, minutes: u32) -> Result<LockState> {
        self.client.call(routes::LOCK, &[email], &self.query(), Some(&json!({ "minutes": minutes }))).await
    }

    pub async fn unlock(&self, email: &str) -> Result<LockState> {
        self.client.call(routes::UNLOCK, &[email], &self.query(), None).await
    }

    /// The account's live reset token, `None` when there is none.
    pub async fn reset_token(&self, email: &str) -> Result<Option<ResetToken>> {
        let answer = self.client.send(routes::RESET_TOKEN, &[email], &self.query(), None).await?;
        if answer.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        answer.success()?.decode().map(Some)
    }
}

/// The namespace's clock ([`MockClient::clock`]).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), mock_server::MockServerError> {
/// use std::time::Duration;
/// use mock_server::MockServer;
///
/// let server = MockServer::start().await?;
/// server.lock_for("roni_cost@example.com", 10).await?;
/// server.clock().advance(Duration::from_secs(11 * 60)).await?; // no sleeping: the lock runs out
/// assert!(!server.customer("roni_cost@example.com").await?.expect("a fixture").locked);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Clock<'a> {
    client: &'a MockClient,
}

impl Clock<'_> {
    pub async fn get(&self) -> Result<ClockReading> {
        self.client.call(routes::CLOCK, &[], &[], None).await
    }

    /// Moves the clock forward: tokens expire, locks run out, throttles forget.
    pub async fn advance(&self, by: Duration) -> Result<ClockReading> {
        self.advance_seconds(by.as_secs_f64()).await
    }

    /// Moves the clock by `seconds`, backwards when negative.
    pub async fn advance_seconds(&self, seconds: f64) -> Result<ClockReading> {
        self.client.call(routes::ADVANCE_CLOCK, &[], &[], Some(&json!({ "seconds": seconds }))).await
    }

    /// Sets the clock to `at`, to within the time two calls take (it then runs on from there).
    pub async fn set(&self, at: OffsetDateTime) -> Result<ClockReading> {
        let now = self.get().await?.now;
        self.advance_seconds((at - now).as_seconds_f64()).await
    }

    /// Back to real time.
    pub async fn reset(&self) -> Result<ClockReading> {
        self.client.call(routes::REAL_TIME, &[], &[], None).await
    }
}
