//! A captured message: our own reset email (rendered on demand) or mail from outside (kept as
//! its source), and what every view reads from it.

use std::sync::{Arc, OnceLock};

use time::OffsetDateTime;

use super::links;
use super::message::{Mailbox, clean_tag, plus_tags, snippet_of};
use super::received::{self, Parsed, Received, parse_parts};
use super::reset_email::{ResetEmail, SUPPORT_EMAIL};

/// What a captured message holds.
#[derive(Clone, Debug)]
pub enum Content {
    /// A reset email of our own: only its variable fields, rendered on demand.
    Reset(ResetEmail),
    /// Mail from outside, kept as its source.
    Received(Box<Received>),
}

#[derive(Clone, Debug)]
pub struct StoredMessage {
    /// Mailpit's database id: 22 alphanumerics (shared with the inbox's index, the request that
    /// captured it and its journal entry).
    pub id: Arc<str>,
    /// The `Message-ID` header, without angle brackets.
    pub message_id: String,
    pub created: OffsetDateTime,
    pub read: bool,
    /// The source's length, worked out when first asked: capturing stays cheap.
    size: OnceLock<usize>,
    pub tags: Vec<String>,
    pub content: Content,
}

impl StoredMessage {
    pub fn new(id: Arc<str>, message_id: String, created: OffsetDateTime, content: Content) -> Self {
        let mut message =
            Self { id, message_id, created, read: false, size: OnceLock::new(), tags: Vec::new(), content };
        message.tags = message.derive_tags();
        message
    }

    /// The size of the RFC 5322 source, in bytes.
    pub fn size(&self) -> usize {
        *self.size.get_or_init(|| match &self.content {
            Content::Reset(_) => self.raw().len(),
            Content::Received(received) => received.raw.len(),
        })
    }

    /// Plus-addressing (`user+tag@` in From, To, Cc or Bcc) and an `X-Tags` header tag a message,
    /// cleaned and deduplicated as in Mailpit.
    fn derive_tags(&self) -> Vec<String> {
        // The addresses borrowed, not copied as `to()` and `from()` do: this runs on every capture.
        let (header_tags, received, reset) = match &self.content {
            Content::Received(received) => (received.header_tags.as_slice(), Some(received), None),
            // The common case, every reset request: no header tags, and the iterator chain below
            // cost more than the rest of the capture's bookkeeping.
            Content::Reset(email) if !email.recipient.address.contains('+') && !SUPPORT_EMAIL.contains('+') => {
                return Vec::new();
            }
            Content::Reset(email) => (&[][..], None, Some([email.recipient.address.as_str(), SUPPORT_EMAIL])),
        };
        let received_addresses = received.into_iter().flat_map(|r| {
            r.to.iter().chain(&r.cc).chain(&r.bcc).chain([&r.from]).map(|mailbox| mailbox.address.as_str())
        });
        let addresses = received_addresses.chain(reset.into_iter().flatten());
        let mut tags: Vec<String> = header_tags
            .iter()
            .map(String::as_str)
            .chain(addresses.flat_map(plus_tags))
            .map(clean_tag)
            .filter(|t| !t.is_empty())
            .collect();
        tags.sort_unstable_by_key(|t| t.to_lowercase());
        tags.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        tags
    }

    pub fn from(&self) -> Mailbox {
        match &self.content {
            Content::Reset(_) => ResetEmail::sender(),
            Content::Received(received) => received.from.clone(),
        }
    }

    pub fn to(&self) -> Vec<Mailbox> {
        match &self.content {
            Content::Reset(email) => vec![email.recipient.clone()],
            Content::Received(received) => received.to.clone(),
        }
    }

    pub fn cc(&self) -> Vec<Mailbox> {
        match &self.content {
            Content::Reset(_) => Vec::new(),
            Content::Received(received) => received.cc.clone(),
        }
    }

    pub fn bcc(&self) -> Vec<Mailbox> {
        match &self.content {
            Content::Reset(_) => Vec::new(),
            Content::Received(received) => received.bcc.clone(),
        }
    }

    pub fn reply_to(&self) -> Vec<Mailbox> {
        match &self.content {
            Content::Reset(_) => Vec::new(),
            Content::Received(received) => received.reply_to.clone(),
        }
    }

    pub fn return_path(&self) -> String {
        match &self.content {
            Content::Reset(_) => ResetEmail::sender().address,
            Content::Received(received) => received.return_path.clone(),
        }
    }

    pub fn subject(&self) -> String {
        match &self.content {
            Content::Reset(email) => email.subject(),
            Content::Received(received) => received.subject.clone(),
        }
    }

    pub fn attachment_count(&self) -> usize {
        match &self.content {
            Content::Reset(_) => 0,
            Content::Received(received) => received.attachments,
        }
    }

    /// Text, HTML, attachments and headers.
    pub fn parts(&self) -> Parsed {
        match &self.content {
            Content::Reset(email) => Parsed { text: email.text(), html: email.html(), ..parse_parts(&self.raw()) },
            Content::Received(received) => received.parse_parts(),
        }
    }

    /// An attachment's content type and bytes, by Mailpit `PartID`.
    pub fn attachment(&self, part_id: &str) -> Option<(String, Vec<u8>)> {
        received::attachment(&self.raw(), part_id)
    }

    pub fn text(&self) -> String {
        match &self.content {
            Content::Reset(email) => email.text(),
            Content::Received(received) => received.parse_parts().text,
        }
    }

    pub fn raw(&self) -> Vec<u8> {
        match &self.content {
            Content::Reset(email) => email.raw(&self.message_id, self.created),
            Content::Received(received) => received.raw.to_vec(),
        }
    }

    /// Mailpit's snippet (see [`snippet_of`]); mail from outside has it worked out on arrival,
    /// so listing never parses MIME again.
    pub fn snippet(&self) -> String {
        match &self.content {
            Content::Reset(email) => snippet_of(&email.text()),
            Content::Received(received) => received.snippet.clone(),
        }
    }

    /// The password-reset link the message carries: ours, or one in mail from a real store.
    pub fn reset_link(&self) -> Option<String> {
        match &self.content {
            Content::Reset(email) => Some(email.link.clone()),
            Content::Received(received) => {
                let parts = received.parse_parts();
                links::find_reset_link(&parts.html).or_else(|| links::find_reset_link(&parts.text))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_email_is_tagged_by_its_recipients_plus_address() {
        let recipient = Mailbox { name: "Roni".into(), address: "roni+promo+Alpha@example.com".into() };
        let email =
            ResetEmail::new(recipient, "Main Website Store", "http://shop.test/", "http://shop.test/x".into(), "en_US");
        let message = StoredMessage::new("id".into(), "m@x".into(), OffsetDateTime::UNIX_EPOCH, Content::Reset(email));
        assert_eq!(message.tags, ["Alpha", "promo"]);
    }
}
