//! Shopping carts as the account area needs them: empty quotes known by their masked id, owned
//! by a guest or a customer, active until merged into another.

use std::collections::HashMap;

/// At most this many carts per namespace, so clients cannot make the server keep anything
/// they like (a quote each time a storefront starts).
pub const MAX_CARTS: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cart {
    /// The 32-character masked id the storefront knows it by.
    pub masked_id: String,
    /// `None` for a guest's cart.
    pub customer_id: Option<u32>,
    pub active: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CartError {
    #[error("too many carts")]
    Full,
    #[error("a cart has that id")]
    Taken,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Carts {
    by_masked_id: HashMap<String, Cart>,
}

impl Carts {
    pub fn get(&self, masked_id: &str) -> Option<&Cart> {
        self.by_masked_id.get(masked_id)
    }

    /// A new active cart.
    pub fn open(&mut self, masked_id: String, customer_id: Option<u32>) -> Result<&Cart, CartError> {
        if self.by_masked_id.contains_key(&masked_id) {
            return Err(CartError::Taken);
        }
        if self.by_masked_id.len() >= MAX_CARTS {
            // Merged carts are never read again but to say they are inactive: they go first.
            self.by_masked_id.retain(|_, cart| cart.active);
            if self.by_masked_id.len() >= MAX_CARTS {
                return Err(CartError::Full);
            }
        }
        let cart = Cart { masked_id: masked_id.clone(), customer_id, active: true };
        Ok(self.by_masked_id.entry(masked_id).or_insert(cart))
    }

    /// The customer's active cart, if any.
    pub fn active_of(&self, customer_id: u32) -> Option<&Cart> {
        self.by_masked_id.values().find(|cart| cart.active && cart.customer_id == Some(customer_id))
    }

    /// Marks `masked_id` merged: it stays known, inactive.
    pub fn deactivate(&mut self, masked_id: &str) {
        if let Some(cart) = self.by_masked_id.get_mut(masked_id) {
            cart.active = false;
        }
    }

    pub fn len(&self) -> usize {
        self.by_masked_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_masked_id.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merged_cart_stays_known_but_inactive() {
        let mut carts = Carts::default();
        carts.open("a".repeat(32), None).unwrap();
        carts.open("b".repeat(32), Some(7)).unwrap();
        carts.deactivate(&"a".repeat(32));
        assert!(!carts.get(&"a".repeat(32)).unwrap().active);
        assert_eq!(carts.active_of(7).map(|c| c.masked_id.clone()), Some("b".repeat(32)));
        assert_eq!(carts.open("b".repeat(32), None), Err(CartError::Taken));
    }
}
