//! Magento releases and what the suite expects of each (magento-behaviour.md, "Version difference"
//! and section 8): the golden-file family, the error shape, the 2.4.0/2.4.1 reset messages.

use std::fmt;
use std::str::FromStr;

/// A Magento 2.4 release, `2.4.0` to `2.4.8` (later patch levels such as `2.4.8-p1` read as 2.4.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Release {
    pub patch: u8,
}

impl Release {
    pub const LATEST: Release = Release { patch: 8 };

    /// The golden-file directory, `snapshots/2.4.<patch>`: each release family answers differently
    /// (docs/release-families.md), so no release borrows another's files.
    pub fn family(self) -> String {
        format!("2.4.{}", self.patch)
    }

    /// webonyx/graphql-php 15 (2.4.6 and later, docs/release-families.md section 2.1): key order
    /// `message, locations, path, extensions`, no category on validation errors.
    pub fn new_shape(self) -> bool {
        self.patch >= 6
    }

    /// 2.4.0 and 2.4.1 report every failure of reset rows 7 to 13 as `Cannot set the customer's password`.
    pub fn hides_reset_failures(self) -> bool {
        self.patch <= 1
    }

    /// The HTTP status of a failed sign-in: 401 from 2.4.8, 200 before (a real 2.4.7-p3 answers 200).
    pub fn sign_in_failure_status(self) -> u16 {
        if self.patch >= 8 { 401 } else { 200 }
    }

    /// What `OPTIONS /graphql` answers, where docs/release-families.md (section 2.4) pins it down:
    /// 2.4.6 and 2.4.7 parse the empty query (200 and 500, magento2#38738; seen on a real
    /// 2.4.7-p3), 2.4.8 answers 204 with no body.
    pub fn options_answer(self) -> Option<(u16, &'static str)> {
        const EOF: &str =
            r#"{"errors":[{"message":"Syntax Error: Unexpected <EOF>","locations":[{"line":1,"column":1}]}]}"#;
        match self.patch {
            6 => Some((200, EOF)),
            7 => Some((500, EOF)),
            8 => Some((204, "")),
            _ => None,
        }
    }

    /// The query of the reset link (docs/release-families.md section 9): `token` up to 2.4.3,
    /// `id` and `token` from 2.4.3-p2 to 2.4.7 (2.4.3 may have either), `email`, `id` and `token`
    /// (sorted by `ksort`) from 2.4.8.
    pub fn link_queries(self) -> &'static [&'static [&'static str]] {
        match self.patch {
            0..=2 => &[&["token"]],
            3 => &[&["token"], &["id", "token"]],
            4..=7 => &[&["id", "token"]],
            _ => &[&["email", "id", "token"]],
        }
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "2.4.{}", self.patch)
    }
}

impl FromStr for Release {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let core = text.split(['-', '+']).next().unwrap_or_default();
        let patch = core
            .strip_prefix("2.4.")
            .and_then(|p| p.parse::<u8>().ok())
            .filter(|p| *p <= 8)
            .ok_or_else(|| format!("{text:?} is not a release from 2.4.0 to 2.4.8"))?;
        Ok(Release { patch })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_release_has_its_own_golden_files_and_webonyx_15_arrives_with_2_4_6() {
        let family = |v: &str| v.parse::<Release>().unwrap().family();
        assert_eq!(family("2.4.0"), "2.4.0");
        assert_eq!(family("2.4.6-p3"), "2.4.6");
        assert!(!"2.4.5".parse::<Release>().unwrap().new_shape());
        assert!("2.4.6".parse::<Release>().unwrap().new_shape());
        assert_eq!(family("2.4.7-p3"), "2.4.7");
        assert_eq!(family("2.4.8"), "2.4.8");
        assert!("2.3.7".parse::<Release>().is_err());
        assert!("2.4.9".parse::<Release>().is_err());
    }
}
