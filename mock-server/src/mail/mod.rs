//! Email: the reset email Magento composes, mail from outside (SMTP, `send`), the inbox that
//! captures both, and Mailpit's view of it.

pub mod compose;
#[cfg(test)]
mod fuzz;
pub mod inbox;
pub mod links;
pub mod luma;
pub mod mailpit;
pub mod message;
pub mod received;
pub mod reset_email;
pub mod search;
pub mod smtp;
pub mod smtp_faults;
pub mod stored;
pub mod webhook;

pub use inbox::Inbox;
pub use message::Mailbox;
pub use reset_email::ResetEmail;
pub use stored::{Content, StoredMessage};
