//! Validation before execution, with the messages and locations of webonyx/graphql-php (the
//! library inside Magento), for the release being imitated (`magento-behaviour.md` section 8.3).
//!
//! async-graphql parses and executes; its own validation messages differ from webonyx's, so the
//! rules a storefront can trip over are checked here first. Anything this pass does not cover
//! is still caught by async-graphql's validation at execution.

mod definitions;
mod documents;
mod literal;
mod magento_scalars;
mod overlap;
mod positions;
mod reordered;
mod rules;
mod schema_index;
mod skipped;
mod suggestions;
mod syntax;
mod values;
mod variables;
pub mod webonyx_syntax;

use async_graphql::Pos;
use async_graphql::Positioned;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationDefinition};

pub use documents::{DocumentCache, ParsedDocument};
pub use magento_scalars::cast_string_literals;
pub use positions::{differs as positions_differ, webonyx_pos};
pub use rules::validate_document;
pub use schema_index::{ReleaseIndexes, SchemaIndex};
pub use skipped::{fill_skipped, merged_locations};
pub use syntax::SyntaxError;
pub use variables::coerce_variables;

/// Magento's storefront limits (`queryDepth` and `queryComplexity` of the GraphQl module's
/// `di.xml`): they refuse absurd documents before anything runs.
pub const MAX_QUERY_DEPTH: usize = 20;
pub const MAX_QUERY_COMPLEXITY: usize = 300;

/// An error found before execution: no `data` in the answer, no `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    pub message: String,
    pub locations: Vec<Pos>,
    /// Raised as an exception rather than reported by a rule: Magento's controller catches it and
    /// answers with its pre-execution status (500 up to 2.4.7), like a syntax error.
    pub thrown: Option<Thrown>,
    /// For an unknown field: what its "Did you mean" needs from the request's variables.
    pub unknown_field: Option<Box<UnknownField>>,
}

impl ValidationError {
    pub fn new(message: impl Into<String>, locations: Vec<Pos>) -> Self {
        Self { message: message.into(), locations, thrown: None, unknown_field: None }
    }

    /// An exception from the schema (an unknown type name): `Internal server error`, no location.
    pub fn internal() -> Self {
        Self { thrown: Some(Thrown::Internal), ..Self::new("Internal server error", vec![]) }
    }
}

/// How an exception before execution is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Thrown {
    /// Not meant for clients: `Internal server error`.
    Internal,
    /// A `GraphQlInputException` (Magento's own limits): its message, `category: graphql-input`.
    Input,
}

/// `Cannot query field "f" on type "T".` and what Magento's lazy schema makes of it: the type
/// has only the fields whose names the request mentions (`Magento\Framework\GraphQl\Config` and
/// `Query\Fields`), in the document or as keys of its variables, so only those can be suggested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownField {
    pub field: String,
    /// The real type's field names the document itself mentions.
    pub in_document: Vec<String>,
    /// All the real type's field names, for the variables' keys.
    pub all: Vec<String>,
}

/// The errors as Magento words them for this request: an unknown field's suggestions also come
/// from the names of the request's variables.
pub fn with_variables(
    errors: &[ValidationError],
    variables: &serde_json::Map<String, serde_json::Value>,
) -> Vec<ValidationError> {
    errors
        .iter()
        .map(|error| {
            let Some(unknown) = &error.unknown_field else { return error.clone() };
            let mut keys = std::collections::HashSet::new();
            variable_keys(variables, &mut keys);
            // These names make Magento build every field (`Query\Fields::setQuery`), keys included.
            let everything = ["IntrospectionQuery", "__schema", "__type"].iter().any(|n| keys.contains(n));
            let present: Vec<&str> = unknown
                .all
                .iter()
                .map(String::as_str)
                .filter(|f| everything || keys.contains(*f) || unknown.in_document.iter().any(|d| d == f))
                .collect();
            let mut error = error.clone();
            error.message.push_str(&suggestions::did_you_mean(&suggestions::suggestion_list(&unknown.field, present)));
            error
        })
        .collect()
}

/// `Fields::extractVariables`: every key whose value is not an array (a JSON list or object),
/// and the keys inside those, at any depth. List indexes are not names.
fn variable_keys<'a>(
    variables: &'a serde_json::Map<String, serde_json::Value>,
    into: &mut std::collections::HashSet<&'a str>,
) {
    for (key, value) in variables {
        match value {
            serde_json::Value::Object(inner) => variable_keys(inner, into),
            serde_json::Value::Array(items) => list_keys(items, into),
            _ => {
                // PHP turns a numeric key into an integer, which is not a name.
                if key.parse::<i64>().is_err() {
                    into.insert(key);
                }
            }
        }
    }
}

fn list_keys<'a>(items: &'a [serde_json::Value], into: &mut std::collections::HashSet<&'a str>) {
    for item in items {
        match item {
            serde_json::Value::Object(inner) => variable_keys(inner, into),
            serde_json::Value::Array(inner) => list_keys(inner, into),
            _ => {}
        }
    }
}

/// What comes of a parsed document and the request's variables before execution.
pub enum Verdict<'a> {
    /// Run this operation with these variables.
    Run(&'a Positioned<OperationDefinition>, async_graphql::Variables),
    /// Refused by validation or coercion (HTTP 200).
    Invalid(Vec<ValidationError>),
    /// An exception escaped to Magento's controller (its pre-execution status).
    Thrown(ValidationError, Thrown),
}

/// webonyx's order: validation (remembered per document), then picking the operation, then the
/// variables, then the operation's root type.
pub fn check<'a>(
    parsed: &'a ParsedDocument,
    source: &str,
    variables: &serde_json::Map<String, serde_json::Value>,
    schema: &SchemaIndex,
    version: crate::magento::MagentoVersion,
) -> Verdict<'a> {
    let document = &parsed.document;
    let errors = parsed.validation(version, || validate_document(document, source, schema, version));
    if let Some((error, thrown)) = errors.iter().find_map(|e| Some((e, e.thrown?))) {
        return Verdict::Thrown(error.clone(), thrown);
    }
    if !errors.is_empty() {
        return Verdict::Invalid(with_variables(errors, variables));
    }
    let operation = match single_operation(document) {
        Ok(operation) => operation,
        Err(error) => return Verdict::Invalid(vec![error]),
    };
    let coerced = match coerce_variables(&operation.node, source, variables, schema, version) {
        Ok(coerced) => coerced,
        // QueryComplexity coerces the variables itself when a field carries a directive, and
        // throws their messages joined, without locations.
        Err(errors) if definitions::has_field_directive(document, &operation.node) => {
            let message = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("\n\n");
            return Verdict::Invalid(vec![ValidationError::new(message, vec![])]);
        }
        Err(errors) => return Verdict::Invalid(in_webonyx_positions(errors, source)),
    };
    if let Some(error) = definitions::null_condition(&operation.node, variables) {
        return Verdict::Invalid(in_webonyx_positions(vec![error], source));
    }
    if operation.node.ty == async_graphql::parser::types::OperationType::Subscription {
        let message = "Schema is not configured for subscriptions.";
        return Verdict::Invalid(vec![ValidationError::new(message, vec![operation.pos])]);
    }
    Verdict::Run(operation, coerced)
}

/// The errors' locations as webonyx counts them.
pub fn in_webonyx_positions(mut errors: Vec<ValidationError>, source: &str) -> Vec<ValidationError> {
    if positions::differs(source) {
        for error in &mut errors {
            for location in &mut error.locations {
                *location = webonyx_pos(source, *location);
            }
        }
    }
    errors
}

/// The one operation Magento runs: it ignores the request's `operationName`, so a document with
/// several operations cannot run at all.
pub fn single_operation(document: &ExecutableDocument) -> Result<&Positioned<OperationDefinition>, ValidationError> {
    match &document.operations {
        DocumentOperations::Single(operation) => Ok(operation),
        DocumentOperations::Multiple(operations) if operations.len() == 1 => {
            operations.values().next().ok_or_else(|| ValidationError::new("Must provide an operation.", vec![]))
        }
        DocumentOperations::Multiple(_) => {
            Err(ValidationError::new("Must provide operation name if query contains multiple operations.", vec![]))
        }
    }
}
