//! The bytes on the wire: Magento's error JSON, key order and all, for the release imitated
//! (`magento-behaviour.md` section 8). `errors` comes before `data`.

use async_graphql::{Pos, ServerError};
use serde_json::{Map, Value, json};

use super::errors::{Category, MagentoError};
use super::release::{ErrorShape, MagentoMode, MagentoVersion};
use super::validation::ValidationError;

/// One entry of `errors`, ready to render in either shape.
#[derive(Clone, Debug, PartialEq)]
pub struct WireError {
    pub message: String,
    pub locations: Vec<Pos>,
    /// Empty for errors found before execution.
    pub path: Vec<Value>,
    /// `None` renders no `extensions`.
    pub category: Option<Category>,
}

impl WireError {
    /// A validation or syntax error: `"category":"graphql"` up to 2.4.6, no extensions after.
    pub fn validation(error: ValidationError, version: MagentoVersion) -> Self {
        let category = match version.shape() {
            ErrorShape::Webonyx14 => Some(Category::Graphql),
            ErrorShape::Webonyx15 => None,
        };
        Self { message: error.message, locations: error.locations, path: Vec::new(), category }
    }

    /// A refusal by Magento's GraphQl controller before parsing (method, content type, body).
    pub fn request_level(message: &str) -> Self {
        Self { message: message.to_owned(), locations: Vec::new(), path: Vec::new(), category: Some(Category::Input) }
    }

    /// An error from execution: a resolver's [`MagentoError`], or async-graphql's own.
    pub fn from_execution(error: &ServerError, version: MagentoVersion) -> Self {
        let locations = error.locations.clone();
        let path: Vec<Value> =
            error.path.iter().map(|segment| serde_json::to_value(segment).unwrap_or(Value::Null)).collect();
        if path.is_empty() {
            // async-graphql's own validation found something ours did not look for.
            return Self::validation(ValidationError::new(error.message.clone(), locations), version);
        }
        let magento = error.source::<MagentoError>().cloned().unwrap_or(MagentoError::Internal);
        let category = match (magento.category(), version.shape()) {
            // From 2.4.7 an internal error carries no extensions at all.
            (Category::Internal, ErrorShape::Webonyx15) => None,
            (category, _) => Some(category),
        };
        Self { message: magento.to_string(), locations, path, category }
    }

    fn to_json(&self, shape: ErrorShape) -> Value {
        let mut object = Map::new();
        object.insert("message".into(), Value::String(self.message.clone()));
        let extensions = self.category.map(|c| json!({ "category": c.as_str() }));
        if let (ErrorShape::Webonyx14, Some(extensions)) = (shape, &extensions) {
            object.insert("extensions".into(), extensions.clone());
        }
        if !self.locations.is_empty() {
            let locations = self.locations.iter().map(|p| json!({ "line": p.line, "column": p.column })).collect();
            object.insert("locations".into(), Value::Array(locations));
        }
        if !self.path.is_empty() {
            object.insert("path".into(), Value::Array(self.path.clone()));
        }
        if let (ErrorShape::Webonyx15, Some(extensions)) = (shape, extensions) {
            object.insert("extensions".into(), extensions);
        }
        Value::Object(object)
    }
}

/// The response body: `{"errors":[...],"data":...}`, each part only when present.
pub fn response_body(errors: &[WireError], data: Option<Value>, version: MagentoVersion) -> String {
    let mut body = Map::new();
    if !errors.is_empty() {
        let shape = version.shape();
        body.insert("errors".into(), Value::Array(errors.iter().map(|e| e.to_json(shape)).collect()));
    }
    // A non-null root field's failure nulls `data`: webonyx's `toArray` then leaves it out.
    if let Some(data) = data.filter(|data| !data.is_null()) {
        body.insert("data".into(), data);
    }
    super::php::json_encode(&Value::Object(body))
}

/// Outside developer mode Magento answers only the first error from 2.4.4
/// (`Magento\Framework\GraphQl\Query\ErrorHandler::handle`).
pub fn shown_errors(mut errors: Vec<WireError>, version: MagentoVersion, mode: MagentoMode) -> Vec<WireError> {
    if version.cuts_to_first_error() && !mode.shows_every_error() {
        errors.truncate(1);
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reset_error() -> WireError {
        WireError {
            message: "Cannot reset the customer's password".into(),
            locations: vec![Pos { line: 2, column: 3 }],
            path: vec![json!("requestPasswordResetEmail")],
            category: Some(Category::Input),
        }
    }

    /// The two documented examples of section 8.1, byte for byte.
    #[test]
    fn both_shapes_match_the_documented_bytes() {
        let data = Some(json!({ "requestPasswordResetEmail": null }));
        assert_eq!(
            response_body(&[reset_error()], data.clone(), "2.4.8".parse().unwrap()),
            r#"{"errors":[{"message":"Cannot reset the customer's password","locations":[{"line":2,"column":3}],"path":["requestPasswordResetEmail"],"extensions":{"category":"graphql-input"}}],"data":{"requestPasswordResetEmail":null}}"#
        );
        assert_eq!(
            response_body(&[reset_error()], data, "2.4.5".parse().unwrap()),
            r#"{"errors":[{"message":"Cannot reset the customer's password","extensions":{"category":"graphql-input"},"locations":[{"line":2,"column":3}],"path":["requestPasswordResetEmail"]}],"data":{"requestPasswordResetEmail":null}}"#
        );
    }

    #[test]
    fn success_has_only_data() {
        let body = response_body(&[], Some(json!({ "requestPasswordResetEmail": true })), MagentoVersion::LATEST);
        assert_eq!(body, r#"{"data":{"requestPasswordResetEmail":true}}"#);
    }
}
