//! The `customer` query: the signed-in account (`docs/magento-account-area.md` section 4.1).

use async_graphql::{Context, Object};

use super::types::CustomerView;
use super::{get_customer, require_customer};
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;
use crate::magento::schema::answer;
use crate::magento::scripted::Refusals;
use crate::scenarios::State;

#[derive(Default)]
pub struct CustomerQuery;

#[Object]
impl CustomerQuery {
    /// Return detailed information about a customer account.
    async fn customer(&self, ctx: &Context<'_>) -> Option<CustomerView> {
        answer(ctx, |request, field| customer(request, field.scripted))
    }
}

/// Guests are refused, then a locked account.
pub fn customer(ctx: &RequestContext, scripted: Option<State>) -> Result<CustomerView, MagentoError> {
    Refusals { unknown: Some(MagentoError::CustomerNotAuthorized), locked: Some(MagentoError::AccountIsLocked) }
        .check(scripted)?;
    let id = require_customer(ctx)?;
    let now = ctx.services.now();
    let customer = get_customer(&ctx.services.accounts(), id, now)?;
    Ok(CustomerView::of(&customer))
}
