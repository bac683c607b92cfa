//! The mock as a library for Rust tests, in the style of wiremock-rs: [`MockServer::start`] runs
//! it in-process on a free loopback port, and typed helpers drive it over the same HTTP control
//! API (`/__admin`) and inbox (`/api/v1`) as every other client.
//!
//! Configuration is in code only: nothing is read from the environment (`MOCK_*` is the
//! binary's). SMTP capture is off unless asked for ([`MockServerBuilder::smtp`]).

mod admin;
mod client;
mod error;
mod inbox;
mod routes;
mod server;
mod types;

pub use admin::{Clock, Website};
pub use client::{GraphQlRequest, GraphQlResponse, MockClient};
pub use error::MockServerError;
pub use inbox::RESET_LINK_TIMEOUT;
pub use server::{MockServer, MockServerBuilder};
pub use types::{
    ClockReading, Customer, JournalEntry, LockState, NewCustomer, RequestFilter, ResetEmail, ResetToken, Rule,
    ScenarioRule, StubAnswer,
};
