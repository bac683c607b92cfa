//! The captured-email store of one namespace, oldest first, bounded by the retention limit, and
//! announcing every change to live listeners (`/api/events`).

use std::collections::VecDeque;
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use tokio::sync::broadcast;

use super::mailpit::MessageSummary;
use super::received::{Parsed, Received, parse_parts};
use super::reset_email::ResetEmail;
use super::search::Query;

/// Mailpit's `{"Name","Address"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Mailbox {
    pub name: String,
    pub address: String,
}

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
    /// Mailpit's database id: 22 alphanumerics.
    pub id: String,
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
    pub fn new(id: String, message_id: String, created: OffsetDateTime, content: Content) -> Self {
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

    /// Plus-addressing (`user+tag@`) and an `X-Tags` header tag a message, as in Mailpit.
    fn derive_tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = match &self.content {
            Content::Received(received) => received.header_tags.clone(),
            Content::Reset(_) => Vec::new(),
        };
        for mailbox in self.to().iter().chain(&self.cc()) {
            let local = mailbox.address.rsplit_once('@').map_or("", |(local, _)| local);
            if let Some((_, tag)) = local.split_once('+').filter(|(_, tag)| !tag.is_empty()) {
                tags.push(tag.to_owned());
            }
        }
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
        super::received::attachment(&self.raw(), part_id)
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
                super::links::find_reset_link(&parts.html).or_else(|| super::links::find_reset_link(&parts.text))
            }
        }
    }
}

/// Mailpit's snippet: the text with whitespace collapsed, at most 250 characters.
pub fn snippet_of(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= 250 {
        return collapsed;
    }
    let cut: String = collapsed.chars().take(250).collect();
    format!("{}...", cut.trim_end())
}

/// Live listeners get Mailpit's event frames as JSON text.
pub type Events = broadcast::Sender<Arc<str>>;

#[derive(Debug)]
pub struct Inbox {
    /// Oldest first, so retention drops from the front.
    messages: VecDeque<StoredMessage>,
    max_messages: usize,
    events: Events,
}

impl Inbox {
    pub fn new(max_messages: usize, events: Events) -> Self {
        Self { messages: VecDeque::new(), max_messages: max_messages.max(1), events }
    }

    fn announce(&self, kind: &str, data: impl FnOnce() -> Value) {
        // Building the frame costs nothing when nobody listens.
        if self.events.receiver_count() > 0 {
            let frame = json!({ "Type": kind, "Data": data() }).to_string();
            let _ = self.events.send(frame.into());
        }
    }

    fn announce_stats(&self) {
        self.announce(
            "stats",
            || json!({ "Total": self.len(), "Unread": self.unread(), "Version": env!("CARGO_PKG_VERSION") }),
        );
    }

    pub fn capture(&mut self, message: StoredMessage) {
        let mut dropped = Vec::new();
        while self.messages.len() >= self.max_messages {
            if let Some(old) = self.messages.pop_front() {
                dropped.push(old.id);
            }
        }
        if !dropped.is_empty() {
            self.announce("delete", || json!({ "IDs": dropped }));
        }
        self.announce("new", || serde_json::to_value(MessageSummary::from(&message)).unwrap_or(Value::Null));
        self.messages.push_back(message);
        self.announce_stats();
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    pub fn unread(&self) -> usize {
        self.messages.iter().filter(|m| !m.read).count()
    }

    /// Sum of message sizes, for `info`.
    pub fn total_size(&self) -> usize {
        self.messages.iter().map(StoredMessage::size).sum()
    }

    /// Every tag in use, sorted.
    pub fn tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = self.messages.iter().flat_map(|m| m.tags.iter().cloned()).collect();
        tags.sort_unstable_by_key(|t| t.to_lowercase());
        tags.dedup();
        tags
    }

    /// Newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &StoredMessage> {
        self.messages.iter().rev()
    }

    /// Newest first, those matching `query`.
    pub fn search<'a>(&'a self, query: &'a Query) -> impl Iterator<Item = &'a StoredMessage> {
        self.newest_first().filter(move |m| query.matches(m))
    }

    /// A message by id, or `latest` (the newest, matching `query` when given).
    pub fn find(&self, id: &str, query: Option<&Query>) -> Option<&StoredMessage> {
        if id == "latest" {
            self.newest_first().find(|m| query.is_none_or(|q| q.matches(m)))
        } else {
            self.messages.iter().find(|m| m.id == id)
        }
    }

    /// Like [`Inbox::find`], and marks the message read.
    pub fn open(&mut self, id: &str, query: Option<&Query>) -> Option<&StoredMessage> {
        let id = self.find(id, query)?.id.clone();
        self.set_read(std::slice::from_ref(&id), true);
        self.messages.iter().find(|m| m.id == id)
    }

    /// Marks the messages with these ids (all when empty) read or unread.
    pub fn set_read(&mut self, ids: &[String], read: bool) {
        let mut changed = Vec::new();
        for message in self.messages.iter_mut().filter(|m| ids.is_empty() || ids.contains(&m.id)) {
            if message.read != read {
                message.read = read;
                changed.push(message.id.clone());
            }
        }
        for id in &changed {
            self.announce("update", || json!({ "ID": id, "Read": read }));
        }
        if !changed.is_empty() {
            self.announce_stats();
        }
    }

    pub fn clear(&mut self) {
        self.messages.clear();
        self.announce("truncate", || Value::Null);
        self.announce_stats();
    }

    /// Deletes the messages whose id is in `ids`; answers how many went.
    pub fn delete(&mut self, ids: &[String]) -> usize {
        let before = self.messages.len();
        let mut deleted = Vec::new();
        self.messages.retain(|m| {
            let keep = !ids.contains(&m.id);
            if !keep {
                deleted.push(m.id.clone());
            }
            keep
        });
        if !deleted.is_empty() {
            self.announce("delete", || json!({ "IDs": deleted }));
            self.announce_stats();
        }
        before - self.messages.len()
    }
}
