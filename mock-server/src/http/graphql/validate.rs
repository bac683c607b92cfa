//! Stage 2, validate and coerce the variables: the operation to run with its variables, or the
//! answer Magento gives a document (or variables) it refuses before executing.

use async_graphql::Positioned;
use async_graphql::Variables;
use async_graphql::parser::types::OperationDefinition;
use axum::response::Response;
use serde_json::{Map, Value};

use super::render::{thrown, validation_failure};
use crate::magento::render::WireError;
use crate::magento::validation::{self, ParsedDocument, SchemaIndex, Thrown, Verdict};
use crate::magento::{MagentoMode, MagentoVersion};

pub(super) fn validate<'a>(
    parsed: &'a ParsedDocument,
    query: &str,
    variables: &Map<String, Value>,
    schema: &SchemaIndex,
    version: MagentoVersion,
    mode: MagentoMode,
) -> Result<(&'a Positioned<OperationDefinition>, Variables), Box<Response>> {
    match validation::check(parsed, query, variables, schema, version) {
        Verdict::Run(operation, variables) => Ok((operation, variables)),
        Verdict::Invalid(errors) => Err(Box::new(validation_failure(errors, version, mode))),
        // An exception before execution (an unknown type name, Magento's field count):
        // answered like a syntax error.
        Verdict::Thrown(error, kind) => {
            let error = match kind {
                Thrown::Internal => WireError::validation(error, version),
                Thrown::Input => WireError::request_level(&error.message),
            };
            Err(Box::new(thrown(error, version, false)))
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;
    use crate::magento::validation::DocumentCache;

    #[test]
    fn a_valid_document_runs_with_coerced_variables_and_an_invalid_one_is_refused_with_200() {
        let schema = SchemaIndex::served();
        let documents = DocumentCache::default();
        let version = MagentoVersion::LATEST;
        let query = "mutation R($email: String!) { requestPasswordResetEmail(email: $email) }";
        let parsed = documents.parse(query).ok().unwrap();
        let variables: Map<String, Value> = serde_json::from_str(r#"{"email":"a@example.com"}"#).unwrap();
        let (operation, coerced) =
            validate(&parsed, query, &variables, &schema, version, MagentoMode::Default).ok().unwrap();
        assert_eq!(operation.node.selection_set.node.items.len(), 1);
        assert_eq!(coerced.into_value().into_json().unwrap(), serde_json::json!({"email": "a@example.com"}));

        let missing = validate(&parsed, query, &Map::new(), &schema, version, MagentoMode::Default).err().unwrap();
        assert_eq!(missing.status(), StatusCode::OK);
        let unknown = "{ noSuchField }";
        let parsed = documents.parse(unknown).ok().unwrap();
        let refused = validate(&parsed, unknown, &Map::new(), &schema, version, MagentoMode::Default).err().unwrap();
        assert_eq!(refused.status(), StatusCode::OK);
    }
}
