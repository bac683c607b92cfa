//! Magento's "Forgot Password" email (`customer_password_forgot_email_template`).
//!
//! Only the fields that vary are stored; the text, HTML and RFC 5322 source are rendered when
//! someone reads the message, so a captured email costs a few hundred bytes.

use mail_builder::MessageBuilder;
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::MimePart;
use time::OffsetDateTime;

use super::inbox::Mailbox;

/// The store's "Customer Support" identity (`trans_email/ident_support`), Magento's defaults.
pub const SUPPORT_NAME: &str = "CustomerSupport";
pub const SUPPORT_EMAIL: &str = "support@example.com";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResetEmail {
    pub recipient: Mailbox,
    pub store_name: String,
    /// `<storefront-url>customer/account/createPassword/?token=<token>`.
    pub link: String,
}

impl ResetEmail {
    pub fn new(recipient: Mailbox, store_name: &str, storefront_url: &str, token: &str) -> Self {
        Self { recipient, store_name: store_name.to_owned(), link: reset_link(storefront_url, token) }
    }

    pub fn subject(&self) -> String {
        format!("Reset your {} password", self.store_name)
    }

    pub fn sender() -> Mailbox {
        Mailbox { name: SUPPORT_NAME.to_owned(), address: SUPPORT_EMAIL.to_owned() }
    }

    pub fn text(&self) -> String {
        format!(
            "{name},\n\n\
             There was recently a request to change the password for your account.\n\n\
             If you requested this change, set a new password here:\n\n\
             Set a New Password: {link}\n\n\
             If you did not make this request, you can ignore this email and your password will remain the same.\n\n\
             Thank you, {store}!\n",
            name = self.recipient.name,
            link = self.link,
            store = self.store_name,
        )
    }

    pub fn html(&self) -> String {
        format!(
            include_str!("reset_email.html"),
            name = escape_html(&self.recipient.name),
            link = escape_html(&self.link),
            store = escape_html(&self.store_name),
            subject = escape_html(&self.subject()),
        )
    }

    /// The RFC 5322 source, multipart/alternative with the text and HTML parts. The same
    /// message always renders to the same bytes (the boundary comes from the message id).
    pub fn raw(&self, message_id: &str, date: OffsetDateTime) -> Vec<u8> {
        let sender = Self::sender();
        let boundary = format!("=_mock_{}", message_id.split('@').next().unwrap_or(message_id));
        let alternative = ContentType::new("multipart/alternative").attribute("boundary", boundary);
        let body = MimePart::new(
            alternative,
            vec![MimePart::new("text/plain", self.text()), MimePart::new("text/html", self.html())],
        );
        MessageBuilder::new()
            .message_id(message_id)
            .date(date.unix_timestamp())
            .from((sender.name, sender.address))
            .to((self.recipient.name.clone(), self.recipient.address.clone()))
            .subject(self.subject())
            .body(body)
            .write_to_vec()
            .unwrap_or_default()
    }
}

/// The link of the email's "Set a New Password" button.
pub fn reset_link(storefront_url: &str, token: &str) -> String {
    format!("{storefront_url}customer/account/createPassword/?token={token}")
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> ResetEmail {
        let recipient = Mailbox { name: "Veronica Costello".into(), address: "roni_cost@example.com".into() };
        ResetEmail::new(recipient, "Main Website Store", "http://localhost:3000/", "AbC123")
    }

    #[test]
    fn carries_magentos_subject_phrases_and_link() {
        let email = email();
        assert_eq!(email.subject(), "Reset your Main Website Store password");
        assert_eq!(email.link, "http://localhost:3000/customer/account/createPassword/?token=AbC123");
        for part in [email.text(), email.html()] {
            for phrase in [
                "Veronica Costello,",
                "There was recently a request to change the password for your account.",
                "If you requested this change, set a new password here:",
                "Set a New Password",
                "If you did not make this request, you can ignore this email and your password will remain the same.",
                "http://localhost:3000/customer/account/createPassword/?token=AbC123",
            ] {
                assert!(part.contains(phrase), "{phrase:?} missing from {part}");
            }
        }
    }

    #[test]
    fn names_are_escaped_in_html() {
        let mut email = email();
        email.recipient.name = "<b>Eve</b>".into();
        assert!(email.html().contains("&lt;b&gt;Eve&lt;/b&gt;,"));
    }

    #[test]
    fn raw_source_has_both_parts_and_the_headers() {
        let raw = String::from_utf8(email().raw("id@mock", OffsetDateTime::UNIX_EPOCH)).unwrap();
        assert!(raw.contains("Subject: Reset your Main Website Store password"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        assert!(raw.contains("Message-ID: <id@mock>"));
        assert_eq!(
            email().raw("id@mock", OffsetDateTime::UNIX_EPOCH),
            email().raw("id@mock", OffsetDateTime::UNIX_EPOCH)
        );
    }
}
