//! The store's public settings a storefront reads at start-up.

pub mod recaptcha;
pub mod store_config;
