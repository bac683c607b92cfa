//! Validation before execution, with the messages and locations of webonyx/graphql-php (the
//! library inside Magento), for the release being imitated (`magento-behaviour.md` section 8.3).
//!
//! async-graphql parses and executes; its own validation messages differ from webonyx's, so the
//! rules a storefront can trip over are checked here first. Anything this pass does not cover
//! is still caught by async-graphql's validation at execution.

mod definitions;
mod documents;
mod magento_scalars;
mod rules;
mod schema_index;
mod syntax;
mod variables;
pub mod webonyx_syntax;

use async_graphql::Pos;
use async_graphql::Positioned;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationDefinition};

pub use documents::{DocumentCache, ParsedDocument};
pub use magento_scalars::{cast_string_literals, string_from_json};
pub use rules::validate_document;
pub use schema_index::SchemaIndex;
pub use syntax::{SyntaxError, check_nesting, describe_parse_error};
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
}

impl ValidationError {
    pub fn new(message: impl Into<String>, locations: Vec<Pos>) -> Self {
        Self { message: message.into(), locations }
    }
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
