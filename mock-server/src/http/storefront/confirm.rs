//! `customer/account/confirm/?id=..&key=..`, the link of the confirmation email, as Magento_Customer's
//! `Controller/Account/Confirm.php` (2.4.7-p3) answers a browser that is not signed in: the account
//! confirmed and a 302 to the account page with its message (recorded in
//! `fixtures/real-store/2.4.7-p3-confirmation.jsonl`, the `luma-*` lines). The mock has no signed-in
//! storefront session and sends no welcome email from here: `confirmEmail` does both over GraphQL.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::http::request_headers::RequestHeaders;
use crate::http::services::Live;
use crate::magento::account::confirm_email::{check_activation, confirmation_link};
use crate::magento::account::emails::{self, Kind};
use crate::magento::context::{RequestContext, Services};
use crate::mail::Mailbox;

use super::actions::{form_key_valid, referer_or_base};
use super::session::Message;
use super::{Request, SessionChange, Visit, reset};

const BAD_REQUEST: &str = "Bad request.";
/// Every `StateException` of `activate` (already active, wrong key) reads this.
const KEY_INVALID: &str = "This confirmation key is invalid or has expired.";
/// Any other failure (an unknown id).
const FAILED: &str = "There was an error confirming the account";

pub fn confirm(visit: &mut Visit, request: &Request) -> Response {
    let customer_id = reset::php_int(request.param("id"));
    let key = request.param("key");
    if customer_id == 0 || key.is_empty() || key == "0" {
        visit.add(Message::error(BAD_REQUEST));
        return visit.redirect("customer/account/index/");
    }
    let outcome = {
        let mut accounts = visit.namespace.accounts();
        match accounts.by_id(customer_id).map(|c| check_activation(c.profile.confirmation.as_deref(), key)) {
            None => Err(FAILED),
            Some(Err(_)) => Err(KEY_INVALID),
            Some(Ok(())) => {
                accounts.update(customer_id, |c| c.profile.confirmation = None);
                Ok(())
            }
        }
    };
    let message = match outcome {
        Ok(()) => Message::success(&format!("Thank you for registering with {}.", visit.app.fixtures().store.name)),
        Err(text) => Message::error(text),
    };
    visit.add(message);
    visit.redirect("customer/account/index/")
}

/// `customer/account/confirmation/`, the link of the unconfirmed sign-in's message: "Send
/// confirmation link" (`Controller/Account/Confirmation.php`; recorded, the `11d`-`11i` hops). A
/// signed-in shopper goes to the dashboard. A posted email: `resendConfirmation` on this website's
/// accounts mails the confirmation link again ("Please check your email for confirmation key."),
/// or says "This email does not require confirmation.", both ending on `customer/account/index/`;
/// an unknown one stays on the form with "Wrong email.". Without an email, the form (the link's
/// `?email=` is not read: the controller reads the post only).
pub fn confirmation(visit: &mut Visit, request: &Request, headers: &HeaderMap) -> Response {
    if request.is_post && !form_key_valid(visit, request, headers) {
        visit.add(Message::error(reset::INVALID_FORM_KEY));
        let back = referer_or_base(visit, headers);
        return visit.redirect_to(&back);
    }
    if visit.customer_id().is_some() {
        return visit.redirect("customer/account/");
    }
    let email = request.post("email").to_owned();
    if !crate::magento::php::is_empty(&email) {
        match resend(visit, &email) {
            Resent::Sent => {
                visit.add(Message::success("Please check your email for confirmation key."));
                return visit.redirect("customer/account/index/");
            }
            Resent::NotNeeded => {
                visit.add(Message::success("This email does not require confirmation."));
                return visit.redirect("customer/account/index/");
            }
            Resent::NoSuchAccount => visit.add(Message::error("Wrong email.")),
        }
    }
    if request.is_post {
        // The page's blocks' cache tags: the menu's categories, the store, the footer's CMS blocks.
        visit.tags = Some("cat_c,store,cms_b,FPC");
    } else {
        // A cacheable page: Magento's page cache sends it without the session's cookies (recorded).
        visit.change = SessionChange::Cacheable;
    }
    let login_url = format!("{}customer/account/login/", visit.base_url);
    let content = super::pages::confirmation(&visit.session.form_key, &email, &login_url);
    visit.page(StatusCode::OK, "Send confirmation link", "customer-account-confirmation", content)
}

enum Resent {
    Sent,
    NotNeeded,
    NoSuchAccount,
}

/// `AccountManagement::resendConfirmation`: the confirmation email again, with the key the
/// account already has. A failed delivery is logged by Magento and still answers as sent.
fn resend(visit: &Visit, email: &str) -> Resent {
    let (recipient, customer_id, key) = {
        let accounts = visit.namespace.accounts();
        let Some(customer) = accounts.find(email) else { return Resent::NoSuchAccount };
        let Some(key) = customer.profile.confirmation.clone() else { return Resent::NotNeeded };
        (Mailbox { name: customer.name(), address: customer.email.clone() }, customer.id, key)
    };
    let services = Live::for_request(visit.app.clone(), visit.namespace.clone(), &RequestHeaders::default());
    let ctx = RequestContext {
        settings: visit.app.settings(),
        client_ip: visit.client_ip,
        bearer_token: None,
        field_states: HashMap::new(),
        captured: Mutex::new(Vec::new()),
        services,
    };
    let confirm_link = confirmation_link(ctx.services.storefront_url(), customer_id, &key);
    if emails::send(&ctx, Kind::Confirmation { confirm_link }, recipient).is_err() {
        tracing::warn!("the confirmation email could not be captured");
    }
    Resent::Sent
}
