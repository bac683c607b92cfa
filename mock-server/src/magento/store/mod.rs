//! The store's public settings a storefront reads at start-up, and which store view a request
//! is for.

pub mod recaptcha;
pub mod recaptcha_guard;
pub mod store_config;

use crate::fixtures::{Fixtures, Store};

/// A store view of the fixtures: 0 is the default one, then `[[store_view]]` in file order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreId(pub usize);

impl StoreId {
    pub const DEFAULT: Self = Self(0);
}

/// The store view a customer's emails come from (`EmailNotification::passwordResetConfirmation`):
/// the one the account was made in, else its website's first (`getWebsiteStoreId`), whatever
/// store view the request named.
pub fn of_customer<'f>(fixtures: &'f Fixtures, website: &str, made_in: Option<&str>) -> &'f Store {
    let mut of_website = fixtures.stores().filter(|store| store.website == website);
    let made_in =
        made_in.and_then(|code| fixtures.stores().find(|store| store.website == website && store.code == code));
    made_in.or_else(|| of_website.next()).unwrap_or(&fixtures.store)
}

/// The store view the `Store` header names, as `StoreValidator` (`module-store-graph-ql`,
/// `Controller/HttpRequestValidator`) decides it: no header (or an empty one) is the default
/// store; `default` in any case too; any other code must be a store view's code, compared
/// exactly. `Err` carries the code as the refusal names it (trimmed).
pub fn select<'a>(fixtures: &Fixtures, header: Option<&'a str>) -> Result<StoreId, &'a str> {
    let Some(code) = header.map(str::trim).filter(|code| !code.is_empty()) else {
        return Ok(StoreId::DEFAULT);
    };
    if code.eq_ignore_ascii_case("default") {
        return Ok(StoreId::DEFAULT);
    }
    fixtures.stores().position(|store| store.code == code).map(StoreId).ok_or(code)
}

/// The store view `id` stands for (the default one for an id no fixtures have).
pub fn store(fixtures: &Fixtures, id: StoreId) -> &Store {
    fixtures.stores().nth(id.0).unwrap_or(&fixtures.store)
}

/// The store views `availableStores` lists for `current`: those of its website, or of its
/// store group with `useCurrentGroup: true` (`AvailableStoresResolver`).
pub fn available<'f>(fixtures: &'f Fixtures, current: &Store, current_group: bool) -> Vec<&'f Store> {
    fixtures
        .stores()
        .filter(|store| store.website == current.website && (!current_group || store.group_code == current.group_code))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_WEBSITES: &str = r#"
[store]
name = "Main Website Store"

[[store_view]]
code = "second_view"
view_name = "Second Store View"
name = "Second Store"
group_code = "second_store"
website = "second"
website_name = "Second Website"
"#;

    #[test]
    fn the_header_selects_a_store_view_by_its_exact_code_and_default_in_any_case() {
        let fixtures = Fixtures::parse(TWO_WEBSITES, "test").unwrap();
        assert_eq!(select(&fixtures, None), Ok(StoreId(0)));
        assert_eq!(select(&fixtures, Some("  ")), Ok(StoreId(0)));
        assert_eq!(select(&fixtures, Some("DEFAULT")), Ok(StoreId(0)));
        assert_eq!(select(&fixtures, Some(" second_view ")), Ok(StoreId(1)));
        assert_eq!(select(&fixtures, Some("SECOND_VIEW")), Err("SECOND_VIEW"));
        assert_eq!(store(&fixtures, StoreId(1)).website, "second");
    }

    #[test]
    fn available_stores_are_those_of_the_current_website() {
        let fixtures = Fixtures::parse(TWO_WEBSITES, "test").unwrap();
        let second = store(&fixtures, StoreId(1));
        let codes: Vec<&str> = available(&fixtures, second, false).iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["second_view"]);
        let main: Vec<&str> = available(&fixtures, &fixtures.store, true).iter().map(|s| s.code.as_str()).collect();
        assert_eq!(main, ["default"]);
    }
}
