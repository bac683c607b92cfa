//! Stage 1, parse: the document (remembered by its text), or webonyx's syntax error; then the
//! verb check GET runs on the parsed document.

use std::sync::Arc;

use async_graphql::parser::types::{ExecutableDocument, OperationType};
use axum::response::Response;

use super::render::{request_failure, thrown, validation_failure};
use crate::magento::render::WireError;
use crate::magento::validation::{DocumentCache, ParsedDocument, SyntaxError};
use crate::magento::{MagentoMode, MagentoVersion};

pub(super) fn parse(
    documents: &DocumentCache,
    query: &str,
    version: MagentoVersion,
    mode: MagentoMode,
) -> Result<Arc<ParsedDocument>, Box<Response>> {
    // Boxed: a refusal is the rare case, and keeps the `Ok` path small.
    documents.parse(query).map_err(|error| {
        Box::new(match error {
            SyntaxError::Syntax(e) => thrown(WireError::validation(e, version), version, query.is_empty()),
            SyntaxError::Validation(e) => validation_failure(vec![e], version, mode),
        })
    })
}

/// `HttpVerbValidator`: a GET whose last operation is a mutation is refused.
pub(super) fn refuse_get_mutation(document: &ExecutableDocument, version: MagentoVersion) -> Option<Response> {
    (last_operation_type(document) == Some(OperationType::Mutation))
        .then(|| request_failure(version, "Mutation requests allowed only for POST requests"))
}

/// `HttpVerbValidator` keeps the type of the last operation in the document.
fn last_operation_type(document: &ExecutableDocument) -> Option<OperationType> {
    document.operations.iter().max_by_key(|(_, operation)| operation.pos).map(|(_, operation)| operation.node.ty)
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;

    const V247: MagentoVersion = MagentoVersion::LATEST;

    #[test]
    fn a_document_parses_once_and_a_syntax_error_gets_the_release_s_status() {
        let documents = DocumentCache::default();
        let first = parse(&documents, "{ storeConfig { store_name } }", V247, MagentoMode::Default).ok().unwrap();
        let again = parse(&documents, "{ storeConfig { store_name } }", V247, MagentoMode::Default).ok().unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        let refused = parse(&documents, "mutation {", V247, MagentoMode::Default).err().unwrap();
        assert_eq!(refused.status(), StatusCode::from_u16(V247.syntax_error_status(false)).unwrap());
        let empty = parse(&documents, "", V247, MagentoMode::Default).err().unwrap();
        assert_eq!(empty.status(), StatusCode::from_u16(V247.syntax_error_status(true)).unwrap());
    }

    #[test]
    fn the_last_operation_decides_whether_a_get_is_refused() {
        let documents = DocumentCache::default();
        let last_mutation =
            parse(&documents, "query A { a } mutation B { b }", V247, MagentoMode::Default).ok().unwrap();
        assert!(refuse_get_mutation(&last_mutation.document, V247).is_some());
        let last_query = parse(&documents, "mutation B { b } query A { a }", V247, MagentoMode::Default).ok().unwrap();
        assert!(refuse_get_mutation(&last_query.document, V247).is_none());
    }
}
