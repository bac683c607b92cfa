//! `--webhook-url`: a JSON POST for every captured message, as Mailpit sends (its message summary),
//! plus `reset_link`, `token` and `namespace`. Delivered from a bounded queue by one background
//! task, with a timeout and bounded retries, so a slow or dead receiver never slows capture: when
//! the queue is full the notice is dropped, counted and logged.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;

use super::links;
use super::mailpit::MessageSummary;
use super::stored::StoredMessage;

/// How the notices are delivered.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Notices waiting for delivery; more are dropped.
    pub queue: usize,
    /// One attempt's limit, connection included.
    pub timeout: Duration,
    /// Attempts per notice, the first included.
    pub attempts: u32,
    /// The wait before the first retry; doubled before each further one.
    pub backoff: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self { queue: 1_000, timeout: Duration::from_secs(5), attempts: 4, backoff: Duration::from_millis(250) }
    }
}

/// Counts since start, for the log and `GET /__admin/webhook`.
#[derive(Debug, Default)]
pub struct Counts {
    pub delivered: AtomicU64,
    /// Attempts after a failed one.
    pub retried: AtomicU64,
    /// Notices given up after the last attempt.
    pub failed: AtomicU64,
    /// Notices dropped because the queue was full.
    pub dropped: AtomicU64,
}

#[derive(Debug)]
pub struct Webhook {
    url: reqwest::Url,
    limits: Limits,
    queue: mpsc::Sender<Value>,
    /// Taken by the delivery task, started with the first notice (capture runs on the runtime).
    waiting: Mutex<Option<mpsc::Receiver<Value>>>,
    counts: Arc<Counts>,
}

/// Mailpit's summary of the message, with what we add.
pub fn payload(namespace: &str, message: &StoredMessage) -> Value {
    let mut payload = serde_json::to_value(MessageSummary::from(message)).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut payload {
        let link = message.reset_link();
        let token = link.as_deref().and_then(links::reset_token).map(str::to_owned);
        fields.insert("reset_link".into(), link.map_or(Value::Null, Value::String));
        fields.insert("token".into(), token.map_or(Value::Null, Value::String));
        fields.insert("namespace".into(), Value::String(namespace.to_owned()));
    }
    payload
}

impl Webhook {
    pub fn new(url: reqwest::Url) -> Self {
        Self::with_limits(url, Limits::default())
    }

    pub fn with_limits(url: reqwest::Url, limits: Limits) -> Self {
        let (queue, waiting) = mpsc::channel(limits.queue.max(1));
        Self { url, limits, queue, waiting: Mutex::new(Some(waiting)), counts: Arc::default() }
    }

    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Notices waiting now.
    pub fn queued(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Queues a notice; never waits.
    pub fn enqueue(&self, payload: Value) {
        self.start();
        if self.queue.try_send(payload).is_err() {
            let dropped = self.counts.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::warn!(target: "webhook", dropped, "webhook queue full: notice dropped");
        }
    }

    fn start(&self) {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        if waiting.is_none() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!(target: "webhook", "no async runtime: webhook notices wait in the queue");
            return;
        };
        if let Some(receiver) = waiting.take() {
            runtime.spawn(deliver(self.url.clone(), self.limits, receiver, Arc::clone(&self.counts)));
        }
    }
}

/// One notice at a time, in capture order.
async fn deliver(url: reqwest::Url, limits: Limits, mut queue: mpsc::Receiver<Value>, counts: Arc<Counts>) {
    let client = match reqwest::Client::builder()
        .timeout(limits.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("mock-server/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(target: "webhook", %error, "cannot build the webhook client: notices are not sent");
            return;
        }
    };
    while let Some(payload) = queue.recv().await {
        let mut backoff = limits.backoff;
        for attempt in 1..=limits.attempts.max(1) {
            if attempt > 1 {
                tokio::time::sleep(backoff).await;
                backoff = backoff.saturating_mul(2);
                counts.retried.fetch_add(1, Ordering::Relaxed);
            }
            let outcome = client.post(url.clone()).json(&payload).send().await;
            let retry = match &outcome {
                Ok(response) if response.status().is_success() => {
                    counts.delivered.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                // Another 4xx will not change by asking again.
                Ok(response) => response.status().is_server_error() || response.status().as_u16() == 429,
                Err(_) => true,
            };
            let last = !retry || attempt == limits.attempts.max(1);
            let reason = match outcome {
                Ok(response) => format!("status {}", response.status()),
                Err(error) => error.to_string(),
            };
            if last {
                counts.failed.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(target: "webhook", attempt, %reason, "webhook notice given up");
                break;
            }
            tracing::debug!(target: "webhook", attempt, %reason, "webhook notice will be retried");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_drops_and_counts_without_waiting() {
        // On this current-thread runtime the delivery task cannot take a notice before the test
        // yields, so the queue of 2 fills.
        let url = reqwest::Url::parse("http://127.0.0.1:9/hook").unwrap();
        let webhook = Webhook::with_limits(url, Limits { queue: 2, ..Limits::default() });
        for n in 0..5 {
            webhook.enqueue(serde_json::json!({ "n": n }));
        }
        assert_eq!(webhook.counts().dropped.load(Ordering::Relaxed), 3);
        assert_eq!(webhook.queued(), 2);
    }
}
