//! The emails the account area makes Magento send, as a real 2.4.7-p3 store with the Luma theme
//! sent them (`fixtures/real-store/2.4.7-p3-*-email.eml`): the welcome email (with or without a
//! password), "password has been changed", the newsletter's subscription success, and in a store
//! that requires confirmation the confirmation email and the welcome once confirmed. They share
//! the store's email layout (`emails/layout.html`); each has its own content. They reach the inbox
//! as mail from outside does, as RFC 5322 bytes, so every inbox route shows them as Mailpit would.

use std::sync::Arc;

use crate::mail::luma::{self, Fields};
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::MimePart;
use time::OffsetDateTime;

use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;
use crate::mail::Mailbox;
use crate::mail::received::Received;
use crate::mail::reset_email::{SUPPORT_EMAIL, SUPPORT_NAME};
use crate::mail::stored::Content;

/// The store's "General Contact" identity (`trans_email/ident_general`), Magento's defaults.
pub const GENERAL_NAME: &str = "Owner";
pub const GENERAL_EMAIL: &str = "owner@example.com";

/// Which email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `customer_create_account_email_template` ("registered"): with the reset link.
    Welcome { reset_link: String },
    /// `customer_create_account_email_no_password_template`: the link sets the first password.
    WelcomeNoPassword { reset_link: String },
    /// `customer_account_information_change_email_template` after a password change.
    PasswordChanged,
    /// `newsletter_subscription_success_email_template`.
    NewsletterSuccess,
    /// `customer_create_account_email_confirmation_template`: the link confirms the account.
    Confirmation { confirm_link: String },
    /// `customer_create_account_email_confirmed_template`, once confirmed: with the reset link.
    Confirmed { reset_link: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountEmail {
    pub kind: Kind,
    /// The newsletter's email names no one: only the address.
    pub recipient: Mailbox,
    /// The store's frontend name (`$store.frontend_name`).
    pub store_name: String,
    /// The store's link base (`<base>` or `<base>index.php/`).
    pub link_base: String,
    /// The store view's locale, in the theme's asset URLs.
    pub locale: String,
}

impl AccountEmail {
    pub fn subject(&self) -> String {
        match self.kind {
            Kind::Welcome { .. } | Kind::WelcomeNoPassword { .. } | Kind::Confirmed { .. } => {
                format!("Welcome to {}", self.store_name)
            }
            Kind::Confirmation { .. } => format!("Please confirm your {} account", self.store_name),
            Kind::PasswordChanged => format!("Your {} password has been changed", self.store_name),
            Kind::NewsletterSuccess => "Newsletter subscription success".to_owned(),
        }
    }

    pub fn sender(&self) -> Mailbox {
        let (name, address) = match self.kind {
            Kind::PasswordChanged => (SUPPORT_NAME, SUPPORT_EMAIL),
            _ => (GENERAL_NAME, GENERAL_EMAIL),
        };
        Mailbox { name: name.to_owned(), address: address.to_owned() }
    }

    /// The HTML the real store sent, with this message's name, email, store and links.
    pub fn html(&self) -> String {
        let (content, link) = match &self.kind {
            Kind::Welcome { reset_link } => (include_str!("emails/welcome.html"), reset_link.as_str()),
            Kind::WelcomeNoPassword { reset_link } => {
                (include_str!("emails/welcome_no_password.html"), reset_link.as_str())
            }
            Kind::PasswordChanged => (include_str!("emails/password_changed.html"), ""),
            Kind::NewsletterSuccess => (include_str!("emails/newsletter_success.html"), ""),
            Kind::Confirmation { confirm_link } => (include_str!("emails/confirmation.html"), confirm_link.as_str()),
            Kind::Confirmed { reset_link } => (include_str!("emails/confirmed.html"), reset_link.as_str()),
        };
        let fields = Fields {
            link_base: &self.link_base,
            store: &self.store_name,
            locale: &self.locale,
            name: &self.recipient.name,
            email: &self.recipient.address,
            link,
        };
        luma::render(content, &fields)
    }

    /// The RFC 5322 source: one `text/html` part, as Magento sends it.
    pub fn raw(&self, message_id: &str, date: OffsetDateTime) -> Vec<u8> {
        let sender = self.sender();
        let to = if self.recipient.name.is_empty() {
            Address::new_address(None::<String>, self.recipient.address.clone())
        } else {
            Address::new_address(Some(self.recipient.name.clone()), self.recipient.address.clone())
        };
        MessageBuilder::new()
            .message_id(message_id)
            .date(date.unix_timestamp())
            .from((sender.name, sender.address))
            .to(to)
            .subject(self.subject())
            .body(MimePart::new(ContentType::new("text/html").attribute("charset", "utf-8"), self.html()))
            .write_to_vec()
            .unwrap_or_default()
    }
}

/// Composes `kind` for `recipient` with the store's names and captures it in the request's
/// namespace; answers its Mailpit id.
pub fn send(ctx: &RequestContext, kind: Kind, recipient: Mailbox) -> Result<Arc<str>, MagentoError> {
    let email = AccountEmail {
        kind,
        recipient,
        store_name: ctx.services.store().name.to_string(),
        link_base: ctx.services.storefront_url().to_owned(),
        locale: ctx.services.store().locale.to_string(),
    };
    let message_id = ctx.services.new_message_id().map_err(|_| MagentoError::Internal)?;
    let raw = email.raw(&message_id, ctx.services.now());
    let sender = email.sender();
    let received = Received::parse(raw, Some(&sender.address), std::slice::from_ref(&email.recipient.address))
        .ok_or(MagentoError::Internal)?;
    ctx.services.capture(Some(message_id), Content::Received(Box::new(received))).map_err(|_| MagentoError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The HTML of a recorded email, its redacted token replaced by `token` (and the line break
    /// the transport encoding ends it with as a plain newline).
    fn recorded(file: &str, token: &str) -> String {
        luma::recorded_html(file).replace("<TOKEN>", token)
    }

    fn email(kind: Kind, name: &str, address: &str) -> AccountEmail {
        AccountEmail {
            kind,
            recipient: Mailbox { name: name.into(), address: address.into() },
            store_name: "Main Website Store".into(),
            link_base: "http://127.0.0.1:8080/index.php/".into(),
            locale: "en_US".into(),
        }
    }

    fn link(id: u32) -> String {
        format!("http://127.0.0.1:8080/index.php/customer/account/createPassword/?id={id}&token=T0KEN")
    }

    fn confirm_link(id: &str, key: &str) -> String {
        format!("http://127.0.0.1:8080/index.php/customer/account/confirm/?back_url=&id={id}&key={key}")
    }

    #[test]
    fn each_email_is_the_real_stores_byte_for_byte() {
        let cases = [
            (
                email(Kind::Welcome { reset_link: link(6) }, "Veronica Costello", "acct-N-alokai@example.com"),
                "2.4.7-p3-welcome-email.eml",
                "Welcome to Main Website Store",
            ),
            (
                email(Kind::WelcomeNoPassword { reset_link: link(7) }, "Nopass Customer", "acct-N-c2@example.com"),
                "2.4.7-p3-welcome-no-password-email.eml",
                "Welcome to Main Website Store",
            ),
            (
                email(Kind::PasswordChanged, "Ronnie Costello", "acct-N-venia@example.com"),
                "2.4.7-p3-password-changed-email.eml",
                "Your Main Website Store password has been changed",
            ),
            (
                email(Kind::NewsletterSuccess, "", "acct-N-c2@example.com"),
                "2.4.7-p3-newsletter-success-email.eml",
                "Newsletter subscription success",
            ),
            (
                email(Kind::Confirmation { confirm_link: confirm_link("5", "K3Y") }, "Con Firm", "cf-N-a@example.com"),
                "2.4.7-p3-confirmation-email.eml",
                "Please confirm your Main Website Store account",
            ),
            (
                email(Kind::Confirmed { reset_link: link(5) }, "Con Firm", "cf-N-a@example.com"),
                "2.4.7-p3-confirmed-welcome-email.eml",
                "Welcome to Main Website Store",
            ),
        ];
        for (email, file, subject) in cases {
            // The confirmation recordings write the customer's id and key as placeholders.
            let expected = recorded(file, "T0KEN").replace("<ID>", "5").replace("<KEY>", "K3Y");
            assert_eq!(email.html(), expected, "{file}");
            assert_eq!(email.subject(), subject);
        }
    }

    #[test]
    fn only_the_password_change_comes_from_customer_support() {
        assert_eq!(email(Kind::PasswordChanged, "A", "a@example.com").sender().name, "CustomerSupport");
        assert_eq!(email(Kind::NewsletterSuccess, "", "a@example.com").sender().name, "Owner");
    }
}
