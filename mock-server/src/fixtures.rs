//! The fixtures file (`fixtures/customers.toml`): the store and the accounts every namespace
//! starts from. The repository's file is built into the binary as the default.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use time::OffsetDateTime;
use toml::Spanned;

use crate::accounts::{DEFAULT_WEBSITE, LOCKED_FOREVER, NewCustomer};
use crate::magento::password_policy::PasswordPolicy;
use crate::magento::store::recaptcha_guard::RecaptchaSettings;

/// `fixtures/customers.toml` of the repository.
pub const BUILT_IN: &str = include_str!("../../fixtures/customers.toml");

#[derive(Clone, Debug)]
pub struct Fixtures {
    /// The default store view (website `base`): the one a request without `Store` gets.
    pub store: Store,
    /// Further store views (`[[store_view]]`), each selected by its code in `Store`.
    pub store_views: Vec<Store>,
    pub customers: Vec<FixtureCustomer>,
}

/// A customer of the fixtures, with the website whose accounts it belongs to.
#[derive(Clone, Debug)]
pub struct FixtureCustomer {
    pub website: String,
    pub customer: NewCustomer,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Store {
    /// The store's frontend name (its group's name), which the emails use (shared with each).
    #[serde(default = "default_store_name")]
    pub name: Arc<str>,
    /// The store view's code, which the `Store` header names.
    #[serde(default = "default_store_code")]
    pub code: String,
    /// The store view's name: `storeConfig.store_name`.
    #[serde(default = "default_view_name")]
    pub view_name: String,
    /// The store group's code (`storeConfig.store_group_code`); `name` is its name.
    #[serde(default = "default_group_code")]
    pub group_code: String,
    /// The website's code: accounts are per website (Magento's default account sharing scope).
    #[serde(default = "default_website")]
    pub website: String,
    #[serde(default = "default_website_name")]
    pub website_name: String,
    #[serde(default = "default_locale")]
    pub locale: Arc<str>,
    /// The base of this store view's links (reset links, media); `--storefront-url` when absent.
    #[serde(default)]
    pub storefront_url: Option<Arc<str>>,
    /// reCAPTCHA (`[store.recaptcha]`, `[store_view.recaptcha]`): off unless forms are listed.
    /// Shared: every reCAPTCHA-guarded request reads it.
    #[serde(default)]
    pub recaptcha: Arc<RecaptchaSettings>,
    #[serde(default = "default_minimum_length")]
    pub minimum_password_length: usize,
    #[serde(default = "default_required_classes")]
    pub required_character_classes_number: usize,
    /// `customer/create_account/confirm`: new accounts must confirm their email before signing in.
    #[serde(default)]
    pub create_account_confirmation: bool,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            name: default_store_name(),
            code: default_store_code(),
            view_name: default_view_name(),
            group_code: default_group_code(),
            website: default_website(),
            website_name: default_website_name(),
            locale: default_locale(),
            storefront_url: None,
            recaptcha: Arc::default(),
            minimum_password_length: default_minimum_length(),
            required_character_classes_number: default_required_classes(),
            create_account_confirmation: false,
        }
    }
}

impl Store {
    pub fn password_policy(&self) -> PasswordPolicy {
        PasswordPolicy {
            minimum_length: self.minimum_password_length,
            required_classes: self.required_character_classes_number,
        }
    }
}

fn default_store_code() -> String {
    "default".into()
}

fn default_view_name() -> String {
    "Default Store View".into()
}

fn default_group_code() -> String {
    "main_website_store".into()
}

fn default_website() -> String {
    DEFAULT_WEBSITE.into()
}

fn default_website_name() -> String {
    "Main Website".into()
}

fn default_locale() -> Arc<str> {
    "en_US".into()
}

fn default_store_name() -> Arc<str> {
    "Main Website Store".into()
}
fn default_minimum_length() -> usize {
    PasswordPolicy::default().minimum_length
}
fn default_required_classes() -> usize {
    PasswordPolicy::default().required_classes
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    store: Store,
    #[serde(default)]
    store_view: Vec<Spanned<Store>>,
    #[serde(default)]
    customer: Vec<Spanned<CustomerEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerEntry {
    email: String,
    password: String,
    #[serde(default)]
    firstname: String,
    #[serde(default)]
    lastname: String,
    #[serde(default)]
    locked: bool,
    locked_until: Option<String>,
    /// The website code (default `base`); one of the stores' websites.
    #[serde(default = "default_website")]
    website: String,
}

/// A fixtures file that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum FixturesError {
    #[error("cannot read fixtures file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
}

impl Fixtures {
    pub fn built_in() -> Result<Self, FixturesError> {
        Self::parse(BUILT_IN, "built-in fixtures/customers.toml")
    }

    pub fn load(path: &Path) -> Result<Self, FixturesError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| FixturesError::Read { path: path.display().to_string(), source })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses fixtures text; `origin` names it in errors, which also give the line.
    pub fn parse(text: &str, origin: &str) -> Result<Self, FixturesError> {
        let invalid = |message: String| FixturesError::Invalid { origin: origin.to_owned(), message };
        let file: File = toml::from_str(text).map_err(|e| invalid(describe_toml_error(&e, text)))?;
        check_store(&file.store).map_err(|e| invalid(format!("store.{e}")))?;
        let mut store_views: Vec<Store> = Vec::with_capacity(file.store_view.len());
        for view in file.store_view {
            let line = line_of(text, view.span().start);
            let mut view = view.into_inner();
            check_store(&view).map_err(|e| invalid(format!("line {line}: store_view.{e}")))?;
            if view.code == file.store.code || store_views.iter().any(|other| other.code == view.code) {
                return Err(invalid(format!("line {line}: store view code {:?} appears twice", view.code)));
            }
            if let Some(url) = view.storefront_url.as_mut()
                && !url.ends_with('/')
            {
                *url = format!("{url}/").into();
            }
            store_views.push(view);
        }
        let websites: Vec<&str> =
            std::iter::once(&file.store).chain(&store_views).map(|store| store.website.as_str()).collect();
        let mut customers: Vec<FixtureCustomer> = Vec::with_capacity(file.customer.len());
        for entry in file.customer {
            let line = line_of(text, entry.span().start);
            let at_line = |message: String| invalid(format!("line {line}: {message}"));
            let entry = entry.into_inner();
            if !websites.contains(&entry.website.as_str()) {
                return Err(at_line(format!("website {:?} is not the website of any store", entry.website)));
            }
            if customers
                .iter()
                .any(|c| c.website == entry.website && c.customer.email.to_lowercase() == entry.email.to_lowercase())
            {
                return Err(at_line(format!("customer {:?} appears twice", entry.email)));
            }
            let lock_expires = match (entry.locked, entry.locked_until) {
                (true, Some(_)) => return Err(at_line("give either locked or locked_until, not both".into())),
                (true, None) => Some(LOCKED_FOREVER),
                (false, Some(until)) => Some(
                    OffsetDateTime::parse(&until, &time::format_description::well_known::Rfc3339)
                        .map_err(|e| at_line(format!("locked_until {until:?} is not an RFC 3339 time ({e})")))?,
                ),
                (false, None) => None,
            };
            let customer = NewCustomer {
                email: entry.email,
                password: entry.password,
                firstname: entry.firstname,
                lastname: entry.lastname,
                lock_expires,
            };
            customer.check().map_err(|e| at_line(e.to_string()))?;
            customers.push(FixtureCustomer { website: entry.website, customer });
        }
        Ok(Self { store: file.store, store_views, customers })
    }

    /// Every store view, the default one first.
    pub fn stores(&self) -> impl Iterator<Item = &Store> {
        std::iter::once(&self.store).chain(&self.store_views)
    }
}

/// What every store view must hold, whichever table declares it.
fn check_store(store: &Store) -> Result<(), String> {
    if store.minimum_password_length > crate::magento::password_policy::MAXIMUM_LENGTH {
        return Err("minimum_password_length must be at most 256".into());
    }
    if store.required_character_classes_number > 4 {
        return Err("required_character_classes_number must be 0 to 4".into());
    }
    let code_ok = |code: &str| !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    for (what, code) in [("code", &store.code), ("group_code", &store.group_code), ("website", &store.website)] {
        if !code_ok(code) {
            return Err(format!("{what} {code:?} must be letters, digits and '_', as Magento's codes"));
        }
    }
    if let Some(url) = &store.storefront_url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err(format!("storefront_url {url:?} must be an http(s) URL"));
    }
    Ok(())
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(1, |before| before.matches('\n').count() + 1)
}

fn describe_toml_error(error: &toml::de::Error, text: &str) -> String {
    let message = error.message().trim_end();
    match error.span() {
        Some(span) => format!("line {}: {message}", line_of(text, span.start)),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_fixtures_hold_lumas_sample_customer_and_a_locked_one() {
        let fixtures = Fixtures::built_in().unwrap();
        assert_eq!(&*fixtures.store.name, "Main Website Store");
        let roni = &fixtures.customers.iter().find(|c| c.customer.email == "roni_cost@example.com").unwrap().customer;
        assert_eq!((roni.password.as_str(), roni.firstname.as_str()), ("roni_cost3@example.com", "Veronica"));
        assert!(fixtures.customers.iter().any(|c| c.customer.lock_expires == Some(LOCKED_FOREVER)));
    }

    fn error_of(text: &str) -> String {
        Fixtures::parse(text, "test.toml").unwrap_err().to_string()
    }

    #[test]
    fn errors_name_the_problem_and_its_line() {
        let text = "[store]\nname = \"S\"\n\n[[customer]]\nemail = \"a@example.com\"\npassword = \"x\"\n\n[[customer]]\nemail = \"not-an-email\"\npassword = \"x\"\n";
        assert_eq!(error_of(text), "test.toml: line 8: customer email \"not-an-email\" is not a valid email address");
        let unknown = "[[customer]]\nemail = \"a@example.com\"\npassword = \"x\"\nnickname = \"A\"\n";
        let message = error_of(unknown);
        assert!(message.starts_with("test.toml: line 4: unknown field `nickname`"), "{message}");
        let syntax = "[[customer]]\nemail = \"a@example.com\npassword = \"x\"\n";
        assert!(error_of(syntax).starts_with("test.toml: line 2:"), "{}", error_of(syntax));
    }

    #[test]
    fn duplicates_and_contradictory_locks_are_refused() {
        let dup = "[[customer]]\nemail = \"a@example.com\"\npassword = \"x\"\n[[customer]]\nemail = \"A@example.com\"\npassword = \"y\"\n";
        assert_eq!(error_of(dup), "test.toml: line 4: customer \"A@example.com\" appears twice");
        let both = "[[customer]]\nemail = \"a@example.com\"\npassword = \"x\"\nlocked = true\nlocked_until = \"2030-01-01T00:00:00Z\"\n";
        assert!(error_of(both).contains("either locked or locked_until"));
        let bad_time = "[[customer]]\nemail = \"a@example.com\"\npassword = \"x\"\nlocked_until = \"tomorrow\"\n";
        assert!(error_of(bad_time).contains("line 1: locked_until \"tomorrow\" is not an RFC 3339 time"));
    }
}
