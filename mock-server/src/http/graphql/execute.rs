//! Stage 6, execute: the resolvers run (async-graphql's executor over Magento's rules), and
//! their errors are placed and cut the way webonyx and Magento's mode show them.

use std::sync::Arc;

use async_graphql::Positioned;
use async_graphql::parser::types::{ExecutableDocument, OperationDefinition};
use async_graphql::{ServerError, Variables};
use axum::http::StatusCode;
use serde_json::Value;

use super::coerce::coerce;
use super::render::{Data, status_for};
use crate::magento::context::RequestContext;
use crate::magento::direct::{DirectAnswer, DirectCall};
use crate::magento::render::{WireError, shown_errors};
use crate::magento::schema::MagentoSchema;
use crate::magento::validation::{self, SchemaIndex};
use crate::magento::{MagentoMode, MagentoVersion};

/// What the resolvers answered, as Magento shows it.
pub(super) struct Executed {
    pub(super) status: StatusCode,
    pub(super) errors: Vec<WireError>,
    /// `None` when nothing executed (every error came before execution).
    pub(super) data: Option<Data>,
    /// The body already written from the direct path's template.
    pub(super) body: Option<String>,
}

/// The document as parsed (for positions), the operation chosen, its variables as coerced.
pub(super) struct Prepared<'a> {
    pub(super) document: &'a ExecutableDocument,
    pub(super) operation: &'a Positioned<OperationDefinition>,
    pub(super) query: Arc<str>,
    pub(super) variables: Variables,
    /// How the direct path answers the document, when it takes it.
    pub(super) direct: Option<&'a DirectCall>,
}

pub(super) async fn execute(
    schema: &MagentoSchema,
    index: &SchemaIndex,
    prepared: Prepared<'_>,
    context: &Arc<RequestContext>,
    version: MagentoVersion,
    mode: MagentoMode,
) -> Executed {
    let Prepared { document, operation, query, variables, direct } = prepared;
    if let Some(direct) = direct
        && let Some(arguments) = direct.arguments(&variables)
    {
        return match direct.answer(context, &arguments) {
            DirectAnswer::Answered { body, value } => Executed {
                status: status_for(&[], version),
                errors: Vec::new(),
                data: Some(Data::Field { key: direct.key().to_owned(), value }),
                body: Some(body),
            },
            DirectAnswer::Failed(error) => {
                let data = Value::Object([(direct.key().to_owned(), Value::Null)].into_iter().collect());
                shown(&[error], data, document, &operation.node, None, None, version, mode)
            }
        };
    }
    let executable = coerce(document, &query, index);
    // Only a document with a directive can skip fields (see `validation::fill_skipped`).
    let skipped_check = query.contains('@').then(|| variables.clone());
    // webonyx counts columns differently after non-ASCII text (see `validation::webonyx_pos`).
    let positions_source = validation::positions_differ(&query).then(|| query.clone());
    let mut request = async_graphql::Request::new(&*query).variables(variables).data(Arc::clone(context));
    request.set_parsed_query(executable);
    // Boxed: the executor's future is large, and the direct path, which never awaits it, would
    // carry (and copy) its size in every request's future.
    let response = Box::pin(schema.execute(request)).await;
    let data = response.data.into_json().unwrap_or(Value::Null);
    let (positions, skipped) = (positions_source.as_deref(), skipped_check.as_ref());
    shown(&response.errors, data, document, &operation.node, positions, skipped, version, mode)
}

/// The executor's errors located and cut as webonyx and Magento's mode show them, with `data`
/// when anything executed.
#[allow(clippy::too_many_arguments)]
fn shown(
    errors: &[ServerError],
    mut data: Value,
    document: &ExecutableDocument,
    operation: &OperationDefinition,
    positions_source: Option<&str>,
    skipped_check: Option<&Variables>,
    version: MagentoVersion,
    mode: MagentoMode,
) -> Executed {
    let mut errors: Vec<WireError> = errors.iter().map(|e| WireError::from_execution(e, version)).collect();
    // A root field's error at every field merged under its response name, as webonyx locates it.
    for error in errors.iter_mut().filter(|e| e.path.len() == 1 && e.locations.len() == 1) {
        let Some(key) = error.path.first().and_then(Value::as_str) else { continue };
        let merged = validation::merged_locations(document, operation, key);
        if merged.len() > 1 && merged.first() == error.locations.first() {
            error.locations = merged;
        }
    }
    if let Some(source) = positions_source {
        for location in errors.iter_mut().flat_map(|e| e.locations.iter_mut()) {
            *location = validation::webonyx_pos(source, *location);
        }
    }
    let errors = shown_errors(errors, version, mode);
    let executed = errors.iter().any(|e| !e.path.is_empty()) || errors.is_empty();
    let data = executed.then(|| {
        if let Some(variables) = skipped_check {
            validation::fill_skipped(document, operation, variables, &mut data);
        }
        Data::Object(data)
    });
    let status = status_for(&errors, version);
    Executed { status, errors, data, body: None }
}
