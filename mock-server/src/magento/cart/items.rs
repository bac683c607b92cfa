//! Cart items and the products in them, with Magento 2.4.7's names, nullability and
//! descriptions (`module-quote-graph-ql`, `module-catalog-graph-ql`, `module-configurable-product-
//! graph-ql`, `module-bundle-graph-ql`, `module-review-graph-ql` schemas).
//!
//! Carts here are always empty, so none of these is ever built: they are served with the fields
//! the storefronts' cart documents (Venia's `GetCartDetails*`, `MergeCarts*`, Alokai's
//! `customerCart`, `mergeCarts`) select, so that those documents validate as on the real store.
#![allow(dead_code)]

use async_graphql::{Enum, ID, Interface, SimpleObject};

use super::money::Money;

/// An interface for products in a cart.
// Clippy reads two interface fields of the same type as one attribute written twice.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface, Clone, Debug)]
#[graphql(field(name = "uid", ty = "&ID", desc = "The unique ID for a `CartItemInterface` object."))]
#[graphql(field(name = "quantity", ty = "&f64", desc = "The quantity of this item in the cart."))]
#[graphql(field(
    name = "prices",
    ty = "&Option<CartItemPrices>",
    desc = "Contains details about the price of the item, including taxes and discounts."
))]
#[graphql(field(name = "product", ty = "&ProductInterface", desc = "Details about an item in the cart."))]
#[graphql(field(
    name = "errors",
    ty = "&Option<Vec<CartItemError>>",
    desc = "An array of errors encountered while loading the cart item"
))]
// The variants are the schema's type names.
#[allow(clippy::enum_variant_names)]
pub enum CartItemInterface {
    SimpleCartItem(SimpleCartItem),
    ConfigurableCartItem(ConfigurableCartItem),
    BundleCartItem(BundleCartItem),
}

/// An implementation for simple product cart items.
#[derive(SimpleObject, Clone, Debug)]
pub struct SimpleCartItem {
    /// The unique ID for a `CartItemInterface` object.
    uid: ID,
    /// The quantity of this item in the cart.
    quantity: f64,
    /// Contains details about the price of the item, including taxes and discounts.
    prices: Option<CartItemPrices>,
    /// Details about an item in the cart.
    product: ProductInterface,
    /// An array of errors encountered while loading the cart item
    errors: Option<Vec<CartItemError>>,
}

/// An implementation for configurable product cart items.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct ConfigurableCartItem {
    /// The unique ID for a `CartItemInterface` object.
    uid: ID,
    /// The quantity of this item in the cart.
    quantity: f64,
    /// Contains details about the price of the item, including taxes and discounts.
    prices: Option<CartItemPrices>,
    /// Details about an item in the cart.
    product: ProductInterface,
    /// An array of errors encountered while loading the cart item
    errors: Option<Vec<CartItemError>>,
    /// An array containing the configuranle options the shopper selected.
    configurable_options: Vec<SelectedConfigurableOption>,
    /// Product details of the cart item.
    configured_variant: ProductInterface,
}

/// An implementation for bundle product cart items.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct BundleCartItem {
    /// The unique ID for a `CartItemInterface` object.
    uid: ID,
    /// The quantity of this item in the cart.
    quantity: f64,
    /// Contains details about the price of the item, including taxes and discounts.
    prices: Option<CartItemPrices>,
    /// Details about an item in the cart.
    product: ProductInterface,
    /// An array of errors encountered while loading the cart item
    errors: Option<Vec<CartItemError>>,
    /// An array containing the bundle options the shopper selected.
    bundle_options: Vec<SelectedBundleOption>,
}

/// Contains details about the price of the item, including taxes and discounts.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct CartItemPrices {
    /// The price of the item before any discounts were applied. The price that might include tax, depending on the configured display settings for cart.
    price: Money,
    /// The value of the price multiplied by the quantity of the item.
    row_total: Money,
    /// The value of `row_total` plus the tax applied to the item.
    row_total_including_tax: Money,
    /// The total of all discounts applied to the item.
    total_item_discount: Option<Money>,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct CartItemError {
    /// An error code that describes the error encountered
    code: CartItemErrorType,
    /// A localized error message
    message: String,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum CartItemErrorType {
    Undefined,
    ItemQty,
    ItemIncrements,
}

/// Contains details about a selected configurable option.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct SelectedConfigurableOption {
    #[graphql(deprecation = "Use `SelectedConfigurableOption.configurable_product_option_uid` instead.")]
    id: i32,
    /// The unique ID for a `ConfigurableProductOptions` object.
    configurable_product_option_uid: ID,
    /// The display text for the option.
    option_label: String,
    #[graphql(deprecation = "Use `SelectedConfigurableOption.configurable_product_option_value_uid` instead.")]
    value_id: i32,
    /// The unique ID for a `ConfigurableProductOptionsValues` object.
    configurable_product_option_value_uid: ID,
    /// The display name of the selected configurable option.
    value_label: String,
}

/// Contains details about a selected bundle option.
#[derive(SimpleObject, Clone, Debug)]
pub struct SelectedBundleOption {
    /// The unique ID for a `SelectedBundleOption` object
    uid: ID,
    /// The display name of the selected bundle product option.
    label: String,
    /// The type of selected bundle product option.
    #[graphql(name = "type")]
    kind: String,
    /// An array of selected bundle option values.
    values: Vec<SelectedBundleOptionValue>,
}

/// Contains details about a value for a selected bundle option.
#[derive(SimpleObject, Clone, Debug)]
pub struct SelectedBundleOptionValue {
    /// Use `uid` instead
    id: i32,
    /// The unique ID for a `SelectedBundleOptionValue` object
    uid: ID,
    /// The display name of the value for the selected bundle product option.
    label: String,
    /// The quantity of the value for the selected bundle product option.
    quantity: f64,
    /// The price of the value for the selected bundle product option.
    price: f64,
}

/// Contains fields that are common to all types of products.
// Served with the product fields the cart documents select.
// Clippy reads two interface fields of the same type as one attribute written twice.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
#[graphql(field(name = "uid", ty = "&ID", desc = "The unique ID for a `ProductInterface` object."))]
#[graphql(field(
    name = "name",
    ty = "&Option<String>",
    desc = "The product name. Customers use this name to identify the product."
))]
#[graphql(field(
    name = "sku",
    ty = "&Option<String>",
    desc = "A number or code assigned to a product to identify the product, options, price, and manufacturer."
))]
#[graphql(field(
    name = "small_image",
    ty = "&Option<ProductImage>",
    desc = "The relative path to the small image, which is used on catalog pages."
))]
#[graphql(field(
    name = "thumbnail",
    ty = "&Option<ProductImage>",
    desc = "The relative path to the product's thumbnail image."
))]
#[graphql(field(
    name = "price",
    ty = "&Option<ProductPrices>",
    desc = "Indicates the price of an item.",
    deprecation = "Use `price_range` for product price information."
))]
#[graphql(field(name = "price_range", ty = "&PriceRange", desc = "The range of prices for the product"))]
#[graphql(field(name = "url_key", ty = "&Option<String>", desc = "The part of the URL that identifies the product"))]
#[graphql(field(name = "url_rewrites", ty = "&Option<Vec<Option<UrlRewrite>>>", desc = "URL rewrites list"))]
#[graphql(field(name = "stock_status", ty = "&Option<ProductStockStatus>", desc = "Stock status of the product"))]
#[graphql(field(name = "only_x_left_in_stock", ty = "&Option<f64>", desc = "Product stock only x left count"))]
#[graphql(field(name = "rating_summary", ty = "&f64", desc = "The average of all the ratings given to the product."))]
#[graphql(field(
    name = "review_count",
    ty = "&i32",
    desc = "The total count of all the reviews given to the product."
))]
#[graphql(field(name = "reviews", ty = "&ProductReviews", desc = "The list of products reviews."))]
#[graphql(field(
    name = "categories",
    ty = "&Option<Vec<Option<CategoryInterface>>>",
    desc = "The categories assigned to a product."
))]
pub enum ProductInterface {
    SimpleProduct(Box<SimpleProduct>),
    ConfigurableProduct(Box<ConfigurableProduct>),
}

/// Stamps out a product type: the interface's fields, and the type's own.
macro_rules! product_type {
    ($(#[$meta:meta])* $name:ident { $($(#[$field_meta:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(SimpleObject, Clone, Debug)]
        #[graphql(rename_fields = "snake_case")]
        pub struct $name {
            /// The unique ID for a `ProductInterface` object.
            uid: ID,
            /// The product name. Customers use this name to identify the product.
            name: Option<String>,
            /// A number or code assigned to a product to identify the product, options, price, and manufacturer.
            sku: Option<String>,
            /// The relative path to the small image, which is used on catalog pages.
            small_image: Option<ProductImage>,
            /// The relative path to the product's thumbnail image.
            thumbnail: Option<ProductImage>,
            /// Indicates the price of an item.
            #[graphql(deprecation = "Use `price_range` for product price information.")]
            price: Option<ProductPrices>,
            /// The range of prices for the product
            price_range: PriceRange,
            /// The part of the URL that identifies the product
            url_key: Option<String>,
            /// URL rewrites list
            url_rewrites: Option<Vec<Option<UrlRewrite>>>,
            /// Stock status of the product
            stock_status: Option<ProductStockStatus>,
            /// Product stock only x left count
            only_x_left_in_stock: Option<f64>,
            /// The average of all the ratings given to the product.
            rating_summary: f64,
            /// The total count of all the reviews given to the product.
            review_count: i32,
            /// The list of products reviews.
            reviews: ProductReviews,
            /// The categories assigned to a product.
            categories: Option<Vec<Option<CategoryInterface>>>,
            $($(#[$field_meta])* $field: $ty,)*
        }
    };
}

product_type! {
    /// Defines a simple product, which is tangible and is usually sold in single units or in fixed quantities.
    SimpleProduct {}
}

product_type! {
    /// Defines basic features of a configurable product and its simple product variants.
    ConfigurableProduct {
        /// An array of simple product variants.
        variants: Option<Vec<Option<ConfigurableVariant>>>,
    }
}

/// Contains all the simple product variants of a configurable product.
#[derive(SimpleObject, Clone, Debug)]
pub struct ConfigurableVariant {
    /// An array of configurable attribute options.
    attributes: Option<Vec<Option<ConfigurableAttributeOption>>>,
    /// An array of linked simple products.
    product: Option<Box<SimpleProduct>>,
}

/// Contains details about a configurable product attribute option.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct ConfigurableAttributeOption {
    /// The unique ID for a `ConfigurableAttributeOption` object.
    uid: ID,
    /// The ID assigned to the attribute.
    code: Option<String>,
    /// A unique index number assigned to the configurable product option.
    value_index: Option<i32>,
    /// A string that describes the configurable attribute option.
    label: Option<String>,
}

/// Contains product image information, including the image URL and label.
#[derive(SimpleObject, Clone, Debug)]
pub struct ProductImage {
    /// The URL of the product image or video.
    url: Option<String>,
    /// The label of the product image or video.
    label: Option<String>,
    /// The media item's position after it has been sorted.
    position: Option<i32>,
    /// Indicates whether the image is hidden from view.
    disabled: Option<bool>,
}

/// Deprecated. Use `PriceRange` instead. Contains the regular price of an item, as well as its minimum and maximum prices. Only composite products, which include bundle, configurable, and grouped products, can contain a minimum and maximum price.
#[derive(SimpleObject, Clone, Debug)]
pub struct ProductPrices {
    /// The base price of a product.
    #[graphql(
        name = "regularPrice",
        deprecation = "Use `regular_price` from `PriceRange.minimum_price` or `PriceRange.maximum_price` instead."
    )]
    regular_price: Option<Price>,
}

/// Deprecated. Use `ProductPrice` instead. Defines the price of a product as well as any tax-related adjustments.
#[derive(SimpleObject, Clone, Debug)]
pub struct Price {
    /// The price of a product plus a three-letter currency code.
    #[graphql(deprecation = "Use `ProductPrice` instead.")]
    amount: Option<Money>,
}

/// Contains the price range for a product. If the product has a single price, the minimum and maximum price will be the same.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct PriceRange {
    /// The highest possible price for the product.
    maximum_price: Option<ProductPrice>,
    /// The lowest possible price for the product.
    minimum_price: ProductPrice,
}

/// Represents a product price.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct ProductPrice {
    /// The final price of the product after applying discounts.
    final_price: Money,
    /// The regular price of the product.
    regular_price: Money,
}

/// Contains URL rewrite details.
#[derive(SimpleObject, Clone, Debug)]
pub struct UrlRewrite {
    /// The request URL.
    url: Option<String>,
}

/// This enumeration states whether a product stock status is in stock or out of stock
// (Magento_InventoryGraphQl's text, which replaces Magento_CatalogInventoryGraphQl's "States whether ... out of stock.")
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum ProductStockStatus {
    InStock,
    OutOfStock,
}

/// Contains an array of product reviews.
#[derive(SimpleObject, Clone, Debug)]
pub struct ProductReviews {
    /// An array of product reviews.
    items: Vec<Option<ProductReview>>,
}

/// Contains details of a product review.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct ProductReview {
    /// The average of all ratings for this product.
    average_rating: f64,
    /// An array of ratings by rating category, such as quality, price, and value.
    ratings_breakdown: Vec<ProductReviewRating>,
}

/// Contains data about a single aspect of a product review.
#[derive(SimpleObject, Clone, Debug)]
pub struct ProductReviewRating {
    /// The label assigned to an aspect of a product that is being rated, such as quality or price.
    name: String,
    /// The rating value given by customer. By default, possible values range from 1 to 5.
    value: String,
}

/// Contains the full set of attributes that can be returned in a category search.
// Clippy reads two interface fields of the same type as one attribute written twice.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
#[graphql(field(name = "uid", ty = "&ID", desc = "The unique ID for a `CategoryInterface` object."))]
#[graphql(field(name = "name", ty = "&Option<String>", desc = "The display name of the category."))]
#[graphql(field(name = "url_key", ty = "&Option<String>", desc = "The URL key assigned to the category."))]
#[graphql(field(name = "url_path", ty = "&Option<String>", desc = "The URL path assigned to the category."))]
#[graphql(field(
    name = "url_suffix",
    ty = "&Option<String>",
    desc = "The part of the category URL that is appended after the url key"
))]
#[graphql(field(name = "include_in_menu", ty = "&Option<i32>"))]
#[graphql(field(
    name = "breadcrumbs",
    ty = "&Option<Vec<Option<Breadcrumb>>>",
    desc = "An array of breadcrumb items."
))]
pub enum CategoryInterface {
    CategoryTree(CategoryTree),
}

/// Contains the hierarchy of categories.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct CategoryTree {
    /// The unique ID for a `CategoryInterface` object.
    uid: ID,
    /// The display name of the category.
    name: Option<String>,
    /// The URL key assigned to the category.
    url_key: Option<String>,
    /// The URL path assigned to the category.
    url_path: Option<String>,
    /// The part of the category URL that is appended after the url key
    url_suffix: Option<String>,
    include_in_menu: Option<i32>,
    /// An array of breadcrumb items.
    breadcrumbs: Option<Vec<Option<Breadcrumb>>>,
}

/// Contains details about an individual category that comprises a breadcrumb.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct Breadcrumb {
    /// The display name of the category.
    category_name: Option<String>,
    /// The URL path of the category.
    category_url_path: Option<String>,
}
