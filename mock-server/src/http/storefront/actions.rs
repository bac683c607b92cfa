//! The controllers, each as Magento_Customer's of the same name does it (2.4.7-p3,
//! `Controller/Account/*.php`): checks, messages and redirects in its order.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use crate::magento::ResetLink;
use crate::magento::php;

use super::reset::{self, ResetRefused};
use super::session::Message;
use super::{Request, Visit, form, pages};

/// `CreatePassword`: a link with a token is checked, its token kept in the session and the
/// browser sent to the same page without it; that page checks the session's token again and
/// shows the form. Any failure: "Your password reset link has expired." on `forgotpassword/`.
pub fn create_password(visit: &mut Visit, request: &Request) -> Response {
    let link_token = request.param("token").to_owned();
    let direct = !link_token.is_empty();
    let (token, mut customer_id) = if direct {
        (link_token, reset::php_int(request.param("id")))
    } else {
        (visit.session.rp_token.clone().unwrap_or_default(), visit.session.rp_customer_id)
    };
    // Releases whose link has no id found the customer by the token.
    if customer_id == 0 && visit.app.settings().magento_version.reset_link() == ResetLink::Token {
        customer_id = reset::customer_by_token(&visit.namespace, &token).unwrap_or(0);
    }
    if reset::open_link(&visit.namespace, customer_id, &token).is_err() {
        visit.add(Message::error(reset::LINK_EXPIRED));
        return visit.redirect("customer/account/forgotpassword/");
    }
    if direct {
        visit.session.rp_token = Some(token);
        visit.session.rp_customer_id = customer_id;
        visit.session.namespace = Some(visit.namespace_name.clone());
        return visit.redirect("customer/account/createpassword/");
    }
    let action = format!(
        "{}customer/account/resetpasswordpost/?id={customer_id}&token={}",
        visit.base_url,
        form::encode(&token)
    );
    let policy = visit.app.fixtures().store.password_policy();
    let content = pages::create_password(&action, &visit.session.form_key, policy);
    visit.page(StatusCode::OK, "Set a New Password", "customer-account-createpassword", content)
}

/// `ResetPasswordPost`, after `CsrfValidator`'s form-key check.
pub fn reset_password_post(visit: &mut Visit, request: &Request, headers: &HeaderMap) -> Response {
    if !form_key_valid(visit, request, headers) {
        visit.add(Message::error(reset::INVALID_FORM_KEY));
        let back = referer_or_base(visit, headers);
        return visit.redirect_to(&back);
    }
    let token = request.query("token").to_owned();
    let customer_id = request.query("id");
    let password = request.post("password");
    let back = if token.is_empty() {
        "customer/account/createPassword/".to_owned()
    } else {
        format!("customer/account/createPassword/token/{}/", form::encode(&token))
    };
    if password != request.post("password_confirmation") {
        visit.add(Message::error(reset::PASSWORDS_DIFFER));
        return visit.redirect(&back);
    }
    if password.is_empty() {
        visit.add(Message::error(reset::PASSWORD_REQUIRED));
        return visit.redirect(&back);
    }
    // Outside the controller's try: an id that is no customer's escapes as an exception.
    let email = if php::is_empty(customer_id) {
        None
    } else {
        match reset::email_of(&visit.namespace, reset::php_int(customer_id)) {
            Some(email) => Some(email),
            None => return super::super::error_page::unhandled_exception(&visit.app),
        }
    };
    let policy = visit.app.fixtures().store.password_policy();
    match reset::reset(&visit.namespace, policy, email.as_deref(), &token, password) {
        Ok(()) => {
            visit.session.rp_token = None;
            visit.session.rp_customer_id = 0;
            visit.add(Message::success(reset::PASSWORD_UPDATED));
            visit.redirect("customer/account/login/")
        }
        Err(ResetRefused::Input(message)) => {
            visit.add(Message::error(&message));
            visit.redirect(&back)
        }
        Err(ResetRefused::Other) => {
            visit.add(Message::error(reset::SAVE_FAILED));
            visit.redirect(&back)
        }
    }
}

/// `forgotpassword/`: where an expired link lands.
pub fn forgot_password(visit: &mut Visit) -> Response {
    let word = visit.new_captcha_word();
    let content = pages::forgot_password(&visit.base_url, &visit.sign_in_url, &word);
    visit.page(StatusCode::OK, "Forgot Your Password?", "customer-account-forgotpassword", content)
}

/// Any other action, or a method the action does not take: the store's 404 page.
pub fn not_found(visit: &mut Visit) -> Response {
    let content = pages::not_found(&visit.base_url);
    visit.page(StatusCode::NOT_FOUND, "404 Not Found", "cms-no-route cms-noroute-index", content)
}

/// `form_key` must be the session's (or the `form_key` cookie's, which Luma's script sets and
/// `RegisterFormKeyFromCookie` adopts); an `X-Requested-With: XMLHttpRequest` request needs none.
pub(super) fn form_key_valid(visit: &Visit, request: &Request, headers: &HeaderMap) -> bool {
    let ajax = headers.get("x-requested-with").is_some_and(|value| value == "XMLHttpRequest");
    let given = request.param("form_key");
    let expected = visit.session.form_key.as_bytes();
    ajax || (!given.is_empty() && subtle::ConstantTimeEq::ct_eq(given.as_bytes(), expected).into())
}

/// `setRefererOrBaseUrl`: the `Referer` when it is one of the store's pages, else the base URL.
pub(super) fn referer_or_base(visit: &Visit, headers: &HeaderMap) -> String {
    headers
        .get(header::REFERER)
        .and_then(|value| value.to_str().ok())
        .filter(|referer| referer.starts_with(&visit.base_url))
        .map_or_else(|| visit.base_url.clone(), str::to_owned)
}
