//! webonyx's answer for objects whose every field `@skip`/`@include` left out: an empty object
//! (PHP's `stdClass`, `{}`), and for `data` itself an empty array (`[]`). async-graphql answers
//! `null` for both, so the executed data is mended afterwards.

use std::collections::HashSet;

use async_graphql::Variables;
use async_graphql::parser::types::{Directive, ExecutableDocument, OperationDefinition, Selection, SelectionSet};
use async_graphql::{Name, Positioned};
use async_graphql_value::{ConstValue, Value};
use serde_json::{Map, Value as Json};

/// Replaces the `null`s that stand for objects with every field skipped.
pub fn fill_skipped(
    document: &ExecutableDocument,
    operation: &OperationDefinition,
    variables: &Variables,
    data: &mut Json,
) {
    let walk = Walk { document, variables };
    let set = &operation.selection_set.node;
    match data {
        Json::Null if walk.all_excluded(set, &mut HashSet::new()) => *data = Json::Array(Vec::new()),
        Json::Object(object) => walk.object(set, object, &mut HashSet::new()),
        _ => {}
    }
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
}

impl<'a> Walk<'a> {
    fn object(&self, set: &'a SelectionSet, object: &mut Map<String, Json>, fragments: &mut HashSet<&'a Name>) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let sub = &field.node.selection_set.node;
                    if sub.items.is_empty() || self.excluded(&field.node.directives) {
                        continue;
                    }
                    let Some(value) = object.get_mut(field.node.response_key().node.as_str()) else { continue };
                    self.value(sub, value);
                }
                Selection::InlineFragment(fragment) => {
                    if !self.excluded(&fragment.node.directives) {
                        self.object(&fragment.node.selection_set.node, object, fragments);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if !self.excluded(&spread.node.directives)
                        && let Some(fragment) = self.document.fragments.get(name)
                        && fragments.insert(name)
                    {
                        self.object(&fragment.node.selection_set.node, object, fragments);
                        fragments.remove(name);
                    }
                }
            }
        }
    }

    fn value(&self, sub: &'a SelectionSet, value: &mut Json) {
        match value {
            Json::Null if self.all_excluded(sub, &mut HashSet::new()) => *value = Json::Object(Map::new()),
            Json::Object(inner) => self.object(sub, inner, &mut HashSet::new()),
            Json::Array(items) => items.iter_mut().for_each(|item| self.value(sub, item)),
            _ => {}
        }
    }

    fn all_excluded(&self, set: &'a SelectionSet, fragments: &mut HashSet<&'a Name>) -> bool {
        set.items.iter().all(|selection| match &selection.node {
            Selection::Field(field) => self.excluded(&field.node.directives),
            Selection::InlineFragment(fragment) => {
                self.excluded(&fragment.node.directives)
                    || self.all_excluded(&fragment.node.selection_set.node, fragments)
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                self.excluded(&spread.node.directives)
                    || match self.document.fragments.get(name) {
                        Some(fragment) if fragments.insert(name) => {
                            self.all_excluded(&fragment.node.selection_set.node, fragments)
                        }
                        _ => true,
                    }
            }
        })
    }

    /// `@skip(if: true)` or `@include(if: false)`, literally or through a variable.
    fn excluded(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().any(|directive| {
            let condition = match directive.node.get_argument("if").map(|v| &v.node) {
                Some(Value::Boolean(value)) => Some(*value),
                Some(Value::Variable(name)) => match self.variables.get(name) {
                    Some(ConstValue::Boolean(value)) => Some(*value),
                    _ => None,
                },
                _ => None,
            };
            match (directive.node.name.node.as_str(), condition) {
                ("skip", Some(condition)) => condition,
                ("include", Some(condition)) => !condition,
                _ => false,
            }
        })
    }
}

/// webonyx locates a resolver's error at every field node merged under the response name;
/// async-graphql at the first only. For a root field's error (`path` of one key), the
/// locations of all the root fields answering under that key.
pub fn merged_locations(
    document: &ExecutableDocument,
    operation: &OperationDefinition,
    key: &str,
) -> Vec<async_graphql::Pos> {
    let mut positions = Vec::new();
    collect_key(document, &operation.selection_set.node, key, &mut positions, &mut HashSet::new());
    positions
}

fn collect_key<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    key: &str,
    positions: &mut Vec<async_graphql::Pos>,
    fragments: &mut HashSet<&'a Name>,
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) if field.node.response_key().node.as_str() == key => positions.push(selection.pos),
            Selection::Field(_) => {}
            Selection::InlineFragment(fragment) => {
                collect_key(document, &fragment.node.selection_set.node, key, positions, fragments);
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                if let Some(fragment) = document.fragments.get(name)
                    && fragments.insert(name)
                {
                    collect_key(document, &fragment.node.selection_set.node, key, positions, fragments);
                }
            }
        }
    }
}
