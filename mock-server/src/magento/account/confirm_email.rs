//! `confirmEmail(input: {email, confirmation_key})`: confirms an account a store that requires
//! confirmation made (`docs/magento-account-area.md` section 1.5; resolver `ConfirmEmail`, then
//! `AccountManagement::activate`).

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object};

use super::emails::{self, Kind};
use super::types::{CustomerOutput, CustomerView, null_for_guest_status};
use crate::accounts::Customer;
use crate::magento::context::RequestContext;
use crate::magento::email_address::is_valid_email;
use crate::magento::errors::MagentoError;
use crate::magento::password_reset::TOKEN_LENGTH;
use crate::magento::reset_link::reset_link;
use crate::magento::schema::answer;
use crate::magento::scripted::Refusals;
use crate::mail::Mailbox;
use crate::scenarios::State;

/// Contains details about a customer email address to confirm.
#[derive(InputObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct ConfirmEmailInput {
    /// The email address to be confirmed.
    pub email: String,
    /// The key to confirm the email address.
    pub confirmation_key: String,
}

#[derive(Default)]
pub struct ConfirmEmailMutation;

#[Object]
impl ConfirmEmailMutation {
    /// Confirms the email address for a customer.
    async fn confirm_email(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An input object to identify the customer to confirm the email.")] input: ConfirmEmailInput,
    ) -> Option<CustomerOutput> {
        let output = answer(ctx, |request, field| {
            let (output, message_id) = confirm_email(request, &input, field.scripted)?;
            if let Some(message_id) = message_id {
                request.note_captured(field.key, message_id);
            }
            Ok(output)
        });
        null_for_guest_status(ctx, output)
    }
}

/// `activateCustomer`'s two checks, in order: the account must still wait, and the key match.
pub fn check_activation(confirmation: Option<&str>, key: &str) -> Result<(), MagentoError> {
    match confirmation {
        None => Err(MagentoError::AccountAlreadyActive),
        Some(expected) if expected != key => Err(MagentoError::ConfirmationKeyInvalid),
        Some(_) => Ok(()),
    }
}

/// The email's validator, the account of the request's website, the two checks, then the
/// account confirmed and welcomed. Any other failure reads `There was an error confirming the
/// account`, the resolver's catch-all: an unknown email, and a welcome email that cannot be sent
/// (after the account was saved confirmed, as Magento does).
pub fn confirm_email(
    ctx: &RequestContext,
    input: &ConfirmEmailInput,
    scripted: Option<State>,
) -> Result<(CustomerOutput, Option<Arc<str>>), MagentoError> {
    Refusals { unknown: Some(MagentoError::ConfirmationFailed), locked: None }.check(scripted)?;
    if !is_valid_email(&input.email) {
        return Err(MagentoError::IsEmailAvailableEmailInvalid);
    }
    let now = ctx.services.now();
    let mut accounts = ctx.services.accounts();
    let customer = accounts.find(&input.email).cloned().ok_or(MagentoError::ConfirmationFailed)?;
    check_activation(customer.profile.confirmation.as_deref(), &input.confirmation_key)?;
    accounts.update(customer.id, |c| c.profile.confirmation = None);
    let customer = accounts.by_id(customer.id).cloned().ok_or(MagentoError::Internal)?;
    let output = CustomerOutput { customer: CustomerView::for_guest(&customer) };
    if scripted.is_some_and(State::fails_mail) {
        return Err(MagentoError::ConfirmationFailed);
    }
    let token = ctx.services.random().alphanumeric(TOKEN_LENGTH).map_err(|_| MagentoError::Internal)?;
    accounts.store_reset_token(&customer.email, token.clone(), now);
    drop(accounts);
    let message_id = welcome(ctx, &customer, &token)?;
    Ok((output, Some(message_id)))
}

/// "Thank you for confirming your account", with a reset link as the welcome email has.
fn welcome(ctx: &RequestContext, customer: &Customer, token: &str) -> Result<Arc<str>, MagentoError> {
    let link_base = ctx.services.storefront_url();
    let version = ctx.settings.magento_version;
    let reset_link = reset_link(link_base, version.reset_link(), customer.id, &customer.email, token);
    let recipient = Mailbox { name: customer.name(), address: customer.email.clone() };
    emails::send(ctx, Kind::Confirmed { reset_link }, recipient)
}

/// The link of the confirmation email: `<base>customer/account/confirm/?back_url=&id=..&key=..`
/// (`back_url` empty: sign-up over GraphQL names none).
pub fn confirmation_link(link_base: &str, customer_id: u32, key: &str) -> String {
    format!("{link_base}customer/account/confirm/?back_url=&id={customer_id}&key={key}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_active_account_is_refused_before_the_key_is_compared() {
        assert_eq!(check_activation(None, "wrong"), Err(MagentoError::AccountAlreadyActive));
        assert_eq!(check_activation(Some("K3Y"), ""), Err(MagentoError::ConfirmationKeyInvalid));
        assert_eq!(check_activation(Some("K3Y"), "k3y"), Err(MagentoError::ConfirmationKeyInvalid));
        assert_eq!(check_activation(Some("K3Y"), "K3Y"), Ok(()));
    }

    #[test]
    fn the_link_names_the_account_and_its_key() {
        assert_eq!(
            confirmation_link("http://127.0.0.1:8080/index.php/", 73, "K3Y"),
            "http://127.0.0.1:8080/index.php/customer/account/confirm/?back_url=&id=73&key=K3Y"
        );
    }
}
