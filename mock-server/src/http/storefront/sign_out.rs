//! `customer/account/logout/` and the page it ends on, `logoutSuccess/`, as Magento_Customer's
//! `Logout` and `LogoutSuccess` do them (2.4.7-p3); recorded in
//! `fixtures/real-store/2.4.7-p3-luma-session.jsonl` (the `07` hops).

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::actions::{form_key_valid, referer_or_base};
use super::session::Message;
use super::{Request, SessionChange, Visit, reset};

/// `Logout` (GET, or POST with the form key): a guest is sent to sign in, as for any page that
/// needs a customer; a customer's session ends (a new id, the old form key deleted) and the
/// browser goes to `logoutSuccess/`.
pub fn logout(visit: &mut Visit, request: &Request, headers: &HeaderMap) -> Response {
    if request.is_post && !form_key_valid(visit, request, headers) {
        visit.add(Message::error(reset::INVALID_FORM_KEY));
        let back = referer_or_base(visit, headers);
        return visit.redirect_to(&back);
    }
    if visit.customer_id().is_none() {
        let sign_in = visit.sign_in_url.clone();
        return visit.redirect_to(&sign_in);
    }
    // Without a new id the session is emptied in place: signed out all the same.
    if visit.renew_session(SessionChange::SignedOut).is_err() {
        visit.session.customer_id = None;
    }
    visit.redirect("customer/account/logoutSuccess/")
}

/// `LogoutSuccess`: "You are signed out", with an empty `<title>`. The store's script then goes to
/// the home page after 5 seconds; the mock has none, so the page stays. After a sign-out the
/// answer only drops `X-Magento-Vary` (recorded).
pub fn logout_success(visit: &mut Visit) -> Response {
    if visit.vary_cookie_sent {
        visit.change = SessionChange::Cacheable;
    }
    let content = super::pages::logout_success();
    visit.page_titled(StatusCode::OK, "", "You are signed out", "customer-account-logoutsuccess", content)
}
