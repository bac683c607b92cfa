//! The `cart(cart_id:)` query: a cart the request may read (`GetCartForUser`).

use async_graphql::{Context, Object};

use super::cart_for_user;
use super::types::CartView;
use crate::magento::account::signed_in_id;
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;
use crate::magento::php;
use crate::magento::schema::answer;
use crate::magento::scripted::Refusals;
use crate::scenarios::State;

#[derive(Default)]
pub struct CartQuery;

#[Object]
impl CartQuery {
    /// Return information about the specified shopping cart.
    async fn cart(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "cart_id", desc = "The unique ID of the cart to query.")] cart_id: String,
    ) -> Option<CartView> {
        answer(ctx, |request, field| cart(request, &cart_id, field.scripted))
    }
}

pub fn cart(ctx: &RequestContext, cart_id: &str, scripted: Option<State>) -> Result<CartView, MagentoError> {
    Refusals { unknown: Some(MagentoError::CartNotFound(cart_id.to_owned())), locked: None }.check(scripted)?;
    if php::is_empty(cart_id) {
        return Err(MagentoError::RequiredParameter("cart_id"));
    }
    let customer_id = signed_in_id(ctx);
    let accounts = ctx.services.accounts();
    let cart = cart_for_user(&accounts, cart_id, customer_id)?;
    let email = cart.customer_id.and_then(|id| accounts.by_id(id)).map(|c| c.email.clone());
    Ok(CartView::empty(&cart, email))
}
