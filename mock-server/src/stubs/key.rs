//! What makes a store's answer differ: a request's identity, read with async-graphql's parser,
//! and the key recordings are filed under.

use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, OperationDefinition, OperationType, Selection, SelectionSet,
};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::journal::mask_secrets;
use crate::magento::validation::{SchemaIndex, webonyx_syntax};

/// One request as the stubs see it. Secrets never enter it: variables named like a password or
/// token are masked, and the bearer token is reduced to whether there was one.
#[derive(Clone, Debug, PartialEq)]
pub struct Identity {
    /// `GET` or `POST`: a store answers the two differently (a GET can be cached).
    pub method: &'static str,
    pub operation_type: OperationType,
    pub operation_name: Option<String>,
    /// The root fields selected, in document order (fragments followed), without repeats.
    pub root_fields: Vec<String>,
    /// The document with layout, commas and comments dropped.
    pub query: String,
    /// Keys sorted at every depth, secrets masked.
    pub variables: Value,
    /// The `Store` header.
    pub store: Option<String>,
    /// The `Content-Currency` header.
    pub currency: Option<String>,
    pub signed_in: bool,
}

impl Identity {
    /// The identity of `operation`; `query` is the document's text.
    pub fn of(
        method: &'static str,
        query: &str,
        document: &ExecutableDocument,
        operation: &OperationDefinition,
        variables: &Map<String, Value>,
        headers: &RequestFactors,
    ) -> Self {
        let mut root_fields = Vec::new();
        collect_root_fields(&operation.selection_set.node, document, &mut root_fields, 0);
        Self {
            method,
            operation_type: operation.ty,
            operation_name: document.operations.iter().next().and_then(|(name, _)| name.map(|n| n.to_string())),
            root_fields,
            query: webonyx_syntax::normalise(query).unwrap_or_else(|| query.trim().to_owned()),
            variables: canonical(&mask_secrets(&Value::Object(variables.clone()))),
            store: headers.store.clone(),
            currency: headers.currency.clone(),
            signed_in: headers.signed_in,
        }
    }

    /// Whether the mock answers every root field itself (its schema serves them).
    pub fn is_emulated(&self, schema: &SchemaIndex) -> bool {
        let root = match self.operation_type {
            OperationType::Query => "Query",
            OperationType::Mutation => "Mutation",
            OperationType::Subscription => return false,
        };
        !self.root_fields.is_empty() && self.root_fields.iter().all(|field| schema.field(root, field).is_some())
    }

    /// The SHA-256 (hex) of every factor, in a fixed order: recordings are found by it.
    pub fn key(&self) -> String {
        let factors = json!([
            self.method,
            self.operation_name,
            self.query,
            self.variables,
            self.store,
            self.currency,
            self.signed_in
        ]);
        Sha256::digest(factors.to_string().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The recording's file stem: the operation's name (or its root fields) and 12 hex digits of
    /// the key, e.g. `GetCategories-3f2a9c1d7e4b`.
    pub fn file_id(&self) -> String {
        let name = self.operation_name.clone().unwrap_or_else(|| self.root_fields.join("+"));
        let name: String =
            name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+')).take(64).collect();
        let name = if name.is_empty() { "anonymous".to_owned() } else { name };
        format!("{name}-{}", &self.key()[..12])
    }
}

/// The headers that make a store answer differently.
#[derive(Clone, Debug, Default)]
pub struct RequestFactors {
    pub store: Option<String>,
    pub currency: Option<String>,
    pub signed_in: bool,
}

/// Fragments nest at most this deep at the root (the depth limit refuses deeper documents anyway).
const MAX_FRAGMENT_DEPTH: usize = 20;

fn collect_root_fields(set: &SelectionSet, document: &ExecutableDocument, into: &mut Vec<String>, depth: usize) {
    if depth > MAX_FRAGMENT_DEPTH {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let name = field.node.name.node.to_string();
                if !into.contains(&name) {
                    into.push(name);
                }
            }
            Selection::InlineFragment(fragment) => {
                collect_root_fields(&fragment.node.selection_set.node, document, into, depth + 1);
            }
            Selection::FragmentSpread(spread) => {
                let fragment: Option<&FragmentDefinition> =
                    document.fragments.get(&spread.node.fragment_name.node).map(|f| &f.node);
                if let Some(fragment) = fragment {
                    collect_root_fields(&fragment.selection_set.node, document, into, depth + 1);
                }
            }
        }
    }
}

/// The value with its object keys sorted at every depth, so equal variables file alike.
pub fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(keys.into_iter().map(|k| (k.clone(), canonical(&map[k]))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use async_graphql::parser::types::DocumentOperations;

    use super::*;

    fn identity(query: &str, variables: Value, factors: &RequestFactors) -> Identity {
        let document = parse_query(query).unwrap();
        let operation = match &document.operations {
            DocumentOperations::Single(op) => op.node.clone(),
            DocumentOperations::Multiple(ops) => ops.values().next().unwrap().node.clone(),
        };
        let Value::Object(variables) = variables else { panic!() };
        Identity::of("POST", query, &document, &operation, &variables, factors)
    }

    #[test]
    fn layout_and_variable_order_do_not_change_the_key_but_every_factor_does() {
        let a = identity(
            "query Products($s: String, $n: Int) {\n  products(search: $s, pageSize: $n) { items { sku } }\n}",
            json!({"s": "bag", "n": 2}),
            &RequestFactors::default(),
        );
        let b = identity(
            "query Products($s: String $n: Int){products(search:$s pageSize:$n){items{sku}}} # same",
            json!({"n": 2, "s": "bag"}),
            &RequestFactors::default(),
        );
        assert_eq!(
            a.query,
            "query Products($s: String $n: Int) { products(search: $s pageSize: $n) { items { sku } } }"
        );
        assert_eq!(a.key(), b.key());
        assert!(a.file_id().starts_with("Products-"), "{}", a.file_id());
        let other_store = RequestFactors { store: Some("fr".into()), ..RequestFactors::default() };
        let signed_in = RequestFactors { signed_in: true, ..RequestFactors::default() };
        let keys = [
            identity(
                "query Products($s: String $n: Int){products(search:$s pageSize:$n){items{sku}}}",
                json!({"s": "shirt", "n": 2}),
                &RequestFactors::default(),
            )
            .key(),
            identity(
                "query Products($s: String $n: Int){products(search:$s pageSize:$n){items{sku}}}",
                json!({"s": "bag", "n": 2}),
                &other_store,
            )
            .key(),
            identity(
                "query Products($s: String $n: Int){products(search:$s pageSize:$n){items{sku}}}",
                json!({"s": "bag", "n": 2}),
                &signed_in,
            )
            .key(),
        ];
        for key in keys {
            assert_ne!(key, a.key());
        }
    }

    #[test]
    fn root_fields_are_found_through_fragments_and_secrets_are_masked() {
        let id = identity(
            "query { ...F cmsBlocks(identifiers: [\"x\"]) { items { identifier } } }\nfragment F on Query { products { total_count } }",
            json!({"password": "hunter2", "cart": {"token": "t"}}),
            &RequestFactors::default(),
        );
        assert_eq!(id.root_fields, ["products", "cmsBlocks"]);
        assert_eq!(id.variables, json!({"cart": {"token": "****"}, "password": "****"}));
        assert!(id.file_id().starts_with("products+cmsBlocks-"));
    }
}
