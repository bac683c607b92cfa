//! Email: the reset email Magento composes, and the inbox that captures it.

pub mod inbox;
pub mod reset_email;
pub mod search;

pub use inbox::{Inbox, Mailbox, StoredMessage};
pub use reset_email::ResetEmail;
