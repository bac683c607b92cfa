//! `customer/account/confirm/?id=..&key=..`, the link of the confirmation email, as Magento_Customer's
//! `Controller/Account/Confirm.php` (2.4.7-p3) answers a browser that is not signed in: the account
//! confirmed and a 302 to the account page with its message (recorded in
//! `fixtures/real-store/2.4.7-p3-confirmation.jsonl`, the `luma-*` lines). The mock has no signed-in
//! storefront session and sends no welcome email from here: `confirmEmail` does both over GraphQL.

use axum::response::Response;

use crate::magento::account::confirm_email::check_activation;

use super::session::Message;
use super::{Request, Visit, reset};

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
