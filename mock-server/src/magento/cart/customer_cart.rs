//! `customerCart`: the signed-in customer's active cart, made when there is none.

use async_graphql::{Context, Object};

use super::types::CartView;
use crate::magento::account::signed_in_id;
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;
use crate::magento::schema::answer_non_null;
use crate::magento::scripted::Refusals;
use crate::scenarios::State;

#[derive(Default)]
pub struct CustomerCartQuery;

#[Object]
impl CustomerCartQuery {
    /// Return information about the customer's shopping cart.
    async fn customer_cart(&self, ctx: &Context<'_>) -> async_graphql::Result<CartView> {
        answer_non_null(ctx, |request, field| customer_cart(request, field.scripted))
    }
}

/// `Cart!`: a refusal leaves the whole `data` null, so Magento omits it.
pub fn customer_cart(ctx: &RequestContext, scripted: Option<State>) -> Result<CartView, MagentoError> {
    Refusals { unknown: Some(MagentoError::LoggedInCustomerOnly), locked: None }.check(scripted)?;
    let customer_id = signed_in_id(ctx).ok_or(MagentoError::LoggedInCustomerOnly)?;
    let mut accounts = ctx.services.accounts();
    let cart = super::customer_cart(ctx, &mut accounts, customer_id)?;
    let email = accounts.by_id(customer_id).map(|c| c.email.clone());
    Ok(CartView::empty(&cart, email))
}
