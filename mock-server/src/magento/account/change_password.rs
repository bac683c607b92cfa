//! `changeCustomerPassword` and the account lock it drives (`docs/magento-account-area.md`
//! sections 2.2 and 2.3).

use async_graphql::{Context, Object};

use super::emails::{self, Kind};
use super::types::CustomerView;
use super::{get_customer, require_customer};
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;
use crate::magento::password_policy::{PasswordPolicy, check_different_from_email};
use crate::magento::php;
use crate::magento::schema::answer;
use crate::magento::scripted::Refusals;
use crate::mail::Mailbox;
use crate::scenarios::State;

#[derive(Default)]
pub struct ChangePasswordMutation;

#[Object]
impl ChangePasswordMutation {
    /// Change the password for the logged-in customer.
    async fn change_customer_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer's original password.")] current_password: String,
        #[graphql(desc = "The customer's updated password.")] new_password: String,
    ) -> Option<CustomerView> {
        answer(ctx, |request, field| {
            change_password(request, field.key, &current_password, &new_password, field.scripted)
        })
    }
}

/// The two "Specify" checks: PHP's `trim()` leaving nothing.
pub fn check_specified(current_password: &str, new_password: &str) -> Result<(), MagentoError> {
    if current_password.trim_matches(php::is_trim_char).is_empty() {
        return Err(MagentoError::SpecifyValue { field: "currentPassword" });
    }
    if new_password.trim_matches(php::is_trim_char).is_empty() {
        return Err(MagentoError::SpecifyValue { field: "newPassword" });
    }
    Ok(())
}

/// What a wrong current password answers: `Authentication::authenticate` counts the failure,
/// then asks `isLocked()` of the account as it was loaded when the request began, so the
/// failure that sets the lock still reads `Invalid login or password.`
pub fn wrong_password_error(locked_at_start: bool) -> MagentoError {
    if locked_at_start { MagentoError::AccountIsLocked } else { MagentoError::InvalidLoginOrPassword }
}

/// The new password's rules, in `changePasswordById`'s order: the email rule before the strength.
pub fn check_new_password(policy: PasswordPolicy, email: &str, new_password: &str) -> Result<(), MagentoError> {
    check_different_from_email(email, new_password)?;
    policy.check_strength(new_password)
}

/// `key` is the field's response key: its journal entry links the "password changed" email.
pub fn change_password(
    ctx: &RequestContext,
    key: &str,
    current_password: &str,
    new_password: &str,
    scripted: Option<State>,
) -> Result<CustomerView, MagentoError> {
    Refusals { unknown: Some(MagentoError::CustomerNotAuthorized), locked: Some(MagentoError::AccountIsLocked) }
        .check(scripted)?;
    let id = require_customer(ctx)?;
    check_specified(current_password, new_password)?;
    let now = ctx.services.now();
    let policy = ctx.services.store().password_policy();
    let mut accounts = ctx.services.accounts();
    let customer = accounts.by_id(id).cloned().ok_or(MagentoError::Internal)?;
    if !customer.password_matches(current_password) {
        accounts.record_authentication_failure(&customer.email, now);
        return Err(wrong_password_error(customer.is_locked(now)));
    }
    check_new_password(policy, &customer.email, new_password)?;
    accounts.change_password(id, new_password);
    drop(accounts);
    if scripted.is_some_and(State::fails_mail) {
        // ChangePassword.php calls credentialsChanged outside any try: its MailException escapes
        // as an internal error, after the password was saved (recorded, 2.4.7-p3-mail-failures.jsonl).
        get_customer(&ctx.services.accounts(), id, now)?;
        return Err(MagentoError::Internal);
    }
    // The password is saved and the change mailed even for a locked account; GetCustomer then
    // refuses it.
    let recipient = Mailbox { name: customer.name(), address: customer.email };
    let message_id = emails::send(ctx, Kind::PasswordChanged, recipient)?;
    ctx.note_captured(key, message_id);
    let customer = get_customer(&ctx.services.accounts(), id, now)?;
    Ok(CustomerView::of(&customer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_passwords_are_not_specified() {
        assert_eq!(check_specified(" \t", "x").unwrap_err().to_string(), "Specify the \"currentPassword\" value.");
        assert_eq!(check_specified("x", "").unwrap_err().to_string(), "Specify the \"newPassword\" value.");
        assert!(check_specified("x", "y").is_ok());
    }

    #[test]
    fn the_email_rule_comes_before_the_strength() {
        let policy = PasswordPolicy::default();
        assert_eq!(check_new_password(policy, "a@b.co", "A@B.CO").unwrap_err(), MagentoError::PasswordSameAsEmail);
        assert!(matches!(
            check_new_password(policy, "a@b.co", "weakpass").unwrap_err(),
            MagentoError::PasswordTooFewClasses { required: 3 }
        ));
    }

    #[test]
    fn only_a_lock_older_than_the_request_reads_locked() {
        assert_eq!(wrong_password_error(false).to_string(), "Invalid login or password.");
        assert_eq!(wrong_password_error(true).to_string(), "The account is locked.");
    }
}
