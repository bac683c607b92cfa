//! `createEmptyCart` (Venia sends it as `cartId: createEmptyCart`): a guest gets a new cart, a
//! customer their active one.

use async_graphql::{Context, InputObject, Object};

use super::{MASKED_ID_LENGTH, customer_cart, open_cart};
use crate::accounts::Accounts;
use crate::magento::account::signed_in_id;
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;
use crate::magento::schema::answer;
use crate::magento::scripted::Refusals;
use crate::scenarios::State;

#[derive(Default)]
pub struct CreateEmptyCartMutation;

/// Assigns a specific `cart_id` to the empty cart.
#[derive(InputObject, Clone, Debug)]
#[graphql(name = "createEmptyCartInput", rename_fields = "snake_case")]
pub struct CreateEmptyCartInput {
    /// The ID to assign to the cart.
    pub cart_id: Option<String>,
}

#[Object]
impl CreateEmptyCartMutation {
    /// Create an empty shopping cart for a guest or logged in user
    #[graphql(deprecation = "Use `Mutation.createGuestCart` or `Query.customerCart` for logged in customer")]
    async fn create_empty_cart(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An optional input object that assigns the specified ID to the cart.")] input: Option<
            CreateEmptyCartInput,
        >,
    ) -> Option<String> {
        let wanted = input.and_then(|i| i.cart_id);
        answer(ctx, |request, field| create_empty_cart(request, wanted, field.scripted))
    }
}

/// `ValidateMaskedQuoteId`: 32 characters (`mb_strlen`) and not taken.
pub fn check_wanted_id(accounts: &Accounts, wanted: &str) -> Result<(), MagentoError> {
    if wanted.chars().count() != MASKED_ID_LENGTH {
        return Err(MagentoError::CartIdLength);
    }
    if accounts.carts.get(wanted).is_some() {
        return Err(MagentoError::CartIdTaken(wanted.to_owned()));
    }
    Ok(())
}

pub fn create_empty_cart(
    ctx: &RequestContext,
    wanted: Option<String>,
    scripted: Option<State>,
) -> Result<String, MagentoError> {
    Refusals::NONE.check(scripted)?;
    let customer_id = signed_in_id(ctx);
    let mut accounts = ctx.services.accounts();
    if let Some(wanted) = &wanted {
        check_wanted_id(&accounts, wanted)?;
    }
    let cart = match customer_id {
        // The customer's cart already has a masked id: the wanted one is ignored.
        Some(id) => customer_cart(ctx, &mut accounts, id)?,
        None => open_cart(ctx, &mut accounts, wanted, None)?,
    };
    Ok(cart.masked_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::SecuritySettings;

    #[test]
    fn a_wanted_id_must_be_32_characters_and_free() {
        let mut accounts = Accounts::new(SecuritySettings::default());
        accounts.carts.open("a".repeat(32), None).unwrap();
        assert_eq!(
            check_wanted_id(&accounts, "abc").unwrap_err().to_string(),
            "Cart ID length should to be 32 symbols."
        );
        assert_eq!(
            check_wanted_id(&accounts, &"a".repeat(32)).unwrap_err().to_string(),
            format!("Cart with ID \"{}\" already exists.", "a".repeat(32))
        );
        // mb_strlen counts characters, not bytes.
        assert!(check_wanted_id(&accounts, &"é".repeat(32)).is_ok());
    }
}
