//! Mailpit's JSON shapes (`mailpit-api.md`), field for field: envelope keys lower case, message
//! objects PascalCase, address lists `[]` never `null`.

use serde::Serialize;
use time::OffsetDateTime;

use super::message::Mailbox;
use super::received::Attachment;
use super::stored::StoredMessage;

#[derive(Serialize)]
pub struct MessagesSummary {
    pub total: usize,
    pub unread: usize,
    /// Undocumented by Mailpit now, still sent, and asserted on by cypress-mailpit.
    pub count: usize,
    pub messages_count: usize,
    pub messages_unread: usize,
    pub start: usize,
    pub tags: Vec<String>,
    pub messages: Vec<MessageSummary>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageSummary {
    #[serde(rename = "ID")]
    id: String,
    #[serde(rename = "MessageID")]
    message_id: String,
    read: bool,
    from: Mailbox,
    to: Vec<Mailbox>,
    cc: Vec<Mailbox>,
    bcc: Vec<Mailbox>,
    reply_to: Vec<Mailbox>,
    subject: String,
    #[serde(with = "time::serde::rfc3339")]
    created: OffsetDateTime,
    username: String,
    tags: Vec<String>,
    size: usize,
    attachments: usize,
    snippet: String,
}

impl From<&StoredMessage> for MessageSummary {
    fn from(m: &StoredMessage) -> Self {
        Self {
            id: m.id.to_string(),
            message_id: m.message_id.clone(),
            read: m.read,
            from: m.from(),
            to: m.to(),
            cc: m.cc(),
            bcc: m.bcc(),
            reply_to: m.reply_to(),
            subject: m.subject(),
            created: m.created,
            username: String::new(),
            tags: m.tags.clone(),
            size: m.size(),
            attachments: m.attachment_count(),
            snippet: m.snippet(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Message {
    #[serde(rename = "ID")]
    id: String,
    #[serde(rename = "MessageID")]
    message_id: String,
    from: Mailbox,
    to: Vec<Mailbox>,
    cc: Vec<Mailbox>,
    bcc: Vec<Mailbox>,
    reply_to: Vec<Mailbox>,
    return_path: String,
    subject: String,
    list_unsubscribe: ListUnsubscribe,
    #[serde(with = "time::serde::rfc3339")]
    date: OffsetDateTime,
    tags: Vec<String>,
    username: String,
    text: String,
    #[serde(rename = "HTML")]
    html: String,
    size: usize,
    inline: Vec<Attachment>,
    attachments: Vec<Attachment>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
struct ListUnsubscribe {
    header: String,
    links: Vec<String>,
    errors: String,
    header_post: String,
}

impl From<&StoredMessage> for Message {
    fn from(m: &StoredMessage) -> Self {
        let parts = m.parts();
        Self {
            id: m.id.to_string(),
            message_id: m.message_id.clone(),
            from: m.from(),
            to: m.to(),
            cc: m.cc(),
            bcc: m.bcc(),
            reply_to: m.reply_to(),
            return_path: m.return_path(),
            subject: m.subject(),
            list_unsubscribe: ListUnsubscribe::default(),
            date: m.created,
            tags: m.tags.clone(),
            username: String::new(),
            text: parts.text,
            html: parts.html,
            size: m.size(),
            inline: parts.inline,
            attachments: parts.attachments,
        }
    }
}
