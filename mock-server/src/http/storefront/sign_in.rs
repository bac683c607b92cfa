//! The sign-in and forgot-password forms' targets and the dashboard a sign-in ends on, as
//! Magento_Customer's `LoginPost`, `ForgotPasswordPost` and `Index` do them (2.4.7-p3), on the
//! namespace's accounts. Recorded on a real store: fixtures/real-store/2.4.7-p3-luma-posts.jsonl.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::http::request_headers::RequestHeaders;
use crate::http::services::Live;
use crate::magento::email_address::is_valid_email;
use crate::magento::password_reset::{WebResetRequested, request_reset_from_web_form};
use crate::magento::php;

use super::actions::{form_key_valid, referer_or_base};
use super::session::Message;
use super::{Request, SessionChange, Visit, pages, reset, url_encoder};

const LOGIN_REQUIRED: &str = "A login and a password are required.";
/// Every `AuthenticationException` (unknown email, wrong password, locked) reads the same.
const SIGN_IN_INCORRECT: &str =
    "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.";
const UNSPECIFIED_ERROR: &str = "An unspecified error occurred. Please contact us for assistance.";
const EMAIL_REQUIRED: &str = "Please enter your email.";
const EMAIL_INCORRECT: &str = "The email address is incorrect. Verify the email address and try again.";
/// Magento_Security's refusal; the address is `contact/email/recipient_email`'s default.
const TOO_MANY_RESETS: &str =
    "We received too many requests for password resets. Please wait and try again later or contact hello@example.com.";
const INCORRECT_CAPTCHA: &str = "Incorrect CAPTCHA";
const RESET_MAIL_FAILED: &str = "We're unable to send the password reset email.";

/// `LoginPost`: a signed-in shopper or a missing form key goes to the dashboard; then both
/// fields are required; then `AccountManagement::authenticate`. Success regenerates the
/// session and ends on the dashboard (`customer/startup/redirect_dashboard`, on by default);
/// a refusal returns to the form, which keeps the username.
pub fn login_post(visit: &mut Visit, request: &Request, headers: &HeaderMap) -> Response {
    if visit.customer_id().is_some() {
        return visit.redirect("customer/account/");
    }
    if !form_key_valid(visit, request, headers) {
        visit.add(Message::error(reset::INVALID_FORM_KEY));
        return visit.redirect("customer/account/");
    }
    let username = request.post("login[username]").to_owned();
    let password = request.post("login[password]");
    if php::is_empty(&username) || php::is_empty(password) {
        visit.add(Message::error(LOGIN_REQUIRED));
        return visit.redirect("customer/account/login/");
    }
    match authenticate(visit, &username, password) {
        Some(customer_id) => {
            if visit.renew_session(SessionChange::SignedIn).is_err() {
                visit.add(Message::error(UNSPECIFIED_ERROR));
                return visit.redirect("customer/account/login/");
            }
            visit.session.customer_id = Some(customer_id);
            visit.session.namespace = Some(visit.namespace_name.clone());
            visit.redirect("customer/account/")
        }
        None => {
            visit.add(Message::error(SIGN_IN_INCORRECT));
            visit.session.username = Some(username);
            visit.redirect("customer/account/login/")
        }
    }
}

/// `AccountManagement::authenticate`: unknown, locked (before the password is checked) and a
/// wrong password (counted toward the lock) all fail alike. Success clears the failures, as
/// the storefront's `CustomerLoginSuccessObserver` unlocks.
fn authenticate(visit: &Visit, email: &str, password: &str) -> Option<u32> {
    let now = visit.namespace.clock.now();
    let mut accounts = visit.namespace.accounts();
    let customer = accounts.find(email)?;
    if customer.is_locked(now) {
        return None;
    }
    if !customer.password_matches(password) {
        accounts.record_authentication_failure(email, now);
        return None;
    }
    let id = customer.id;
    accounts.clear_authentication_failures(email);
    Some(id)
}

/// `ForgotPasswordPost`, after Magento_Captcha's check. Empty or invalid email: back to the form. Then `initiatePasswordReset`; any
/// address but a throttled one gets the same success message, the session is destroyed, and
/// the shopper goes to `customer/account/` (for a guest: the sign-in page).
pub fn forgot_password_post(visit: &mut Visit, request: &Request, headers: &HeaderMap) -> Response {
    if !form_key_valid(visit, request, headers) {
        visit.add(Message::error(reset::INVALID_FORM_KEY));
        let back = referer_or_base(visit, headers);
        return visit.redirect_to(&back);
    }
    // `CheckForgotpasswordObserver` (the form's CAPTCHA is always required as installed): its
    // message skips `MessagePlugin` and waits in the session for the next page.
    let expected = visit.session.captcha_word.take().unwrap_or_default();
    let typed = request.post("captcha[user_forgotpassword]");
    if expected.is_empty() || !typed.eq_ignore_ascii_case(&expected) {
        visit.session.pending.push(Message::error(INCORRECT_CAPTCHA));
        return visit.redirect("customer/account/forgotpassword/");
    }
    let email = request.post("email").to_owned();
    if php::is_empty(&email) {
        visit.add(Message::error(EMAIL_REQUIRED));
        return visit.redirect("customer/account/forgotpassword/");
    }
    if !is_valid_email(&email) {
        visit.add(Message::error(EMAIL_INCORRECT));
        return visit.redirect("customer/account/forgotpassword/");
    }
    let services = Live::for_request(visit.app.clone(), visit.namespace.clone(), &RequestHeaders::default());
    let settings = visit.app.settings();
    match request_reset_from_web_form(&services, &settings, &email, visit.client_ip) {
        Ok(WebResetRequested::Done(_)) => {}
        Ok(WebResetRequested::Throttled) => {
            visit.add(Message::error(TOO_MANY_RESETS));
            return visit.redirect("customer/account/forgotpassword/");
        }
        Err(_) => {
            visit.add(Message::error(RESET_MAIL_FAILED));
            return visit.redirect("customer/account/forgotpassword/");
        }
    }
    // Without a new id the old session is kept: the answer is the same to the shopper.
    if visit.renew_session(SessionChange::Destroyed).is_err() {
        visit.session.rp_token = None;
    }
    visit.add(Message::success(&format!(
        "If there is an account associated with {email} you will receive an email with a link to reset your password."
    )));
    visit.redirect("customer/account/")
}

/// `Index`: a guest is sent to sign in (with this page as the referer); a signed-in customer
/// sees "My Account".
pub fn dashboard(visit: &mut Visit) -> Response {
    let customer = visit.customer_id().and_then(|id| visit.namespace.accounts().by_id(id).cloned());
    let Some(customer) = customer else {
        visit.session.customer_id = None;
        let here = url_encoder(&format!("{}customer/account/index/", visit.base_url));
        return visit.redirect(&format!("customer/account/login/referer/{here}/"));
    };
    let content = pages::dashboard(&visit.base_url, &customer.name(), &customer.email, customer.profile.is_subscribed);
    visit.page(StatusCode::OK, "My Account", "account customer-account-index", content)
}
