//! The imitation of Magento: release differences, the error catalogue, the checks of each
//! mutation in Magento's order, and the GraphQL schema that exposes them.

pub(crate) mod account;
pub(crate) mod cart;
pub(crate) mod context;
pub(crate) mod customer_token;
pub(crate) mod direct;
pub mod email_address;
pub mod errors;
pub(crate) mod password_policy;
pub(crate) mod password_reset;
pub(crate) mod php;
pub mod release;
pub(crate) mod render;
pub(crate) mod reset_link;
pub mod schema;
pub(crate) mod scripted;
pub mod settings;
pub(crate) mod sign_in;
pub(crate) mod store;
#[cfg(test)]
mod testing;
pub(crate) mod validation;

pub use errors::{Category, MagentoError};
pub use release::{CacheIdRule, ErrorShape, MagentoMode, MagentoVersion, ResetLink, StatusFamily, UnreadableBody};
