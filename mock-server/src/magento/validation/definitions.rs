//! webonyx's document-wide rules: unique variable and argument names, fragments (used, on
//! composite types), directives (known, unique, where they may stand), and fields that share a
//! response name but not a meaning. The per-field rules are in `rules.rs`.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{Directive, ExecutableDocument, OperationDefinition, Selection, SelectionSet};
use async_graphql::{Name, Pos, Positioned};
use async_graphql_value::Value;

use super::ValidationError;
use super::schema_index::{Kind, SchemaIndex};

/// Directives an executable document may use, and where.
const EXECUTABLE_DIRECTIVES: [&str; 2] = ["include", "skip"];

/// Rules about the document as a whole, for its one `operation`.
pub fn check_definitions(
    document: &ExecutableDocument,
    operation: &Positioned<OperationDefinition>,
    schema: &SchemaIndex,
) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, Pos> = HashMap::new();
    for definition in &operation.node.variable_definitions {
        let name = definition.node.name.node.as_str();
        if let Some(first) = seen.insert(name, definition.node.name.pos) {
            errors.push(ValidationError::new(
                format!("There can be only one variable named \"${name}\"."),
                vec![first, definition.node.name.pos],
            ));
        }
    }
    let location = match operation.node.ty {
        async_graphql::parser::types::OperationType::Query => "QUERY",
        async_graphql::parser::types::OperationType::Mutation => "MUTATION",
        async_graphql::parser::types::OperationType::Subscription => "SUBSCRIPTION",
    };
    check_directives(&operation.node.directives, Some(location), &mut errors);

    let used = used_fragments(document, &operation.node.selection_set.node);
    for (name, fragment) in &document.fragments {
        if !used.contains(name.as_str()) {
            errors.push(ValidationError::new(format!("Fragment \"{name}\" is never used."), vec![fragment.pos]));
        }
        let on = &fragment.node.type_condition.node.on;
        if schema.get(&on.node).is_some_and(|t| t.kind != Kind::Object) {
            errors.push(ValidationError::new(
                format!("Fragment \"{name}\" cannot condition on non composite type \"{}\".", on.node),
                vec![on.pos],
            ));
        }
        check_directives(&fragment.node.directives, Some("FRAGMENT_DEFINITION"), &mut errors);
    }
    errors
}

/// KnownDirectives and UniqueDirectivesPerLocation; `@include`/`@skip` stand on fields, fragment
/// spreads and inline fragments only (`location` names any other place).
pub fn check_directives(
    directives: &[Positioned<Directive>],
    location: Option<&str>,
    errors: &mut Vec<ValidationError>,
) {
    let mut seen: HashMap<&str, Pos> = HashMap::new();
    for directive in directives {
        let name = directive.node.name.node.as_str();
        if !EXECUTABLE_DIRECTIVES.contains(&name) {
            errors.push(ValidationError::new(format!("Unknown directive \"@{name}\"."), vec![directive.pos]));
            continue;
        }
        if let Some(location) = location {
            errors.push(ValidationError::new(
                format!("Directive \"@{name}\" may not be used on {location}."),
                vec![directive.pos],
            ));
        }
        if let Some(first) = seen.insert(name, directive.pos) {
            errors.push(ValidationError::new(
                format!("The directive \"@{name}\" can only be used once at this location."),
                vec![first, directive.pos],
            ));
        }
        for (argument, _) in &directive.node.arguments {
            if argument.node != "if" {
                errors.push(ValidationError::new(
                    format!("Unknown argument \"{}\" on directive \"@{name}\".", argument.node),
                    vec![argument.pos],
                ));
            }
        }
        if !directive.node.arguments.iter().any(|(argument, _)| argument.node == "if") {
            errors.push(ValidationError::new(
                format!("Directive \"@{name}\" argument \"if\" of type \"Boolean!\" is required but not provided."),
                vec![directive.pos],
            ));
        }
    }
}

/// The `if` values of `@include`/`@skip`, to be checked as `Boolean!` like any argument.
pub fn directive_conditions(directives: &[Positioned<Directive>]) -> impl Iterator<Item = &Positioned<Value>> {
    directives
        .iter()
        .filter(|d| EXECUTABLE_DIRECTIVES.contains(&d.node.name.node.as_str()))
        .flat_map(|d| d.node.arguments.iter().filter(|(name, _)| name.node == "if").map(|(_, value)| value))
}

/// UniqueArgumentNames.
pub fn check_unique_arguments(arguments: &[(Positioned<Name>, Positioned<Value>)], errors: &mut Vec<ValidationError>) {
    let mut seen: HashMap<&str, Pos> = HashMap::new();
    for (name, _) in arguments {
        if let Some(first) = seen.insert(name.node.as_str(), name.pos) {
            errors.push(ValidationError::new(
                format!("There can be only one argument named \"{}\".", name.node),
                vec![first, name.pos],
            ));
        }
    }
}

/// OverlappingFieldsCanBeMerged, for the fields written directly in one selection set (and its
/// inline fragments): one response name must mean one field with one set of arguments.
pub fn check_overlapping_fields(set: &SelectionSet, errors: &mut Vec<ValidationError>) {
    let mut by_key: HashMap<&str, (&str, String, Pos)> = HashMap::new();
    let mut fields = Vec::new();
    collect_fields(set, &mut fields);
    for (field, pos) in fields {
        let key = field.response_key().node.as_str();
        let name = field.name.node.as_str();
        let mut arguments: Vec<String> =
            field.arguments.iter().map(|(n, v)| format!("{}:{}", n.node, v.node)).collect();
        arguments.sort();
        let arguments = arguments.join(",");
        match by_key.get(key) {
            None => {
                by_key.insert(key, (name, arguments, pos));
            }
            Some((first_name, _, first_pos)) if *first_name != name => errors.push(ValidationError::new(
                format!(
                    "Fields \"{key}\" conflict because \"{first_name}\" and \"{name}\" are different fields. Use different aliases on the fields to fetch both if this was intentional."
                ),
                vec![*first_pos, pos],
            )),
            Some((_, first_arguments, first_pos)) if *first_arguments != arguments => errors.push(ValidationError::new(
                format!(
                    "Fields \"{key}\" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional."
                ),
                vec![*first_pos, pos],
            )),
            Some(_) => {}
        }
    }
}

fn collect_fields<'a>(set: &'a SelectionSet, into: &mut Vec<(&'a async_graphql::parser::types::Field, Pos)>) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => into.push((&field.node, field.pos)),
            Selection::InlineFragment(fragment) => collect_fields(&fragment.node.selection_set.node, into),
            Selection::FragmentSpread(_) => {}
        }
    }
}

/// Names of the fragments reachable from `set`, through other fragments too.
fn used_fragments<'a>(document: &'a ExecutableDocument, set: &'a SelectionSet) -> HashSet<&'a str> {
    let mut used = HashSet::new();
    let mut pending = vec![set];
    while let Some(set) = pending.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => pending.push(&field.node.selection_set.node),
                Selection::InlineFragment(fragment) => pending.push(&fragment.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if let Some((key, fragment)) = document.fragments.get_key_value(name)
                        && used.insert(key.as_str())
                    {
                        pending.push(&fragment.node.selection_set.node);
                    }
                }
            }
        }
    }
    used
}
