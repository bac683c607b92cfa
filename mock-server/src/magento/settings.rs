//! What the store is set to, as far as the imitation's answers depend on it: the release and
//! mode it imitates and the two choices Magento leaves to its extensions (throttling GraphQL,
//! hiding unknown emails). `PATCH /__admin/settings` changes them while the server runs.

use serde::{Deserialize, Serialize};

use super::release::{MagentoMode, MagentoVersion};

/// What `PATCH /__admin/settings` may change while the server runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub magento_version: MagentoVersion,
    pub magento_mode: MagentoMode,
    pub throttle: Throttle,
    pub enumeration: Enumeration,
    /// `customer/create_account/confirm` for every store view; `None`: as the fixtures set it.
    #[serde(default)]
    pub create_account_confirmation: Option<bool>,
}

/// Whether unknown emails are revealed, as Magento does, or answered like known ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Enumeration {
    Magento,
    Uniform,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Throttle {
    /// As Magento: Magento_Security's reset throttle runs only in the storefront's web area
    /// (`Magento\Security\Model\Plugin\AccountManagement`), so GraphQL requests are never throttled.
    Magento,
    Off,
    /// The web forms' limits applied to GraphQL too (10 minutes apart, 5 an hour, by IP or
    /// email), for a store whose extension throttles GraphQL.
    #[value(name = "web-forms")]
    #[serde(rename = "web-forms")]
    WebForms,
}

impl Throttle {
    /// Whether reset requests over GraphQL are throttled at all.
    pub const fn throttles_graphql(self) -> bool {
        matches!(self, Self::WebForms)
    }

    /// Whether the storefront's forgot-password form is throttled (as Magento, unless off).
    pub const fn throttles_web_forms(self) -> bool {
        !matches!(self, Self::Off)
    }
}
