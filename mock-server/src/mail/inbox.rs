//! The captured-email store of one namespace, newest last, bounded by the retention limit.

use std::collections::VecDeque;

use serde::Serialize;
use time::OffsetDateTime;

use super::reset_email::ResetEmail;
use super::search::Query;

/// Mailpit's `{"Name","Address"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Mailbox {
    pub name: String,
    pub address: String,
}

/// What a captured message holds; rendered on demand.
#[derive(Clone, Debug)]
pub enum Content {
    Reset(ResetEmail),
}

#[derive(Clone, Debug)]
pub struct StoredMessage {
    /// Mailpit's database id: 22 alphanumerics.
    pub id: String,
    /// The `Message-ID` header, without angle brackets.
    pub message_id: String,
    pub created: OffsetDateTime,
    pub read: bool,
    pub size: usize,
    pub content: Content,
}

impl StoredMessage {
    pub fn new(id: String, message_id: String, created: OffsetDateTime, content: Content) -> Self {
        let mut message = Self { id, message_id, created, read: false, size: 0, content };
        message.size = message.raw().len();
        message
    }

    pub fn from(&self) -> Mailbox {
        match &self.content {
            Content::Reset(_) => ResetEmail::sender(),
        }
    }

    pub fn to(&self) -> Vec<Mailbox> {
        match &self.content {
            Content::Reset(email) => vec![email.recipient.clone()],
        }
    }

    pub fn subject(&self) -> String {
        match &self.content {
            Content::Reset(email) => email.subject(),
        }
    }

    pub fn text(&self) -> String {
        match &self.content {
            Content::Reset(email) => email.text(),
        }
    }

    pub fn html(&self) -> String {
        match &self.content {
            Content::Reset(email) => email.html(),
        }
    }

    pub fn raw(&self) -> Vec<u8> {
        match &self.content {
            Content::Reset(email) => email.raw(&self.message_id, self.created),
        }
    }

    /// Mailpit's snippet: the text with whitespace collapsed, at most 250 characters.
    pub fn snippet(&self) -> String {
        let collapsed = self.text().split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.chars().count() <= 250 {
            return collapsed;
        }
        let cut: String = collapsed.chars().take(250).collect();
        format!("{}...", cut.trim_end())
    }

    /// The reset link the message carries, if it is a reset email.
    pub fn reset_link(&self) -> Option<&str> {
        match &self.content {
            Content::Reset(email) => Some(&email.link),
        }
    }
}

#[derive(Debug)]
pub struct Inbox {
    /// Oldest first, so retention drops from the front.
    messages: VecDeque<StoredMessage>,
    max_messages: usize,
}

impl Inbox {
    pub fn new(max_messages: usize) -> Self {
        Self { messages: VecDeque::new(), max_messages: max_messages.max(1) }
    }

    pub fn capture(&mut self, message: StoredMessage) {
        while self.messages.len() >= self.max_messages {
            self.messages.pop_front();
        }
        self.messages.push_back(message);
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

    /// Newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &StoredMessage> {
        self.messages.iter().rev()
    }

    /// Newest first, those matching `query`.
    pub fn search<'a>(&'a self, query: &'a Query, now: OffsetDateTime) -> impl Iterator<Item = &'a StoredMessage> {
        self.newest_first().filter(move |m| query.matches(m, now))
    }

    /// Looks a message up by id, or `latest` (the newest, matching `query` when given); marks it read.
    pub fn open(&mut self, id: &str, query: Option<&Query>, now: OffsetDateTime) -> Option<&StoredMessage> {
        let index = if id == "latest" {
            let newest = self.messages.iter().rposition(|m| query.is_none_or(|q| q.matches(m, now)))?;
            Some(newest)
        } else {
            self.messages.iter().position(|m| m.id == id)
        }?;
        let message = self.messages.get_mut(index)?;
        message.read = true;
        Some(message)
    }

    pub fn clear(&mut self) {
        self.messages.clear();
    }

    /// Deletes the messages whose id is in `ids`; answers how many went.
    pub fn delete(&mut self, ids: &[String]) -> usize {
        let before = self.messages.len();
        self.messages.retain(|m| !ids.contains(&m.id));
        before - self.messages.len()
    }
}
