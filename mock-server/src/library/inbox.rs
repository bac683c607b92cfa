//! [`MockClient::wait_for_reset_link`]: from a reset request to its emailed link, without polling.

use std::time::Duration;

use super::client::MockClient;
use super::error::{MockServerError, Result};
use super::routes;
use super::types::{CapturedMessage, JournalEntry, RequestFilter, ResetEmail};

/// How long [`MockClient::wait_for_reset_link`] waits (as the npm package's `waitForResetLink`).
pub const RESET_LINK_TIMEOUT: Duration = Duration::from_secs(5);

const REQUEST_RESET: &str = "requestPasswordResetEmail";

impl MockClient {
    /// The newest reset email to `email` in this namespace, waiting up to
    /// [`RESET_LINK_TIMEOUT`] for one to be captured.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), mock_server::MockServerError> {
    /// let server = mock_server::MockServer::start().await?;
    /// server.graphql("mutation { requestPasswordResetEmail(email: \"roni_cost@example.com\") }").send().await?;
    /// let email = server.wait_for_reset_link("roni_cost@example.com").await?;
    /// assert_eq!(email.link, format!("http://localhost:3000/customer/account/createPassword/?email=roni_cost%40example.com&id=1&token={}", email.token));
    /// assert_eq!(email.customer_id, Some(1));
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_reset_link(&self, email: &str) -> Result<ResetEmail> {
        self.wait_for_reset_link_within(email, RESET_LINK_TIMEOUT).await
    }

    /// The same, waiting up to `timeout`. It follows the request journal (a long-poll on
    /// `requestPasswordResetEmail` for `email`), so it answers as soon as the mail is captured;
    /// when none comes, the error lists what the reset requests were answered.
    pub async fn wait_for_reset_link_within(&self, email: &str, timeout: Duration) -> Result<ResetEmail> {
        let deadline = tokio::time::Instant::now() + timeout;
        let filter = RequestFilter::any().operation(REQUEST_RESET).email(email);
        let seen = self.requests(&filter).await?;
        let mut captured = seen.iter().rev().find_map(|e| e.message_id.clone());
        let mut after = seen.last().map(|e| e.id);
        while captured.is_none() {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                break;
            }
            let next = after.map_or_else(|| filter.clone(), |id| filter.clone().after(id));
            match self.wait_for_request(&next, left).await {
                Ok(entry) => {
                    after = Some(entry.id);
                    captured = entry.message_id;
                }
                Err(MockServerError::NoRequest { .. }) => break,
                Err(other) => return Err(other),
            }
        }
        let Some(id) = captured else {
            let answers = self.requests(&filter).await?.iter().map(describe).collect();
            let namespace = self.namespace_name().to_owned();
            return Err(MockServerError::NoResetEmail { email: email.to_owned(), namespace, timeout, answers });
        };
        let message: CapturedMessage = self.call(routes::CAPTURED_MESSAGE, &[&id], &[], None).await?;
        let (Some(link), Some(token)) = (message.reset_link, message.token) else {
            return Err(MockServerError::NoResetLink {
                id: message.id,
                email: email.to_owned(),
                subject: message.subject,
            });
        };
        let customer_id = match link_id(&link) {
            Some(id) => Some(id),
            None => self.customer(email).await?.map(|c| c.id),
        };
        Ok(ResetEmail {
            link,
            token,
            customer_id,
            subject: message.subject,
            to: message.to.into_iter().map(|m| m.address).collect(),
            inbox_id: message.id,
            message_id: message.message_id,
            created: message.created,
            request: message.request,
        })
    }
}

/// What a reset request got, for the error: Magento's message, or the field's value.
fn describe(entry: &JournalEntry) -> String {
    let answer = entry.error.clone().unwrap_or_else(|| entry.result.to_string());
    match &entry.scenario {
        Some(state) => format!("{answer} (scripted: {state})"),
        None => answer,
    }
}

/// The link's `id` query parameter (links carry the customer's id from 2.4.4).
fn link_id(link: &str) -> Option<u64> {
    let url = reqwest::Url::parse(link).ok()?;
    url.query_pairs().find(|(name, _)| name == "id").and_then(|(_, value)| value.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_customer_id_comes_from_the_links_id_when_it_has_one() {
        let with =
            "http://localhost:3000/customer/account/createPassword/?email=roni_cost%40example.com&id=1&token=abc";
        assert_eq!(link_id(with), Some(1));
        assert_eq!(link_id("http://localhost:3000/customer/account/createPassword/?token=abc"), None);
    }
}
