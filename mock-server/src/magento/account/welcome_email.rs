//! The welcome email `createCustomer` sends (`customer_create_account_email_template`, Luma's
//! "registered" template), as the real 2.4.7-p3 store sent it
//! (`fixtures/real-store/2.4.7-p3-welcome-email.eml`): from the store's general contact, with a
//! link to set a new password that carries a fresh reset token. It reaches the inbox as mail from
//! outside does, as RFC 5322 bytes, so every inbox route shows it as Mailpit would.

use mail_builder::MessageBuilder;
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::MimePart;
use time::OffsetDateTime;

use crate::mail::Mailbox;

/// The store's "General Contact" identity (`trans_email/ident_general`), Magento's defaults.
pub const GENERAL_NAME: &str = "Owner";
pub const GENERAL_EMAIL: &str = "owner@example.com";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WelcomeEmail {
    pub recipient: Mailbox,
    /// The store's frontend name (`$store.frontend_name`).
    pub store_name: String,
    /// The store's link base (`<base>` or `<base>index.php/`).
    pub link_base: String,
    /// "Forgot your account password? Click here": the reset link, per release.
    pub reset_link: String,
}

impl WelcomeEmail {
    pub fn subject(&self) -> String {
        format!("Welcome to {}", self.store_name)
    }

    pub fn sender() -> Mailbox {
        Mailbox { name: GENERAL_NAME.to_owned(), address: GENERAL_EMAIL.to_owned() }
    }

    /// The HTML the real store sent, with this message's name, email, store and links.
    pub fn html(&self) -> String {
        let store_base = self.link_base.strip_suffix("index.php/").unwrap_or(&self.link_base);
        include_str!("welcome_email.html")
            .replace("{{link}}", &escape_html(&self.reset_link))
            .replace("{{link_base}}", &escape_html(&self.link_base))
            .replace("{{store_base}}", &escape_html(store_base))
            .replace("{{store}}", &escape_html(&self.store_name))
            .replace("{{name}}", &escape_html(&self.recipient.name))
            .replace("{{email}}", &escape_html(&self.recipient.address))
    }

    /// The RFC 5322 source: one `text/html` part, as Magento sends it.
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

    fn welcome() -> WelcomeEmail {
        WelcomeEmail {
            recipient: Mailbox { name: "Veronica Costello".into(), address: "roni_cost@example.com".into() },
            store_name: "Main Website Store".into(),
            link_base: "http://127.0.0.1:8080/index.php/".into(),
            reset_link: "http://127.0.0.1:8080/index.php/customer/account/createPassword/?id=6&token=abc".into(),
        }
    }

    #[test]
    fn the_email_reads_as_the_real_stores() {
        let html = welcome().html();
        assert_eq!(welcome().subject(), "Welcome to Main Website Store");
        assert!(
            html.contains(r#"<p class="greeting" style="margin-top: 0; margin-bottom: 10px;">Veronica Costello,</p>"#)
        );
        assert!(html.contains("roni_cost@example.com</td>"));
        assert!(
            html.contains(
                r#"href="http://127.0.0.1:8080/index.php/customer/account/createPassword/?id=6&amp;token=abc""#
            )
        );
        assert!(html.contains(r#"href="http://127.0.0.1:8080/index.php/customer/account/""#));
        assert!(!html.contains("{{"), "every placeholder is filled");
    }
}
