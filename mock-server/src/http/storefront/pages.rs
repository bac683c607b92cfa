//! The pages, filled in: Luma's page (header, title, messages, footer) around a form. Every value
//! put into a page is HTML-escaped here.

use crate::magento::password_policy::PasswordPolicy;

use super::html::escape_html;
use super::session::Message;

const PAGE: &str = include_str!("../../../assets/magento/luma/page.html");
const CSS: &str = include_str!("../../../assets/magento/luma/luma.css");
const CREATE_PASSWORD: &str = include_str!("../../../assets/magento/luma/create-password.html");
const LOGIN: &str = include_str!("../../../assets/magento/luma/login.html");
const FORGOT_PASSWORD: &str = include_str!("../../../assets/magento/luma/forgot-password.html");
const DASHBOARD: &str = include_str!("../../../assets/magento/luma/dashboard.html");
const CAPTCHA: &str = include_str!("../../../assets/magento/luma/captcha.html");
const CONFIRMATION: &str = include_str!("../../../assets/magento/luma/confirmation.html");

/// The page around the content, as `1column` pages render.
pub struct Page<'a> {
    /// `<title>`; the heading is `title`.
    pub head_title: &'a str,
    pub title: &'a str,
    /// The layout handle as a class, e.g. `customer-account-createpassword`.
    pub body_class: &'a str,
    pub base_url: &'a str,
    /// The header's authorization link: `customer/account/login/referer/<this page, encoded>/`
    /// for a guest, `customer/account/logout/` when signed in.
    pub authorization_url: &'a str,
    /// "Sign In" or "Sign Out".
    pub authorization_label: &'a str,
    pub form_key: &'a str,
    pub store_name: &'a str,
    pub messages: &'a [Message],
    /// Already HTML.
    pub content: String,
}

impl Page<'_> {
    pub fn render(&self) -> String {
        fill(
            PAGE,
            &[
                ("head_title", &escape_html(self.head_title)),
                ("title", &escape_html(self.title)),
                ("css", CSS),
                ("body_class", &escape_html(self.body_class)),
                ("base_url", &escape_html(self.base_url)),
                ("authorization_url", &escape_html(self.authorization_url)),
                ("authorization_label", &escape_html(self.authorization_label)),
                ("form_key", &escape_html(self.form_key)),
                ("store_name", &escape_html(self.store_name)),
                ("messages", &messages_html(self.messages, self.base_url)),
                ("content", &self.content),
            ],
        )
    }
}

/// `resetforgottenpassword.phtml`: the two fields, posting to `action`.
pub fn create_password(action: &str, form_key: &str, policy: PasswordPolicy) -> String {
    fill(
        CREATE_PASSWORD,
        &[
            ("action", &escape_html(action)),
            ("form_key", &escape_html(form_key)),
            ("min_length", &policy.minimum_length.to_string()),
            ("min_classes", &policy.required_classes.to_string()),
        ],
    )
}

/// `login.phtml` and `newcustomer.phtml`, side by side; with Magento_Captcha's field when the
/// form needs its word (shown as text).
pub fn login(base_url: &str, form_key: &str, username: &str, captcha: Option<&str>) -> String {
    let captcha = captcha.map_or_else(String::new, |word| captcha_field("user_login", word));
    fill(
        LOGIN,
        &[
            ("base_url", &escape_html(base_url)),
            ("form_key", &escape_html(form_key)),
            ("username", &escape_html(username)),
            ("captcha", &captcha),
        ],
    )
}

/// `form/confirmation.phtml`: the email field, posting to the page's own URL (`action=""`); the
/// form key written in, as `mage/common.js` adds it on submit.
pub fn confirmation(form_key: &str, email: &str, login_url: &str) -> String {
    fill(
        CONFIRMATION,
        &[("form_key", &escape_html(form_key)), ("email", &escape_html(email)), ("login_url", &escape_html(login_url))],
    )
}

/// Magento_Captcha's `default.phtml` field for the form `form_id`; its image is the word as text.
fn captcha_field(form_id: &str, word: &str) -> String {
    fill(CAPTCHA, &[("form_id", form_id), ("captcha", &escape_html(word))])
}

/// `logout.phtml`.
pub fn logout_success() -> String {
    "<p>You have signed out and will go to our homepage in 5 seconds.</p>\n".to_owned()
}

/// `forgotpassword.phtml`, with Magento_Captcha's field; its image is the word as text.
pub fn forgot_password(base_url: &str, sign_in_url: &str, captcha: &str) -> String {
    fill(
        FORGOT_PASSWORD,
        &[
            ("base_url", &escape_html(base_url)),
            ("sign_in_url", &escape_html(sign_in_url)),
            ("captcha_field", &captcha_field("user_forgotpassword", captcha)),
        ],
    )
}

/// `account/dashboard/info.phtml` and `address.phtml`: the contact, newsletter and address boxes.
pub fn dashboard(base_url: &str, name: &str, email: &str, subscribed: bool) -> String {
    let newsletter = if subscribed {
        "You are subscribed to \"General Subscription\"."
    } else {
        "You aren't subscribed to our newsletter."
    };
    fill(
        DASHBOARD,
        &[
            ("base_url", &escape_html(base_url)),
            ("name", &escape_html(name)),
            ("email", &escape_html(email)),
            ("newsletter", &escape_html(newsletter)),
        ],
    )
}

/// The CMS `no-route` page's text.
pub fn not_found(base_url: &str) -> String {
    let base = escape_html(base_url);
    format!(
        "<dl>\n<dt>The page you requested was not found, and we have a fine guess why.</dt>\n<dd>\n<ul class=\"disc\">\n\
         <li>If you typed the URL directly, please make sure the spelling is correct.</li>\n\
         <li>If you clicked on a link to get here, the link is outdated.</li>\n</ul></dd>\n</dl>\n\
         <p><a href=\"{base}\">Go back</a> to the home page.</p>\n"
    )
}

/// What Luma's `messages` component draws for the cookie's messages.
fn messages_html(messages: &[Message], base_url: &str) -> String {
    if messages.is_empty() {
        return String::new();
    }
    let mut html = String::from("<div aria-atomic=\"true\" role=\"alert\" class=\"messages\">\n");
    for message in messages {
        let kind = escape_html(&message.kind);
        let text =
            confirmation_link(&message.text, base_url).unwrap_or_else(|| escape_html(&unescape_html(&message.text)));
        html.push_str(&format!(
            "<div class=\"message-{kind} {kind} message\" data-ui-id=\"message-{kind}\">\n<div>{text}</div>\n</div>\n"
        ));
    }
    html.push_str("</div>\n");
    html
}

/// `confirmAccountErrorMessage`, the one message whose link is drawn as a link: only with this
/// exact text and a link to this store's `confirmation/` page.
fn confirmation_link(text: &str, base_url: &str) -> Option<String> {
    let url = text.strip_prefix(CONFIRM_BEFORE)?.strip_suffix(CONFIRM_AFTER)?;
    let plain = !url.contains(['"', '<', '>', '\'', '&']);
    let ours = url.strip_prefix(base_url).is_some_and(|rest| rest.starts_with("customer/account/confirmation/"));
    (plain && ours).then(|| format!("{CONFIRM_BEFORE}{url}{CONFIRM_AFTER}"))
}

pub const CONFIRM_BEFORE: &str = "This account is not confirmed. <a href=\"";
pub const CONFIRM_AFTER: &str = "\">Click here</a> to resend confirmation email.";

/// The cookie's text is HTML already (`didn&#039;t`); Luma's script shows it as HTML with a few
/// tags allowed. Here Magento's own escapes are read back and everything is escaped again, so a
/// forged cookie shows as text.
fn unescape_html(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#039;", "'").replace("&amp;", "&")
}

/// `{{name}}` replaced by its value, in one pass: a value is never searched for placeholders.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 1024);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            let name = &after[..end];
            values.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v, end))
        });
        match value {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_never_filled_twice() {
        let html = create_password("http://h/x?id=1&token={{form_key}}\"<", "K", PasswordPolicy::default());
        assert!(html.contains(r#"action="http://h/x?id=1&amp;token={{form_key}}&quot;&lt;""#), "{html}");
        assert!(html.contains(r#"data-password-min-length="8""#));
    }

    #[test]
    fn messages_are_drawn_as_luma_draws_them() {
        let page = Page {
            head_title: "Set a New Password",
            title: "Set a New Password",
            body_class: "customer-account-createpassword",
            base_url: "http://127.0.0.1:4000/",
            authorization_url: "http://127.0.0.1:4000/customer/account/login/",
            authorization_label: "Sign In",
            form_key: "K",
            store_name: "Main Website Store",
            messages: &[
                Message::error("a <b>'x'</b>"),
                Message { kind: "error".into(), text: "<i>".into() },
                Message { kind: "error".into(), text: format!("{CONFIRM_BEFORE}http://127.0.0.1:4000/customer/account/confirmation/?email=a%40b.c{CONFIRM_AFTER}") },
                Message { kind: "error".into(), text: format!("{CONFIRM_BEFORE}http://evil.example/customer/account/confirmation/{CONFIRM_AFTER}") },
            ],
            content: String::new(),
        }
        .render();
        assert!(page.contains(
            "<div class=\"message-error error message\" data-ui-id=\"message-error\">\n<div>a &lt;b&gt;&#039;x&#039;&lt;/b&gt;</div>"
        ));
        assert!(page.contains("<div>&lt;i&gt;</div>"), "a forged cookie shows as text");
        assert!(page.contains(r#"<div>This account is not confirmed. <a href="http://127.0.0.1:4000/customer/account/confirmation/?email=a%40b.c">Click here</a>"#));
        assert!(page.contains("not confirmed. &lt;a href=&quot;http://evil.example/"), "another site's link is text");
        assert!(page.contains("<title>Set a New Password</title>"));
        assert!(!page.contains("{{"), "every placeholder filled");
    }
}
