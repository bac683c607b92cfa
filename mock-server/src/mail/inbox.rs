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
    /// Oldest first, so retention drops from the front, each with its arrival number (rising,
    /// so a message is found from its number by binary search).
    messages: VecDeque<(u64, StoredMessage)>,
    /// Arrival numbers by message id, so a lookup by id does not scan the inbox (`/view/{ID}`
    /// and friends, once per message in a soak). `None` once two messages share an id (only a
    /// restart with the same `--seed` and `--data-dir` can do that): lookups then scan, and the
    /// oldest of the two is found, as before.
    by_id: Option<foldhash::HashMap<Arc<str>, u64>>,
    next_arrival: u64,
    max_messages: usize,
    events: Events,
    log: Option<Arc<dyn InboxLog>>,
}

impl Inbox {
    pub fn new(max_messages: usize, events: Events) -> Self {
        Self {
            messages: VecDeque::new(),
            by_id: Some(foldhash::HashMap::default()),
            next_arrival: 0,
            max_messages: max_messages.max(1),
            events,
            log: None,
        }
    }

    /// An inbox that tells `log` of every change, starting with `messages` (oldest first; only
    /// the newest the retention limit keeps).
    pub fn logged(max_messages: usize, events: Events, log: Arc<dyn InboxLog>, messages: Vec<StoredMessage>) -> Self {
        let mut inbox = Self::new(max_messages, events);
        let skip = messages.len().saturating_sub(inbox.max_messages);
        for message in messages.into_iter().skip(skip) {
            inbox.push(message);
        }
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

    /// Keeps `message`; answers the oldest message when it made room for it, for the caller to
    /// drop once it has let go of the inbox's lock.
    #[must_use = "the message given up is dropped outside the inbox's lock"]
    pub fn capture(&mut self, message: StoredMessage) -> Option<StoredMessage> {
        // The dropped ids are only listed for someone to tell: once the inbox is full, every
        // capture drops one, and listing it cost an allocation.
        let listed = self.log.is_some() || self.events.receiver_count() > 0;
        let mut dropped = Vec::new();
        let mut given_up = None;
        while self.messages.len() >= self.max_messages {
            if let Some((_, old)) = self.messages.pop_front() {
                if let Some(index) = &mut self.by_id {
                    index.remove(&old.id);
                }
                if listed {
                    dropped.push(old.id.to_string());
                }
                // More than one only for an inbox restored fuller than its limit.
                given_up = Some(old);
            }
        }
        if let Some(log) = &self.log {
            log.captured(&message, &dropped);
        }
        if !dropped.is_empty() {
            self.announce("delete", || json!({ "IDs": dropped }));
        }
        self.announce("new", || serde_json::to_value(MessageSummary::from(&message)).unwrap_or(Value::Null));
        self.push(message);
        self.announce_stats();
        given_up
    }

    fn push(&mut self, message: StoredMessage) {
        let arrival = self.next_arrival;
        self.next_arrival += 1;
        if let Some(index) = &mut self.by_id
            && index.insert(Arc::clone(&message.id), arrival).is_some()
        {
            self.by_id = None;
        }
        self.messages.push_back((arrival, message));
    }

    /// Where the (oldest) message with this id is.
    fn position(&self, id: &str) -> Option<usize> {
        match &self.by_id {
            Some(index) => {
                let arrival = *index.get(id)?;
                self.messages.binary_search_by_key(&arrival, |(arrival, _)| *arrival).ok()
            }
            None => self.messages.iter().position(|(_, m)| &*m.id == id),
        }
    }

    /// Where the messages with these ids are (all when `ids` is empty), oldest first.
    fn positions(&self, ids: &[String]) -> Vec<usize> {
        match &self.by_id {
            Some(_) if !ids.is_empty() => {
                let mut found: Vec<usize> = ids.iter().filter_map(|id| self.position(id)).collect();
                found.sort_unstable();
                found.dedup();
                found
            }
            _ => (0..self.messages.len())
                .filter(|&i| ids.is_empty() || ids.iter().any(|id| **id == *self.messages[i].1.id))
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    pub fn unread(&self) -> usize {
        self.messages.iter().filter(|(_, m)| !m.read).count()
    }

    /// Sum of message sizes, for `info`.
    pub fn total_size(&self) -> usize {
        self.messages.iter().map(|(_, m)| m.size()).sum()
    }

    /// Every tag in use, sorted.
    pub fn tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = self.messages.iter().flat_map(|(_, m)| m.tags.iter().cloned()).collect();
        tags.sort_unstable_by_key(|t| t.to_lowercase());
        tags.dedup();
        tags
    }

    /// Newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &StoredMessage> {
        self.messages.iter().rev().map(|(_, m)| m)
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
            self.position(id).and_then(|i| self.messages.get(i)).map(|(_, m)| m)
        }
    }

    /// Like [`Inbox::find`], and marks the message read.
    pub fn open(&mut self, id: &str, query: Option<&Query>) -> Option<&StoredMessage> {
        let id = self.find(id, query)?.id.to_string();
        self.set_read(std::slice::from_ref(&id), true);
        self.position(&id).and_then(|i| self.messages.get(i)).map(|(_, m)| m)
    }

    /// Marks the messages with these ids (all when empty) read or unread.
    pub fn set_read(&mut self, ids: &[String], read: bool) {
        let mut changed = Vec::new();
        for i in self.positions(ids) {
            let Some((_, message)) = self.messages.get_mut(i) else { continue };
            if message.read != read {
                message.read = read;
                changed.push(message.id.to_string());
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
        self.by_id = Some(foldhash::HashMap::default());
        if let Some(log) = &self.log {
            log.cleared();
        }
        self.announce("truncate", || Value::Null);
        self.announce_stats();
    }

    /// Deletes the messages whose id is in `ids`; answers how many went.
    pub fn delete(&mut self, ids: &[String]) -> usize {
        let before = self.messages.len();
        let gone: Vec<u64> = if ids.is_empty() {
            Vec::new()
        } else {
            self.positions(ids).into_iter().filter_map(|i| self.messages.get(i)).map(|(arrival, _)| *arrival).collect()
        };
        let mut deleted = Vec::new();
        // `gone` is in arrival order, so one pass with binary searches removes them all.
        self.messages.retain(|(arrival, m)| {
            let keep = gone.binary_search(arrival).is_err();
            if !keep {
                deleted.push(m.id.to_string());
            }
            keep
        });
        if let Some(index) = &mut self.by_id {
            for id in &deleted {
                index.remove(id.as_str());
            }
        }
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use time::OffsetDateTime;

    use super::*;
    use crate::mail::stored::Content;
    use crate::mail::{Mailbox, ResetEmail};

    fn message(id: &str, message_id: &str) -> StoredMessage {
        let recipient = Mailbox { name: "Roni".into(), address: "roni@example.com".into() };
        let email = ResetEmail::new(recipient, "Store", "http://shop.test/", "http://shop.test/x".into(), "en_US");
        StoredMessage::new(id.into(), message_id.into(), OffsetDateTime::UNIX_EPOCH, Content::Reset(email))
    }

    /// What the inbox told its log, in order.
    #[derive(Debug, Default)]
    struct Told(Mutex<Vec<String>>);

    impl InboxLog for Told {
        fn captured(&self, message: &StoredMessage, dropped: &[String]) {
            self.0.lock().unwrap().push(format!("captured {} dropping {dropped:?}", message.id));
        }
        fn read_changed(&self, ids: &[String], read: bool) {
            self.0.lock().unwrap().push(format!("read={read} {ids:?}"));
        }
        fn deleted(&self, ids: &[String]) {
            self.0.lock().unwrap().push(format!("deleted {ids:?}"));
        }
        fn cleared(&self) {
            self.0.lock().unwrap().push("cleared".into());
        }
    }

    fn ids(inbox: &Inbox) -> Vec<&str> {
        inbox.newest_first().map(|m| &*m.id).collect()
    }

    #[test]
    fn lookups_by_id_follow_retention_deletes_and_reads_in_inbox_order() {
        let told = Arc::new(Told::default());
        let mut inbox = Inbox::logged(3, broadcast::channel(1).0, told.clone(), Vec::new());
        for (id, gives_up) in [("a", None), ("b", None), ("c", None), ("d", Some("a")), ("e", Some("b"))] {
            let given_up = inbox.capture(message(id, id));
            assert_eq!(given_up.as_ref().map(|m| &*m.id), gives_up, "capturing {id}");
        }
        assert_eq!(ids(&inbox), ["e", "d", "c"]);
        assert!(inbox.find("a", None).is_none() && inbox.find("b", None).is_none());
        assert_eq!(inbox.find("d", None).map(|m| &*m.id), Some("d"));
        assert_eq!(inbox.find("latest", None).map(|m| &*m.id), Some("e"));

        inbox.set_read(&["e".into(), "c".into(), "e".into(), "zz".into()], true);
        assert_eq!(inbox.open("d", None).map(|m| m.read), Some(true));
        assert_eq!(inbox.unread(), 0);
        assert_eq!(inbox.delete(&["e".into(), "a".into(), "c".into()]), 2);
        assert_eq!(inbox.delete(&[]), 0);
        assert_eq!(ids(&inbox), ["d"]);
        assert!(inbox.find("e", None).is_none());
        assert!(inbox.capture(message("f", "f")).is_none(), "room was left by the deletes");
        assert_eq!(inbox.find("f", None).map(|m| &*m.id), Some("f"));
        assert_eq!(
            told.0.lock().unwrap()[3..],
            [
                "captured d dropping [\"a\"]",
                "captured e dropping [\"b\"]",
                "read=true [\"c\", \"e\"]",
                "read=true [\"d\"]",
                "deleted [\"c\", \"e\"]",
                "captured f dropping []",
            ]
        );
    }

    /// Without a log, a live listener is still told which ids retention dropped.
    #[test]
    fn a_listener_hears_which_ids_retention_dropped() {
        let (events, mut listener) = broadcast::channel(16);
        let mut inbox = Inbox::new(1, events);
        assert!(inbox.capture(message("a", "a")).is_none());
        assert_eq!(inbox.capture(message("b", "b")).map(|m| m.id), Some("a".into()));
        let frames: Vec<String> = std::iter::from_fn(|| listener.try_recv().ok()).map(|f| f.to_string()).collect();
        assert!(frames.iter().any(|f| f.starts_with(r#"{"Type":"delete","Data":{"IDs":["a"]}"#)), "{frames:?}");
        assert_eq!(ids(&inbox), ["b"]);
    }

    #[test]
    fn two_messages_with_one_id_are_found_oldest_first_and_deleted_together() {
        let restored = vec![message("x", "old"), message("y", "y"), message("x", "new")];
        let mut inbox = Inbox::logged(10, broadcast::channel(1).0, Arc::new(Told::default()), restored);
        assert_eq!(inbox.find("x", None).map(|m| m.message_id.as_str()), Some("old"));
        assert_eq!(inbox.find("y", None).map(|m| m.message_id.as_str()), Some("y"));
        assert_eq!(inbox.delete(&["x".into()]), 2);
        assert_eq!(ids(&inbox), ["y"]);
        inbox.clear();
        assert!(inbox.capture(message("x", "x")).is_none());
        assert_eq!(inbox.find("x", None).map(|m| m.message_id.as_str()), Some("x"));
    }
}
