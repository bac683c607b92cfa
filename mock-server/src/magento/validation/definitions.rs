//! What webonyx's rules need to know of the document as a whole: its definitions in order, the
//! type names it mentions, the fragments operations reach (and cycles among them), the variables
//! an operation uses with the types their positions expect, its depth and its complexity, and
//! the directives the schema defines.

use std::collections::HashSet;

use async_graphql::parser::types::{
    BaseType, Directive, DocumentOperations, ExecutableDocument, FragmentDefinition, OperationDefinition, Selection,
    SelectionSet, Type,
};
use async_graphql::{Name, Pos, Positioned};
use async_graphql_value::Value;

use super::ValidationError;
use super::literal::{self, Literal};
use super::schema_index::{SchemaIndex, named_type};

/// Where a directive stands (webonyx's `DirectiveLocation` names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectiveSpot {
    Query,
    Mutation,
    Subscription,
    Field,
    FragmentDefinition,
    FragmentSpread,
    InlineFragment,
    VariableDefinition,
}

impl DirectiveSpot {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Query => "QUERY",
            Self::Mutation => "MUTATION",
            Self::Subscription => "SUBSCRIPTION",
            Self::Field => "FIELD",
            Self::FragmentDefinition => "FRAGMENT_DEFINITION",
            Self::FragmentSpread => "FRAGMENT_SPREAD",
            Self::InlineFragment => "INLINE_FRAGMENT",
            Self::VariableDefinition => "VARIABLE_DEFINITION",
        }
    }
}

/// A directive of the schema: where it may stand in a query, and its arguments and their types.
pub struct KnownDirective {
    pub name: &'static str,
    pub locations: &'static [DirectiveSpot],
    pub arguments: &'static [(&'static str, &'static str)],
}

const CONDITION_SPOTS: &[DirectiveSpot] =
    &[DirectiveSpot::Field, DirectiveSpot::FragmentSpread, DirectiveSpot::InlineFragment];

/// webonyx 15's internal directives, which are all Magento's schema has. `@deprecated` and
/// `@oneOf` belong to type definitions, so no place in a query takes them.
pub const KNOWN_DIRECTIVES: [KnownDirective; 4] = [
    KnownDirective { name: "include", locations: CONDITION_SPOTS, arguments: &[("if", "Boolean!")] },
    KnownDirective { name: "skip", locations: CONDITION_SPOTS, arguments: &[("if", "Boolean!")] },
    KnownDirective { name: "deprecated", locations: &[], arguments: &[("reason", "String")] },
    KnownDirective { name: "oneOf", locations: &[], arguments: &[] },
];

/// `"Boolean!"` as a type.
pub fn parse_type(text: &str) -> Type {
    Type::new(text).unwrap_or(Type { base: BaseType::Named(Name::new(text)), nullable: true })
}

pub enum Definition<'a> {
    Operation(Option<&'a Name>, &'a Positioned<OperationDefinition>),
    Fragment(&'a Name, &'a Positioned<FragmentDefinition>),
}

impl Definition<'_> {
    fn pos(&self) -> Pos {
        match self {
            Self::Operation(_, operation) => operation.pos,
            Self::Fragment(_, fragment) => fragment.pos,
        }
    }
}

/// Operations and fragments in the order the document has them.
pub fn definitions_in_order(document: &ExecutableDocument) -> Vec<Definition<'_>> {
    let mut definitions: Vec<Definition<'_>> = match &document.operations {
        DocumentOperations::Single(operation) => vec![Definition::Operation(None, operation)],
        DocumentOperations::Multiple(operations) => {
            operations.iter().map(|(name, operation)| Definition::Operation(Some(name), operation)).collect()
        }
    };
    definitions.extend(document.fragments.iter().map(|(name, fragment)| Definition::Fragment(name, fragment)));
    definitions.sort_by_key(Definition::pos);
    definitions
}

/// Whether a variable's type or a fragment's type condition names a type the store does not have.
pub fn names_an_unknown_type(document: &ExecutableDocument, schema: &SchemaIndex) -> bool {
    let unknown = |name: &str| schema.real_kind(name).is_none();
    let in_set = |set: &SelectionSet| {
        let mut pending = vec![set];
        while let Some(set) = pending.pop() {
            for selection in &set.items {
                match &selection.node {
                    Selection::Field(field) => pending.push(&field.node.selection_set.node),
                    Selection::InlineFragment(fragment) => {
                        if fragment.node.type_condition.as_ref().is_some_and(|c| unknown(&c.node.on.node)) {
                            return true;
                        }
                        pending.push(&fragment.node.selection_set.node);
                    }
                    Selection::FragmentSpread(_) => {}
                }
            }
        }
        false
    };
    document.operations.iter().any(|(_, operation)| {
        operation.node.variable_definitions.iter().any(|d| unknown(named_type(&d.node.var_type.node)))
            || in_set(&operation.node.selection_set.node)
    }) || document
        .fragments
        .values()
        .any(|f| unknown(&f.node.type_condition.node.on.node) || in_set(&f.node.selection_set.node))
}

/// The fragments spread in `set`, at any depth (not through other fragments), in webonyx's
/// order (`getFragmentSpreads`: a stack of selection sets).
fn spreads_in(set: &SelectionSet) -> Vec<Positioned<&Name>> {
    let mut spreads = Vec::new();
    let mut pending = vec![set];
    while let Some(set) = pending.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::FragmentSpread(spread) => {
                    spreads.push(Positioned::new(&spread.node.fragment_name.node, selection.pos));
                }
                Selection::Field(field) => pending.push(&field.node.selection_set.node),
                Selection::InlineFragment(fragment) => pending.push(&fragment.node.selection_set.node),
            }
        }
    }
    spreads
}

/// `getRecursivelyReferencedFragments`: the fragments `set` reaches, in webonyx's order.
fn referenced_fragments<'a>(document: &'a ExecutableDocument, set: &'a SelectionSet) -> Vec<&'a Name> {
    let mut collected: Vec<&Name> = Vec::new();
    let mut pending = vec![set];
    while let Some(set) = pending.pop() {
        for spread in spreads_in(set) {
            if collected.contains(&spread.node) {
                continue;
            }
            if let Some((name, fragment)) = document.fragments.get_key_value(spread.node) {
                collected.push(name);
                pending.push(&fragment.node.selection_set.node);
            }
        }
    }
    collected
}

/// The fragments some operation reaches.
pub fn used_fragments(document: &ExecutableDocument) -> HashSet<&str> {
    document
        .operations
        .iter()
        .flat_map(|(_, operation)| referenced_fragments(document, &operation.node.selection_set.node))
        .map(Name::as_str)
        .collect()
}

/// NoFragmentCycles from `name`: each cycle once, at the spreads that make it.
pub fn fragment_cycles<'a>(
    document: &'a ExecutableDocument,
    name: &'a Name,
    visited: &mut HashSet<&'a str>,
) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let mut path: Vec<Positioned<&'a Name>> = Vec::new();
    let mut index_by_name: std::collections::HashMap<&'a str, usize> = std::collections::HashMap::new();
    detect_cycles(document, name, visited, &mut path, &mut index_by_name, &mut errors);
    errors
}

fn detect_cycles<'a>(
    document: &'a ExecutableDocument,
    name: &'a Name,
    visited: &mut HashSet<&'a str>,
    path: &mut Vec<Positioned<&'a Name>>,
    index_by_name: &mut std::collections::HashMap<&'a str, usize>,
    errors: &mut Vec<ValidationError>,
) {
    if !visited.insert(name.as_str()) {
        return;
    }
    let Some(fragment) = document.fragments.get(name) else { return };
    let spreads = spreads_in(&fragment.node.selection_set.node);
    if spreads.is_empty() {
        return;
    }
    index_by_name.insert(name.as_str(), path.len());
    for spread in spreads {
        let cycle_index = index_by_name.get(spread.node.as_str()).copied();
        path.push(spread);
        match cycle_index {
            None => {
                if let Some((spread_name, _)) = document.fragments.get_key_value(spread.node) {
                    detect_cycles(document, spread_name, visited, path, index_by_name, errors);
                }
            }
            Some(index) => {
                let cycle = &path[index..];
                let via: Vec<&str> = cycle[..cycle.len() - 1].iter().map(|s| s.node.as_str()).collect();
                let via = if via.is_empty() { String::new() } else { format!(" via {}", via.join(", ")) };
                errors.push(ValidationError::new(
                    format!("Cannot spread fragment \"{}\" within itself{via}.", spread.node),
                    cycle.iter().map(|s| s.pos).collect(),
                ));
            }
        }
        path.pop();
    }
    index_by_name.remove(name.as_str());
}

/// A variable used in an operation: where, and what type its position expects (if known).
pub struct Usage {
    pub name: String,
    pub pos: Pos,
    pub expected: Option<Type>,
}

/// `getRecursiveVariableUsages`: the operation's own, then each fragment's it reaches.
pub fn recursive_usages(
    document: &ExecutableDocument,
    source: &str,
    schema: &SchemaIndex,
    operation: &Positioned<OperationDefinition>,
) -> Vec<Usage> {
    let root = match operation.node.ty {
        async_graphql::parser::types::OperationType::Query => "Query",
        async_graphql::parser::types::OperationType::Mutation => "Mutation",
        async_graphql::parser::types::OperationType::Subscription => "Subscription",
    };
    let mut usages = Vec::new();
    let collector = Collector { source, schema };
    collector.set(&operation.node.selection_set.node, schema.get(root).map(|_| root), &mut usages);
    for name in referenced_fragments(document, &operation.node.selection_set.node) {
        if let Some(fragment) = document.fragments.get(name) {
            collector.directives(&fragment.node.directives, &mut usages);
            let on = fragment.node.type_condition.node.on.node.as_str();
            collector.set(&fragment.node.selection_set.node, schema.get(on).map(|_| on), &mut usages);
        }
    }
    usages
}

struct Collector<'a> {
    source: &'a str,
    schema: &'a SchemaIndex,
}

impl Collector<'_> {
    fn set(&self, set: &SelectionSet, parent: Option<&str>, usages: &mut Vec<Usage>) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let definition = parent.and_then(|p| self.schema.field(p, &field.node.name.node));
                    for (name, value) in &field.node.arguments {
                        let expected = definition
                            .and_then(|d| d.arguments.iter().find(|a| a.name == name.node.as_str()))
                            .map(|a| a.ty.clone());
                        self.value(value, expected, usages);
                    }
                    self.directives(&field.node.directives, usages);
                    let child = definition.map(|d| named_type(&d.ty).to_owned());
                    let child = child.as_deref().filter(|c| self.schema.get(c).is_some());
                    self.set(&field.node.selection_set.node, child, usages);
                }
                Selection::InlineFragment(fragment) => {
                    self.directives(&fragment.node.directives, usages);
                    let target = match &fragment.node.type_condition {
                        None => parent,
                        Some(c) => Some(c.node.on.node.as_str()).filter(|on| self.schema.get(on).is_some()),
                    };
                    self.set(&fragment.node.selection_set.node, target, usages);
                }
                Selection::FragmentSpread(spread) => self.directives(&spread.node.directives, usages),
            }
        }
    }

    fn directives(&self, directives: &[Positioned<Directive>], usages: &mut Vec<Usage>) {
        for directive in directives {
            let known = KNOWN_DIRECTIVES.iter().find(|d| d.name == directive.node.name.node.as_str());
            for (name, value) in &directive.node.arguments {
                let expected = known
                    .and_then(|k| k.arguments.iter().find(|(a, _)| *a == name.node.as_str()))
                    .map(|(_, ty)| parse_type(ty));
                self.value(value, expected, usages);
            }
        }
    }

    fn value(&self, value: &Positioned<Value>, expected: Option<Type>, usages: &mut Vec<Usage>) {
        match &value.node {
            Value::Variable(name) => usages.push(Usage { name: name.to_string(), pos: value.pos, expected }),
            Value::List(_) | Value::Object(_) => {
                if let Some(literal) = literal::read(self.source, value.pos) {
                    nested_usages(&literal, expected, self.schema, usages);
                }
            }
            _ => {}
        }
    }
}

fn nested_usages(literal: &literal::At, expected: Option<Type>, schema: &SchemaIndex, usages: &mut Vec<Usage>) {
    match &literal.value {
        Literal::Variable(name) => usages.push(Usage { name: name.clone(), pos: literal.pos, expected }),
        Literal::List(items) => {
            let item = expected.map(|t| match t.base {
                BaseType::List(inner) => *inner,
                named => Type { base: named, nullable: true },
            });
            for value in items {
                nested_usages(value, item.clone(), schema, usages);
            }
        }
        Literal::Object(fields) => {
            // A known input field's variable is expected to have the field's type.
            let input_fields = expected.as_ref().and_then(|t| schema.input_fields(named_type(t)));
            for (name, _, value) in fields {
                let field_type = input_fields
                    .and_then(|f| f.iter().find(|(field, _)| field == name))
                    .map(|(_, field_type)| field_type.clone());
                nested_usages(value, field_type, schema, usages);
            }
        }
        _ => {}
    }
}

/// QueryDepth's count: nested fields with selections, through fragments; a fragment met again
/// inside itself counts as one more than the limit.
pub fn depth(document: &ExecutableDocument, set: &SelectionSet, max: usize) -> usize {
    let mut calculating = HashSet::new();
    set_depth(document, set, 0, 0, max, &mut calculating)
}

fn set_depth<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    depth: usize,
    mut deepest: usize,
    max: usize,
    calculating: &mut HashSet<&'a str>,
) -> usize {
    for selection in &set.items {
        deepest = match &selection.node {
            Selection::Field(field) => {
                if field.node.selection_set.node.items.is_empty() {
                    deepest
                } else {
                    let deepest = deepest.max(depth);
                    set_depth(document, &field.node.selection_set.node, depth + 1, deepest, max, calculating)
                }
            }
            Selection::InlineFragment(fragment) => {
                set_depth(document, &fragment.node.selection_set.node, depth, deepest, max, calculating)
            }
            Selection::FragmentSpread(spread) => {
                match document.fragments.get_key_value(&spread.node.fragment_name.node) {
                    None => deepest,
                    Some((name, _)) if !calculating.insert(name.as_str()) => max + 1,
                    Some((name, fragment)) => {
                        let deepest =
                            set_depth(document, &fragment.node.selection_set.node, depth, deepest, max, calculating);
                        calculating.remove(name.as_str());
                        deepest
                    }
                }
            }
        };
    }
    deepest
}

/// QueryComplexity: one per field not skipped by a literal `@include`/`@skip`, through fragments.
pub fn complexity(document: &ExecutableDocument, operation: &OperationDefinition) -> usize {
    set_complexity(document, &operation.selection_set.node, 0)
}

fn set_complexity(document: &ExecutableDocument, set: &SelectionSet, nesting: usize) -> usize {
    if nesting > 64 {
        return 0;
    }
    set.items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) => {
                if excluded(&field.node.directives) {
                    0
                } else {
                    1 + set_complexity(document, &field.node.selection_set.node, nesting + 1)
                }
            }
            Selection::InlineFragment(fragment) => {
                set_complexity(document, &fragment.node.selection_set.node, nesting + 1)
            }
            Selection::FragmentSpread(spread) => document
                .fragments
                .get(&spread.node.fragment_name.node)
                .map_or(0, |f| set_complexity(document, &f.node.selection_set.node, nesting + 1)),
        })
        .sum()
}

fn excluded(directives: &[Positioned<Directive>]) -> bool {
    for directive in directives {
        let name = directive.node.name.node.as_str();
        if name == "deprecated" {
            return false;
        }
        let condition = directive.node.get_argument("if").map(|v| &v.node);
        match (name, condition) {
            ("include", Some(Value::Boolean(value))) => return !value,
            ("skip", Some(Value::Boolean(value))) => return *value,
            _ => {}
        }
    }
    false
}

/// Every name in the document, as Magento's `Query\Fields` collects them (all `Name` nodes:
/// operations, variables, fields, aliases, arguments, directives, fragments, types, object keys).
pub fn document_names(document: &ExecutableDocument) -> HashSet<&str> {
    let mut names = HashSet::new();
    for (name, operation) in document.operations.iter() {
        if let Some(name) = name {
            names.insert(name.as_str());
        }
        for definition in &operation.node.variable_definitions {
            names.insert(definition.node.name.node.as_str());
            names.insert(named_type(&definition.node.var_type.node));
            directive_names(&definition.node.directives, &mut names);
        }
        directive_names(&operation.node.directives, &mut names);
        set_names(&operation.node.selection_set.node, &mut names);
    }
    for (name, fragment) in &document.fragments {
        names.insert(name.as_str());
        names.insert(fragment.node.type_condition.node.on.node.as_str());
        directive_names(&fragment.node.directives, &mut names);
        set_names(&fragment.node.selection_set.node, &mut names);
    }
    names
}

fn set_names<'a>(set: &'a SelectionSet, names: &mut HashSet<&'a str>) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                names.insert(field.node.name.node.as_str());
                if let Some(alias) = &field.node.alias {
                    names.insert(alias.node.as_str());
                }
                for (name, value) in &field.node.arguments {
                    names.insert(name.node.as_str());
                    value_names(&value.node, names);
                }
                directive_names(&field.node.directives, names);
                set_names(&field.node.selection_set.node, names);
            }
            Selection::InlineFragment(fragment) => {
                if let Some(condition) = &fragment.node.type_condition {
                    names.insert(condition.node.on.node.as_str());
                }
                directive_names(&fragment.node.directives, names);
                set_names(&fragment.node.selection_set.node, names);
            }
            Selection::FragmentSpread(spread) => {
                names.insert(spread.node.fragment_name.node.as_str());
                directive_names(&spread.node.directives, names);
            }
        }
    }
}

fn directive_names<'a>(directives: &'a [Positioned<Directive>], names: &mut HashSet<&'a str>) {
    for directive in directives {
        names.insert(directive.node.name.node.as_str());
        for (name, value) in &directive.node.arguments {
            names.insert(name.node.as_str());
            value_names(&value.node, names);
        }
    }
}

fn value_names<'a>(value: &'a Value, names: &mut HashSet<&'a str>) {
    match value {
        Value::Variable(name) => {
            names.insert(name.as_str());
        }
        Value::List(items) => items.iter().for_each(|v| value_names(v, names)),
        Value::Object(fields) => {
            for (name, value) in fields {
                names.insert(name.as_str());
                value_names(value, names);
            }
        }
        _ => {}
    }
}

/// Whether a field the operation reaches (through fragments too) carries a directive.
pub fn has_field_directive(document: &ExecutableDocument, operation: &OperationDefinition) -> bool {
    let mut pending = vec![&operation.selection_set.node];
    let mut seen = HashSet::new();
    while let Some(set) = pending.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    if !field.node.directives.is_empty() {
                        return true;
                    }
                    pending.push(&field.node.selection_set.node);
                }
                Selection::InlineFragment(fragment) => pending.push(&fragment.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    if let Some((name, fragment)) = document.fragments.get_key_value(&spread.node.fragment_name.node)
                        && seen.insert(name.as_str())
                    {
                        pending.push(&fragment.node.selection_set.node);
                    }
                }
            }
        }
    }
    false
}

/// Every field node of the document (all operations and fragments, used or not): what Magento
/// counts against its complexity limit before validation (`QueryComplexityLimiter::validateFieldCount`).
pub fn field_count(document: &ExecutableDocument) -> usize {
    fn count(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|selection| match &selection.node {
                Selection::Field(field) => 1 + count(&field.node.selection_set.node),
                Selection::InlineFragment(fragment) => count(&fragment.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    document.operations.iter().map(|(_, op)| count(&op.node.selection_set.node)).sum::<usize>()
        + document.fragments.values().map(|f| count(&f.node.selection_set.node)).sum::<usize>()
}

/// A root selection's `@include`/`@skip` whose `if` is a variable the request gives as `null`
/// (allowed when the variable has a default): webonyx fails the whole operation when it
/// collects the root fields.
pub fn null_condition(
    operation: &OperationDefinition,
    variables: &serde_json::Map<String, serde_json::Value>,
) -> Option<ValidationError> {
    operation.selection_set.node.items.iter().find_map(|selection| {
        let directives = match &selection.node {
            Selection::Field(field) => &field.node.directives,
            Selection::InlineFragment(fragment) => &fragment.node.directives,
            Selection::FragmentSpread(spread) => &spread.node.directives,
        };
        directives.iter().find_map(|directive| {
            let name = directive.node.name.node.as_str();
            if name != "include" && name != "skip" {
                return None;
            }
            match directive.node.get_argument("if").map(|v| &v.node) {
                Some(Value::Variable(variable))
                    if variables.get(variable.as_str()) == Some(&serde_json::Value::Null) =>
                {
                    Some(ValidationError::new(
                        "Argument \"if\" of non-null type \"Boolean!\" must not be null.",
                        vec![directive.pos],
                    ))
                }
                _ => None,
            }
        })
    })
}
