//! The fixtures file (`fixtures/customers.toml`): the store and the accounts every namespace
//! starts from. The repository's file is built into the binary as the default.

use std::path::Path;

use serde::Deserialize;
use time::OffsetDateTime;
use toml::Spanned;

use crate::accounts::{LOCKED_FOREVER, NewCustomer};
use crate::magento::password_policy::PasswordPolicy;

/// `fixtures/customers.toml` of the repository.
pub const BUILT_IN: &str = include_str!("../../fixtures/customers.toml");

#[derive(Clone, Debug)]
pub struct Fixtures {
    pub store: Store,
    pub customers: Vec<NewCustomer>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Store {
    /// The store's frontend name (its group's name), which the emails use.
    #[serde(default = "default_store_name")]
    pub name: String,
    /// The store view's code, which the `Store` header names.
    #[serde(default = "default_store_code")]
    pub code: String,
    /// The store view's name: `storeConfig.store_name`.
    #[serde(default = "default_view_name")]
    pub view_name: String,
    #[serde(default = "default_minimum_length")]
    pub minimum_password_length: usize,
    #[serde(default = "default_required_classes")]
    pub required_character_classes_number: usize,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            name: default_store_name(),
            code: default_store_code(),
            view_name: default_view_name(),
            minimum_password_length: default_minimum_length(),
            required_character_classes_number: default_required_classes(),
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

fn default_store_name() -> String {
    "Main Website Store".to_owned()
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
        if file.store.minimum_password_length > crate::magento::password_policy::MAXIMUM_LENGTH {
            return Err(invalid("store.minimum_password_length must be at most 256".into()));
        }
        if file.store.required_character_classes_number > 4 {
            return Err(invalid("store.required_character_classes_number must be 0 to 4".into()));
        }
        let mut customers: Vec<NewCustomer> = Vec::with_capacity(file.customer.len());
        for entry in file.customer {
            let line = line_of(text, entry.span().start);
            let at_line = |message: String| invalid(format!("line {line}: {message}"));
            let entry = entry.into_inner();
            if customers.iter().any(|c| c.email.to_lowercase() == entry.email.to_lowercase()) {
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
            customers.push(customer);
        }
        Ok(Self { store: file.store, customers })
    }
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
        assert_eq!(fixtures.store.name, "Main Website Store");
        let roni = fixtures.customers.iter().find(|c| c.email == "roni_cost@example.com").unwrap();
        assert_eq!((roni.password.as_str(), roni.firstname.as_str()), ("roni_cost3@example.com", "Veronica"));
        assert!(fixtures.customers.iter().any(|c| c.lock_expires == Some(LOCKED_FOREVER)));
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
