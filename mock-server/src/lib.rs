//! A test double for Magento / Adobe Commerce's customer password-reset flow over GraphQL.
//!
//! It answers `requestPasswordResetEmail`, `resetPassword` and the rest of the journey (sign-in,
//! `customer`, `isEmailAvailable`, `storeConfig`, the account area) with the exact bytes of the
//! Magento release it imitates, captures the store's emails in an inbox that speaks Mailpit's API,
//! and lets tests script outcomes and move its clock.
//!
//! The public surface is small. For tests: [`MockServer`] (start it in-process on a free port,
//! stop it by dropping it) and the typed helpers of [`MockClient`] over the control API and the
//! inbox, per namespace. For embedding: [`Application`] (bind, then serve until shutdown), its
//! [`Config`], [`router`] for driving the HTTP surface without a socket, [`AppState`] behind it.
//! And the [`magento`] module: the imitation itself, usable without a server. Everything else is
//! internal.
//!
//! # Use it from your tests
//! ```
//! use mock_server::{MockServer, MockServerError};
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), MockServerError> {
//! let server = MockServer::start().await?; // a free loopback port; stops when dropped
//! let mock = server.namespace("my-test"); // this test's own accounts, inbox, journal and clock
//!
//! mock.graphql("mutation($email: String!) { requestPasswordResetEmail(email: $email) }")
//!     .variables(json!({ "email": "roni_cost@example.com" }))
//!     .send()
//!     .await?;
//! let email = mock.wait_for_reset_link("roni_cost@example.com").await?;
//! assert!(email.link.contains("customer/account/createPassword/"));
//!
//! let reset = mock
//!     .graphql("mutation($t: String!) { resetPassword(email: \"roni_cost@example.com\", resetPasswordToken: $t, newPassword: \"N3w-Passw0rd!\") }")
//!     .variables(json!({ "t": email.token }))
//!     .send()
//!     .await?;
//! assert_eq!(reset.data(), &json!({ "resetPassword": true }));
//! # Ok(()) }
//! ```
//!
//! # Layout
//! - [`config`]: the command line, every flag with an environment twin.
//! - `library`: [`MockServer`] and the typed helpers for Rust tests.
//! - [`magento`]: the imitation: releases, error catalogue, checks in Magento's order, the
//!   schema, webonyx-style validation and the rendering of answers. It names nothing of the
//!   server: resolvers are given narrow `Services` (`magento/context.rs`).
//! - `accounts`: customers, reset tokens, locks, throttles and sessions.
//! - `mail`: the store's emails and the inbox.
//! - `scenarios`: scripted states, rules and transport faults.
//! - `journal`: the request journal tests read and wait on.
//! - `stubs`: what the mock does not emulate: recorded or hand-written answers, the upstream
//!   store and the recorder.
//! - [`http`]: the GraphQL transport, the Mailpit routes, the control API.
//! - [`state`]: settings and namespaces shared by all of them; `clock` and `random` are the
//!   single sources of time and randomness.
//!
//! # Embedding
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = mock_server::Config::for_tests()?;
//! let app = mock_server::Application::build(config).await?;
//! println!("GraphQL at http://{}/graphql", app.address());
//! app.run_until(std::future::pending()).await?;
//! # Ok(()) }
//! ```
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod accounts;
#[cfg(feature = "mimalloc")]
pub mod allocator;
mod clock;
pub mod config;
mod fixtures;
pub mod http;
mod journal;
mod library;
pub mod logging;
pub mod magento;
mod mail;
mod persist;
mod random;
mod scenarios;
pub mod state;
mod stubs;

pub use config::{Config, ConfigError, Throttle};
pub use http::router;
pub use library::{
    Clock, ClockReading, Customer, GraphQlRequest, GraphQlResponse, JournalEntry, LockState, MockClient, MockServer,
    MockServerBuilder, MockServerError, NewCustomer, RESET_LINK_TIMEOUT, RequestFilter, ResetEmail, ResetToken, Rule,
    ScenarioRule, StubAnswer, Website,
};
pub use magento::{MagentoMode, MagentoVersion};
pub use state::AppState;

use std::future::Future;
use std::net::SocketAddr;

use tokio::net::TcpListener;

/// The server, bound and ready to run.
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    smtp: Option<(TcpListener, SocketAddr)>,
    max_message_bytes: usize,
    header_read_timeout: std::time::Duration,
    state: AppState,
}

impl Application {
    /// Builds the state (from the fixtures, or what `--data-dir` kept) and binds the listen address.
    pub async fn build(config: Config) -> std::io::Result<Self> {
        // First: a database that cannot be opened stops the start before any port is taken.
        let state = AppState::open(&config).map_err(std::io::Error::other)?;
        let listener = TcpListener::bind(config.listen).await?;
        let address = listener.local_addr()?;
        let smtp = match config.smtp_listen {
            Some(smtp_address) => {
                let smtp = TcpListener::bind(smtp_address).await?;
                let bound = smtp.local_addr()?;
                Some((smtp, bound))
            }
            None => None,
        };
        Ok(Self {
            listener,
            address,
            smtp,
            max_message_bytes: config.max_message_bytes,
            header_read_timeout: config.header_read_timeout,
            state,
        })
    }

    /// Where SMTP capture listens, unless it is off.
    pub fn smtp_address(&self) -> Option<SocketAddr> {
        self.smtp.as_ref().map(|(_, address)| *address)
    }

    /// Where it listens (the real port when the configuration said 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let smtp = self
            .smtp
            .map(|(listener, _)| tokio::spawn(mail::smtp::serve(listener, self.state.clone(), self.max_message_bytes)));
        let dispatch = http::dispatch::Dispatch::new(self.state);
        let served = http::server::serve(self.listener, dispatch, self.header_read_timeout, shutdown).await;
        if let Some(smtp) = smtp {
            smtp.abort();
        }
        served
    }
}
