//! Mail injected over HTTP (`POST /api/v1/send`), built into an RFC 5322 source with a
//! maintained builder (mail-builder).

use std::collections::BTreeMap;

use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::raw::Raw;
use serde::Deserialize;

/// Mailpit's send body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SendRequest {
    pub from: Option<SendAddress>,
    #[serde(default)]
    pub to: Vec<SendAddress>,
    #[serde(default)]
    pub cc: Vec<SendAddress>,
    #[serde(default)]
    pub bcc: Vec<String>,
    #[serde(default)]
    pub reply_to: Vec<SendAddress>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub text: String,
    #[serde(rename = "HTML", default)]
    pub html: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub attachments: Vec<SendAttachment>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendAddress {
    pub email: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendAttachment {
    /// Base64.
    pub content: String,
    pub filename: String,
    #[serde(default)]
    pub content_type: String,
    #[serde(rename = "ContentID", default)]
    pub content_id: String,
}

/// Why a send body makes no message (the texts are Mailpit's where it has one).
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("From is required")]
    NoFrom,
    #[error("From.Email is required")]
    NoFromEmail,
    #[error("at least one of To, Cc or Bcc is required")]
    NoRecipient,
    #[error("attachment {0:?}: Content is not valid base64")]
    Attachment(String),
    #[error("the message could not be written: {0}")]
    Write(#[from] std::io::Error),
}

impl SendRequest {
    /// The source, and the envelope recipients (Bcc included).
    pub fn build(self, message_id: &str, date: i64) -> Result<(Vec<u8>, Vec<String>), SendError> {
        let from = self.from.ok_or(SendError::NoFrom)?;
        if from.email.trim().is_empty() {
            return Err(SendError::NoFromEmail);
        }
        let to_address = |list: &[SendAddress]| -> Address<'static> {
            Address::new_list(
                list.iter().map(|a| Address::new_address(Some(a.name.clone()), a.email.clone())).collect(),
            )
        };
        let mut envelope: Vec<String> = self.to.iter().chain(&self.cc).map(|a| a.email.clone()).collect();
        envelope.extend(self.bcc.iter().cloned());
        if envelope.is_empty() {
            return Err(SendError::NoRecipient);
        }
        let mut builder = MessageBuilder::new()
            .message_id(message_id.to_owned())
            .date(date)
            .from(Address::new_address(Some(from.name), from.email))
            .subject(self.subject.clone());
        if !self.to.is_empty() {
            builder = builder.to(to_address(&self.to));
        }
        if !self.cc.is_empty() {
            builder = builder.cc(to_address(&self.cc));
        }
        if !self.reply_to.is_empty() {
            builder = builder.reply_to(to_address(&self.reply_to));
        }
        let mut tags = self.tags.clone();
        for (name, value) in &self.headers {
            if name.eq_ignore_ascii_case("X-Tags") {
                tags.extend(value.split(',').map(|t| t.trim().to_owned()));
            } else {
                builder = builder.header(name.clone(), Raw::new(value.clone()));
            }
        }
        if !tags.is_empty() {
            builder = builder.header("X-Tags", Raw::new(tags.join(", ")));
        }
        if !self.text.is_empty() || self.html.is_empty() {
            builder = builder.text_body(self.text.clone());
        }
        if !self.html.is_empty() {
            builder = builder.html_body(self.html.clone());
        }
        for attachment in &self.attachments {
            let content =
                decode_base64(&attachment.content).ok_or_else(|| SendError::Attachment(attachment.filename.clone()))?;
            let content_type =
                if attachment.content_type.is_empty() { "application/octet-stream" } else { &attachment.content_type };
            builder = if attachment.content_id.is_empty() {
                builder.attachment(content_type.to_owned(), attachment.filename.clone(), content)
            } else {
                builder.inline(content_type.to_owned(), attachment.content_id.clone(), content)
            };
        }
        let raw = builder.write_to_vec()?;
        Ok((raw, envelope))
    }
}

/// Standard base64, whitespace ignored.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    BASE64_STANDARD.decode(compact).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_message_with_envelope_and_tags() {
        let request: SendRequest = serde_json::from_value(serde_json::json!({
            "From": { "Email": "store@shop.test", "Name": "Store" },
            "To": [{ "Email": "a@example.com" }],
            "Bcc": ["hidden@example.com"],
            "Subject": "Hi",
            "Text": "Hello",
            "Headers": { "X-Tags": "one" },
            "Tags": ["two"],
            "Attachments": [{ "Content": "aGVsbG8=", "Filename": "h.txt", "ContentType": "text/plain" }]
        }))
        .unwrap();
        let (raw, envelope) = request.build("id@mock", 0).unwrap();
        let raw = String::from_utf8(raw).unwrap();
        assert_eq!(envelope, vec!["a@example.com".to_owned(), "hidden@example.com".to_owned()]);
        assert!(raw.contains("X-Tags: two, one"));
        assert!(raw.contains("h.txt"));
        assert!(!raw.contains("hidden@example.com"), "Bcc stays out of the headers");
    }

    #[test]
    fn from_is_required_and_base64_is_checked() {
        let no_from: SendRequest =
            serde_json::from_value(serde_json::json!({ "To": [{ "Email": "a@example.com" }] })).unwrap();
        assert_eq!(no_from.build("id", 0).unwrap_err().to_string(), "From is required");
        assert_eq!(decode_base64("aGVsbG8="), Some(b"hello".to_vec()));
    }
}
