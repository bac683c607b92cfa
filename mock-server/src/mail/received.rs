//! Mail that arrived from outside (SMTP, or `POST /api/v1/send`): kept as its RFC 5322 source,
//! with the fields every list needs parsed once by a maintained MIME parser (mail-parser).

use mail_parser::parsers::MessageStream;
use mail_parser::{Address, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders};
use md5::Md5;
use serde::Serialize;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::message::{Mailbox, snippet_of};

/// What a list or search needs without parsing the source again. Serialized (the source
/// apart) for `--data-dir`.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Received {
    #[serde(skip)]
    pub raw: Box<[u8]>,
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// Envelope recipients not named in `To` or `Cc`.
    pub bcc: Vec<Mailbox>,
    pub reply_to: Vec<Mailbox>,
    pub subject: String,
    pub return_path: String,
    pub message_id: Option<String>,
    /// Values of `X-Tags`, comma-separated in the header.
    pub header_tags: Vec<String>,
    /// Mailpit's snippet, from the text part (or the HTML's text).
    pub snippet: String,
    pub attachments: usize,
}

/// Mailpit's attachment entry.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attachment {
    #[serde(rename = "PartID")]
    pub part_id: String,
    pub file_name: String,
    pub content_type: String,
    #[serde(rename = "ContentID")]
    pub content_id: String,
    pub size: usize,
    pub checksums: Checksums,
}

#[derive(Clone, Debug, Serialize)]
pub struct Checksums {
    #[serde(rename = "MD5")]
    pub md5: String,
    #[serde(rename = "SHA1")]
    pub sha1: String,
    #[serde(rename = "SHA256")]
    pub sha256: String,
}

/// The parts a message view needs, parsed from the source on demand.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub text: String,
    pub html: String,
    pub attachments: Vec<Attachment>,
    pub inline: Vec<Attachment>,
    /// Header names as written, each with its values in order.
    pub headers: Vec<(String, String)>,
}

impl Received {
    /// Parses `raw`; `envelope_to` are the SMTP recipients: those no address header names are
    /// shown as Bcc, as Mailpit does, so mail whose headers are missing or unreadable still
    /// shows who it went to. `None` when the source has no header at all.
    pub fn parse(raw: Vec<u8>, envelope_from: Option<&str>, envelope_to: &[String]) -> Option<Self> {
        let message = MessageParser::default().parse(&raw)?;
        let from = match address_header(&message, "From") {
            Some(list) => list.into_iter().find(Mailbox::has_address).unwrap_or_else(|| Mailbox {
                // Mailpit shows an unreadable From as its decoded text, with no address.
                name: message.header_raw("From").map(decode_text).unwrap_or_default(),
                address: String::new(),
            }),
            None => Mailbox { name: String::new(), address: envelope_from.unwrap_or_default().to_owned() },
        };
        let to = address_header(&message, "To").unwrap_or_default();
        let cc = address_header(&message, "Cc").unwrap_or_default();
        let mut bcc = address_header(&message, "Bcc").unwrap_or_default();
        for recipient in envelope_to {
            let envelope = Mailbox { name: String::new(), address: recipient.clone() };
            let named = to.iter().chain(&cc).chain(&bcc).any(|m| m.address.eq_ignore_ascii_case(recipient));
            if !named && envelope.has_address() {
                bcc.push(envelope);
            }
        }
        // Mailpit decodes an encoded `X-Tags` before splitting it.
        let header_tags = message
            .header_raw("X-Tags")
            .map(|tags| decode_text(tags).split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect())
            .unwrap_or_default();
        // mail-parser gives HTML-only mail a text rendering of its HTML.
        let snippet = snippet_of(&message.body_text(0).unwrap_or_default());
        let attachments = message.attachments().filter(|part| is_attachment(part)).count();
        let received = Self {
            snippet,
            from,
            reply_to: address_header(&message, "Reply-To").unwrap_or_default(),
            subject: message.subject().unwrap_or_default().to_owned(),
            return_path: message.return_address().or(envelope_from).unwrap_or_default().to_owned(),
            message_id: message.message_id().map(str::to_owned),
            attachments,
            header_tags,
            to,
            cc,
            bcc,
            raw: Box::default(),
        };
        Some(Self { raw: raw.into_boxed_slice(), ..received })
    }

    pub fn parse_parts(&self) -> Parsed {
        parse_parts(&self.raw)
    }
}

/// The mailboxes of an address header with an address each (`None` when the header is absent).
/// Groups (`team: a@x, b@y;`, `undisclosed-recipients:;`) give their members. An entry with no
/// address whose decoded name holds addresses is read again: Python's legacy `email.header.Header`
/// encodes a whole `Name <user+tag@host>` as one encoded word, which RFC 2047 forbids but mail
/// clients show as the address it hides.
fn address_header(message: &Message<'_>, name: &'static str) -> Option<Vec<Mailbox>> {
    let value = message.header(name)?;
    let HeaderValue::Address(address) = value else { return Some(Vec::new()) };
    let mut found = Vec::new();
    for mailbox in mailboxes(address) {
        if mailbox.has_address() {
            found.push(mailbox);
        } else if mailbox.name.contains('@') {
            let text = format!("{}\n", mailbox.name.replace(['\r', '\n'], " "));
            if let HeaderValue::Address(inner) = MessageStream::new(text.as_bytes()).parse_address() {
                found.extend(mailboxes(&inner).into_iter().filter(Mailbox::has_address));
            }
        }
    }
    Some(found)
}

/// A header's text with its encoded words decoded and its folding undone.
fn decode_text(raw: &str) -> String {
    let text = format!("{}\n", raw.trim_start().replace(['\r', '\n'], " "));
    match MessageStream::new(text.as_bytes()).parse_unstructured() {
        HeaderValue::Text(text) => text.trim().to_owned(),
        _ => String::new(),
    }
}

/// Mailpit (enmime) counts as attachments the parts sent as attachments and the untyped binaries.
fn is_attachment(part: &MessagePart<'_>) -> bool {
    disposition(part).as_deref() == Some("attachment") || content_type_of(part) == "application/octet-stream"
}

fn disposition(part: &MessagePart<'_>) -> Option<String> {
    part.content_disposition().map(|d| d.ctype().to_ascii_lowercase())
}

/// Text, HTML, attachments and headers of any RFC 5322 source.
pub fn parse_parts(raw: &[u8]) -> Parsed {
    let Some(message) = MessageParser::default().parse(raw) else { return Parsed::default() };
    let text = message.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
    // A text-only message has no HTML part; mail-parser would render one from the text.
    let html = if message.html_body_count() > 0 && message.html_part(0).is_some_and(|p| p.is_text_html()) {
        message.body_html(0).map(|h| h.into_owned()).unwrap_or_default()
    } else {
        String::new()
    };
    let mut attachments = Vec::new();
    let mut inline = Vec::new();
    for (index, part) in message.attachments().enumerate() {
        // Where Mailpit (enmime) lists a part: attachments, inline parts (said so, or typed
        // parts with no disposition), or nowhere (a further text body); only named ones are shown.
        let disposition = disposition(part);
        let content_type = content_type_of(part);
        let list = if is_attachment(part) {
            &mut attachments
        } else if disposition.as_deref() == Some("inline")
            || disposition.is_none() && !matches!(content_type.as_str(), "text/plain" | "text/html")
        {
            &mut inline
        } else {
            continue;
        };
        let content_id = part.content_id().unwrap_or_default().to_owned();
        let file_name = part.attachment_name().map(str::to_owned).unwrap_or_else(|| content_id.clone());
        if file_name.is_empty() {
            continue;
        }
        let contents = part.contents();
        list.push(Attachment {
            part_id: (index + 2).to_string(),
            file_name,
            content_type,
            content_id,
            size: contents.len(),
            checksums: Checksums {
                md5: hex(&Md5::digest(contents)),
                sha1: hex(&Sha1::digest(contents)),
                sha256: hex(&Sha256::digest(contents)),
            },
        });
    }
    let headers = message.headers_raw().map(|(name, value)| (name.to_owned(), unfold(value))).collect();
    Parsed { text, html, attachments, inline, headers }
}

/// The content type and bytes of the attachment with Mailpit's `PartID` (as in [`parse_parts`]).
pub fn attachment(raw: &[u8], part_id: &str) -> Option<(String, Vec<u8>)> {
    let index: usize = part_id.parse::<usize>().ok()?.checked_sub(2)?;
    let message = MessageParser::default().parse(raw)?;
    let part = message.attachments().nth(index)?;
    Some((content_type_of(part), part.contents().to_vec()))
}

fn content_type_of(part: &MessagePart<'_>) -> String {
    part.content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_owned(),
        })
        .unwrap_or_else(|| "application/octet-stream".to_owned())
}

fn unfold(value: &str) -> String {
    value.split(['\r', '\n']).map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn mailboxes(address: &Address<'_>) -> Vec<Mailbox> {
    address
        .iter()
        .map(|addr| Mailbox {
            name: addr.name.as_deref().unwrap_or_default().to_owned(),
            address: addr.address.as_deref().unwrap_or_default().to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIME: &str = "From: =?UTF-8?B?SsO8cmdlbg==?= <store@shop.test>\r\n\
To: Veronica Costello <roni_cost@example.com>\r\n\
Subject: =?UTF-8?Q?Passwort_zur=C3=BCcksetzen?=\r\n\
Message-ID: <abc@shop.test>\r\n\
X-Tags: magento, reset\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/alternative; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Gr=C3=BC=C3=9Fe, set a new password: https://shop.test/customer/account/createPassword/?token=AbC\r\n\
--b1\r\n\
Content-Type: text/html; charset=utf-8\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
PHA+SGVsbG88L3A+\r\n\
--b1--\r\n";

    #[test]
    fn parses_encoded_headers_parts_and_envelope_bcc() {
        let received = Received::parse(
            MIME.as_bytes().to_vec(),
            Some("bounce@shop.test"),
            &["roni_cost@example.com".into(), "qa@example.com".into()],
        )
        .unwrap();
        assert_eq!(received.from, Mailbox { name: "Jürgen".into(), address: "store@shop.test".into() });
        assert_eq!(received.subject, "Passwort zurücksetzen");
        assert_eq!(received.to[0].name, "Veronica Costello");
        assert_eq!(received.bcc, vec![Mailbox { name: String::new(), address: "qa@example.com".into() }]);
        assert_eq!(received.header_tags, vec!["magento".to_owned(), "reset".to_owned()]);
        assert_eq!(received.message_id.as_deref(), Some("abc@shop.test"));
        let parts = received.parse_parts();
        assert!(parts.text.starts_with("Grüße, set a new password"));
        assert_eq!(parts.html, "<p>Hello</p>");
        assert!(parts.headers.iter().any(|(name, value)| name == "X-Tags" && value == "magento, reset"));
    }

    /// The reported bug: Python's legacy `Header("Name <user+tag@host>", "utf-8")` hides the
    /// address in the encoded word; groups give their members; RCPT TO fills in the rest.
    #[test]
    fn addresses_inside_encoded_words_and_groups_are_found() {
        let raw = "From: =?utf-8?q?Shop_K=C3=BCche_=3Csupport=40shop=2Etest=3E?=\r\n\
To: =?utf-8?b?SsO8cmdlbiBNw7xsbGVyIDxqdWVyZ2VuK3Nob3BAZXhhbXBsZS5jb20+?=, undisclosed-recipients:;\r\n\
Cc: team: a@x.test, \"B\" <b+qa@x.test>;\r\n\
\r\n\
Hi\r\n";
        let envelope = ["juergen+shop@example.com".to_owned(), "hidden@example.com".to_owned(), "nope".to_owned()];
        let received = Received::parse(raw.as_bytes().to_vec(), None, &envelope).unwrap();
        let mailbox = |name: &str, address: &str| Mailbox { name: name.into(), address: address.into() };
        assert_eq!(received.from, mailbox("Shop Küche", "support@shop.test"));
        assert_eq!(received.to, vec![mailbox("Jürgen Müller", "juergen+shop@example.com")]);
        assert_eq!(received.cc, vec![mailbox("", "a@x.test"), mailbox("B", "b+qa@x.test")]);
        assert_eq!(received.bcc, vec![mailbox("", "hidden@example.com")]);
    }
}
