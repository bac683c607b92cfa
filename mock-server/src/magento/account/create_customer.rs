//! `createCustomer` and `createCustomerV2` (one resolver in Magento, `CreateCustomer`):
//! `docs/magento-account-area.md` section 1.2, in that order.

use std::sync::Arc;

use async_graphql::{Context, Object};

use super::confirm_email::confirmation_link;
use super::emails::{self, Kind};
use super::types::{CustomerCreateInput, CustomerInput, CustomerOutput, CustomerView, null_for_guest_status};
use super::{Required, check_email, check_gender, check_names, check_required};
use crate::accounts::{AccountError, Customer, NewCustomer, Profile};
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;
use crate::magento::password_policy::{PasswordPolicy, check_different_from_email};
use crate::magento::password_reset::TOKEN_LENGTH;
use crate::magento::reset_link::reset_link;
use crate::magento::schema::answer;
use crate::magento::scripted::Refusals;
use crate::mail::Mailbox;
use crate::scenarios::State;

/// `Math\Random::getRandomString(32)`'s length, as the recorded keys have.
const CONFIRMATION_KEY_LENGTH: usize = 32;

#[derive(Default)]
pub struct CreateCustomerMutation;

#[Object]
impl CreateCustomerMutation {
    /// Use `createCustomerV2` instead.
    async fn create_customer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An input object that defines the customer to be created.")] input: CustomerInput,
    ) -> Option<CustomerOutput> {
        let output =
            answer(ctx, |request, field| created(request, field.key, create_customer(request, input, field.scripted)));
        null_for_guest_status(ctx, output)
    }

    /// Create a customer account.
    async fn create_customer_v2(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An input object that defines the customer to be created.")] input: CustomerCreateInput,
    ) -> Option<CustomerOutput> {
        let output = answer(ctx, |request, field| {
            created(request, field.key, create_customer(request, input.into(), field.scripted))
        });
        null_for_guest_status(ctx, output)
    }
}

/// What the mutation did: the account, and the welcome email it captured.
pub struct Created {
    pub output: CustomerOutput,
    pub message_id: Option<Arc<str>>,
}

/// Notes the welcome email for the journal; answers the account.
fn created(
    request: &RequestContext,
    key: &str,
    outcome: Result<Created, MagentoError>,
) -> Result<CustomerOutput, MagentoError> {
    let created = outcome?;
    if let Some(message_id) = created.message_id {
        request.note_captured(key, message_id);
    }
    Ok(created.output)
}

/// A sign-up that passed the checks that need no account lookup.
#[derive(Debug, PartialEq, Eq)]
pub struct SignUp {
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    /// `None`: an account with no password, usable after a reset.
    pub password: Option<String>,
    pub profile: Profile,
}

/// The checks before the duplicate-email lookup, in Magento's order: `input` not empty, required
/// attributes (up to 2.4.7), email, gender, (2.4.8) an email at all, password strength, then
/// password = email.
pub fn check_sign_up(input: CustomerInput, policy: PasswordPolicy, required: Required) -> Result<SignUp, MagentoError> {
    let empty = input.prefix.is_none()
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
        && input.is_subscribed.is_none();
    if empty {
        return Err(MagentoError::InputRequired);
    }
    // The data array always has the customer's non-null getters: email, firstname, lastname.
    check_required(
        required,
        &[
            ("email", input.email.as_deref()),
            ("firstname", input.firstname.as_deref()),
            ("lastname", input.lastname.as_deref()),
        ],
    )?;
    check_email(input.email.as_deref())?;
    check_gender(input.gender)?;
    if input.email.is_none() {
        return Err(MagentoError::EmailRequiredToCreate);
    }
    let email = input.email.unwrap_or_default();
    if let Some(password) = &input.password {
        policy.check_strength(password)?;
        check_different_from_email(&email, password)?;
    }
    Ok(SignUp {
        email,
        firstname: input.firstname.unwrap_or_default(),
        lastname: input.lastname.unwrap_or_default(),
        password: input.password,
        profile: Profile {
            prefix: input.prefix,
            middlename: input.middlename,
            suffix: input.suffix,
            taxvat: input.taxvat,
            dob: input.date_of_birth.or(input.dob),
            gender: input.gender.filter(|g| *g != 0),
            is_subscribed: input.is_subscribed.unwrap_or(false),
            created_at: None,
            store: None,
            confirmation: None,
        },
    })
}

/// The whole mutation: the checks, the duplicate email, the save's validators, the account, the
/// welcome email and, for a subscriber, the newsletter's.
pub fn create_customer(
    ctx: &RequestContext,
    input: CustomerInput,
    scripted: Option<State>,
) -> Result<Created, MagentoError> {
    Refusals::NONE.check(scripted)?;
    let policy = ctx.services.store().password_policy();
    let mut sign_up = check_sign_up(input, policy, Required::of(ctx.settings.magento_version))?;
    let now = ctx.services.now();
    let mut accounts = ctx.services.accounts();
    if accounts.find(&sign_up.email).is_some() {
        return Err(MagentoError::EmailTakenOnCreate);
    }
    check_names(&sign_up.firstname, &sign_up.lastname, sign_up.profile.middlename.as_deref())?;
    let has_password = sign_up.password.is_some();
    // Without a password nobody can sign in until a reset sets one.
    let password = match sign_up.password.take() {
        Some(password) => password,
        None => ctx.services.random().alphanumeric(32).map_err(|_| MagentoError::Internal)?,
    };
    let new = NewCustomer {
        email: sign_up.email.clone(),
        password,
        firstname: sign_up.firstname.clone(),
        lastname: sign_up.lastname.clone(),
        lock_expires: None,
    };
    let id = match accounts.create(new) {
        Ok(customer) => customer.id,
        Err(AccountError::Duplicate(_)) => return Err(MagentoError::EmailTakenOnCreate),
    };
    sign_up.profile.created_at = Some(now);
    sign_up.profile.store = Some(ctx.services.store().code.clone());
    if ctx.confirmation_required() {
        // The key the confirmation email carries; until it comes back, sign-in is refused.
        let key = ctx.services.random().alphanumeric(CONFIRMATION_KEY_LENGTH).map_err(|_| MagentoError::Internal)?;
        sign_up.profile.confirmation = Some(key);
    }
    let profile = sign_up.profile;
    accounts.update(id, |customer| customer.profile = profile);
    let customer = accounts.by_id(id).cloned().ok_or(MagentoError::Internal)?;
    let output = CustomerOutput { customer: CustomerView::for_guest(&customer) };
    if scripted.is_some_and(State::fails_mail) {
        // Magento logs a failed transport and still answers the account.
        return Ok(Created { output, message_id: None });
    }
    let link_base = ctx.services.storefront_url();
    let recipient = Mailbox { name: customer.name(), address: customer.email.clone() };
    // With a password, a store that requires confirmation sends the link instead of the welcome
    // (`AccountManagement::sendEmailConfirmation`); without one, the welcome still.
    if let (Some(key), true) = (&customer.profile.confirmation, has_password) {
        drop(accounts);
        let kind = Kind::Confirmation { confirm_link: confirmation_link(link_base, id, key) };
        let message_id = emails::send(ctx, kind, recipient)?;
        newsletter(ctx, &customer)?;
        return Ok(Created { output, message_id: Some(message_id) });
    }
    // The welcome email's link carries a fresh reset token: "Forgot your account password?", or
    // the way to set a first one.
    let token = ctx.services.random().alphanumeric(TOKEN_LENGTH).map_err(|_| MagentoError::Internal)?;
    accounts.store_reset_token(&customer.email, token.clone(), now);
    drop(accounts);
    let reset_link = reset_link(link_base, ctx.settings.magento_version.reset_link(), id, &customer.email, &token);
    let kind = if has_password { Kind::Welcome { reset_link } } else { Kind::WelcomeNoPassword { reset_link } };
    let message_id = emails::send(ctx, kind, recipient)?;
    newsletter(ctx, &customer)?;
    Ok(Created { output, message_id: Some(message_id) })
}

/// The newsletter's success email, to a subscriber's bare address.
fn newsletter(ctx: &RequestContext, customer: &Customer) -> Result<(), MagentoError> {
    if customer.profile.is_subscribed {
        let recipient = Mailbox { name: String::new(), address: customer.email.clone() };
        emails::send(ctx, Kind::NewsletterSuccess, recipient)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(email: &str, password: Option<&str>) -> CustomerInput {
        CustomerInput {
            email: Some(email.into()),
            firstname: Some("Veronica".into()),
            lastname: Some("Costello".into()),
            password: password.map(Into::into),
            ..CustomerInput::default()
        }
    }

    fn refusal(input: CustomerInput) -> String {
        check_sign_up(input, PasswordPolicy::default(), Required::Listed).unwrap_err().to_string()
    }

    #[test]
    fn an_empty_input_is_refused_first() {
        assert_eq!(refusal(CustomerInput::default()), "\"input\" value should be specified");
    }

    #[test]
    fn required_fields_come_before_the_email_and_the_password() {
        let mut missing = input("plainaddress", Some("x"));
        missing.firstname = Some(String::new());
        assert_eq!(refusal(missing), "Required parameters are missing: First Name");
        assert_eq!(refusal(input("plainaddress", Some("x"))), "\"plainaddress\" is not a valid email address.");
    }

    #[test]
    fn strength_is_checked_before_the_password_equals_the_email() {
        // Too short and equal to the email: the strength message wins on sign-up.
        assert_eq!(
            refusal(input("a@b.co", Some("a@b.co"))),
            "The password needs at least 8 characters. Create a new password and try again."
        );
        assert_eq!(
            refusal(input("Acct-1-Same@Example.com", Some("acct-1-same@example.com"))),
            "The password can't be the same as the email address. Create a new password and try again."
        );
    }

    #[test]
    fn a_sign_up_without_password_is_accepted() {
        let sign_up =
            check_sign_up(input("new@example.com", None), PasswordPolicy::default(), Required::Listed).unwrap();
        assert_eq!(sign_up.password, None);
    }

    #[test]
    fn from_2_4_8_a_missing_email_or_name_is_refused_later() {
        let policy = PasswordPolicy::default();
        let no_email = CustomerInput { email: None, ..input("x@example.com", Some("x")) };
        // The password would be refused next: the email comes first.
        assert_eq!(
            check_sign_up(no_email, policy, Required::OnSave).unwrap_err().to_string(),
            "The email address is required to create a customer account."
        );
        let no_name = CustomerInput { firstname: Some(String::new()), ..input("x@example.com", Some("Roni-Cost3!x")) };
        assert!(check_sign_up(no_name.clone(), policy, Required::OnSave).is_ok(), "left to the save");
        assert_eq!(
            check_sign_up(no_name, policy, Required::Listed).unwrap_err().to_string(),
            "Required parameters are missing: First Name"
        );
    }

    #[test]
    fn gender_is_checked_after_the_email() {
        let mut wrong = input("new@example.com", Some("Roni-Cost3!x"));
        wrong.gender = Some(9);
        assert_eq!(refusal(wrong), "\"9\" is not a valid gender value.");
    }
}
