//! The cart's GraphQL types, with Magento 2.4.7's names and nullability
//! (`module-quote-graph-ql/etc/schema.graphqls`), answering an empty cart.
//!
//! Addresses and shipping methods are never present in an empty cart: their types are served
//! with the fields the storefront's documents select, so those documents validate as on the real
//! store (items and products: `items.rs`). Only USD and the stock offline payment methods are
//! modelled.

use async_graphql::SimpleObject;

use super::items::CartItemInterface;
use super::money::{CurrencyEnum, Money};

use crate::accounts::Cart as StoredCart;

/// Contains the contents and other details about a guest or customer cart.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "Cart", rename_fields = "snake_case")]
pub struct CartView {
    /// The unique ID for a `Cart` object.
    pub id: async_graphql::ID,
    /// An array of products that have been added to the cart.
    #[graphql(deprecation = "Use `itemsV2` instead.")]
    pub items: Option<Vec<Option<CartItemInterface>>>,
    /// An array of `AppliedCoupon` objects. Each object contains the `code` text attribute, which specifies the coupon code.
    pub applied_coupons: Option<Vec<Option<AppliedCoupon>>>,
    /// The email address of the guest or customer.
    pub email: Option<String>,
    /// An array of shipping addresses assigned to the cart.
    pub shipping_addresses: Vec<Option<ShippingCartAddress>>,
    /// The billing address assigned to the cart.
    pub billing_address: Option<BillingCartAddress>,
    /// An array of available payment methods.
    pub available_payment_methods: Option<Vec<Option<AvailablePaymentMethod>>>,
    /// Pricing details for the quote.
    pub prices: Option<CartPrices>,
    /// The total number of items in the cart.
    pub total_quantity: f64,
    /// Indicates whether the cart contains only virtual products.
    pub is_virtual: bool,
}

impl CartView {
    /// An empty cart: no items, no coupons (`null`), nothing to pay.
    pub fn empty(cart: &StoredCart, email: Option<String>) -> Self {
        let zero = || Money { value: Some(0.0), currency: Some(CurrencyEnum::Usd) };
        Self {
            id: async_graphql::ID(cart.masked_id.clone()),
            items: Some(Vec::new()),
            applied_coupons: None,
            email,
            shipping_addresses: Vec::new(),
            billing_address: None,
            available_payment_methods: Some(vec![
                Some(AvailablePaymentMethod { code: "checkmo".into(), title: "Check / Money order".into() }),
                Some(AvailablePaymentMethod { code: "free".into(), title: "No Payment Information Required".into() }),
            ]),
            prices: Some(CartPrices {
                grand_total: Some(zero()),
                subtotal_excluding_tax: Some(zero()),
                subtotal_including_tax: Some(zero()),
                subtotal_with_discount_excluding_tax: Some(zero()),
                applied_taxes: Some(Vec::new()),
                discounts: None,
            }),
            total_quantity: 0.0,
            is_virtual: false,
        }
    }
}

/// Contains details about the final price of items in the cart, including discount and tax information.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct CartPrices {
    /// An array containing the names and amounts of taxes applied to each item in the cart.
    pub applied_taxes: Option<Vec<Option<CartTaxItem>>>,
    /// An array containing cart rule discounts, store credit and gift cards applied to the cart.
    pub discounts: Option<Vec<Option<Discount>>>,
    /// The total, including discounts, taxes, shipping, and other fees.
    pub grand_total: Option<Money>,
    /// The subtotal without any applied taxes.
    pub subtotal_excluding_tax: Option<Money>,
    /// The subtotal including any applied taxes.
    pub subtotal_including_tax: Option<Money>,
    /// The subtotal with any discounts applied, but not taxes.
    pub subtotal_with_discount_excluding_tax: Option<Money>,
}

/// Contains tax information about an item in the cart.
#[derive(SimpleObject, Clone, Debug)]
#[allow(dead_code)]
pub struct CartTaxItem {
    /// The amount of tax applied to the item.
    amount: Money,
    /// The description of the tax.
    label: String,
}

/// Defines an individual discount. A discount can be applied to the cart as a whole or to an item, shipping.
#[derive(SimpleObject, Clone, Debug)]
#[allow(dead_code)]
pub struct Discount {
    /// The amount of the discount.
    amount: Money,
    /// A description of the discount.
    label: String,
}

/// Contains the applied coupon code.
#[derive(SimpleObject, Clone, Debug)]
#[allow(dead_code)]
pub struct AppliedCoupon {
    /// The coupon code the shopper applied to the card.
    code: String,
}

/// Describes a payment method that the shopper can use to pay for the order.
#[derive(SimpleObject, Clone, Debug)]
pub struct AvailablePaymentMethod {
    /// The payment method code.
    pub code: String,
    /// The payment method title.
    pub title: String,
}

/// Contains shipping addresses and methods.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
#[allow(dead_code)]
pub struct ShippingCartAddress {
    /// The first name of the customer or guest.
    firstname: String,
    /// The last name of the customer or guest.
    lastname: String,
    /// The company specified for the billing or shipping address.
    company: Option<String>,
    /// An array containing the street for the billing or shipping address.
    street: Vec<String>,
    /// The city specified for the billing or shipping address.
    city: String,
    /// An object containing the region label and code.
    region: Option<CartAddressRegion>,
    /// The ZIP or postal code of the billing or shipping address.
    postcode: Option<String>,
    /// An object containing the country label and code.
    country: CartAddressCountry,
    /// The telephone number for the billing or shipping address.
    telephone: Option<String>,
    /// An object that describes the selected shipping method.
    selected_shipping_method: Option<SelectedShippingMethod>,
}

/// Contains details about the billing address.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
#[allow(dead_code)]
pub struct BillingCartAddress {
    /// The first name of the customer or guest.
    firstname: String,
    /// The last name of the customer or guest.
    lastname: String,
    /// The company specified for the billing or shipping address.
    company: Option<String>,
    /// An array containing the street for the billing or shipping address.
    street: Vec<String>,
    /// The city specified for the billing or shipping address.
    city: String,
    /// An object containing the region label and code.
    region: Option<CartAddressRegion>,
    /// The ZIP or postal code of the billing or shipping address.
    postcode: Option<String>,
    /// An object containing the country label and code.
    country: CartAddressCountry,
    /// The telephone number for the billing or shipping address.
    telephone: Option<String>,
}

/// Contains details about the region in a billing or shipping address.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
#[allow(dead_code)]
pub struct CartAddressRegion {
    /// The state or province code.
    code: Option<String>,
    /// The display label for the region.
    label: Option<String>,
    /// The unique ID for a pre-defined region.
    region_id: Option<i32>,
}

/// Contains details the country in a billing or shipping address.
#[derive(SimpleObject, Clone, Debug)]
#[allow(dead_code)]
pub struct CartAddressCountry {
    /// The country code.
    code: String,
    /// The display label for the country.
    label: String,
}

/// Contains details about the selected shipping method and carrier.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
#[allow(dead_code)]
pub struct SelectedShippingMethod {
    /// A string that identifies a commercial carrier or an offline shipping method.
    carrier_code: String,
    /// A shipping method code associated with a carrier.
    method_code: String,
    /// The label for the carrier code.
    carrier_title: String,
    /// The label for the method code.
    method_title: String,
    /// The cost of shipping using this shipping method.
    amount: Money,
}
