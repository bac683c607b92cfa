//! The Magento releases we imitate and what changes between them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A Magento 2.4 patch release, `2.4.0` to `2.4.8`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MagentoVersion {
    patch: u8,
}

impl MagentoVersion {
    pub const OLDEST: Self = Self { patch: 0 };
    pub const LATEST: Self = Self { patch: 8 };

    /// `2.4.<patch>`, when that release is one we imitate.
    pub const fn from_patch(patch: u8) -> Option<Self> {
        if patch <= Self::LATEST.patch { Some(Self { patch }) } else { None }
    }

    /// Which error JSON shape this release's GraphQL library writes.
    pub const fn shape(self) -> ErrorShape {
        // 2.4.7 moved to webonyx/graphql-php 15.
        if self.patch >= 7 { ErrorShape::Webonyx15 } else { ErrorShape::Webonyx14 }
    }

    /// How the GraphQl controller answers what fails before execution and authentication
    /// failures (docs/release-families.md).
    pub const fn statuses(self) -> StatusFamily {
        if self.patch >= 8 { StatusFamily::Mapped } else { StatusFamily::CatchAll }
    }

    /// From 2.4.7 (`Magento\GraphQlCache\Model\CacheId\CacheIdCalculator`) queries are answered
    /// with an `X-Magento-Cache-Id`.
    pub const fn sends_cache_id(self) -> bool {
        self.patch >= 7
    }

    /// 2.4.0 and 2.4.1 hide every core reset failure behind one message (magento/magento2#30179).
    pub const fn hides_reset_failures(self) -> bool {
        self.patch <= 1
    }
}

impl MagentoVersion {
    /// Up to 2.4.6 `isEmailAvailable` tells whether an account exists; from 2.4.7 it answers
    /// `true` by default ("Enable Guest Checkout Login" = No).
    pub const fn reveals_email_availability(self) -> bool {
        self.patch <= 6
    }
}

impl Default for MagentoVersion {
    fn default() -> Self {
        Self::LATEST
    }
}

impl fmt::Display for MagentoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "2.4.{}", self.patch)
    }
}

/// The reason a release name was refused.
#[derive(Debug, thiserror::Error)]
#[error("unsupported Magento version {0:?}: expected 2.4.0 to 2.4.8")]
pub struct UnsupportedVersion(String);

impl FromStr for MagentoVersion {
    type Err = UnsupportedVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unsupported = || UnsupportedVersion(s.to_owned());
        // Adobe Commerce security patches (2.4.7-p3) behave as their base release.
        let base = s.split_once("-p").map_or(s, |(base, _)| base);
        let patch = base.strip_prefix("2.4.").ok_or_else(unsupported)?;
        let patch: u8 = patch.parse().map_err(|_| unsupported())?;
        Self::from_patch(patch).ok_or_else(unsupported)
    }
}

impl Serialize for MagentoVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MagentoVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The two families of error JSON that Magento 2.4 releases write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorShape {
    /// 2.4.0 to 2.4.6: `message, extensions, locations, path`; validation errors carry
    /// `"category":"graphql"`; request-level failures answer 500.
    Webonyx14,
    /// 2.4.7 and later: `message, locations, path, extensions`; validation errors carry no
    /// `extensions`; request-level failures answer 200/400/415, auth failures 401/403.
    Webonyx15,
}

/// The HTTP statuses of Magento's GraphQl controller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFamily {
    /// Up to 2.4.7: every exception raised before execution (syntax error, content type, GET
    /// mutation, unknown store) is HTTP 500 with JSON, a body that is not JSON is Magento's HTML
    /// error page (500), and errors found while executing (authentication included) are 200.
    CatchAll,
    /// 2.4.8: 400 for syntax errors and unparsable bodies, 415 for the content type, 200 for a
    /// GET mutation, 401/403 for authentication and authorization failures.
    Mapped,
}

/// What Magento prints for errors: `default` and `production` return only the first error
/// (`Magento\Framework\GraphQl\Query\ErrorHandler`), `developer` returns them all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum MagentoMode {
    #[default]
    Default,
    Developer,
    Production,
}

impl MagentoMode {
    /// Whether the answer keeps every error, or only the first.
    pub const fn shows_every_error(self) -> bool {
        matches!(self, Self::Developer)
    }
}

impl fmt::Display for MagentoMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Default => "default",
            Self::Developer => "developer",
            Self::Production => "production",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_supported_release_and_refuses_others() {
        for patch in 0..=8 {
            let v: MagentoVersion = format!("2.4.{patch}").parse().unwrap();
            assert_eq!(v.to_string(), format!("2.4.{patch}"));
        }
        assert_eq!("2.4.7-p3".parse::<MagentoVersion>().unwrap().to_string(), "2.4.7");
        for bad in ["2.4.9", "2.3.7", "2.4", "2.4.x", "", "2.4.-1"] {
            assert!(bad.parse::<MagentoVersion>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shape_changes_at_2_4_7() {
        assert_eq!("2.4.6".parse::<MagentoVersion>().unwrap().shape(), ErrorShape::Webonyx14);
        assert_eq!("2.4.7".parse::<MagentoVersion>().unwrap().shape(), ErrorShape::Webonyx15);
    }
}
