//! `storeConfig`: the store's settings a storefront reads at start-up (Venia's
//! `GetStoreConfigData`, Alokai's `storeConfig`), with the types of Magento 2.4.7's schema and a
//! fresh install's values as the real 2.4.7-p3 store answered them (`docs/magento-account-area.md`
//! section 6.1). The store's names and password rules come from the fixtures file.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};

use crate::fixtures::{Fixtures, Store};
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;
use crate::magento::schema::answer;
use crate::magento::scripted::Refusals;
use crate::scenarios::State;

#[derive(Default)]
pub struct StoreConfigQuery;

#[Object]
impl StoreConfigQuery {
    /// Return details about the store's configuration.
    async fn store_config(&self, ctx: &Context<'_>) -> Option<StoreConfig> {
        answer(ctx, |request, field| store_config(request, field.scripted))
    }

    /// Get a list of available store views and their config information.
    async fn available_stores(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "useCurrentGroup", desc = "Filter store views by the current store group.")]
        use_current_group: Option<bool>,
    ) -> Option<Vec<Option<StoreConfig>>> {
        answer(ctx, |request, field| available_stores(request, use_current_group.unwrap_or(false), field.scripted))
    }
}

/// The selected store view's configuration.
pub fn store_config(ctx: &RequestContext, scripted: Option<State>) -> Result<StoreConfig, MagentoError> {
    Refusals::NONE.check(scripted)?;
    let store = ctx.services.store();
    let config = StoreConfig::fresh_install(
        store,
        ctx.services.stores(),
        &media_url(ctx.services.storefront_url()),
        token_hours(ctx),
    );
    Ok(config.with_settings(ctx))
}

/// The store views of the selected one's website (or store group), in the fixtures' order.
pub fn available_stores(
    ctx: &RequestContext,
    current_group: bool,
    scripted: Option<State>,
) -> Result<Vec<Option<StoreConfig>>, MagentoError> {
    Refusals::NONE.check(scripted)?;
    let hours = token_hours(ctx);
    let stores = ctx.services.stores();
    let listed = super::available(stores, ctx.services.store(), current_group);
    Ok(listed
        .into_iter()
        .map(|store| {
            let links = store.storefront_url.as_ref().unwrap_or_else(|| ctx.services.default_storefront_url());
            Some(StoreConfig::fresh_install(store, stores, &media_url(links), hours).with_settings(ctx))
        })
        .collect())
}

fn token_hours(ctx: &RequestContext) -> f64 {
    ctx.services.accounts().settings.customer_token_lifetime.as_seconds_f64() / 3600.0
}

/// `<base>media/`: the store's base URL without the `index.php/` of its links.
pub fn media_url(link_base: &str) -> String {
    format!("{}media/", link_base.strip_suffix("index.php/").unwrap_or(link_base))
}

/// Lists display settings for the Fixed Product Tax.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum FixedProductTaxDisplaySettings {
    /// The displayed price includes the FPT amount without displaying the `ProductPrice.fixed_product_taxes` values. This value corresponds to 'Including FPT only'.
    IncludeFptWithoutDetails,
    /// The displayed price includes the FPT amount while displaying the values of `ProductPrice.fixed_product_taxes` separately. This value corresponds to 'Including FPT and FPT description'.
    IncludeFptWithDetails,
    /// The displayed price does not include the FPT amount. The values of `ProductPrice.fixed_product_taxes` and the price including the FPT are displayed separately. This value corresponds to 'Excluding FPT, Including FPT description and final price.'
    ExcludeFptAndIncludeWithDetails,
    /// The displayed price does not include the FPT amount. The values from `ProductPrice.fixed_product_taxes` are not displayed. This value corresponds to 'Excluding FPT'.
    ExcludeFptWithoutDetails,
    /// The FPT feature is not enabled. You can omit `ProductPrice.fixed_product_taxes` from your query.
    FptDisabled,
}

/// Contains information about a store's configuration.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(rename_fields = "snake_case")]
pub struct StoreConfig {
    /// Indicates whether guest users can write product reviews. Possible values: 1 (Yes) and 0 (No).
    allow_guests_to_write_product_reviews: Option<String>,
    /// The value of the Allow Gift Messages for Order Items option
    allow_items: Option<String>,
    /// The value of the Allow Gift Messages on Order Level option
    allow_order: Option<String>,
    /// Indicates whether to enable autocomplete on login and forgot password forms.
    autocomplete_on_storefront: Option<bool>,
    /// The base currency code.
    base_currency_code: Option<String>,
    /// The fully-qualified URL that specifies the location of media files.
    base_media_url: Option<String>,
    /// The default sort order of the search results list.
    catalog_default_sort_by: Option<String>,
    /// Corresponds to the 'Display Prices In Product Lists' field in the Admin. It indicates how FPT information is displayed on category pages.
    category_fixed_product_tax_display_setting: Option<FixedProductTaxDisplaySettings>,
    /// The name of the CMS page that identifies the home page for the store.
    cms_home_page: Option<String>,
    /// A specific CMS page that displays when cookies are not enabled for the browser.
    cms_no_cookies: Option<String>,
    /// A specific CMS page that displays when a 404 'Page Not Found' error occurs.
    cms_no_route: Option<String>,
    /// Indicates whether the `parent` or child (`itself`) thumbnail should be used in the cart for configurable products.
    configurable_thumbnail_source: Option<String>,
    /// The copyright statement that appears at the bottom of each page.
    copyright: Option<String>,
    /// Indicates if the new accounts need confirmation.
    create_account_confirmation: Option<bool>,
    /// Customer access token lifetime.
    customer_access_token_lifetime: Option<f64>,
    /// The description that provides a summary of your site for search engine listings. It should not be more than 160 characters in length.
    default_description: Option<String>,
    /// The default display currency code.
    default_display_currency_code: Option<String>,
    /// A series of keywords that describe your store, each separated by a comma.
    default_keywords: Option<String>,
    /// The title that appears at the title bar of each page when viewed in a browser.
    default_title: Option<String>,
    /// The default number of products per page in Grid View.
    grid_per_page: Option<i32>,
    /// A list of numbers that define how many products can be displayed in Grid View.
    grid_per_page_values: Option<String>,
    /// The small graphic image (favicon) that appears in the address bar and tab of the browser.
    head_shortcut_icon: Option<String>,
    /// The path to the logo that appears in the header.
    header_logo_src: Option<String>,
    /// Indicates whether the store view has been designated as the default within the store group.
    is_default_store: Option<bool>,
    /// Indicates whether the store group has been designated as the default within the website.
    is_default_store_group: Option<bool>,
    /// The format of the search results list.
    list_mode: Option<String>,
    /// The default number of products per page in List View.
    list_per_page: Option<i32>,
    /// A list of numbers that define how many products can be displayed in List View.
    list_per_page_values: Option<String>,
    /// The store locale.
    locale: Option<String>,
    /// The Alt text that is associated with the logo.
    logo_alt: Option<String>,
    /// The height of the logo image, in pixels.
    logo_height: Option<i32>,
    /// The width of the logo image, in pixels.
    logo_width: Option<i32>,
    /// Indicates whether wishlists are enabled (1) or disabled (0).
    magento_wishlist_general_is_enabled: Option<String>,
    /// The minimum number of characters required for a valid password.
    minimum_password_length: Option<String>,
    /// The default page that displays when a 404 'Page not Found' error occurs.
    no_route: Option<String>,
    /// Corresponds to the 'Display Prices On Product View Page' field in the Admin. It indicates how FPT information is displayed on product pages.
    product_fixed_product_tax_display_setting: Option<FixedProductTaxDisplaySettings>,
    /// Indicates whether product reviews are enabled. Possible values: 1 (Yes) and 0 (No).
    product_reviews_enabled: Option<String>,
    /// The number of different character classes (lowercase, uppercase, digits, special characters) required in a password.
    required_character_classes_number: Option<String>,
    /// The unique ID for a `CategoryInterface` object.
    root_category_uid: Option<ID>,
    /// Corresponds to the 'Display Prices In Sales Modules' field in the Admin. It indicates how FPT information is displayed on cart, checkout, and order pages.
    sales_fixed_product_tax_display_setting: Option<FixedProductTaxDisplaySettings>,
    /// The unique ID of the store view. In the Admin, this is called the Store View Code. When making a GraphQL call, assign this value to the `Store` header to provide the scope.
    store_code: Option<ID>,
    /// The unique ID assigned to the store group. In the Admin, this is called the Store Name.
    store_group_code: Option<ID>,
    /// The label assigned to the store group.
    store_group_name: Option<String>,
    /// The label assigned to the store view.
    store_name: Option<String>,
    /// The store view sort order.
    store_sort_order: Option<i32>,
    /// The time zone of the store.
    timezone: Option<String>,
    /// A prefix that appears before the title to create a two- or three-part title.
    title_prefix: Option<String>,
    /// The character that separates the category name and subcategory in the browser title bar.
    title_separator: Option<String>,
    /// A suffix that appears after the title to create a two- or three-part title.
    title_suffix: Option<String>,
    /// Indicates whether the store code should be used in the URL.
    use_store_in_url: Option<bool>,
    /// The unique ID for the website.
    website_code: Option<ID>,
    /// The label assigned to the website.
    website_name: Option<String>,
    /// The unit of weight.
    weight_unit: Option<String>,
    /// Text that appears in the header of the page and includes the name of the logged in customer.
    welcome: Option<String>,
}

impl StoreConfig {
    /// What `PATCH /__admin/settings` set for every store view over the fixtures' values.
    fn with_settings(mut self, ctx: &RequestContext) -> Self {
        if let Some(required) = ctx.settings.create_account_confirmation {
            self.create_account_confirmation = Some(required);
        }
        self
    }

    /// A fresh install's configuration (installed with `--timezone=UTC`, as the recorded store
    /// was), with the fixtures' store names, codes, locale and password rules. A view is the
    /// default of its group, and a group of its website, when it is the first in the fixtures.
    pub fn fresh_install(store: &Store, all: &Fixtures, media_url: &str, token_lifetime_hours: f64) -> Self {
        let text = |value: &str| Some(value.to_owned());
        let first_of_group = all.stores().find(|s| s.website == store.website && s.group_code == store.group_code);
        let first_of_website = all.stores().find(|s| s.website == store.website);
        Self {
            allow_guests_to_write_product_reviews: text("1"),
            allow_items: None,
            allow_order: None,
            autocomplete_on_storefront: Some(false),
            base_currency_code: text("USD"),
            base_media_url: text(media_url),
            catalog_default_sort_by: text("position"),
            category_fixed_product_tax_display_setting: Some(FixedProductTaxDisplaySettings::FptDisabled),
            cms_home_page: text("home"),
            cms_no_cookies: text("enable-cookies"),
            cms_no_route: text("no-route"),
            configurable_thumbnail_source: text("parent"),
            copyright: text("Copyright © 2013-present Magento, Inc. All rights reserved."),
            create_account_confirmation: Some(store.create_account_confirmation),
            customer_access_token_lifetime: Some(token_lifetime_hours),
            default_description: None,
            default_display_currency_code: text("USD"),
            default_keywords: None,
            default_title: text("Magento Commerce"),
            grid_per_page: Some(12),
            grid_per_page_values: text("12,24,36"),
            head_shortcut_icon: None,
            header_logo_src: None,
            is_default_store: Some(first_of_group.is_some_and(|first| first.code == store.code)),
            is_default_store_group: Some(first_of_website.is_some_and(|first| first.group_code == store.group_code)),
            list_mode: text("grid-list"),
            list_per_page: Some(10),
            list_per_page_values: text("5,10,15,20,25"),
            locale: text(&store.locale),
            logo_alt: None,
            logo_height: None,
            logo_width: None,
            magento_wishlist_general_is_enabled: text("1"),
            minimum_password_length: Some(store.minimum_password_length.to_string()),
            no_route: text("cms/noroute/index"),
            product_fixed_product_tax_display_setting: Some(FixedProductTaxDisplaySettings::FptDisabled),
            product_reviews_enabled: text("1"),
            required_character_classes_number: Some(store.required_character_classes_number.to_string()),
            // base64 of the default root category's id, 2.
            root_category_uid: Some(ID("Mg==".into())),
            sales_fixed_product_tax_display_setting: Some(FixedProductTaxDisplaySettings::FptDisabled),
            store_code: Some(ID(store.code.clone())),
            store_group_code: Some(ID(store.group_code.clone())),
            store_group_name: text(&store.name),
            store_name: text(&store.view_name),
            store_sort_order: Some(0),
            timezone: text("UTC"),
            title_prefix: None,
            title_separator: text("-"),
            title_suffix: None,
            use_store_in_url: Some(false),
            website_code: Some(ID(store.website.clone())),
            website_name: text(&store.website_name),
            weight_unit: text("lbs"),
            welcome: text("Default welcome msg!"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_lives_beside_the_links_index_php() {
        assert_eq!(media_url("http://127.0.0.1:8080/index.php/"), "http://127.0.0.1:8080/media/");
        assert_eq!(media_url("https://shop.example/"), "https://shop.example/media/");
    }
}
