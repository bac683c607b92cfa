//! `mergeCarts`: a guest's cart into the signed-in customer's; the guest cart is then inactive.

use async_graphql::{Context, Object};

use super::types::CartView;
use super::{cart_for_user, customer_cart};
use crate::magento::account::signed_in_id;
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;
use crate::magento::php;
use crate::magento::schema::answer_non_null;
use crate::magento::scripted::Refusals;
use crate::scenarios::State;

#[derive(Default)]
pub struct MergeCartsMutation;

#[Object]
impl MergeCartsMutation {
    /// Transfer the contents of a guest cart into the cart of a logged-in customer.
    async fn merge_carts(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "source_cart_id", desc = "The guest's cart ID before they login.")] source_cart_id: String,
        #[graphql(name = "destination_cart_id", desc = "The cart ID after the guest logs in.")]
        destination_cart_id: Option<String>,
    ) -> async_graphql::Result<CartView> {
        answer_non_null(ctx, |request, field| {
            merge_carts(request, &source_cart_id, destination_cart_id.as_deref(), field.scripted)
        })
    }
}

/// The arguments' checks, before any cart is read: the source first, then who asks, then an
/// empty destination.
pub fn check_arguments(source: &str, customer_id: Option<u32>, destination: Option<&str>) -> Result<u32, MagentoError> {
    if php::is_empty(source) {
        return Err(MagentoError::RequiredParameter("source_cart_id"));
    }
    let customer_id = customer_id.ok_or(MagentoError::CustomerNotAuthorized)?;
    if destination.is_some_and(php::is_empty) {
        return Err(MagentoError::ParameterEmpty("destination_cart_id"));
    }
    Ok(customer_id)
}

pub fn merge_carts(
    ctx: &RequestContext,
    source: &str,
    destination: Option<&str>,
    scripted: Option<State>,
) -> Result<CartView, MagentoError> {
    Refusals { unknown: Some(MagentoError::CartNotFound(source.to_owned())), locked: None }.check(scripted)?;
    let customer_id = check_arguments(source, signed_in_id(ctx), destination)?;
    let mut accounts = ctx.services.accounts();
    let destination = match destination {
        Some(id) => id.to_owned(),
        None => customer_cart(ctx, &mut accounts, customer_id)?.masked_id,
    };
    // The source is read as a guest's: a customer's cart can never be merged.
    let guest_cart = cart_for_user(&accounts, source, None)?;
    let customer_cart = cart_for_user(&accounts, &destination, Some(customer_id))?;
    accounts.carts.deactivate(&guest_cart.masked_id);
    let email = accounts.by_id(customer_id).map(|c| c.email.clone());
    Ok(CartView::empty(&customer_cart, email))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_is_checked_before_the_customer_and_the_destination() {
        assert_eq!(
            check_arguments("", None, Some("")).unwrap_err().to_string(),
            "Required parameter \"source_cart_id\" is missing"
        );
        assert_eq!(
            check_arguments("s", None, Some("")).unwrap_err().to_string(),
            "The current customer isn't authorized."
        );
        assert_eq!(
            check_arguments("s", Some(1), Some("")).unwrap_err().to_string(),
            "The parameter \"destination_cart_id\" cannot be empty"
        );
        assert_eq!(check_arguments("s", Some(1), None), Ok(1));
    }
}
