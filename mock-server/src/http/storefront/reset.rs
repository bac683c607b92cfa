//! The account side of the pages, in the order of Magento's `AccountManagement`
//! (`validateResetPasswordToken`, `changeResetPasswordLinkToken`, `resetPassword`), on the
//! namespace's accounts: the same tokens, expiry, password policy and completion
//! (`Accounts::complete_reset`: token used up, lock and failures cleared, sessions ended) as
//! GraphQL's `resetPassword`.

use crate::magento::password_policy::PasswordPolicy;
use crate::magento::php;
use crate::state::Namespace;

pub const LINK_EXPIRED: &str = "Your password reset link has expired.";
pub const PASSWORDS_DIFFER: &str = "New Password and Confirm New Password values didn't match.";
pub const PASSWORD_REQUIRED: &str = "Please enter a new password.";
pub const PASSWORD_UPDATED: &str = "You updated your password.";
pub const SAVE_FAILED: &str = "Something went wrong while saving the new password.";
pub const INVALID_FORM_KEY: &str = "Invalid Form Key. Please refresh the page.";

/// `validateResetPasswordToken` refused (any reason: `CreatePassword` words them all alike).
#[derive(Debug, PartialEq, Eq)]
pub struct LinkRefused;

/// How `resetPassword` refused, which decides what `ResetPasswordPost` shows.
#[derive(Debug, PartialEq, Eq)]
pub enum ResetRefused {
    /// An `InputException`: its own message.
    Input(String),
    /// Anything else (token mismatched or expired, no such customer): a generic message.
    Other,
}

/// `CreatePassword`: the link's token must be the customer's live one; its life is then
/// extended (`changeResetPasswordLinkToken` stores it again, created now).
pub fn open_link(namespace: &Namespace, customer_id: u32, token: &str) -> Result<(), LinkRefused> {
    let now = namespace.clock.now();
    let mut accounts = namespace.accounts();
    let hours = accounts.settings.reset_link_expiration_hours;
    if customer_id == 0 || php::is_empty(token) {
        return Err(LinkRefused);
    }
    let customer = accounts.by_id(customer_id).ok_or(LinkRefused)?;
    let live = customer.reset_token().filter(|live| live.matches(token)).ok_or(LinkRefused)?;
    if live.is_expired(now, hours) {
        return Err(LinkRefused);
    }
    let email = customer.email.clone();
    accounts.store_reset_token(&email, token.to_owned(), now);
    Ok(())
}

/// The customer whose live token is `token` (`GetCustomerByToken`, used by releases whose link
/// has no id).
pub fn customer_by_token(namespace: &Namespace, token: &str) -> Option<u32> {
    if token.is_empty() {
        return None;
    }
    let accounts = namespace.accounts();
    let mut found = accounts.customers().filter(|c| c.reset_token().is_some_and(|live| live.matches(token)));
    match (found.next(), found.next()) {
        (Some(customer), None) => Some(customer.id),
        _ => None,
    }
}

/// The email of the customer `id`, if there is one.
pub fn email_of(namespace: &Namespace, id: u32) -> Option<String> {
    namespace.accounts().by_id(id).map(|customer| customer.email.clone())
}

/// `AccountManagement::resetPassword($email, $token, $password)`.
pub fn reset(
    namespace: &Namespace,
    policy: PasswordPolicy,
    email: Option<&str>,
    token: &str,
    password: &str,
) -> Result<(), ResetRefused> {
    let Some(email) = email.filter(|email| !php::is_empty(email)) else {
        return Err(ResetRefused::Input("\"email\" is required. Enter and try again.".to_owned()));
    };
    let now = namespace.clock.now();
    let mut accounts = namespace.accounts();
    let hours = accounts.settings.reset_link_expiration_hours;
    let customer = accounts.find(email).ok_or(ResetRefused::Other)?;
    if php::is_empty(token) {
        return Err(ResetRefused::Input("\"resetPasswordLinkToken\" is required. Enter and try again.".to_owned()));
    }
    let live = customer.reset_token().filter(|live| live.matches(token)).ok_or(ResetRefused::Other)?;
    if live.is_expired(now, hours) {
        return Err(ResetRefused::Other);
    }
    policy.check(email, password).map_err(|refused| ResetRefused::Input(refused.to_string()))?;
    let email = customer.email.clone();
    accounts.complete_reset(&email, password);
    Ok(())
}

/// PHP's `(int)` of a string: leading whitespace, a sign, the leading digits; 0 otherwise.
/// A negative or too large id is no customer's, so both read as 0 here.
pub fn php_int(text: &str) -> u32 {
    let text = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0B', '\x0C']);
    let digits = text.strip_prefix('+').unwrap_or(text);
    let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_as_php_casts_them() {
        assert_eq!(php_int("12"), 12);
        assert_eq!(php_int(" 7abc"), 7);
        assert_eq!(php_int("+3"), 3);
        assert_eq!(php_int("-3"), 0);
        assert_eq!(php_int("abc"), 0);
        assert_eq!(php_int("99999999999"), 0);
    }
}
