//! `updateCustomerEmail` (`docs/magento-account-area.md` section 3): `UpdateCustomerAccount` with
//! only the email and the current password.

use async_graphql::{Context, Object};

use super::types::{CustomerInput, CustomerOutput, CustomerView};
use super::update_customer::update_account;
use super::{Required, get_customer, require_customer};
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;
use crate::magento::schema::answer;
use crate::magento::scripted::Refusals;
use crate::scenarios::State;

#[derive(Default)]
pub struct UpdateCustomerEmailMutation;

#[Object]
impl UpdateCustomerEmailMutation {
    /// Change the email address for the logged-in customer.
    async fn update_customer_email(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer's email address.")] email: String,
        #[graphql(desc = "The customer's password.")] password: String,
    ) -> Option<CustomerOutput> {
        answer(ctx, |request, field| update_customer_email(request, email, password, field.scripted))
    }
}

pub fn update_customer_email(
    ctx: &RequestContext,
    email: String,
    password: String,
    scripted: Option<State>,
) -> Result<CustomerOutput, MagentoError> {
    Refusals { unknown: Some(MagentoError::CustomerNotAuthorized), locked: Some(MagentoError::AccountIsLocked) }
        .check(scripted)?;
    let id = require_customer(ctx)?;
    let now = ctx.services.now();
    let mut accounts = ctx.services.accounts();
    let customer = get_customer(&accounts, id, now)?;
    let input = CustomerInput { email: Some(email), password: Some(password), ..CustomerInput::default() };
    let updated = update_account(&mut accounts, &customer, input, now, Required::of(ctx.settings.magento_version))?;
    Ok(CustomerOutput { customer: CustomerView::of(&updated) })
}
