//! The account fields the storefront's account pages show and edit, besides name and email.

use time::OffsetDateTime;

/// Magento's customer attributes beyond the name and email (`CustomerInterface`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    pub prefix: Option<String>,
    pub middlename: Option<String>,
    pub suffix: Option<String>,
    pub taxvat: Option<String>,
    /// `YYYY-MM-DD`.
    pub dob: Option<String>,
    /// 1 Male, 2 Female, 3 Not Specified.
    pub gender: Option<i32>,
    /// Subscribed to the newsletter.
    pub is_subscribed: bool,
    /// When the account was made through GraphQL (fixture accounts have none).
    pub created_at: Option<OffsetDateTime>,
    /// The code of the store view the account was made in (Magento's `store_id`); fixture
    /// accounts have none and belong to their website's first store view.
    pub store: Option<String>,
    /// The key the confirmation email carries, until the account is confirmed (Magento's
    /// `confirmation` attribute).
    #[serde(default)]
    pub confirmation: Option<String>,
}
