//! The rest of the journey: signing in (`generateCustomerToken`), the signed-in `customer`,
//! signing out, and `isEmailAvailable` (`magento-behaviour.md` section 6).

use crate::accounts::Customer;
use crate::scenarios::State;

use super::context::RequestContext;
use super::email_address::is_valid_email;
use super::errors::MagentoError;
use super::php;

/// `generateCustomerToken(email, password)`: the sign-in throttle is passed before the password
/// is checked; every failure reads the same.
pub fn generate_customer_token(
    ctx: &RequestContext,
    email: &str,
    password: &str,
    scripted: Option<State>,
) -> Result<String, MagentoError> {
    if php::is_empty(email) {
        return Err(MagentoError::SpecifyValue { field: "email" });
    }
    if php::is_empty(password) {
        return Err(MagentoError::SpecifyValue { field: "password" });
    }
    match scripted {
        Some(State::InternalError) => return Err(MagentoError::Internal),
        Some(State::Unknown | State::Locked | State::Throttled) => return Err(MagentoError::SignInIncorrect),
        // Signing in sends no mail; the account decides below.
        Some(State::Ok | State::MailFailure) | None => {}
        // Transport faults are answered before any resolver runs.
        Some(
            State::Delay(_)
            | State::Http500
            | State::Http502
            | State::Http503
            | State::ConnectionReset
            | State::MalformedJson,
        ) => {}
    }
    let now = ctx.services.now();
    let mut accounts = ctx.services.accounts();
    if accounts.sign_in_throttled(email, now) {
        return Err(MagentoError::SignInIncorrect);
    }
    let outcome = match accounts.find(email) {
        None => Err(()),
        Some(customer) if customer.is_locked(now) => Err(()),
        Some(customer) if !customer.password_matches(password) => {
            accounts.record_authentication_failure(email, now);
            Err(())
        }
        // `Authenticate`: after the password, an account still waiting for its confirmation (while
        // the store requires one) is refused with the same message.
        Some(customer) if customer.profile.confirmation.is_some() && ctx.confirmation_required() => Err(()),
        Some(customer) => Ok(customer.id),
    };
    let Ok(customer_id) = outcome else {
        accounts.record_sign_in_failure(email, now);
        return Err(MagentoError::SignInIncorrect);
    };
    accounts.clear_sign_in_failures(email);
    // The account lock's failure count is not reset: its unlock observer listens in the
    // storefront's web area only (`docs/magento-account-area.md` section 2.3).
    let expires = now + accounts.settings.customer_token_lifetime;
    let token = super::customer_token::issue(customer_id, now, expires, ctx.services.customer_token_key());
    accounts.open_session(customer_id, token.clone(), now);
    Ok(token)
}

/// The customer signed in by the request's bearer token.
pub fn current_customer(ctx: &RequestContext) -> Result<Customer, MagentoError> {
    let token = ctx.bearer_token.as_deref().ok_or(MagentoError::CustomerNotAuthorized)?;
    let now = ctx.services.now();
    let accounts = ctx.services.accounts();
    accounts.session_customer(token, now).cloned().ok_or(MagentoError::CustomerNotAuthorized)
}

/// `revokeCustomerToken`: ends the request's session.
pub fn revoke_customer_token(ctx: &RequestContext) -> Result<bool, MagentoError> {
    current_customer(ctx)?;
    let token = ctx.bearer_token.as_deref().ok_or(MagentoError::CustomerNotAuthorized)?;
    Ok(ctx.services.accounts().revoke_session(token))
}

/// `isEmailAvailable(email)`: whether no account has the email. From 2.4.7 it answers `true` for
/// every valid address unless "Enable Guest Checkout Login" is on (off by default).
pub fn is_email_available(ctx: &RequestContext, email: &str) -> Result<bool, MagentoError> {
    if php::is_empty(email) {
        return Err(MagentoError::IsEmailAvailableEmailRequired);
    }
    if !is_valid_email(email) {
        return Err(MagentoError::IsEmailAvailableEmailInvalid);
    }
    if !ctx.settings.magento_version.reveals_email_availability() {
        return Ok(true);
    }
    Ok(ctx.services.accounts().find(email).is_none())
}

#[cfg(test)]
mod tests;
