//! Magento's "Forgot Password" email (`customer_password_forgot_email_template`).
//!
//! Only the fields that vary are stored; the text, HTML and RFC 5322 source are rendered when
//! someone reads the message, so a captured email costs a few hundred bytes. The store's texts
//! are shared with the store's settings, not copied into each email.

use std::sync::Arc;

use mail_builder::MessageBuilder;
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::MimePart;
use time::OffsetDateTime;

use super::luma::{self, Fields};
use super::message::Mailbox;

/// The store's "Customer Support" identity (`trans_email/ident_support`), Magento's defaults.
pub const SUPPORT_NAME: &str = "CustomerSupport";
pub const SUPPORT_EMAIL: &str = "support@example.com";

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResetEmail {
    pub recipient: Mailbox,
    /// The store's frontend name (`$store.frontend_name`): its group's name by default.
    pub store_name: Arc<str>,
    /// The store's link base (`<base>` or `<base>index.php/`).
    pub link_base: Arc<str>,
    /// `<link base>customer/account/createPassword/?id=<customer id>&token=<token>` (per release).
    pub link: String,
    /// The store view's locale, in its theme's asset URLs (`en_US` for the built-in views).
    pub locale: Arc<str>,
}

impl ResetEmail {
    /// Every field from the store view that sends it: shared, never copied per email.
    pub fn new(
        recipient: Mailbox,
        store_name: impl Into<Arc<str>>,
        link_base: impl Into<Arc<str>>,
        link: String,
        locale: impl Into<Arc<str>>,
    ) -> Self {
        Self { recipient, store_name: store_name.into(), link_base: link_base.into(), link, locale: locale.into() }
    }

    pub fn subject(&self) -> String {
        format!("Reset your {} password", self.store_name)
    }

    pub fn sender() -> Mailbox {
        Mailbox { name: SUPPORT_NAME.to_owned(), address: SUPPORT_EMAIL.to_owned() }
    }

    /// The message as text, the way Mailpit shows an HTML-only message's text.
    pub fn text(&self) -> String {
        format!(
            "{name},\n\n\
             There was recently a request to change the password for your account.\n\n\
             If you requested this change, set a new password here:\n\n\
             Set a New Password: {link}\n\n\
             If you did not make this request, you can ignore this email and your password will remain the same.\n",
            name = self.recipient.name,
            link = self.link,
        )
    }

    /// The HTML a real 2.4.7-p3 store with the Luma theme sent (fixtures/real-store/), with this
    /// message's name, store and link.
    pub fn html(&self) -> String {
        let fields = Fields {
            link_base: &self.link_base,
            store: &self.store_name,
            locale: &self.locale,
            name: &self.recipient.name,
            email: &self.recipient.address,
            link: &self.link,
        };
        luma::render(include_str!("reset_email.html"), &fields)
    }

    /// The RFC 5322 source: one `text/html` part, as Magento sends it. The same message always
    /// renders to the same bytes.
    pub fn raw(&self, message_id: &str, date: OffsetDateTime) -> Vec<u8> {
        let sender = Self::sender();
        MessageBuilder::new()
            .message_id(message_id)
            .date(date.unix_timestamp())
            .from((sender.name, sender.address))
            .to((self.recipient.name.clone(), self.recipient.address.clone()))
            .subject(self.subject())
            .body(MimePart::new(ContentType::new("text/html").attribute("charset", "utf-8"), self.html()))
            .write_to_vec()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> ResetEmail {
        let recipient = Mailbox { name: "Veronica Costello".into(), address: "roni_cost@example.com".into() };
        let link = "http://localhost:3000/customer/account/createPassword/?id=12&token=AbC123".to_owned();
        ResetEmail::new(recipient, "Main Website Store", "http://localhost:3000/", link, "en_US")
    }

    /// With the recording's values, the HTML is the real store's byte for byte.
    #[test]
    fn html_is_the_real_stores() {
        let recipient = Mailbox { name: "Veronica Costello".into(), address: "activeN@example.com".into() };
        let base = "http://127.0.0.1:8080/index.php/";
        let link = format!("{base}customer/account/createPassword/?id=12&token=<TOKEN>");
        let html = ResetEmail::new(recipient, "Main Website Store", base, link, "en_US").html();
        // Our escaping writes the placeholder token's brackets as entities; the store's did not.
        assert_eq!(html.replace("&lt;TOKEN&gt;", "<TOKEN>"), luma::recorded_html("2.4.7-p3-reset-email.eml"));
    }

    /// A second website's store view: its base URL, frontend name and locale (en_GB) throughout,
    /// as the recorded store's second website sent it.
    #[test]
    fn html_is_the_second_websites_with_its_base_name_and_locale() {
        let recipient = Mailbox { name: "Only Second".into(), address: "ms-N-only-second@example.com".into() };
        let base = "http://127.0.0.1:8081/index.php/";
        let link = format!("{base}customer/account/createPassword/?id=22&token=<TOKEN>");
        let html = ResetEmail::new(recipient, "Second Store", base, link, "en_GB").html();
        let recorded = luma::recorded_html("2.4.7-p3-reset-email-second-store.eml");
        assert_eq!(html.replace("&lt;TOKEN&gt;", "<TOKEN>"), recorded);
    }

    #[test]
    fn carries_magentos_subject_phrases_and_link() {
        let email = email();
        assert_eq!(email.subject(), "Reset your Main Website Store password");
        assert_eq!(email.link, "http://localhost:3000/customer/account/createPassword/?id=12&token=AbC123");
        assert!(email.html().contains("http://localhost:3000/customer/account/createPassword/?id=12&amp;token=AbC123"));
        for part in [email.text(), email.html()] {
            for phrase in [
                "Veronica Costello,",
                "There was recently a request to change the password for your account.",
                "If you requested this change, set a new password here:",
                "Set a New Password",
                "If you did not make this request, you can ignore this email and your password will remain the same.",
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
    fn raw_source_is_one_html_part_with_the_headers() {
        let raw = String::from_utf8(email().raw("id@mock", OffsetDateTime::UNIX_EPOCH)).unwrap();
        assert!(raw.contains("Subject: Reset your Main Website Store password"));
        assert!(raw.contains("text/html") && !raw.contains("multipart"));
        assert!(raw.contains("Message-ID: <id@mock>"));
        assert_eq!(
            email().raw("id@mock", OffsetDateTime::UNIX_EPOCH),
            email().raw("id@mock", OffsetDateTime::UNIX_EPOCH)
        );
    }
}
