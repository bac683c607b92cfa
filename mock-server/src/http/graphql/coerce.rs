//! Stage 3, coerce: the document as Magento's scalars read it (string literals cast where the
//! schema wants a number or a boolean), ready for the executor.

use async_graphql::parser::types::ExecutableDocument;

use crate::magento::validation::{SchemaIndex, cast_string_literals};

/// A copy of the cached document with its literals cast; the cached one stays as parsed.
pub(super) fn coerce(document: &ExecutableDocument, query: &str, schema: &SchemaIndex) -> ExecutableDocument {
    let mut executable = ExecutableDocument::clone(document);
    cast_string_literals(&mut executable, query, schema);
    executable
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use async_graphql::parser::types::{DocumentOperations, Selection};
    use async_graphql_value::Value;

    use super::*;

    fn first_argument(document: &ExecutableDocument) -> Value {
        let DocumentOperations::Single(operation) = &document.operations else { panic!("one operation") };
        let Selection::Field(field) = &operation.node.selection_set.node.items[0].node else { panic!("a field") };
        field.node.arguments[0].1.node.clone()
    }

    #[test]
    fn a_number_for_a_string_argument_becomes_its_spelling_and_the_cached_document_is_kept() {
        let schema = SchemaIndex::served();
        let query = "mutation { requestPasswordResetEmail(email: 1.50) }";
        let parsed = parse_query(query).unwrap();
        let executable = coerce(&parsed, query, &schema);
        assert_eq!(first_argument(&executable), Value::String("1.50".into()));
        assert!(matches!(first_argument(&parsed), Value::Number(_)));
    }
}
