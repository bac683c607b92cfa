//! The sign-in page and its form's target (with Magento_Captcha's check), the forgot-password
//! form's target and the dashboard a sign-in ends on, as Magento_Customer's `Login`, `LoginPost`,
//! `ForgotPasswordPost` and `Index` do them (2.4.7-p3), on the namespace's accounts. Recorded on a
//! real store: fixtures/real-store/2.4.7-p3-luma-posts.jsonl and 2.4.7-p3-luma-session.jsonl.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

use crate::http::request_headers::RequestHeaders;
use crate::http::services::Live;
use crate::magento::email_address::is_valid_email;
use crate::magento::password_reset::{WebResetRequested, request_reset_from_web_form};
use crate::magento::php;

use super::actions::{form_key_valid, referer_or_base};
use super::pages::{CONFIRM_AFTER, CONFIRM_BEFORE};
use super::session::Message;
use super::{Request, SessionChange, Visit, form, pages, reset, url_encoder};

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

/// `login/`: the sign-in form beside "New Customers".
/// A signed-in shopper is sent to the dashboard; after a refused sign-in the form shows the
/// username once.
pub fn login(visit: &mut Visit) -> Response {
    if visit.customer_id().is_some() {
        return visit.redirect("customer/account/");
    }
    let username = visit.session.username.take().unwrap_or_default();
    let captcha = login_captcha_required(visit, None).then(|| {
        let word = visit.captcha_word();
        visit.session.login_captcha_word = Some(visit.keep_word(&word));
        word
    });
    let content = pages::login(&visit.base_url, &visit.session.form_key, &username, captcha.as_deref());
    let mut page = visit.page(StatusCode::OK, "Customer Login", "customer-account-login", content);
    page.headers_mut().insert("login-required", HeaderValue::from_static("true"));
    page
}

/// `LoginPost`: a signed-in shopper or a missing form key goes to the dashboard; then
/// Magento_Captcha's check; then both fields are required; then
/// `AccountManagement::authenticate`. Success regenerates the session and ends on the dashboard
/// (`customer/startup/redirect_dashboard`, on by default); a refusal returns to the form, which
/// keeps the username.
pub fn login_post(visit: &mut Visit, request: &Request, headers: &HeaderMap) -> Response {
    if visit.customer_id().is_some() {
        return visit.redirect("customer/account/");
    }
    if !form_key_valid(visit, request, headers) {
        visit.add(Message::error(reset::INVALID_FORM_KEY));
        return visit.redirect("customer/account/");
    }
    let username = request.post("login[username]").to_owned();
    if !login_captcha_passes(visit, request, &username) {
        return visit.redirect("customer/account/login/");
    }
    let password = request.post("login[password]");
    if php::is_empty(&username) || php::is_empty(password) {
        visit.add(Message::error(LOGIN_REQUIRED));
        return visit.redirect("customer/account/login/");
    }
    match authenticate(visit, &username, password) {
        SignIn::Done(customer_id) => {
            if visit.renew_session(SessionChange::SignedIn).is_err() {
                visit.add(Message::error(UNSPECIFIED_ERROR));
                return visit.redirect("customer/account/login/");
            }
            visit.session.customer_id = Some(customer_id);
            visit.session.namespace = Some(visit.namespace_name.clone());
            visit.redirect("customer/account/")
        }
        // `addComplexErrorMessage('confirmAccountErrorMessage')`: HTML with the resend link.
        SignIn::NotConfirmed => {
            let url = format!("{}customer/account/confirmation/?email={}", visit.base_url, form::encode(&username));
            let text = format!("{CONFIRM_BEFORE}{}{CONFIRM_AFTER}", super::html::escape_html(&url));
            visit.add(Message { kind: "error".to_owned(), text });
            visit.session.username = Some(username);
            visit.redirect("customer/account/login/")
        }
        SignIn::Refused => {
            visit.add(Message::error(SIGN_IN_INCORRECT));
            visit.session.username = Some(username);
            visit.redirect("customer/account/login/")
        }
    }
}

enum SignIn {
    Done(u32),
    /// `EmailNotConfirmedException`.
    NotConfirmed,
    Refused,
}

/// `AccountManagement::authenticate`: unknown, locked (before the password is checked) and a
/// wrong password (counted toward the lock) all fail alike; then an account awaiting its
/// confirmation, while the store requires one. Success clears the failures, as the
/// storefront's `CustomerLoginSuccessObserver` unlocks, and the CAPTCHA's attempts
/// (`ResetAttemptForFrontendObserver`).
fn authenticate(visit: &Visit, email: &str, password: &str) -> SignIn {
    let now = visit.namespace.clock.now();
    let mut accounts = visit.namespace.accounts();
    let Some(customer) = accounts.find(email) else { return SignIn::Refused };
    if customer.is_locked(now) {
        return SignIn::Refused;
    }
    if !customer.password_matches(password) {
        accounts.record_authentication_failure(email, now);
        return SignIn::Refused;
    }
    let settings = visit.app.settings();
    let confirmation_required =
        settings.create_account_confirmation.unwrap_or(visit.app.fixtures().store.create_account_confirmation);
    if customer.profile.confirmation.is_some() && confirmation_required {
        return SignIn::NotConfirmed;
    }
    let (id, customer_email) = (customer.id, customer.email.clone());
    accounts.clear_authentication_failures(email);
    visit.attempts.clear(&visit.namespace, &customer_email, visit.client_ip);
    SignIn::Done(id)
}

/// Magento_Captcha's `CheckUserLoginObserver`, before the controller: when the form needs its
/// word, a wrong or missing one counts as a failed sign-in for an existing account, and
/// "Incorrect CAPTCHA" waits in the session for the sign-in page. Every post is logged.
fn login_captcha_passes(visit: &mut Visit, request: &Request, username: &str) -> bool {
    // `$login != false`: PHP's "" and "0" are no username.
    let login = (!php::is_empty(username)).then_some(username);
    let mut passes = true;
    if login_captcha_required(visit, login) {
        let kept = visit.session.login_captcha_word.take();
        if !visit.check_word(kept, request.post("captcha[user_login]")) {
            passes = false;
            if let Some(login) = login {
                let now = visit.namespace.clock.now();
                let mut accounts = visit.namespace.accounts();
                if accounts.find(login).is_some() {
                    accounts.record_authentication_failure(login, now);
                }
            }
            visit.session.pending.push(Message::error(INCORRECT_CAPTCHA));
            visit.session.username = Some(username.to_owned());
        }
    }
    if visit.attempts.log(&visit.namespace, login, visit.client_ip) {
        visit.session.login_captcha_shown = true;
    }
    passes
}

/// `DefaultModel::isRequired($login)` for the sign-in form.
pub(super) fn login_captcha_required(visit: &Visit, login: Option<&str>) -> bool {
    visit.attempts.required(&visit.namespace, login, visit.client_ip, visit.session.login_captcha_shown)
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
    let kept = visit.session.captcha_word.take();
    if !visit.check_word(kept, request.post("captcha[user_forgotpassword]")) {
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
