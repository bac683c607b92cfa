//! The request journal: every GraphQL field answered, newest last, bounded, with passwords
//! masked; tests wait on it instead of polling.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Arc;

use async_graphql::Name;
use async_graphql::parser::types::{Field, OperationDefinition, Selection};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// Entries kept per namespace; the oldest go first.
pub const JOURNAL_CAPACITY: usize = 1_000;

const MASK: &str = "****";

/// Serialized as `GET /__admin/requests` shows it, and read back from `--data-dir` the same way.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    pub id: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    pub namespace: Arc<str>,
    /// `query` or `mutation` (`smtp` for a mail fault): fixed texts, so no allocation per entry.
    #[serde(rename = "type")]
    pub operation_type: Cow<'static, str>,
    /// The document's operation name, if it has one.
    pub operation_name: Option<String>,
    /// The root field, e.g. `requestPasswordResetEmail` (a GraphQL name: the parsed document's,
    /// shared).
    pub operation: Name,
    /// The alias or field name under which the answer appears.
    pub response_key: Name,
    pub email: Option<Arc<str>>,
    /// Arguments as resolved (variables substituted), passwords and tokens masked. Shared: a
    /// document whose arguments hold no variable keeps one copy for all its entries.
    pub arguments: Arc<Value>,
    pub variables: Value,
    /// The scripted state that answered, if any.
    pub scenario: Option<String>,
    pub status: u16,
    /// The field's value in `data` (customer tokens masked), or null.
    pub result: Value,
    pub error: Option<String>,
    /// The Mailpit id of the email this request captured.
    pub message_id: Option<Arc<str>>,
    /// Set when a stub, a recording or the upstream store answered instead of the emulation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stub: Option<StubNote>,
}

/// The email a root field's arguments name: `email`, or inside `input` (sign-up and updates).
fn email_argument(arguments: &Map<String, Value>) -> Option<Arc<str>> {
    arguments
        .get("email")
        .or_else(|| arguments.get("input").and_then(|input| input.get("email")))
        .and_then(Value::as_str)
        .map(Arc::from)
}

/// An operation's root fields, one journal entry each (a fragment spread at the root is not
/// followed).
pub fn root_fields(operation: &OperationDefinition) -> impl Iterator<Item = &Field> {
    operation.selection_set.node.items.iter().filter_map(|selection| match &selection.node {
        Selection::Field(field) => Some(&field.node),
        _ => None,
    })
}

/// What the journal keeps of a root field's arguments: masked, with the email they name.
#[derive(Clone, Debug)]
pub struct KeptArguments {
    pub masked: Arc<Value>,
    pub email: Option<Arc<str>>,
}

impl KeptArguments {
    /// Masks `arguments` (as resolved) and finds their email.
    pub fn of(arguments: Map<String, Value>) -> Self {
        let email = email_argument(&arguments);
        let mut masked = Value::Object(arguments);
        mask_secrets_in_place(&mut masked);
        Self { masked: Arc::new(masked), email }
    }
}

/// Who answered a request the stubs stage took (`stubs` module).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StubNote {
    pub answered_by: AnsweredBy,
    /// The stub's or recording's id (for `upstream`, the recording written, if any).
    pub id: Option<String>,
    /// The mock emulates this operation; a stub answered it instead, on purpose.
    pub overrides_emulated: bool,
}

/// A one-byte tag rather than a `String`, so a note costs no allocation on the request path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnsweredBy {
    Stub,
    Recording,
    Upstream,
    Unrecorded,
}

impl AnsweredBy {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Stub => "stub",
            Self::Recording => "recording",
            Self::Upstream => "upstream",
            Self::Unrecorded => "unrecorded",
        }
    }
}

/// Filters of `GET /__admin/requests` and its `wait`.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// Matches the root field or the document's operation name.
    pub operation: Option<String>,
    /// Compared ignoring case.
    pub email: Option<String>,
    /// Only entries with a larger id.
    pub after: Option<u64>,
    pub limit: Option<usize>,
    pub timeout_ms: Option<u64>,
}

impl Filter {
    pub fn matches(&self, entry: &Entry) -> bool {
        self.operation.as_deref().is_none_or(|op| entry.operation == op || entry.operation_name.as_deref() == Some(op))
            && self.email.as_deref().is_none_or(|e| entry.email.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(e)))
            && self.after.is_none_or(|after| entry.id > after)
    }
}

#[derive(Debug, Default)]
pub struct Journal {
    entries: VecDeque<Entry>,
    next_id: u64,
}

impl Journal {
    /// What `--data-dir` kept: entries oldest first (at most the last [`JOURNAL_CAPACITY`]),
    /// ids going on after the largest.
    pub fn restored(entries: Vec<Entry>) -> Self {
        let next_id = entries.last().map_or(0, |e| e.id);
        let skip = entries.len().saturating_sub(JOURNAL_CAPACITY);
        Self { entries: entries.into_iter().skip(skip).collect(), next_id }
    }

    /// Gives the entry its id and keeps it; answers the oldest entry when it made room for it,
    /// for the caller to drop once it has let go of the journal's lock.
    #[must_use = "the entry given up is dropped outside the journal's lock"]
    pub fn record(&mut self, mut entry: Entry) -> Option<Entry> {
        self.next_id += 1;
        entry.id = self.next_id;
        let oldest = if self.entries.len() < JOURNAL_CAPACITY { None } else { self.entries.pop_front() };
        self.entries.push_back(entry);
        oldest
    }

    /// The last entry recorded.
    pub fn newest(&self) -> Option<&Entry> {
        self.entries.back()
    }

    pub fn matching<'a>(&'a self, filter: &'a Filter) -> impl Iterator<Item = &'a Entry> {
        self.entries.iter().filter(move |e| filter.matches(e))
    }

    pub fn by_message_id(&self, message_id: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.message_id.as_deref() == Some(message_id))
    }
}

/// Whether an argument or key names a password or a token.
pub fn is_secret_name(name: &str) -> bool {
    if !name.is_ascii() {
        // Unicode lowering can make ASCII of other letters (the Kelvin sign is a `k`).
        let lower = name.to_lowercase();
        return lower.contains("password") || lower.contains("token");
    }
    // Without an allocation: names are checked on every request's arguments and variables.
    let contains = |word: &str| name.as_bytes().windows(word.len()).any(|w| w.eq_ignore_ascii_case(word.as_bytes()));
    contains("password") || contains("token")
}

/// Masks every value whose key names a password or token.
pub fn mask_secrets(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(mask_secrets_in(map)),
        Value::Array(items) => Value::Array(items.iter().map(mask_secrets).collect()),
        other => other.clone(),
    }
}

/// [`mask_secrets`] in place, for a value nothing else needs unmasked.
pub fn mask_secrets_in_place(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if is_secret_name(key) {
                    *value = Value::String(MASK.into());
                } else {
                    mask_secrets_in_place(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_secrets_in_place),
        _ => {}
    }
}

/// [`mask_secrets`] of an object's members.
pub fn mask_secrets_in(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .map(|(key, value)| {
            if is_secret_name(key) {
                (key.clone(), Value::String(MASK.into()))
            } else {
                (key.clone(), mask_secrets(value))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_email_is_found_at_the_top_or_inside_input() {
        let email = |arguments: Value| email_argument(arguments.as_object().unwrap());
        assert_eq!(email(json!({ "email": "a@example.com" })).as_deref(), Some("a@example.com"));
        assert_eq!(email(json!({ "input": { "email": "b@example.com" } })).as_deref(), Some("b@example.com"));
        assert_eq!(email(json!({ "input": { "firstname": "Roni" } })), None);
    }

    #[test]
    fn secret_names_are_found_in_any_case_as_unicode_lowering_finds_them() {
        for name in ["newPassword", "PASSWORD", "resetPasswordToken", "x_token_y", "TOKEN", "To\u{212a}en"] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in ["email", "pass_word", "toke", "T\u{f6}ken", ""] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn passwords_and_tokens_are_masked_at_any_depth() {
        let value = json!({
            "email": "a@example.com", "newPassword": "secret", "input": { "password": "p", "resetPasswordToken": "t" },
            "items": [{ "token": 1, "sku": "x" }]
        });
        let masked = mask_secrets(&value);
        let mut in_place = value;
        mask_secrets_in_place(&mut in_place);
        assert_eq!(serde_json::to_string(&in_place).unwrap(), serde_json::to_string(&masked).unwrap());
        assert_eq!(
            masked,
            json!({
                "email": "a@example.com", "newPassword": "****", "input": { "password": "****", "resetPasswordToken": "****" },
                "items": [{ "token": "****", "sku": "x" }]
            })
        );
    }

    fn entry(operation: &str) -> Entry {
        Entry {
            id: 0,
            time: OffsetDateTime::UNIX_EPOCH,
            namespace: "".into(),
            operation_type: "mutation".into(),
            operation_name: None,
            operation: Name::new(operation),
            response_key: Name::new(operation),
            email: Some("A@example.com".into()),
            arguments: Arc::new(Value::Null),
            variables: Value::Null,
            scenario: None,
            status: 200,
            result: Value::Bool(true),
            error: None,
            message_id: None,
            stub: None,
        }
    }

    #[test]
    fn the_journal_is_bounded_and_filters_by_operation_email_and_id() {
        let mut journal = Journal::default();
        for recorded in 0..JOURNAL_CAPACITY as u64 + 5 {
            // Once full, each entry gives up the oldest: ids 1, 2, ...
            let given_up = journal.record(entry("resetPassword")).map(|e| e.id);
            let capacity = JOURNAL_CAPACITY as u64;
            assert_eq!(given_up, (recorded >= capacity).then(|| recorded - capacity + 1), "entry {recorded}");
        }
        assert_eq!(journal.record(entry("requestPasswordResetEmail")).map(|e| e.id), Some(6));
        // Oldest first, the newest last, after the ring has wrapped.
        let ids: Vec<u64> = journal.matching(&Filter::default()).map(|e| e.id).collect();
        assert_eq!(ids, (7..=JOURNAL_CAPACITY as u64 + 6).collect::<Vec<_>>());
        assert_eq!(journal.newest().map(|e| e.id), Some(JOURNAL_CAPACITY as u64 + 6));
        let filter = Filter {
            operation: Some("requestPasswordResetEmail".into()),
            email: Some("a@EXAMPLE.com".into()),
            ..Filter::default()
        };
        let found: Vec<u64> = journal.matching(&filter).map(|e| e.id).collect();
        assert_eq!(found, vec![JOURNAL_CAPACITY as u64 + 6]);
        let after = Filter { after: Some(JOURNAL_CAPACITY as u64 + 6), ..Filter::default() };
        assert_eq!(journal.matching(&after).count(), 0);
    }
}
