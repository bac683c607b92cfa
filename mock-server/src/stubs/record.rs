//! `--record DIR`: each forwarded request's answer written as a stub file, one per distinct
//! request (the file name is the key's), with secrets scrubbed so a team can commit them.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::format::{RequestSpec, ResponseSpec, StubFile, to_pretty};
use super::key::Identity;
use super::upstream::Answered;
use crate::journal::mask_secrets;
use crate::magento::php;

const MASK: &str = "****";

#[derive(Clone, Debug)]
pub struct Recorder {
    dir: PathBuf,
    scrub_emails: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("--record {path}: {source}")]
    Dir { path: String, source: std::io::Error },
    #[error("--record {0}: not a directory")]
    NotADirectory(String),
    #[error("cannot write the recording {path}: {source}")]
    Write { path: String, source: std::io::Error },
}

impl Recorder {
    /// Makes `dir` if need be: a bad directory stops the server at start, not at the first request.
    pub fn new(dir: &Path, scrub_emails: bool) -> Result<Self, RecordError> {
        let shown = dir.display().to_string();
        std::fs::create_dir_all(dir).map_err(|source| RecordError::Dir { path: shown.clone(), source })?;
        if !dir.is_dir() {
            return Err(RecordError::NotADirectory(shown));
        }
        Ok(Self { dir: dir.to_owned(), scrub_emails })
    }

    /// The recording of one answer, scrubbed: `secrets` (the bearer token) never reach the file.
    pub fn recording(&self, request: &Identity, answered: &Answered, from: &str, secrets: &[&str]) -> StubFile {
        let emails = |text: &str| if self.scrub_emails { scrub_emails(text) } else { text.to_owned() };
        let mut response = ResponseSpec {
            status: answered.status,
            headers: answered
                .headers
                .iter()
                .filter(|(_, value)| !secrets.iter().any(|s| value.contains(s)))
                .cloned()
                .collect(),
            ..ResponseSpec::default()
        };
        response.set_body(&scrub_body(&answered.body, secrets, self.scrub_emails));
        let variables = serde_json::to_string(&request.variables)
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&emails(&text)).ok())
            .unwrap_or(Value::Null);
        StubFile {
            id: Some(request.file_id()),
            key: Some(request.key()),
            request: RequestSpec {
                method: Some(request.method.to_owned()),
                operation_name: request.operation_name.clone(),
                root_field: None,
                root_fields: Some(request.root_fields.clone()),
                query: Some(emails(&request.query)),
                variables: Some(variables),
                store: request.store.clone(),
                currency: request.currency.clone(),
                signed_in: Some(request.signed_in),
            },
            response,
            recorded_from: Some(from.to_owned()),
        }
    }

    /// Writes the file (a new file, then renamed over the old: a reader never sees half of one).
    pub fn write(&self, stub: &StubFile) -> Result<PathBuf, RecordError> {
        let id = stub.id.clone().unwrap_or_else(|| "anonymous".into());
        let path = self.dir.join(format!("{id}.json"));
        let partial = self.dir.join(format!(".{id}.json.partial"));
        let failed = |source| RecordError::Write { path: path.display().to_string(), source };
        std::fs::write(&partial, to_pretty(stub)).map_err(failed)?;
        std::fs::rename(&partial, &path).map_err(failed)?;
        Ok(path)
    }
}

/// The body without the secrets seen on the wire, values under password or token keys masked,
/// and (on request) email addresses replaced. Unchanged bytes when there was nothing to scrub.
fn scrub_body(body: &[u8], secrets: &[&str], emails: bool) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(body) else { return body.to_vec() };
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        text = text.replace(secret, MASK);
    }
    if let Ok(value) = serde_json::from_str::<Value>(&text) {
        let masked = mask_secrets(&value);
        if masked != value {
            text = php::json_encode(&masked);
        }
    }
    if emails {
        text = scrub_emails(&text);
    }
    text.into_bytes()
}

static EMAIL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9._%+\-]+(?:@|\\u0040)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+").ok());

/// Every email address replaced by one made from its hash, so the same customer stays the same.
pub fn scrub_emails(text: &str) -> String {
    let Some(email) = EMAIL.as_ref() else { return text.to_owned() };
    email
        .replace_all(text, |found: &regex::Captures<'_>| {
            let address = found[0].to_lowercase();
            if address.ends_with("@example.invalid") {
                return found[0].to_owned();
            }
            let hash: String = Sha256::digest(address.as_bytes()).iter().take(4).map(|b| format!("{b:02x}")).collect();
            format!("customer-{hash}@example.invalid")
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_token_and_token_fields_never_reach_the_body_and_clean_bodies_keep_their_bytes() {
        let body = br#"{"data":{"cart":{"id":"abc"},"echo":"Bearer s3cret-token","customer_token":"x"}}"#;
        let scrubbed = String::from_utf8(scrub_body(body, &["s3cret-token"], false)).unwrap();
        assert!(!scrubbed.contains("s3cret-token") && !scrubbed.contains("\"x\""), "{scrubbed}");
        let clean = br#"{"data":{"products":{"items":[{"url":"a\/b"}]}}}"#;
        assert_eq!(scrub_body(clean, &["s3cret-token"], false), clean);
    }

    #[test]
    fn emails_become_stable_made_up_addresses() {
        let once = scrub_emails(r#"{"email":"Roni_Cost@Example.com","other":"jane@shop.test"}"#);
        assert!(!once.contains("Roni_Cost") && !once.contains("jane@"), "{once}");
        assert_eq!(once, scrub_emails(&once));
        assert_eq!(scrub_emails("roni_cost@example.com"), scrub_emails("RONI_COST@EXAMPLE.COM"));
    }
}
