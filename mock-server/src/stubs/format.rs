//! The stub file (docs/stubs.md): one JSON object per file, the same for recordings and for
//! stubs written by hand. Pretty-printed with a fixed key order, so recordings diff well.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::magento::php;

/// A stub or a recording.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StubFile {
    /// The file stem when absent (files), made up when absent (control API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Recordings only: the request's key (`key.rs`); a recording answers exactly that request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default)]
    pub request: RequestSpec,
    #[serde(default)]
    pub response: ResponseSpec,
    /// Recordings only: where the answer came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_from: Option<String>,
}

/// What a stub matches (every field given must match) or, in a recording, what was asked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestSpec {
    /// `GET` or `POST`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_name: Option<String>,
    /// Matches when the operation selects this root field (among others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_field: Option<String>,
    /// Recordings: every root field, for reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_fields: Option<Vec<String>>,
    /// The document, compared after normalising layout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// A JSON subset of the request's variables; `{"$regex": "..."}` matches a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables: Option<Value>,
    /// The `Store` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// The `Content-Currency` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Whether the request carried a bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_in: Option<bool>,
}

/// The answer. At most one body (`json`, `text` or `base64`); `state` names a scripted state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    #[serde(default = "ok")]
    pub status: u16,
    /// Header names in lower case, sorted.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The body is this value as Magento writes JSON (PHP's `json_encode`: `\/`, `\uXXXX`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
    /// The body, byte for byte, when it is UTF-8 but `json` would not give the same bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Any other body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// One of the mock's scripted states (`http-503`, `internal-error`, `locked`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

fn ok() -> u16 {
    200
}

impl Default for ResponseSpec {
    fn default() -> Self {
        Self {
            status: 200,
            headers: BTreeMap::new(),
            json: None,
            text: None,
            base64: None,
            delay_ms: None,
            state: None,
        }
    }
}

impl ResponseSpec {
    /// The body in the most readable form that gives back exactly `bytes`.
    pub fn set_body(&mut self, bytes: &[u8]) {
        let Ok(text) = std::str::from_utf8(bytes) else {
            self.base64 = Some(base64::engine::general_purpose::STANDARD.encode(bytes));
            return;
        };
        match serde_json::from_str::<Value>(text) {
            Ok(value) if php::json_encode(&value) == text => self.json = Some(value),
            _ => self.text = Some(text.to_owned()),
        }
    }

    /// The body's bytes, if it has one.
    pub fn body(&self) -> Result<Option<Vec<u8>>, FormatError> {
        match (&self.json, &self.text, &self.base64) {
            (None, None, None) => Ok(None),
            (Some(json), None, None) => Ok(Some(php::json_encode(json).into_bytes())),
            (None, Some(text), None) => Ok(Some(text.clone().into_bytes())),
            (None, None, Some(encoded)) => base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map(Some)
                .map_err(|e| FormatError::Invalid(format!("response.base64 is not base64: {e}"))),
            _ => {
                Err(FormatError::Invalid("give at most one of response.json, response.text and response.base64".into()))
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}: {source}")]
    Json { path: String, source: serde_json::Error },
    #[error("{0}")]
    Invalid(String),
    #[error("{path}: {message}")]
    InFile { path: String, message: String },
}

/// The stub files of `path`: the file itself, or the `*.json` files of a directory, by name.
pub fn read_stub_files(path: &Path) -> Result<Vec<(PathBuf, StubFile)>, FormatError> {
    let shown = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|source| FormatError::Read { path: shown.clone(), source })?;
    let mut files: Vec<PathBuf> = if metadata.is_dir() {
        std::fs::read_dir(path)
            .map_err(|source| FormatError::Read { path: shown.clone(), source })?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file())
            .collect()
    } else {
        vec![path.to_owned()]
    };
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let shown = file.display().to_string();
            let text =
                std::fs::read_to_string(&file).map_err(|source| FormatError::Read { path: shown.clone(), source })?;
            let mut stub: StubFile =
                serde_json::from_str(&text).map_err(|source| FormatError::Json { path: shown.clone(), source })?;
            if stub.id.is_none() {
                stub.id = file.file_stem().map(|s| s.to_string_lossy().into_owned());
            }
            Ok((file, stub))
        })
        .collect()
}

/// The file's text: pretty JSON with a final newline.
pub fn to_pretty(stub: &StubFile) -> String {
    let mut text = serde_json::to_string_pretty(stub).unwrap_or_else(|_| String::from("{}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_kept_as_json_only_when_that_gives_back_the_same_bytes() {
        let mut spec = ResponseSpec::default();
        spec.set_body(br#"{"data":{"url":"a\/b","name":"Caf\u00e9"}}"#);
        assert!(spec.json.is_some());
        assert_eq!(spec.body().unwrap().unwrap(), br#"{"data":{"url":"a\/b","name":"Caf\u00e9"}}"#);
        let mut spaced = ResponseSpec::default();
        spaced.set_body(b"{\"data\": 1}\n");
        assert_eq!((spaced.json.is_none(), spaced.text.as_deref()), (true, Some("{\"data\": 1}\n")));
        let mut binary = ResponseSpec::default();
        binary.set_body(&[0xff, 0x00]);
        assert_eq!(binary.body().unwrap().unwrap(), [0xff, 0x00]);
    }

    #[test]
    fn files_read_back_as_written_and_refuse_unknown_fields() {
        let mut stub = StubFile {
            id: Some("x".into()),
            key: Some("k".into()),
            request: RequestSpec { operation_name: Some("Op".into()), ..RequestSpec::default() },
            response: ResponseSpec::default(),
            recorded_from: None,
        };
        stub.response.set_body(br#"{"data":{}}"#);
        let text = to_pretty(&stub);
        assert_eq!(serde_json::from_str::<StubFile>(&text).unwrap(), stub);
        assert!(serde_json::from_str::<StubFile>(r#"{"reqest": {}}"#).is_err());
    }
}
