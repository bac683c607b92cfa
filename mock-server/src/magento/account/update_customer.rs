//! `updateCustomer` and `updateCustomerV2` (resolver `UpdateCustomer`), and the account update
//! they share with `updateCustomerEmail` (`UpdateCustomerAccount`): `docs/magento-account-area.md`
//! section 3.

use async_graphql::{Context, Object};
use time::OffsetDateTime;

use super::change_password::wrong_password_error;
use super::emails::{self, Kind};
use super::types::{CustomerInput, CustomerOutput, CustomerUpdateInput, CustomerView};
use super::{Required, check_email, check_gender, check_names, check_required, get_customer, require_customer};
use crate::accounts::{AccountError, Accounts, Customer};
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;
use crate::magento::schema::answer;
use crate::magento::scripted::Refusals;
use crate::mail::Mailbox;
use crate::scenarios::State;

#[derive(Default)]
pub struct UpdateCustomerMutation;

#[Object]
impl UpdateCustomerMutation {
    /// Use `updateCustomerV2` instead.
    async fn update_customer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An input object that defines the customer characteristics to update.")] input: CustomerInput,
    ) -> Option<CustomerOutput> {
        answer(ctx, |request, field| update_customer(request, field.key, input, field.scripted))
    }

    /// Update the customer's personal information.
    async fn update_customer_v2(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An input object that defines the customer characteristics to update.")]
        input: CustomerUpdateInput,
    ) -> Option<CustomerOutput> {
        answer(ctx, |request, field| update_customer(request, field.key, input.into(), field.scripted))
    }
}

/// `key` is the field's response key: its journal entry links the newsletter email, if any.
pub fn update_customer(
    ctx: &RequestContext,
    key: &str,
    input: CustomerInput,
    scripted: Option<State>,
) -> Result<CustomerOutput, MagentoError> {
    Refusals { unknown: Some(MagentoError::CustomerNotAuthorized), locked: Some(MagentoError::AccountIsLocked) }
        .check(scripted)?;
    let id = require_customer(ctx)?;
    if is_empty(&input) {
        return Err(MagentoError::InputRequired);
    }
    let now = ctx.services.now();
    let mut accounts = ctx.services.accounts();
    let customer = get_customer(&accounts, id, now)?;
    let required = Required::of(ctx.settings.magento_version);
    let updated = update_account(&mut accounts, &customer, input, now, required)?;
    drop(accounts);
    // Subscribing mails the newsletter's confirmation; staying subscribed mails nothing.
    if updated.profile.is_subscribed && !customer.profile.is_subscribed && !scripted.is_some_and(State::fails_mail) {
        let recipient = Mailbox { name: String::new(), address: updated.email.clone() };
        let message_id = emails::send(ctx, Kind::NewsletterSuccess, recipient)?;
        ctx.note_captured(key, message_id);
    }
    Ok(CustomerOutput { customer: CustomerView::of(&updated) })
}

fn is_empty(input: &CustomerInput) -> bool {
    input.prefix.is_none()
        && input.firstname.is_none()
        && input.middlename.is_none()
        && input.lastname.is_none()
        && input.suffix.is_none()
        && input.email.is_none()
        && input.dob.is_none()
        && input.date_of_birth.is_none()
        && input.taxvat.is_none()
        && input.gender.is_none()
        && input.password.is_none()
        && input.is_subscribed.is_none()
}

/// `UpdateCustomerAccount::execute`: a new email needs the current password (a wrong one counts
/// toward the lock), then the customer data checks on what the input names, then the save.
pub fn update_account(
    accounts: &mut Accounts,
    customer: &Customer,
    input: CustomerInput,
    now: OffsetDateTime,
    required: Required,
) -> Result<Customer, MagentoError> {
    let new_email = input.email.as_deref().filter(|email| *email != customer.email);
    if new_email.is_some() {
        let password = input.password.as_deref().unwrap_or_default();
        if password.is_empty() || password == "0" {
            return Err(MagentoError::ProvidePasswordToChangeEmail);
        }
        if !customer.password_matches(password) {
            accounts.record_authentication_failure(&customer.email, now);
            return Err(wrong_password_error(customer.is_locked(now)));
        }
    }
    let mut given: Vec<(&str, Option<&str>)> = Vec::new();
    for (name, value) in [("firstname", &input.firstname), ("lastname", &input.lastname), ("email", &input.email)] {
        if value.is_some() {
            given.push((name, value.as_deref()));
        }
    }
    check_required(required, &given)?;
    check_email(input.email.as_deref())?;
    check_gender(input.gender)?;
    let firstname = input.firstname.clone().unwrap_or_else(|| customer.firstname.clone());
    let lastname = input.lastname.clone().unwrap_or_else(|| customer.lastname.clone());
    let middlename = input.middlename.clone().or_else(|| customer.profile.middlename.clone());
    if let Some(email) = new_email {
        // The save refuses an email another account has before its validators run.
        if let Some(other) = accounts.find(email)
            && other.id != customer.id
        {
            return Err(MagentoError::EmailTakenOnUpdate);
        }
    }
    check_names(&firstname, &lastname, middlename.as_deref())?;
    if let Some(email) = new_email {
        accounts
            .change_email(customer.id, email)
            .map_err(|AccountError::Duplicate(_)| MagentoError::EmailTakenOnUpdate)?;
    }
    accounts.update(customer.id, |c| {
        c.firstname = firstname;
        c.lastname = lastname;
        let profile = &mut c.profile;
        profile.middlename = middlename;
        if input.prefix.is_some() {
            profile.prefix = input.prefix;
        }
        if input.suffix.is_some() {
            profile.suffix = input.suffix;
        }
        if input.taxvat.is_some() {
            profile.taxvat = input.taxvat;
        }
        if let Some(dob) = input.date_of_birth.or(input.dob) {
            profile.dob = Some(dob);
        }
        if let Some(gender) = input.gender {
            profile.gender = (gender != 0).then_some(gender);
        }
        if let Some(subscribed) = input.is_subscribed {
            profile.is_subscribed = subscribed;
        }
    });
    accounts.by_id(customer.id).cloned().ok_or(MagentoError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{NewCustomer, SecuritySettings};

    fn accounts_with(emails: &[&str]) -> Accounts {
        let mut accounts = Accounts::new(SecuritySettings::default());
        for email in emails {
            let new = NewCustomer {
                email: (*email).into(),
                password: "Roni-Cost3!x".into(),
                firstname: "Veronica".into(),
                lastname: "Costello".into(),
                lock_expires: None,
            };
            accounts.create(new).unwrap();
        }
        accounts
    }

    fn change_email(email: &str, password: Option<&str>) -> CustomerInput {
        CustomerInput { email: Some(email.into()), password: password.map(Into::into), ..CustomerInput::default() }
    }

    #[test]
    fn a_new_email_needs_the_right_password_before_anything_else() {
        let mut accounts = accounts_with(&["a@example.com", "b@example.com"]);
        let me = accounts.find("a@example.com").unwrap().clone();
        let now = OffsetDateTime::UNIX_EPOCH;
        let refused = |accounts: &mut Accounts, input| {
            update_account(accounts, &me, input, now, Required::Listed).unwrap_err().to_string()
        };
        assert_eq!(
            refused(&mut accounts, change_email("not-an-email", None)),
            "Provide the current \"password\" to change \"email\"."
        );
        assert_eq!(refused(&mut accounts, change_email("not-an-email", Some("wrong"))), "Invalid login or password.");
        assert_eq!(
            refused(&mut accounts, change_email("not-an-email", Some("Roni-Cost3!x"))),
            "\"not-an-email\" is not a valid email address."
        );
        let taken = update_account(
            &mut accounts,
            &me,
            change_email("b@example.com", Some("Roni-Cost3!x")),
            now,
            Required::Listed,
        );
        assert_eq!(taken.unwrap_err(), MagentoError::EmailTakenOnUpdate);
    }

    #[test]
    fn the_same_email_needs_no_password() {
        let mut accounts = accounts_with(&["a@example.com"]);
        let me = accounts.find("a@example.com").unwrap().clone();
        let updated = update_account(
            &mut accounts,
            &me,
            change_email("a@example.com", None),
            OffsetDateTime::UNIX_EPOCH,
            Required::Listed,
        );
        assert_eq!(updated.unwrap().email, "a@example.com");
    }
}
