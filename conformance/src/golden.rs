//! The golden files of `snapshots/<release>/`, built into the binary so the CLI works anywhere,
//! and the normalisation applied to both sides before comparing.

use crate::release::Release;

macro_rules! golden_files {
    ($($name:literal),* $(,)?) => {
        /// `(case, 2.4.6 file, 2.4.8 file)`, as insta wrote them.
        pub const FILES: &[(&str, &str, &str)] = &[$((
            $name,
            include_str!(concat!("../../snapshots/2.4.6/", $name, ".snap")),
            include_str!(concat!("../../snapshots/2.4.8/", $name, ".snap")),
        )),*];
    };
}

golden_files!(
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
);

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

/// The expected `HTTP <status>\n<body>` of `case` for `release`, normalised.
pub fn expected(case: &str, release: Release) -> Option<String> {
    let (_, old, new) = FILES.iter().find(|(name, _, _)| *name == case)?;
    let mut text = contents(if release.new_shape() { new } else { old }).to_owned();
    if release.hides_reset_failures() && HIDDEN_ON_2_4_0.contains(&case) {
        let message = crate::check::first_message(&text)?;
        text = text.replace(
            &format!("\"message\":{}", serde_json::to_string(&message).ok()?),
            &format!("\"message\":{}", serde_json::to_string(crate::messages::CANNOT_SET).ok()?),
        );
    }
    Some(normalise(&text))
}

/// Redacts what differs between runs and stores: tokens and the store's name.
pub fn normalise(text: &str) -> String {
    let mut out = text.to_owned();
    for key in ["token", "store_name"] {
        out = redact_string_values(&out, key);
    }
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
    fn every_golden_file_on_disk_is_built_in() {
        for family in ["2.4.6", "2.4.8"] {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots/").to_owned() + family;
            for entry in std::fs::read_dir(dir).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                let case = name.strip_suffix(".snap").unwrap();
                assert!(FILES.iter().any(|(n, _, _)| *n == case), "{family}/{name} is not in golden_files!");
            }
        }
    }

    #[test]
    fn contents_drop_the_metadata() {
        assert_eq!(contents("---\nsource: x.rs\n---\nHTTP 200\n{}\n"), "HTTP 200\n{}");
    }

    #[test]
    fn tokens_and_store_names_are_redacted() {
        assert_eq!(
            normalise(r#"{"token":"ab\"c","x":1,"store_name":"Shop"}"#),
            r#"{"token":"[token]","x":1,"store_name":"[store_name]"}"#
        );
    }

    #[test]
    fn releases_2_4_0_and_2_4_1_hide_the_reset_failures() {
        let old = expected("reset-password-too-short", "2.4.1".parse().unwrap()).unwrap();
        assert!(old.contains("Cannot set the customer's password"), "{old}");
        let new = expected("reset-password-too-short", "2.4.2".parse().unwrap()).unwrap();
        assert!(new.contains("at least 8 characters"), "{new}");
    }
}
