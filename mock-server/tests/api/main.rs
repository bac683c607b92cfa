//! mock-server over real HTTP: each test starts the server on port 0 and talks to it as a
//! storefront, a QA script or a CI job would.

mod helpers;

mod documented_cases;
mod journey;
mod mailpit;
mod releases;
mod robustness;
mod sign_in;
mod time_rules;
