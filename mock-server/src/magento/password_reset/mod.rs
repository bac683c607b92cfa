//! `requestPasswordResetEmail` and `resetPassword`: Magento's checks, in Magento's order
//! (`magento-behaviour.md` sections 2 and 3).

use std::net::IpAddr;
use std::sync::Arc;

use super::release::MagentoVersion;
use super::settings::{Enumeration, Settings};
use super::store;
use crate::accounts::Customer;
use crate::fixtures::Store;
use crate::magento::reset_link::reset_link;
use crate::mail::stored::Content;
use crate::mail::{Mailbox, ResetEmail};
use crate::scenarios::State;

use super::context::{RequestContext, Services};
use super::email_address::is_valid_email;
use super::errors::MagentoError;
use super::php;

/// The length of a reset token: `[A-Za-z0-9]{32}`.
pub const TOKEN_LENGTH: usize = 32;

/// What `requestPasswordResetEmail` did.
#[derive(Debug, PartialEq, Eq)]
pub struct ResetRequested {
    /// The mutation's answer: `false` when the mail transport failed.
    pub sent: bool,
    /// The Mailpit id of the captured email.
    pub message_id: Option<Arc<str>>,
}

impl ResetRequested {
    const SENT_NOTHING: Self = Self { sent: true, message_id: None };
}

/// `requestPasswordResetEmail(email)`, with `scripted` replacing the account's real state.
pub fn request_reset_email(
    ctx: &RequestContext,
    email: &str,
    scripted: Option<State>,
) -> Result<ResetRequested, MagentoError> {
    if php::is_empty(email) {
        return Err(MagentoError::EmailRequired);
    }
    if !is_valid_email(email) {
        return Err(MagentoError::EmailInvalid);
    }
    let uniform = ctx.settings.enumeration == Enumeration::Uniform;
    match scripted {
        Some(State::Unknown) if uniform => return Ok(ResetRequested::SENT_NOTHING),
        Some(State::Unknown | State::Throttled) => return Err(MagentoError::CannotResetPassword),
        Some(State::Locked) => return Err(MagentoError::AccountLocked),
        Some(State::InternalError) => return Err(MagentoError::Internal),
        // Decided below, with the account.
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
    let (recipient, customer_id, token, origin) = {
        let mut accounts = ctx.services.accounts();
        let (key, found) = accounts.find_keyed(email);
        let origin = found.map(|customer| made_in(&ctx.services, customer));
        let (recipient, customer_id) = match (found, scripted) {
            (Some(customer), Some(State::Ok)) => {
                (Mailbox { name: customer.name(), address: customer.email.clone() }, customer.id)
            }
            (Some(customer), _) => {
                if customer.is_locked(now) {
                    return Err(MagentoError::AccountLocked);
                }
                let recipient = Mailbox { name: customer.name(), address: customer.email.clone() };
                let customer_id = customer.id;
                let throttled = ctx.settings.throttle.throttles_graphql()
                    && !accounts.admit_reset_request(email, ctx.client_ip, now);
                if throttled {
                    return Err(MagentoError::CannotResetPassword);
                }
                (recipient, customer_id)
            }
            // A scripted success for an address with no account mails the address itself.
            (None, Some(State::Ok | State::MailFailure)) => {
                (Mailbox { name: local_part(email), address: email.to_owned() }, 0)
            }
            (None, _) if uniform => return Ok(ResetRequested::SENT_NOTHING),
            (None, _) => return Err(MagentoError::CannotResetPassword),
        };
        let token = ctx.services.random().alphanumeric(TOKEN_LENGTH).map_err(|_| MagentoError::Internal)?;
        accounts.store_reset_token_at(&key, token.clone(), now);
        (recipient, customer_id, token, origin)
    };
    if scripted.is_some_and(State::fails_mail) {
        // Magento logs the transport's exception and answers false, with no error.
        return Ok(ResetRequested { sent: false, message_id: None });
    }
    let version = ctx.settings.magento_version;
    let message_id = mail_reset_link(&ctx.services, version, origin, recipient, customer_id, &token)?;
    Ok(ResetRequested { sent: true, message_id: Some(message_id) })
}

/// The store view an account was made in (its website's first for fixture accounts).
fn made_in<'s>(services: &'s dyn Services, customer: &Customer) -> &'s Store {
    store::of_customer(services.stores(), &customer.website, customer.profile.store.as_deref())
}

/// `EmailNotification::passwordResetConfirmation`: the reset email with its link, captured;
/// answers the message's id. It comes from the customer's store view (`origin`), not the
/// request's: a scripted success for an address with no account uses the request's.
fn mail_reset_link(
    services: &dyn Services,
    version: MagentoVersion,
    origin: Option<&Store>,
    recipient: Mailbox,
    customer_id: u32,
    token: &str,
) -> Result<Arc<str>, MagentoError> {
    let store = origin.unwrap_or_else(|| services.store());
    let link_base = store.storefront_url.as_ref().unwrap_or_else(|| services.default_storefront_url());
    let link = reset_link(link_base, version.reset_link(), customer_id, &recipient.address, token);
    let mail =
        ResetEmail::new(recipient, Arc::clone(&store.name), Arc::clone(link_base), link, Arc::clone(&store.locale));
    services.capture(None, Content::Reset(mail)).map_err(|_| MagentoError::Internal)
}

/// What the storefront's forgot-password form got from `initiatePasswordReset`.
#[derive(Debug, PartialEq, Eq)]
pub enum WebResetRequested {
    /// Magento_Security's throttle refused (10 minutes apart, 5 an hour, by IP or email).
    Throttled,
    /// Mailed (the message's id), or not, for an address with no account: the form says the same.
    Done(Option<Arc<str>>),
}

/// `AccountManagement::initiatePasswordReset` as the storefront's `forgotpasswordpost/` calls it:
/// Magento_Security's throttle first (its plugin runs in the web area, for any address), then
/// the customer; a locked account is mailed too (only GraphQL's resolver checks the lock).
pub fn request_reset_from_web_form(
    services: &dyn Services,
    settings: &Settings,
    email: &str,
    client_ip: IpAddr,
) -> Result<WebResetRequested, MagentoError> {
    let now = services.now();
    let (recipient, customer_id, token, origin) = {
        let mut accounts = services.accounts();
        if settings.throttle.throttles_web_forms() && !accounts.admit_reset_request(email, client_ip, now) {
            return Ok(WebResetRequested::Throttled);
        }
        let (key, found) = accounts.find_keyed(email);
        let Some(customer) = found else { return Ok(WebResetRequested::Done(None)) };
        let origin = made_in(services, customer);
        let recipient = Mailbox { name: customer.name(), address: customer.email.clone() };
        let customer_id = customer.id;
        let token = services.random().alphanumeric(TOKEN_LENGTH).map_err(|_| MagentoError::Internal)?;
        accounts.store_reset_token_at(&key, token.clone(), now);
        (recipient, customer_id, token, origin)
    };
    let version = settings.magento_version;
    let message_id = mail_reset_link(services, version, Some(origin), recipient, customer_id, &token)?;
    Ok(WebResetRequested::Done(Some(message_id)))
}

/// `resetPassword(email, resetPasswordToken, newPassword)`, with `scripted` replacing the
/// account's real state.
pub fn reset_password(
    ctx: &RequestContext,
    email: &str,
    token: &str,
    new_password: &str,
    scripted: Option<State>,
) -> Result<bool, MagentoError> {
    if php::is_empty(email) {
        return Err(MagentoError::EmailRequired);
    }
    if !is_valid_email(email) {
        return Err(MagentoError::EmailInvalid);
    }
    if php::is_empty(token) {
        return Err(MagentoError::TokenRequired);
    }
    if php::is_empty(new_password) {
        return Err(MagentoError::NewPasswordRequired);
    }
    match scripted {
        Some(State::Unknown | State::Throttled) => return Err(MagentoError::CannotSetPassword),
        Some(State::Locked) => return Err(MagentoError::AccountLocked),
        Some(State::InternalError) => return Err(MagentoError::Internal),
        Some(State::Ok) => {
            ctx.services.accounts().complete_reset(email, new_password);
            return Ok(true);
        }
        // resetPassword sends no mail: a mail failure changes nothing.
        Some(State::MailFailure) | None => {}
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
    let policy = ctx.services.store().password_policy();
    let mut accounts = ctx.services.accounts();
    let expiration_hours = accounts.settings.reset_link_expiration_hours;
    let customer = accounts.find(email).ok_or(MagentoError::CannotSetPassword)?;
    if customer.is_locked(now) {
        return Err(MagentoError::AccountLocked);
    }
    let core_checks = || -> Result<(), MagentoError> {
        let stored = customer.reset_token().filter(|stored| stored.matches(token));
        let stored = stored.ok_or(MagentoError::TokenMismatched)?;
        if stored.is_expired(now, expiration_hours) {
            return Err(MagentoError::TokenExpired);
        }
        policy.check(email, new_password)
    };
    if let Err(error) = core_checks() {
        return Err(if ctx.settings.magento_version.hides_reset_failures() {
            MagentoError::CannotSetPassword
        } else {
            error
        });
    }
    accounts.complete_reset(email, new_password);
    Ok(true)
}

fn local_part(email: &str) -> String {
    email.rsplit_once('@').map_or(email, |(local, _)| local).to_owned()
}

#[cfg(test)]
mod tests;
