//! The GraphQL types of the account area, with Magento 2.4.7's names, nullability and
//! descriptions (`module-customer-graph-ql/etc/schema.graphqls`, `module-newsletter-graph-ql`).

use std::sync::Arc;

use async_graphql::parser::Positioned;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::{ComplexObject, Context, Enum, InputObject, PathSegment, ServerError, SimpleObject};

use crate::accounts;
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;

/// Defines the customer name, addresses, and other details.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "Customer", rename_fields = "snake_case", complex)]
pub struct CustomerView {
    /// Timestamp indicating when the account was created.
    pub created_at: Option<String>,
    #[graphql(deprecation = "Customer group should not be exposed in the storefront scenarios.")]
    pub group_id: Option<i32>,
    /// An honorific, such as Dr., Mr., or Mrs.
    pub prefix: Option<String>,
    /// The customer's first name.
    pub firstname: Option<String>,
    /// The customer's middle name.
    pub middlename: Option<String>,
    /// The customer's family name.
    pub lastname: Option<String>,
    /// A value such as Sr., Jr., or III.
    pub suffix: Option<String>,
    /// The customer's email address. Required.
    pub email: Option<String>,
    /// The ID assigned to the billing address.
    pub default_billing: Option<String>,
    /// The ID assigned to the shipping address.
    pub default_shipping: Option<String>,
    /// The customer's date of birth.
    #[graphql(deprecation = "Use `date_of_birth` instead.")]
    pub dob: Option<String>,
    /// The customer's date of birth.
    pub date_of_birth: Option<String>,
    /// The customer's Value-added tax (VAT) number (for corporate customers).
    pub taxvat: Option<String>,
    /// The ID assigned to the customer.
    #[graphql(
        deprecation = "`id` is not needed as part of `Customer`, because on the server side, it can be identified based on the customer token used for authentication. There is no need to know customer ID on the client side."
    )]
    pub id: Option<i32>,
    /// Indicates whether the customer is subscribed to the company's newsletter.
    pub is_subscribed: Option<bool>,
    /// An array containing the customer's shipping and billing addresses.
    pub addresses: Option<Vec<Option<CustomerAddress>>>,
    /// The customer's gender (Male - 1, Female - 2).
    pub gender: Option<i32>,
    /// Answered to a guest (sign-up, `confirmEmail`): `confirmation_status` then asks Magento
    /// about customer id 0.
    #[graphql(skip)]
    pub for_guest: bool,
    /// The account still waits for its confirmation.
    #[graphql(skip)]
    pub unconfirmed: bool,
}

#[ComplexObject(rename_fields = "snake_case")]
impl CustomerView {
    /// The customer's confirmation status.
    async fn confirmation_status(&self, ctx: &Context<'_>) -> async_graphql::Result<ConfirmationStatusEnum> {
        let required = ctx.data::<Arc<RequestContext>>().map(|request| request.confirmation_required())?;
        Ok(self.status(required)?)
    }
}

impl CustomerView {
    /// `ExtractCustomerData`: `id` and `group_id` are always null.
    pub fn of(customer: &accounts::Customer) -> Self {
        let profile = &customer.profile;
        let created_at = profile.created_at.and_then(|at| {
            let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
            at.format(&format).ok()
        });
        Self {
            created_at,
            group_id: None,
            prefix: profile.prefix.clone(),
            firstname: Some(customer.firstname.clone()),
            middlename: profile.middlename.clone(),
            lastname: Some(customer.lastname.clone()),
            suffix: profile.suffix.clone(),
            email: Some(customer.email.clone()),
            default_billing: None,
            default_shipping: None,
            dob: profile.dob.clone(),
            date_of_birth: profile.dob.clone(),
            taxvat: profile.taxvat.clone(),
            id: None,
            is_subscribed: Some(profile.is_subscribed),
            addresses: Some(Vec::new()),
            gender: profile.gender,
            for_guest: false,
            unconfirmed: profile.confirmation.is_some(),
        }
    }

    /// The same, answered to a guest.
    pub fn for_guest(customer: &accounts::Customer) -> Self {
        Self { for_guest: true, ..Self::of(customer) }
    }

    /// `AccountManagement::getConfirmationStatus` of the request's customer, in a store that
    /// requires confirmation or not. An account still waiting would be `account_confirmation_required`,
    /// a value 2.4.7's enum lacks: the answer cannot be serialized.
    pub fn status(&self, required: bool) -> Result<ConfirmationStatusEnum, MagentoError> {
        match (self.for_guest, required, self.unconfirmed) {
            (true, _, _) => Err(MagentoError::NoSuchCustomerIdZero),
            (false, false, _) => Ok(ConfirmationStatusEnum::AccountConfirmationNotRequired),
            (false, true, false) => Ok(ConfirmationStatusEnum::AccountConfirmed),
            (false, true, true) => Err(MagentoError::Internal),
        }
    }
}

/// The error a guest's `customer { confirmation_status }` gets, where the field's `CustomerOutput`
/// selects it (directly or in an inline fragment): the non-null field's failure nulls the whole
/// output up to the root field, as webonyx does (async-graphql would only leave the field out).
pub fn guest_status_error(ctx: &Context<'_>) -> Option<ServerError> {
    let customer = find_field(&ctx.item.node.selection_set.node, "customer")?;
    let status = find_field(&customer.node.selection_set.node, "confirmation_status")?;
    let mut error = async_graphql::Error::from(MagentoError::NoSuchCustomerIdZero).into_server_error(status.pos);
    error.path = [&ctx.item.node, &customer.node, &status.node]
        .into_iter()
        .map(|field| PathSegment::Field(field.response_key().node.to_string()))
        .collect();
    Some(error)
}

/// The account is made (and mailed); a selected `confirmation_status` then fails and nulls the
/// answer.
pub fn null_for_guest_status(ctx: &Context<'_>, output: Option<CustomerOutput>) -> Option<CustomerOutput> {
    let error = output.as_ref().and_then(|_| guest_status_error(ctx));
    match error {
        Some(error) => {
            ctx.add_error(error);
            None
        }
        None => output,
    }
}

/// The first field `name` among `set`'s fields and inline fragments.
fn find_field<'a>(set: &'a SelectionSet, name: &str) -> Option<&'a Positioned<Field>> {
    set.items.iter().find_map(|selection| match &selection.node {
        Selection::Field(field) if field.node.name.node == name => Some(field),
        Selection::InlineFragment(fragment) => find_field(&fragment.node.selection_set.node, name),
        Selection::Field(_) | Selection::FragmentSpread(_) => None,
    })
}

/// List of account confirmation statuses.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum ConfirmationStatusEnum {
    /// Account confirmed
    AccountConfirmed,
    /// Account confirmation not required
    AccountConfirmationNotRequired,
}

/// Contains details about a newly-created or updated customer.
#[derive(SimpleObject, Clone, Debug)]
pub struct CustomerOutput {
    /// Customer details after creating or updating a customer.
    pub customer: CustomerView,
}

/// Contains detailed information about a customer's billing or shipping address.
// Accounts made here have no addresses: the type is served so that the storefront's documents,
// which select these fields, validate as on the real store. (A `//` comment: a doc comment would
// join Magento's description in the schema.)
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
#[allow(dead_code)]
pub struct CustomerAddress {
    /// The customer's city or town.
    city: Option<String>,
    /// The customer's country.
    country_code: Option<String>,
    /// Indicates whether the address is the customer's default billing address.
    default_billing: Option<bool>,
    /// Indicates whether the address is the customer's default shipping address.
    default_shipping: Option<bool>,
    /// Contains any extension attributes for the address.
    extension_attributes: Option<Vec<Option<CustomerAddressAttribute>>>,
    /// The first name of the person associated with the shipping/billing address.
    firstname: Option<String>,
    /// The ID of a `CustomerAddress` object.
    id: Option<i32>,
    /// The family name of the person associated with the shipping/billing address.
    lastname: Option<String>,
    /// The customer's ZIP or postal code.
    postcode: Option<String>,
    /// An honorific, such as Dr., Mr., or Mrs.
    prefix: Option<String>,
    /// An object containing the region name, region code, and region ID.
    region: Option<CustomerAddressRegion>,
    /// An array of strings that define the street number and name.
    street: Option<Vec<Option<String>>>,
    /// A value such as Sr., Jr., or III.
    suffix: Option<String>,
    /// The customer's telephone number.
    telephone: Option<String>,
    /// The customer's Value-added tax (VAT) number (for corporate customers).
    vat_id: Option<String>,
}

/// Specifies the attribute code and value of a customer address attribute.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
#[allow(dead_code)]
pub struct CustomerAddressAttribute {
    /// The name assigned to the customer address attribute.
    attribute_code: Option<String>,
    /// The value assigned to the customer address attribute.
    value: Option<String>,
}

/// Defines the customer's state or province.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
#[allow(dead_code)]
pub struct CustomerAddressRegion {
    /// The state or province name.
    region: Option<String>,
    /// The address region code.
    region_code: Option<String>,
    /// The unique ID for a pre-defined region.
    region_id: Option<i32>,
}

/// An input object that assigns or updates customer attributes.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerInput {
    /// An honorific, such as Dr., Mr., or Mrs.
    pub prefix: Option<String>,
    /// The customer's first name.
    pub firstname: Option<String>,
    /// The customer's middle name.
    pub middlename: Option<String>,
    /// The customer's family name.
    pub lastname: Option<String>,
    /// A value such as Sr., Jr., or III.
    pub suffix: Option<String>,
    /// The customer's email address. Required when creating a customer.
    pub email: Option<String>,
    /// Deprecated: Use `date_of_birth` instead.
    pub dob: Option<String>,
    /// The customer's date of birth.
    pub date_of_birth: Option<String>,
    /// The customer's Tax/VAT number (for corporate customers).
    pub taxvat: Option<String>,
    /// The customer's gender (Male - 1, Female - 2).
    pub gender: Option<i32>,
    /// The customer's password.
    pub password: Option<String>,
    /// Indicates whether the customer is subscribed to the company's newsletter.
    pub is_subscribed: Option<bool>,
}

/// An input object for creating a customer.
#[derive(InputObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerCreateInput {
    /// An honorific, such as Dr., Mr., or Mrs.
    pub prefix: Option<String>,
    /// The customer's first name.
    pub firstname: String,
    /// The customer's middle name.
    pub middlename: Option<String>,
    /// The customer's family name.
    pub lastname: String,
    /// A value such as Sr., Jr., or III.
    pub suffix: Option<String>,
    /// The customer's email address.
    pub email: String,
    /// Deprecated: Use `date_of_birth` instead.
    pub dob: Option<String>,
    /// The customer's date of birth.
    pub date_of_birth: Option<String>,
    /// The customer's Tax/VAT number (for corporate customers).
    pub taxvat: Option<String>,
    /// The customer's gender (Male - 1, Female - 2).
    pub gender: Option<i32>,
    /// The customer's password.
    pub password: Option<String>,
    /// Indicates whether the customer is subscribed to the company's newsletter.
    pub is_subscribed: Option<bool>,
}

impl From<CustomerCreateInput> for CustomerInput {
    fn from(input: CustomerCreateInput) -> Self {
        Self {
            prefix: input.prefix,
            firstname: Some(input.firstname),
            middlename: input.middlename,
            lastname: Some(input.lastname),
            suffix: input.suffix,
            email: Some(input.email),
            dob: input.dob,
            date_of_birth: input.date_of_birth,
            taxvat: input.taxvat,
            gender: input.gender,
            password: input.password,
            is_subscribed: input.is_subscribed,
        }
    }
}

/// An input object for updating a customer.
#[derive(InputObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct CustomerUpdateInput {
    /// The customer's date of birth.
    pub date_of_birth: Option<String>,
    /// Deprecated: Use `date_of_birth` instead.
    pub dob: Option<String>,
    /// The customer's first name.
    pub firstname: Option<String>,
    /// The customer's gender (Male - 1, Female - 2).
    pub gender: Option<i32>,
    /// Indicates whether the customer is subscribed to the company's newsletter.
    pub is_subscribed: Option<bool>,
    /// The customer's family name.
    pub lastname: Option<String>,
    /// The customer's middle name.
    pub middlename: Option<String>,
    /// An honorific, such as Dr., Mr., or Mrs.
    pub prefix: Option<String>,
    /// A value such as Sr., Jr., or III.
    pub suffix: Option<String>,
    /// The customer's Tax/VAT number (for corporate customers).
    pub taxvat: Option<String>,
}

impl From<CustomerUpdateInput> for CustomerInput {
    fn from(input: CustomerUpdateInput) -> Self {
        Self {
            prefix: input.prefix,
            firstname: input.firstname,
            middlename: input.middlename,
            lastname: input.lastname,
            suffix: input.suffix,
            email: None,
            dob: input.dob,
            date_of_birth: input.date_of_birth,
            taxvat: input.taxvat,
            gender: input.gender,
            password: None,
            is_subscribed: input.is_subscribed,
        }
    }
}
