//! The storefront's account area: sign-up, the account page, password change
//! (`docs/magento-account-area.md` sections 1 to 4). One module per operation; the checks Magento
//! shares between them (`GetCustomer`, `ValidateCustomerData`, the customer's save) are here, as
//! plain functions over narrow inputs.

pub mod change_password;
pub mod confirm_email;
pub mod create_customer;
pub mod customer;
pub mod emails;
pub mod resend_confirmation;
pub mod types;
pub mod update_customer;
pub mod update_customer_email;

use time::OffsetDateTime;

use super::context::RequestContext;
use super::email_address::is_valid_email;
use super::errors::MagentoError;
use super::release::MagentoVersion;
use crate::accounts::{Accounts, Customer};

/// `getIsCustomer()`: the customer the request's bearer token signs in; anything else (no
/// token, a revoked or expired one) is a guest.
pub fn signed_in_id(ctx: &RequestContext) -> Option<u32> {
    let token = ctx.bearer_token.as_deref()?;
    let now = ctx.services.now();
    ctx.services.accounts().session_customer(token, now).map(|c| c.id)
}

/// The resolvers' first check: `The current customer isn't authorized.` for a guest.
pub fn require_customer(ctx: &RequestContext) -> Result<u32, MagentoError> {
    signed_in_id(ctx).ok_or(MagentoError::CustomerNotAuthorized)
}

/// `GetCustomer::execute`: the account, unless it is locked.
pub fn get_customer(accounts: &Accounts, id: u32, now: OffsetDateTime) -> Result<Customer, MagentoError> {
    let customer = accounts.by_id(id).ok_or(MagentoError::Internal)?;
    if customer.is_locked(now) {
        return Err(MagentoError::AccountIsLocked);
    }
    Ok(customer.clone())
}

/// How a release refuses a missing first name, last name or email.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Required {
    /// Up to 2.4.7: `ValidateRequiredArguments` runs before every other check (`Required
    /// parameters are missing: First Name`).
    Listed,
    /// 2.4.8 removed it: the save's attribute validator refuses an empty name (`"First Name" is a
    /// required value.`), and sign-up without an email stops in `createAccount` (derived from
    /// 2.4.8-beta1's source and tests, `docs/magento-account-area.md` section 1.4).
    OnSave,
}

impl Required {
    pub fn of(version: MagentoVersion) -> Self {
        if Some(version) >= MagentoVersion::from_patch(8) { Self::OnSave } else { Self::Listed }
    }
}

/// The required customer attributes, in the order of their attribute ids (`Required parameters
/// are missing: First Name, Last Name, Email`).
const REQUIRED: [(&str, &str); 3] = [("firstname", "First Name"), ("lastname", "Last Name"), ("email", "Email")];

/// `ValidateRequiredArguments` (up to 2.4.7): each required attribute among `given` (name, value)
/// that is missing or `== ''`.
pub fn check_required(required: Required, given: &[(&str, Option<&str>)]) -> Result<(), MagentoError> {
    if required == Required::OnSave {
        return Ok(());
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|(code, _)| given.iter().any(|(name, value)| name == code && value.is_none_or(str::is_empty)))
        .map(|(_, label)| *label)
        .collect();
    if missing.is_empty() { Ok(()) } else { Err(MagentoError::RequiredParametersMissing(missing.join(", "))) }
}

/// `ValidateEmail`: a given email must pass the framework's email validator.
pub fn check_email(email: Option<&str>) -> Result<(), MagentoError> {
    match email {
        Some(email) if !is_valid_email(email) => Err(MagentoError::NotAValidEmailAddress(email.to_owned())),
        _ => Ok(()),
    }
}

/// `ValidateGender`: a non-zero gender must be one of the attribute's options (1 Male, 2 Female,
/// 3 Not Specified).
pub fn check_gender(gender: Option<i32>) -> Result<(), MagentoError> {
    match gender {
        Some(gender) if gender != 0 && !(1..=3).contains(&gender) => {
            Err(MagentoError::NotAValidGender(gender.to_string()))
        }
        _ => Ok(()),
    }
}

/// The customer save's validators (`validation.xml`, group `save`): the attributes' own (an empty
/// required name), then the name validator (`Magento\Customer\Model\Validator\Name`); every
/// message, joined with newlines.
pub fn check_names(firstname: &str, lastname: &str, middlename: Option<&str>) -> Result<(), MagentoError> {
    let mut messages = Vec::new();
    if firstname.is_empty() {
        messages.push("\"First Name\" is a required value.");
    }
    if lastname.is_empty() {
        messages.push("\"Last Name\" is a required value.");
    }
    if !is_valid_name(firstname) {
        messages.push("First Name is not valid!");
    }
    if !is_valid_name(lastname) {
        messages.push("Last Name is not valid!");
    }
    if middlename.is_some_and(|m| !is_valid_name(m)) {
        messages.push("Middle Name is not valid!");
    }
    if messages.is_empty() { Ok(()) } else { Err(MagentoError::SaveRejected(messages.join("\n"))) }
}

/// `/(?:[\p{L}\p{M}\,\-\_\.\'’`&\s\d]){1,255}+/u` matching the whole name; an empty name passes
/// (`$nameValue != null`). Letters and marks are approximated by Unicode's Alphabetic property.
pub fn is_valid_name(name: &str) -> bool {
    if name.is_empty() {
        return true;
    }
    name.chars().count() <= 255
        && name.chars().all(|c| {
            c.is_alphabetic()
                || matches!(
                    c,
                    ',' | '-' | '_' | '.' | '\'' | '’' | '`' | '&' | ' ' | '\t' | '\n' | '\r' | '\x0B' | '\x0C'
                )
                || c.is_ascii_digit()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_fields_are_named_in_attribute_order() {
        let given = [("email", Some("")), ("firstname", Some("")), ("lastname", None)];
        assert_eq!(
            check_required(Required::Listed, &given).unwrap_err().to_string(),
            "Required parameters are missing: First Name, Last Name, Email"
        );
        assert!(check_required(Required::Listed, &[("firstname", Some("A")), ("lastname", Some("0"))]).is_ok());
        // Only what the input names is checked (updates).
        assert!(check_required(Required::Listed, &[("gender", None)]).is_ok());
        // 2.4.8 leaves it to the save.
        assert!(check_required(Required::OnSave, &given).is_ok());
        assert_eq!(
            check_names("", "", None).unwrap_err().to_string(),
            "\"First Name\" is a required value.\n\"Last Name\" is a required value."
        );
    }

    #[test]
    fn gender_zero_is_no_gender_and_others_are_refused() {
        assert!(check_gender(Some(0)).is_ok());
        assert!(check_gender(Some(3)).is_ok());
        assert_eq!(check_gender(Some(9)).unwrap_err().to_string(), "\"9\" is not a valid gender value.");
        assert_eq!(check_gender(Some(-1)).unwrap_err().to_string(), "\"-1\" is not a valid gender value.");
    }

    #[test]
    fn names_with_markup_are_refused_with_every_message() {
        assert!(check_names("Jean-Luc O'Neil", "Ærøskøbing 2nd", Some("Q.")).is_ok());
        assert_eq!(
            check_names("Veronica<script>", "Cost{ello}", None).unwrap_err().to_string(),
            "First Name is not valid!\nLast Name is not valid!"
        );
        assert!(!is_valid_name(&"a".repeat(256)));
    }

    #[test]
    fn invalid_emails_are_quoted() {
        assert_eq!(
            check_email(Some("plainaddress")).unwrap_err().to_string(),
            "\"plainaddress\" is not a valid email address."
        );
        assert!(check_email(None).is_ok());
    }
}
