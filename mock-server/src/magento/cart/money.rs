//! Money as the cart's schema spells it: every price and total the cart types carry.

use async_graphql::{Enum, SimpleObject};

/// Defines a monetary value, including a numeric value and a currency code.
#[derive(SimpleObject, Clone, Debug)]
pub struct Money {
    /// A number expressing a monetary value.
    pub value: Option<f64>,
    /// A three-letter currency code, such as USD or EUR.
    pub currency: Option<CurrencyEnum>,
}

/// The list of available currency codes.
// Only the store's one is served.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CurrencyEnum {
    #[graphql(name = "USD")]
    Usd,
}
