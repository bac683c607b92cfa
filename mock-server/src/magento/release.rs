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

    /// The `x` of `2.4.x`.
    pub const fn patch(self) -> u8 {
        self.patch
    }

    /// `2.4.<patch>`, when that release is one we imitate.
    pub const fn from_patch(patch: u8) -> Option<Self> {
        if patch <= Self::LATEST.patch { Some(Self { patch }) } else { None }
    }

    /// Which error JSON shape this release's GraphQL library writes: 2.4.6 moved to
    /// webonyx/graphql-php 15 (docs/release-families.md, section 2.1).
    /// Whether reCAPTCHA's "forgot password" form guards `requestPasswordResetEmail` too (security
    /// package 1.1.4, Magento 2.4.5; before, only `resetPassword`).
    pub const fn recaptcha_guards_reset_request(self) -> bool {
        self.patch >= 5
    }

    pub const fn shape(self) -> ErrorShape {
        if self.patch >= 6 { ErrorShape::Webonyx15 } else { ErrorShape::Webonyx14 }
    }

    /// The status of a syntax error (section 2.4): webonyx catches it up to 2.4.2 (200); from
    /// 2.4.3 Magento's field count parses first and the controller answers 500, though up to
    /// 2.4.6 an empty query skips that check; 2.4.8 answers 400.
    pub const fn syntax_error_status(self, empty_query: bool) -> u16 {
        match self.patch {
            0..=2 => 200,
            3..=6 if empty_query => 200,
            3..=7 => 500,
            _ => 400,
        }
    }

    /// From 2.4.4 the controller decodes the body before its validators run (section 2.4).
    pub const fn decodes_body_first(self) -> bool {
        self.patch >= 4
    }

    /// 2.4.4's logging line reads `$data['query']` unchecked: a request without one (POST `{}`,
    /// OPTIONS) ends on the HTML error page after its answer was built (section 2.4).
    pub const fn crashes_without_query(self) -> bool {
        self.patch == 4
    }

    /// What a POST body `json_decode` cannot read gets (section 2.4).
    pub const fn unreadable_body(self) -> UnreadableBody {
        match self.patch {
            0..=3 => UnreadableBody::InternalErrorJson,
            4..=7 => UnreadableBody::ErrorPage,
            _ => UnreadableBody::UnableToParse,
        }
    }

    /// Outside developer mode only the first error is answered from 2.4.4 (2.4.3-p2)
    /// (`Magento\Framework\GraphQl\Query\ErrorHandler`, section 4).
    pub const fn cuts_to_first_error(self) -> bool {
        self.patch >= 4
    }

    /// When `X-Magento-Cache-Id` is sent (section 6.3): from 2.4.4 on every answer, from 2.4.7
    /// no longer when the request body mentions `mutation`.
    pub const fn cache_id(self) -> CacheIdRule {
        match self.patch {
            0..=3 => CacheIdRule::Never,
            4..=6 => CacheIdRule::Always,
            _ => CacheIdRule::UnlessBodyMentionsMutation,
        }
    }

    /// From 2.4.4 Magento's own String type casts Int, Float, Boolean and Enum literals
    /// (`Magento\Framework\GraphQl\Type\Definition\StringType`, section 7).
    pub const fn casts_string_literals(self) -> bool {
        self.patch >= 4
    }

    /// The query of the reset email's link (section 9): `?token=` up to 2.4.3, `?id=&token=`
    /// from 2.4.4 (2.4.3-p2), `?email=&id=&token=` from 2.4.8.
    pub const fn reset_link(self) -> ResetLink {
        match self.patch {
            0..=3 => ResetLink::Token,
            4..=7 => ResetLink::IdToken,
            _ => ResetLink::EmailIdToken,
        }
    }

    /// `StoreValidator`'s message: 2.4.0 and 2.4.1 print the placeholder itself (a single-quoted
    /// PHP string).
    pub fn store_not_found(self, code: &str) -> String {
        if self.patch <= 1 {
            "Requested store is not found ({$storeCode})".to_owned()
        } else {
            format!("Requested store is not found ({code})")
        }
    }

    /// How the GraphQl controller answers what fails before execution and authentication
    /// failures (docs/release-families.md).
    pub const fn statuses(self) -> StatusFamily {
        if self.patch >= 8 { StatusFamily::Mapped } else { StatusFamily::CatchAll }
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

/// Fields the mock serves that came with a release: `(type, field, patch)`. On an older release
/// they are unknown fields, as on a store of that release (validation leaves them out of its index
/// of the schema; `docs/magento-account-area.md` sections 1.6 and 5).
pub const INTRODUCED_FIELDS: [(&str, &str, u8); 4] = [
    // security-package 1.1.6 (2.4.7): `ReCaptchaWebapiGraphQl/Model/Resolver/ReCaptchaV3.php`,
    // absent in 1.1.5.
    ("Query", "recaptchaV3Config", 7),
    // security-package 1.1.7 (2.4.8): 2.4.8-beta1's `module-re-captcha-webapi-graph-ql/etc/schema.graphqls`.
    ("Query", "recaptchaFormConfig", 8),
    // 2.4.8-beta1's `module-customer-graph-ql/etc/schema.graphqls` (resolver `ResendConfirmationEmail`).
    ("Mutation", "resendConfirmationEmail", 8),
    // 2.4.8 GA's `module-re-captcha-webapi-graph-ql` 1.0.4 (not yet in 2.4.8-beta1; security-package
    // commit 4e54bc07, LYNX-522).
    ("ReCaptchaConfigurationV3", "theme", 8),
];

impl MagentoVersion {
    /// Whether this release has the field `parent.field` (any field not introduced later).
    pub fn has_field(self, parent: &str, field: &str) -> bool {
        INTRODUCED_FIELDS.iter().all(|(t, f, patch)| *t != parent || *f != field || self.patch >= *patch)
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
    /// 2.4.0 to 2.4.5 (webonyx 0.13 and 14): `message, extensions, locations, path`; validation
    /// errors carry `"category":"graphql"`, internal ones `"category":"internal"`.
    Webonyx14,
    /// 2.4.6 and later (webonyx 15): `message, locations, path, extensions`; validation and
    /// internal errors carry no `extensions`.
    Webonyx15,
}

/// What a POST body that is not JSON gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnreadableBody {
    /// 2.4.0 to 2.4.3: HTTP 500, `Internal server error` with category `internal`.
    InternalErrorJson,
    /// 2.4.4 to 2.4.7: the exception escapes the controller: Magento's HTML error page.
    ErrorPage,
    /// 2.4.8: HTTP 400, `Unable to parse the request.`
    UnableToParse,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheIdRule {
    Never,
    Always,
    UnlessBodyMentionsMutation,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetLink {
    Token,
    IdToken,
    EmailIdToken,
}

/// The HTTP statuses of Magento's GraphQl controller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFamily {
    /// Up to 2.4.7: every exception the controller catches (content type, GET mutation,
    /// unknown store) is HTTP 500, and errors found while executing (authentication included)
    /// answer 200.
    CatchAll,
    /// 2.4.8 (`handleGraphQlException`): 400 for input and syntax errors, 401/403 for
    /// authentication and authorization failures, `OPTIONS` 204.
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
    fn shape_changes_at_2_4_6() {
        assert_eq!("2.4.5".parse::<MagentoVersion>().unwrap().shape(), ErrorShape::Webonyx14);
        assert_eq!("2.4.6".parse::<MagentoVersion>().unwrap().shape(), ErrorShape::Webonyx15);
    }
}
