//! The cart calls a storefront makes around sign-in (`docs/magento-account-area.md` section 8):
//! carts are always empty here, but known by their masked ids, owned, and merged as Magento does.
//! `GetCartForUser`, which every operation shares, is here.

pub mod cart_query;
pub mod create_empty_cart;
pub mod customer_cart;
pub mod items;
pub mod merge_carts;
pub mod money;
pub mod types;

use crate::accounts::{Accounts, Cart};
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;

/// The length of a masked cart id: `[a-zA-Z0-9]{32}` (`Random::getUniqueHash`).
pub const MASKED_ID_LENGTH: usize = 32;

/// `GetCartForUser::execute`: the cart, if it exists, is active and is `customer_id`'s (`None`: a
/// guest, who may use only guests' carts).
pub fn cart_for_user(accounts: &Accounts, masked_id: &str, customer_id: Option<u32>) -> Result<Cart, MagentoError> {
    let cart = accounts.carts.get(masked_id).ok_or_else(|| MagentoError::CartNotFound(masked_id.to_owned()))?;
    if !cart.active {
        return Err(MagentoError::CartNotActive);
    }
    if cart.customer_id == customer_id {
        return Ok(cart.clone());
    }
    Err(MagentoError::CartNotYours(masked_id.to_owned()))
}

/// `CustomerCartResolver::resolve`: the customer's active cart, made if there is none.
pub fn customer_cart(ctx: &RequestContext, accounts: &mut Accounts, customer_id: u32) -> Result<Cart, MagentoError> {
    if let Some(cart) = accounts.carts.active_of(customer_id) {
        return Ok(cart.clone());
    }
    open_cart(ctx, accounts, None, Some(customer_id))
}

/// A new cart with `masked_id`, or a random one.
pub fn open_cart(
    ctx: &RequestContext,
    accounts: &mut Accounts,
    masked_id: Option<String>,
    customer_id: Option<u32>,
) -> Result<Cart, MagentoError> {
    let masked_id = match masked_id {
        Some(id) => id,
        None => ctx.services.random().alphanumeric(MASKED_ID_LENGTH).map_err(|_| MagentoError::Internal)?,
    };
    accounts.carts.open(masked_id, customer_id).cloned().map_err(|_| MagentoError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::SecuritySettings;

    #[test]
    fn carts_are_found_then_active_then_owned() {
        let mut accounts = Accounts::new(SecuritySettings::default());
        let (guest, mine, merged) = ("g".repeat(32), "m".repeat(32), "x".repeat(32));
        accounts.carts.open(guest.clone(), None).unwrap();
        accounts.carts.open(mine.clone(), Some(1)).unwrap();
        accounts.carts.open(merged.clone(), None).unwrap();
        accounts.carts.deactivate(&merged);
        let error = |id: &str, who| cart_for_user(&accounts, id, who).unwrap_err().to_string();
        assert_eq!(error("nope", Some(1)), "Could not find a cart with ID \"nope\"");
        assert_eq!(error(&merged, Some(1)), "The cart isn't active.");
        assert_eq!(error(&mine, None), format!("The current user cannot perform operations on cart \"{mine}\""));
        assert_eq!(error(&guest, Some(1)), format!("The current user cannot perform operations on cart \"{guest}\""));
        assert!(cart_for_user(&accounts, &guest, None).is_ok());
        assert!(cart_for_user(&accounts, &mine, Some(1)).is_ok());
    }
}
