//! Stubs ready to answer: a file's request spec compiled into a matcher, its response into an
//! answer; and the lists they live in (files, shared by every namespace; the control API's, one
//! per namespace).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};
use regex::Regex;
use serde_json::Value;

use super::format::{FormatError, StubFile};
use super::key::Identity;
use crate::magento::validation::webonyx_syntax;
use crate::scenarios::{MAX_DELAY, State};

/// A stub in force.
#[derive(Clone, Debug)]
pub struct Stub {
    pub id: String,
    /// `admin`, or the file it was read from.
    pub source: String,
    pub file: StubFile,
    matcher: Matcher,
    pub answer: Answer,
}

#[derive(Clone, Debug)]
struct Matcher {
    key: Option<String>,
    method: Option<String>,
    operation_name: Option<String>,
    root_field: Option<String>,
    query: Option<String>,
    variables: Option<Pattern>,
    store: Option<String>,
    currency: Option<String>,
    signed_in: Option<bool>,
}

/// A JSON subset: objects match when each key given matches, `{"$regex": ".."}` matches strings,
/// anything else must be equal.
#[derive(Clone, Debug)]
enum Pattern {
    Regex(Regex),
    Object(Vec<(String, Pattern)>),
    Equal(Value),
}

/// What a stub answers.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: axum::http::StatusCode,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<Vec<u8>>,
    pub delay: Duration,
    pub state: Option<State>,
}

impl Stub {
    /// Checks the file and compiles it; errors say which part is wrong.
    pub fn compile(file: StubFile, id: String, source: String) -> Result<Self, FormatError> {
        let request = &file.request;
        let method = request.method.as_deref().map(str::to_ascii_uppercase);
        if method.as_deref().is_some_and(|m| m != "GET" && m != "POST") {
            return Err(FormatError::Invalid("request.method must be GET or POST".into()));
        }
        let matcher = Matcher {
            key: file.key.clone(),
            method,
            operation_name: request.operation_name.clone(),
            root_field: request.root_field.clone(),
            query: request
                .query
                .as_deref()
                .map(|q| webonyx_syntax::normalise(q).unwrap_or_else(|| q.trim().to_owned())),
            variables: request.variables.as_ref().map(pattern).transpose()?,
            store: request.store.clone(),
            currency: request.currency.clone(),
            signed_in: request.signed_in,
        };
        let response = &file.response;
        let status = axum::http::StatusCode::from_u16(response.status)
            .map_err(|_| FormatError::Invalid(format!("response.status {} is not an HTTP status", response.status)))?;
        let headers = response
            .headers
            .iter()
            .map(|(name, value)| {
                let name = HeaderName::try_from(name.as_str())
                    .map_err(|_| FormatError::Invalid(format!("response.headers: {name:?} is not a header name")))?;
                let value = HeaderValue::try_from(value.as_str())
                    .map_err(|_| FormatError::Invalid(format!("response.headers.{name}: not a header value")))?;
                Ok((name, value))
            })
            .collect::<Result<_, FormatError>>()?;
        let delay = Duration::from_millis(response.delay_ms.unwrap_or(0));
        if delay > MAX_DELAY {
            return Err(FormatError::Invalid(format!("response.delay_ms must be at most {}", MAX_DELAY.as_millis())));
        }
        let state = match &response.state {
            Some(state) => {
                Some(state.parse::<State>().map_err(|e| FormatError::Invalid(format!("response.state: {e}")))?)
            }
            None => None,
        };
        let body = response.body()?;
        if body.is_none() && state.is_none() {
            return Err(FormatError::Invalid("response needs a body (json, text or base64) or a state".into()));
        }
        let answer = Answer { status, headers, body, delay, state };
        Ok(Self { id, source, file, matcher, answer })
    }

    pub fn is_recording(&self) -> bool {
        self.matcher.key.is_some()
    }

    pub fn matches(&self, request: &Identity, key: &str) -> bool {
        let m = &self.matcher;
        // A recording's request part is there to read (scrubbed, perhaps): its key decides.
        if let Some(recorded) = &m.key {
            return recorded == key;
        }
        let equal = |wanted: &Option<String>, actual: Option<&str>| wanted.as_deref().is_none_or(|w| actual == Some(w));
        equal(&m.method, Some(request.method))
            && equal(&m.operation_name, request.operation_name.as_deref())
            && m.root_field.as_ref().is_none_or(|f| request.root_fields.contains(f))
            && equal(&m.query, Some(&request.query))
            && m.variables.as_ref().is_none_or(|p| p.matches(&request.variables))
            && equal(&m.store, request.store.as_deref())
            && equal(&m.currency, request.currency.as_deref())
            && m.signed_in.is_none_or(|s| s == request.signed_in)
    }
}

fn pattern(value: &Value) -> Result<Pattern, FormatError> {
    match value {
        Value::Object(map) if map.len() == 1 && map.contains_key("$regex") => match &map["$regex"] {
            Value::String(text) => Regex::new(text)
                .map(Pattern::Regex)
                .map_err(|e| FormatError::Invalid(format!("request.variables: bad $regex {text:?}: {e}"))),
            _ => Err(FormatError::Invalid("request.variables: $regex must be a string".into())),
        },
        Value::Object(map) => {
            Ok(Pattern::Object(map.iter().map(|(k, v)| Ok((k.clone(), pattern(v)?))).collect::<Result<_, _>>()?))
        }
        other => Ok(Pattern::Equal(other.clone())),
    }
}

impl Pattern {
    fn matches(&self, actual: &Value) -> bool {
        match (self, actual) {
            (Self::Regex(regex), Value::String(text)) => regex.is_match(text),
            (Self::Regex(_), _) => false,
            (Self::Object(fields), Value::Object(map)) => {
                fields.iter().all(|(key, pattern)| map.get(key).is_some_and(|v| pattern.matches(v)))
            }
            (Self::Object(_), _) => false,
            (Self::Equal(wanted), actual) => wanted == actual,
        }
    }
}

/// Stubs added through the control API in one namespace, at most this many.
pub const MAX_ADMIN_STUBS: usize = 1_000;

/// The control API's stubs of one namespace, newest first.
#[derive(Debug, Default)]
pub struct AdminStubs {
    stubs: Vec<Arc<Stub>>,
}

impl AdminStubs {
    pub fn is_empty(&self) -> bool {
        self.stubs.is_empty()
    }

    pub fn add(&mut self, stub: Arc<Stub>) -> Result<(), FormatError> {
        if self.stubs.len() >= MAX_ADMIN_STUBS {
            return Err(FormatError::Invalid(format!("at most {MAX_ADMIN_STUBS} stubs per namespace")));
        }
        self.stubs.retain(|s| s.id != stub.id);
        self.stubs.insert(0, stub);
        Ok(())
    }

    pub fn list(&self) -> &[Arc<Stub>] {
        &self.stubs
    }

    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.stubs.len();
        self.stubs.retain(|s| s.id != id);
        before != self.stubs.len()
    }

    pub fn clear(&mut self) {
        self.stubs.clear();
    }

    pub fn find(&self, request: &Identity, key: &str) -> Option<Arc<Stub>> {
        self.stubs.iter().find(|s| s.matches(request, key)).cloned()
    }

    /// As `--data-dir` keeps them: each stub's file (with its id) and source, newest first.
    pub fn saved(&self) -> Vec<(StubFile, String)> {
        self.stubs
            .iter()
            .map(|stub| {
                let mut file = stub.file.clone();
                file.id = Some(stub.id.clone());
                (file, stub.source.clone())
            })
            .collect()
    }

    /// What [`AdminStubs::saved`] gave, compiled again.
    pub fn restored(saved: Vec<(StubFile, String)>) -> Result<Self, FormatError> {
        let stubs = saved
            .into_iter()
            .map(|(file, source)| {
                let id = file.id.clone().unwrap_or_default();
                Stub::compile(file, id, source).map(Arc::new)
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { stubs })
    }
}

/// The stubs of every `--stubs` path: recordings by key, then hand-written stubs in file order.
#[derive(Debug, Default)]
pub struct FileStubs {
    recordings: HashMap<String, Arc<Stub>>,
    written: Vec<Arc<Stub>>,
}

impl FileStubs {
    pub fn new(stubs: Vec<Stub>) -> Self {
        let mut files = Self::default();
        for stub in stubs {
            match stub.matcher.key.clone() {
                Some(key) => {
                    files.recordings.insert(key, Arc::new(stub));
                }
                None => files.written.push(Arc::new(stub)),
            }
        }
        files
    }

    pub fn is_empty(&self) -> bool {
        self.recordings.is_empty() && self.written.is_empty()
    }

    pub fn find(&self, request: &Identity, key: &str) -> Option<Arc<Stub>> {
        self.recordings.get(key).or_else(|| self.written.iter().find(|s| s.matches(request, key))).cloned()
    }

    pub fn all(&self) -> impl Iterator<Item = &Arc<Stub>> {
        let mut recordings: Vec<&Arc<Stub>> = self.recordings.values().collect();
        recordings.sort_by(|a, b| a.id.cmp(&b.id));
        recordings.into_iter().chain(&self.written)
    }

    /// Recordings of the same operation (name and document, or root fields), for a miss's error.
    pub fn nearest(&self, request: &Identity) -> Vec<&Arc<Stub>> {
        let mut near: Vec<&Arc<Stub>> = self
            .recordings
            .values()
            .filter(|s| {
                let asked = &s.file.request;
                match (&request.operation_name, &asked.operation_name) {
                    (Some(name), Some(recorded)) => name == recorded,
                    _ => asked.root_fields.as_deref() == Some(request.root_fields.as_slice()),
                }
            })
            .collect();
        near.sort_by(|a, b| a.id.cmp(&b.id));
        near
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::stubs::key::RequestFactors;

    fn stub(file: Value) -> Stub {
        Stub::compile(serde_json::from_value(file).unwrap(), "s".into(), "test".into()).unwrap()
    }

    fn request(variables: Value, store: Option<&str>) -> Identity {
        let query =
            "query Products($search: String $size: Int) { products(search: $search pageSize: $size) { total_count } }";
        let document = async_graphql::parser::parse_query(query).unwrap();
        let async_graphql::parser::types::DocumentOperations::Multiple(ops) = &document.operations else { panic!() };
        let Value::Object(variables) = variables else { panic!() };
        let factors = RequestFactors { store: store.map(str::to_owned), ..RequestFactors::default() };
        Identity::of("POST", query, &document, &ops.values().next().unwrap().node, &variables, &factors)
    }

    #[test]
    fn a_stub_matches_a_subset_of_variables_with_regexes_and_the_store() {
        let s = stub(json!({
            "request": { "operation_name": "Products", "root_field": "products", "store": "fr",
                         "variables": { "search": { "$regex": "^sh" } } },
            "response": { "json": { "data": null } }
        }));
        assert!(s.matches(&request(json!({"search": "shirt", "size": 3}), Some("fr")), ""));
        assert!(!s.matches(&request(json!({"search": "bag"}), Some("fr")), ""));
        assert!(!s.matches(&request(json!({"search": "shirt"}), None), ""));
        assert!(!s.matches(&request(json!({"size": 3}), Some("fr")), ""));
    }

    #[test]
    fn a_recording_answers_its_key_whatever_its_readable_request_says() {
        let asked = request(json!({"search": "bag"}), None);
        let recording = stub(json!({
            "key": asked.key(),
            "request": { "operation_name": "Products", "variables": { "search": "customer-1a2b3c4d@example.invalid" } },
            "response": { "json": { "data": null } }
        }));
        assert!(recording.is_recording());
        assert!(recording.matches(&asked, &asked.key()));
        let other = request(json!({"search": "shirt"}), None);
        assert!(!recording.matches(&other, &other.key()));
    }

    #[test]
    fn bad_stubs_are_refused_with_the_reason() {
        let refuse = |file: Value| {
            Stub::compile(serde_json::from_value(file).unwrap(), "s".into(), "t".into()).unwrap_err().to_string()
        };
        assert!(refuse(json!({"response": {}})).contains("needs a body"));
        assert!(refuse(json!({"response": {"state": "melted"}})).contains("unknown state"));
        assert!(
            refuse(json!({"request": {"variables": {"a": {"$regex": "("}}}, "response": {"text": ""}}))
                .contains("bad $regex")
        );
        assert!(refuse(json!({"response": {"text": "", "json": 1}})).contains("at most one"));
    }
}
