//! What the storefront keeps between requests: Magento's session (`PHPSESSID`: the reset token
//! the link brought, the form key, and here the namespace) and the `mage-messages` cookie in
//! which `Magento\Theme\Controller\Result\MessagePlugin` carries messages across a redirect.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use axum::http::{HeaderMap, header};
use serde::{Deserialize, Serialize};

use super::form;
use super::html::escape_html;

pub const SESSION_COOKIE: &str = "PHPSESSID";
pub const MESSAGES_COOKIE: &str = "mage-messages";
pub const VARY_COOKIE: &str = "X-Magento-Vary";
/// Sessions kept at once; the oldest is forgotten first.
const MAX_SESSIONS: usize = 10_000;
/// A browser sends at most about this much in one cookie; more is not ours.
const MAX_MESSAGES_COOKIE: usize = 8_192;

#[derive(Clone, Debug, Default)]
pub struct Session {
    /// The namespace whose accounts this browser's pages act on.
    pub namespace: Option<String>,
    pub rp_token: Option<String>,
    pub rp_customer_id: u32,
    /// `Magento\Framework\Data\Form\FormKey`: 16 letters and digits.
    pub form_key: String,
    /// The customer signed in on `loginPost/` (in `namespace`).
    pub customer_id: Option<u32>,
    /// The username of a refused sign-in, which the login form shows once (`getUsername(true)`).
    pub username: Option<String>,
    /// The forgot-password form's CAPTCHA word (`user_forgotpassword_word`), used up by a check.
    pub captcha_word: Option<CaptchaWord>,
    /// The sign-in form's CAPTCHA word (`user_login_word`), used up by a check.
    pub login_captcha_word: Option<CaptchaWord>,
    /// `user_login_show_captcha`: set once a username of this browser's went over the limit.
    pub login_captcha_shown: bool,
    /// Messages added outside `MessagePlugin` (Magento_Captcha's observer): the next page shows them.
    pub pending: Vec<Message>,
}

/// A CAPTCHA word as `DefaultModel::setWord` keeps it: with its end (`customer/captcha/timeout`).
#[derive(Clone, Debug)]
pub struct CaptchaWord {
    pub text: String,
    pub expires: time::OffsetDateTime,
}

/// The sessions of every browser, by id.
#[derive(Debug, Default)]
pub struct Sessions {
    // A std Mutex: each use is a short lookup or insert, never held across an await.
    store: Mutex<Store>,
}

#[derive(Debug, Default)]
struct Store {
    by_id: HashMap<String, Session>,
    order: VecDeque<String>,
}

impl Sessions {
    pub fn get(&self, id: &str) -> Option<Session> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner).by_id.get(id).cloned()
    }

    pub fn put(&self, id: &str, session: Session) {
        let mut store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        if store.by_id.insert(id.to_owned(), session).is_none() {
            store.order.push_back(id.to_owned());
        }
        while store.order.len() > MAX_SESSIONS {
            if let Some(oldest) = store.order.pop_front() {
                store.by_id.remove(&oldest);
            }
        }
    }
}

/// A message of the store's, as the cookie holds it: `{"type":"error","text":"..."}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    #[serde(rename = "type")]
    pub kind: String,
    pub text: String,
}

impl Message {
    /// The cookie carries the text HTML-escaped (`didn&#039;t`), as the real store sends it.
    pub fn error(text: &str) -> Self {
        Self { kind: "error".to_owned(), text: escape_html(text) }
    }

    pub fn success(text: &str) -> Self {
        Self { kind: "success".to_owned(), text: escape_html(text) }
    }
}

/// The value of the cookie `name`, URL-decoded as PHP decodes cookies.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| form::decode(value.as_bytes()))
}

/// The messages waiting in `mage-messages`; none when the cookie is absent, too long or not a
/// list of messages.
pub fn waiting_messages(headers: &HeaderMap) -> Vec<Message> {
    cookie(headers, MESSAGES_COOKIE)
        .filter(|value| value.len() <= MAX_MESSAGES_COOKIE)
        .and_then(|value| serde_json::from_str(&value).ok())
        .unwrap_or_default()
}

/// `Set-Cookie` for `mage-messages` holding `messages`, as `MessagePlugin::setCookie` writes it
/// (PHP's `json_encode`, URL-encoded; public, a year, SameSite=Strict).
pub fn messages_cookie(messages: &[Message]) -> String {
    let json = serde_json::to_value(messages).unwrap_or_default();
    let value = form::raw_encode(&crate::magento::php::json_encode(&json));
    format!("{MESSAGES_COOKIE}={value}; {}; path=/; SameSite=Strict", lifetime(31_536_000))
}

/// `Set-Cookie` that removes `mage-messages`, once a page has shown them (in Luma, its
/// `Magento_Theme/js/view/messages` script does this in the browser).
pub fn clear_messages_cookie() -> String {
    format!("{MESSAGES_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; path=/; SameSite=Strict")
}

/// Sent on every answer, as PHP's session refreshes it (the store adds `domain=<host>`; a
/// host-only cookie is the same for a browser and works for `localhost` too).
pub fn session_cookie(id: &str) -> String {
    format!("{SESSION_COOKIE}={id}; {}; path=/; HttpOnly; SameSite=Lax", lifetime(3600))
}

/// The `form_key` cookie, echoed as the store echoes it once Luma's script has set it.
pub fn form_key_cookie(value: &str) -> String {
    format!("form_key={}; {}; path=/; SameSite=Lax", form::raw_encode(value), lifetime(3600))
}

/// A cookie deleted as PHP deletes one (`setcookie` with an empty value).
pub fn deleted_cookie(name: &str) -> String {
    format!("{name}=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; path=/")
}

/// The customer group every account of the mock is in: General.
pub const GENERAL_GROUP: u32 = 1;

/// `X-Magento-Vary` of a signed-in shopper: the hash of their context (customer group, signed
/// in), so that caches tell them from guests.
pub fn vary_cookie(customer_group: u32) -> String {
    vary_cookie_of(&format!("{{\"customer_group\":\"{customer_group}\",\"customer_logged_in\":true}}"))
}

/// `X-Magento-Vary` as sign-out leaves it: the context keeps the customer's group but no longer
/// says signed in (a real 2.4.7-p3 store's cookie after `logout/` is the hash of
/// `{"customer_group":"1"}`).
pub fn vary_cookie_signed_out(customer_group: u32) -> String {
    vary_cookie_of(&format!("{{\"customer_group\":\"{customer_group}\"}}"))
}

/// The mock's stand-in for the store's `crypt/key` (`app/etc/env.php`), which salts the hash:
/// the cookie has the store's form, never a real store's value.
const CRYPT_KEY: &str = "mock-server";

fn vary_cookie_of(context: &str) -> String {
    format!("{VARY_COOKIE}={}; {}; path=/; HttpOnly; SameSite=Lax", vary_string(context, CRYPT_KEY), lifetime(3600))
}

/// `Http\Context::getVaryString` (2.4.7-p3 `framework/App/Http/Context.php`): the SHA-256, in hex,
/// of the key-sorted context as JSON, `|` and the crypt key.
fn vary_string(context_json: &str, crypt_key: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(context_json.as_bytes());
    hash.update(b"|");
    hash.update(crypt_key.as_bytes());
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// `Magento\Framework\App\PageCache\Version`: a new value on every POST, for ten years.
pub fn private_content_version_cookie(value: &str) -> String {
    format!("private_content_version={value}; {}; path=/; SameSite=Lax", lifetime(315_360_000))
}

/// `expires=<HTTP date>; Max-Age=<seconds>`, as PHP's `setcookie` writes them.
fn lifetime(seconds: i64) -> String {
    format!("expires={}; Max-Age={seconds}", http_date(seconds))
}

/// The HTTP date `seconds` from now (`Wed, 02 Dec 2026 13:34:45 GMT`).
pub fn http_date(seconds: i64) -> String {
    let then = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    then.format(&time::format_description::well_known::Rfc2822)
        .map(|date| date.replace("+0000", "GMT"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    /// Read off a real 2.4.7-p3 store on loopback (2026-12-03): its throwaway install's
    /// `crypt/key`, and the `X-Magento-Vary` it set after `loginPost/` and after `logout/` for a
    /// General (group 1) customer.
    const STORE_CRYPT_KEY: &str = "base64fp2eJzMbqyQb0l55Ypcpak2MgTVZLo9pe1FmGfJMOPc=";

    #[test]
    fn the_vary_hash_is_the_store_s_for_its_crypt_key() {
        let signed_in = r#"{"customer_group":"1","customer_logged_in":true}"#;
        assert_eq!(
            vary_string(signed_in, STORE_CRYPT_KEY),
            "dc4a79a62e1cf97f58ca04268c4934a125ba347e9e93678faac2079f031ce6aa"
        );
        assert_eq!(
            vary_string(r#"{"customer_group":"1"}"#, STORE_CRYPT_KEY),
            "3117683d3ccb94a7960d91e63df37750d4591647c7dd3441351d8bbb227cb6ec"
        );
        let cookie = vary_cookie(GENERAL_GROUP);
        assert!(cookie.starts_with(&format!("X-Magento-Vary={}; ", vary_string(signed_in, CRYPT_KEY))), "{cookie}");
        assert_ne!(cookie, vary_cookie_signed_out(GENERAL_GROUP));
    }

    #[test]
    fn messages_round_trip_through_the_cookie_as_magento_writes_it() {
        let messages = vec![Message::error("New Password and Confirm New Password values didn't match.")];
        let set = messages_cookie(&messages);
        // Byte for byte as the real store set it (fixtures/real-store/luma/, 03a).
        assert!(set.starts_with(
            "mage-messages=%5B%7B%22type%22%3A%22error%22%2C%22text%22%3A%22New%20Password%20and%20Confirm%20New%20Password%20values%20didn%26%23039%3Bt%20match.%22%7D%5D; expires="
        ), "{set}");
        assert!(set.ends_with("; Max-Age=31536000; path=/; SameSite=Strict"));
        let value = set.split(';').next().unwrap_or_default();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&format!("a=b; {value}")).unwrap());
        assert_eq!(waiting_messages(&headers), messages);
    }

    #[test]
    fn a_cookie_that_is_not_a_list_of_messages_is_ignored() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("mage-messages=%7B%22x%22%3A1%7D"));
        assert!(waiting_messages(&headers).is_empty());
    }

    #[test]
    fn the_oldest_session_is_forgotten_beyond_the_limit() {
        let sessions = Sessions::default();
        for n in 0..=MAX_SESSIONS {
            sessions.put(&n.to_string(), Session::default());
        }
        assert!(sessions.get("0").is_none());
        assert!(sessions.get(&MAX_SESSIONS.to_string()).is_some());
    }
}
