//! The golden files: `snapshots/<release>/<case>.snap` (every release directory present is built
//! into the binary, see `build.rs`) or a directory given at run time (`--golden DIR`, e.g. one
//! written by `conformance record`); and the normalisation applied to both sides before comparing.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::SetupError;
use crate::release::Release;

include!(concat!(env!("OUT_DIR"), "/golden_files.rs"));

/// Every documented case the suite sends (magento-behaviour.md sections 2, 3 and 8), in report order.
pub const CASES: &[&str] = &[
    "alias-in-path",
    "http-body-too-large",
    "http-get-mutation",
    "http-get-query",
    "http-invalid-json",
    "http-several-operations",
    "http-syntax-error",
    "http-wrong-content-type",
    "internal-error",
    "request-empty-email",
    "request-invalid-email",
    "request-locked-account",
    "request-mail-failure",
    "request-success",
    "request-throttled",
    "request-unknown-email",
    "request-zero-email",
    "reset-empty-email",
    "reset-empty-password",
    "reset-empty-token",
    "reset-invalid-email",
    "reset-locked-account",
    "reset-password-edge-whitespace",
    "reset-password-same-as-email",
    "reset-password-too-few-classes",
    "reset-password-too-long",
    "reset-password-too-short",
    "reset-success",
    "reset-token-expired",
    "reset-token-mismatched",
    "reset-token-used",
    "reset-unknown-customer",
    "reset-zero-email",
    "reset-zero-token",
    "several-fields",
    "validation-argument-missing",
    "validation-email-null",
    "validation-email-number",
    "validation-sub-selection-on-boolean",
    "validation-unknown-argument",
    "validation-variable-not-provided",
    "validation-variable-null",
    "validation-variable-wrong-type",
];

/// The account area's cases (`checks/account_golden.rs`), in report order. A release directory
/// holds the ones recorded from a real store of it.
pub const ACCOUNT_CASES: &[&str] = &[
    "account-available-stores",
    "account-change-password",
    "account-change-password-wrong-current",
    "account-create-empty-cart-guest",
    "account-customer",
    "account-customer-cart-guest",
    "account-customer-guest",
    "account-recaptcha-v3-config",
    "account-revoke-token",
    "account-sign-in",
    "account-sign-up",
    "account-sign-up-duplicate",
    "account-sign-up-invalid-email",
    "account-sign-up-invalid-gender",
    "account-sign-up-password-too-short",
    "account-sign-up-required-fields",
    "account-store-config",
    "account-update-customer",
    "account-update-customer-email-wrong-password",
];

/// One set of golden files: case name to file text (metadata included), and where it came from.
#[derive(Clone, Debug, Default)]
pub struct Set {
    /// `snapshots/2.4.8` or the directory it was read from.
    pub origin: String,
    pub files: BTreeMap<String, String>,
}

impl Set {
    /// The built-in set of `family` (`2.4.6`, `2.4.7`, `2.4.8`), when `snapshots/` has it.
    pub fn built_in(family: &str) -> Option<Set> {
        let (_, files) = BUILT_IN.iter().find(|(name, _)| *name == family)?;
        Some(Set {
            origin: format!("snapshots/{family}"),
            files: files.iter().map(|(case, text)| ((*case).to_owned(), (*text).to_owned())).collect(),
        })
    }

    /// Every `<case>.snap` of `dir`.
    pub fn from_dir(dir: &Path) -> Result<Set, SetupError> {
        let entries = std::fs::read_dir(dir).map_err(|source| SetupError::Read { path: dir.to_owned(), source })?;
        let mut files = BTreeMap::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(case) = name.strip_suffix(".snap") {
                let text = std::fs::read_to_string(entry.path())
                    .map_err(|source| SetupError::Read { path: entry.path(), source })?;
                files.insert(case.to_owned(), text);
            }
        }
        if files.is_empty() {
            return Err(SetupError::NoGoldenFile(dir.to_owned()));
        }
        Ok(Set { origin: dir.display().to_string(), files })
    }

    /// The expected `HTTP <status>\n<body>` of `case` for `release`, normalised.
    pub fn expected(&self, case: &str, release: Release) -> Option<String> {
        let mut text = contents(self.files.get(case)?).to_owned();
        if release.hides_reset_failures() && HIDDEN_ON_2_4_0.contains(&case) {
            let message = crate::outcome::first_message(&text)?;
            text = text.replace(
                &format!("\"message\":{}", serde_json::to_string(&message).ok()?),
                &format!("\"message\":{}", serde_json::to_string(crate::messages::CANNOT_SET).ok()?),
            );
        }
        Some(normalise(&text))
    }
}

/// The contents of an insta `.snap` file: what follows its metadata block.
pub fn contents(file: &str) -> &str {
    let body = file.strip_prefix("---\n").and_then(|rest| rest.split_once("\n---\n")).map_or(file, |(_, b)| b);
    body.trim_end_matches('\n')
}

/// Cases whose message 2.4.0 and 2.4.1 replace with `Cannot set the customer's password`.
const HIDDEN_ON_2_4_0: &[&str] = &[
    "reset-token-mismatched",
    "reset-token-expired",
    "reset-token-used",
    "reset-password-same-as-email",
    "reset-password-too-long",
    "reset-password-too-short",
    "reset-password-edge-whitespace",
    "reset-password-too-few-classes",
];

/// The expected `HTTP <status>\n<body>` of `case` for `release` from the built-in files.
pub fn expected(case: &str, release: Release) -> Option<String> {
    Set::built_in(&release.family())?.expected(case, release)
}

/// Redacts what differs between runs and stores: tokens (reset and customer tokens), the store's
/// name, and the error record number and base URL of Magento's HTML error page.
pub fn normalise(text: &str) -> String {
    let mut out = text.to_owned();
    for key in ["token", "store_name"] {
        out = redact_string_values(&out, key);
    }
    if let Some(at) = out.find("Error log record number: ") {
        let start = at + "Error log record number: ".len();
        let len = out[start..].chars().take_while(char::is_ascii_alphanumeric).count();
        if len > 0 {
            out.replace_range(start..start + len, "[record]");
        }
    }
    if let Some(at) = out.find("<base href=\"") {
        let start = at + "<base href=\"".len();
        if let Some(len) = out[start..].find('"') {
            out.replace_range(start..start + len, "[base]");
        }
    }
    // A golden file's text ends at its last non-empty line.
    out.truncate(out.trim_end_matches('\n').len());
    out
}

/// Replaces every `"key":"…"` string value with `"key":"[key]"`.
fn redact_string_values(text: &str, key: &str) -> String {
    let needle = format!("\"{key}\":\"");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        out.push_str(&rest[..at + needle.len()]);
        rest = &rest[at + needle.len()..];
        let mut end = rest.len();
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = i;
                    break;
                }
                _ => escaped = false,
            }
        }
        out.push_str(&format!("[{key}]"));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_golden_file_on_disk_is_a_known_case_and_built_in() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots/");
        for entry in std::fs::read_dir(root).unwrap().flatten() {
            let family = entry.file_name().into_string().unwrap();
            if !entry.path().is_dir() {
                continue;
            }
            let set = Set::built_in(&family).unwrap_or_else(|| panic!("snapshots/{family} is not built in"));
            for file in std::fs::read_dir(entry.path()).unwrap().flatten() {
                let name = file.file_name().into_string().unwrap();
                let case = name.strip_suffix(".snap").unwrap();
                let known = CASES.contains(&case) || ACCOUNT_CASES.contains(&case);
                assert!(known, "{family}/{name} is not a case the suite sends");
                assert!(set.files.contains_key(case), "{family}/{name} is not built in");
            }
        }
    }

    #[test]
    fn contents_drop_the_metadata() {
        assert_eq!(contents("---\nsource: x.rs\n---\nHTTP 200\n{}\n"), "HTTP 200\n{}");
    }

    #[test]
    fn tokens_store_names_and_error_record_numbers_are_redacted() {
        assert_eq!(
            normalise(r#"{"token":"ab\"c","x":1,"store_name":"Shop"}"#),
            r#"{"token":"[token]","x":1,"store_name":"[store_name]"}"#
        );
        assert_eq!(normalise("<p>Error log record number: 7f3a91c2e</p>"), "<p>Error log record number: [record]</p>");
        assert_eq!(normalise(r#"<base href="http&#x3A;&#x2F;&#x2F;x&#x2F;" />"#), r#"<base href="[base]" />"#);
        let page = "<p>Error log record number: 5e7a</p>\n</html>\n";
        assert_eq!(normalise(&normalise(page)), normalise(page), "normalising twice changes nothing");
    }

    #[test]
    fn golden_files_read_for_2_4_0_and_2_4_1_hide_the_reset_failures() {
        let set = Set::built_in("2.4.8").unwrap();
        let old = set.expected("reset-password-too-short", "2.4.1".parse().unwrap()).unwrap();
        assert!(old.contains("Cannot set the customer's password"), "{old}");
        let new = set.expected("reset-password-too-short", "2.4.2".parse().unwrap()).unwrap();
        assert!(new.contains("at least 8 characters"), "{new}");
    }
}
