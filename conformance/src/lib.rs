//! Checks that a backend behaves as Magento documents its customer password-reset flow
//! (`magento-behaviour.md` of the shared docs): the exact answers of every documented case
//! (golden files), properties over generated inputs, the email and the token's lifecycle.
//!
//! The expectations come from the documentation, the golden files under `snapshots/`, generators
//! that build valid or invalid inputs by construction, and the public email-verdict corpus, never
//! from the mock's code, so the mock is held to the same standard as any other backend.
//!
//! # Layout
//! - [`run`]: [`run::Options`], [`run::prepare`] (starts `builtin`, probes the target) and
//!   [`run::run_checks`]; [`context`]: the [`context::Context`] and each check's
//!   [`context::Session`] (own namespace on the mock, clean-up afterwards).
//! - [`target`], [`inbox`], [`admin`]: clients of the GraphQL endpoint, of a Mailpit-compatible
//!   inbox and of the mock's control API.
//! - [`checks`]: one module per area; [`strategies`]: the input generators; [`property`]: the
//!   async property runner with shrinking.
//! - [`golden`]: the golden files, built in; [`messages`]: the documented catalogue;
//!   [`release`]: what differs between releases; [`report`]: human, JUnit and JSON output.
//!
//! # Example
//! ```no_run
//! # async fn demo() -> Result<(), conformance::error::SetupError> {
//! let options = conformance::run::Options::default(); // --target builtin
//! let (ctx, _server) = conformance::run::prepare(&options).await?;
//! let outcomes = conformance::run::run_checks(&ctx, conformance::checks::all(), None, 8).await;
//! println!("{}", conformance::report::summary_line(conformance::report::counts(&outcomes)));
//! # Ok(()) }
//! ```
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod admin;
pub mod check;
pub mod checks;
pub mod context;
pub mod diff;
pub mod error;
pub mod golden;
pub mod inbox;
pub mod messages;
pub mod outcome;
pub mod plan;
pub mod property;
pub mod record;
pub mod release;
pub mod report;
pub mod run;
pub mod sign_up;
pub mod strategies;
pub mod target;
