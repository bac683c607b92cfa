//! The captured-email store of one namespace, oldest first, bounded by the retention limit, and
//! announcing every change to live listeners (`/api/events`).

use std::collections::VecDeque;
use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::mailpit::MessageSummary;
use super::search::Query;
use super::stored::StoredMessage;

/// Live listeners get Mailpit's event frames as JSON text.
pub type Events = broadcast::Sender<Arc<str>>;

/// Told of every change while the inbox is locked, to keep a copy (`--data-dir`).
pub trait InboxLog: std::fmt::Debug + Send + Sync {
    /// `message` joined the inbox; retention dropped the `dropped` ids to make room.
    fn captured(&self, message: &StoredMessage, dropped: &[String]);
    fn read_changed(&self, ids: &[String], read: bool);
    fn deleted(&self, ids: &[String]);
    fn cleared(&self);
}

#[derive(Debug)]
pub struct Inbox {
    /// Oldest first, so retention drops from the front.
    messages: VecDeque<StoredMessage>,
    max_messages: usize,
    events: Events,
    log: Option<Arc<dyn InboxLog>>,
}

impl Inbox {
    pub fn new(max_messages: usize, events: Events) -> Self {
        Self { messages: VecDeque::new(), max_messages: max_messages.max(1), events, log: None }
    }

    /// An inbox that tells `log` of every change, starting with `messages` (oldest first; only
    /// the newest the retention limit keeps).
    pub fn logged(max_messages: usize, events: Events, log: Arc<dyn InboxLog>, messages: Vec<StoredMessage>) -> Self {
        let mut inbox = Self::new(max_messages, events);
        let skip = messages.len().saturating_sub(inbox.max_messages);
        inbox.messages.extend(messages.into_iter().skip(skip));
        inbox.log = Some(log);
        inbox
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
        if let Some(log) = &self.log {
            log.captured(&message, &dropped);
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
        if let Some(log) = self.log.as_ref().filter(|_| !changed.is_empty()) {
            log.read_changed(&changed, read);
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
        if let Some(log) = &self.log {
            log.cleared();
        }
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
        if let Some(log) = self.log.as_ref().filter(|_| !deleted.is_empty()) {
            log.deleted(&deleted);
        }
        if !deleted.is_empty() {
            self.announce("delete", || json!({ "IDs": deleted }));
            self.announce_stats();
        }
        before - self.messages.len()
    }
}
