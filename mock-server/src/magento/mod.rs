//! The imitation of Magento: release differences, the error catalogue, the checks of each
//! mutation in Magento's order, and the GraphQL schema that exposes them.

pub mod account;
pub mod cart;
pub mod context;
pub mod customer_token;
pub mod email_address;
pub mod errors;
pub mod password_policy;
pub mod password_reset;
pub mod php;
pub mod release;
pub mod render;
pub mod schema;
pub mod settings;
pub mod sign_in;
pub mod store;
#[cfg(test)]
mod testing;
pub mod validation;

pub use errors::{Category, MagentoError};
pub use release::{CacheIdRule, ErrorShape, MagentoMode, MagentoVersion, ResetLink, StatusFamily, UnreadableBody};
