//! webonyx/graphql-php's validation rules (`DocumentValidator::allRules()` with Magento's depth
//! and complexity limits), walked in the order webonyx walks: one pass over the definitions in
//! document order, every rule's check at a node before the node's children, so the first error
//! (the only one Magento shows outside developer mode) is webonyx's first.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{
    Directive, ExecutableDocument, Field, FragmentDefinition, OperationDefinition, OperationType, Selection,
    SelectionSet, Type, VariableDefinition,
};
use async_graphql::{Name, Pos, Positioned};

use super::definitions::{
    DirectiveSpot, complexity, definitions_in_order, depth, field_count, fragment_cycles, names_an_unknown_type,
    recursive_usages, used_fragments,
};
use super::schema_index::{Kind, SchemaIndex, named_type};
use super::values::{ValueCheck, check_value};
use super::{MAX_QUERY_COMPLEXITY, MAX_QUERY_DEPTH, Thrown, UnknownField, ValidationError, suggestions};
use crate::magento::{ErrorShape, MagentoVersion};

/// Every error webonyx would report for `document` (all its operations), in its order. `source`
/// is the document's text, for the literal values as written.
pub fn validate_document(
    document: &ExecutableDocument,
    source: &str,
    schema: &SchemaIndex,
    version: MagentoVersion,
) -> Vec<ValidationError> {
    // What Magento does before webonyx validates: count the fields. (It builds the schema
    // first; for an introspection query all of it, which fails on a store without a search
    // engine. The mock answers as a store with one: introspection works.)
    let fields = field_count(document);
    if fields > MAX_QUERY_COMPLEXITY {
        let message = format!("Max query complexity should be {MAX_QUERY_COMPLEXITY} but got {fields}.");
        return vec![ValidationError { thrown: Some(Thrown::Input), ..ValidationError::new(message, vec![]) }];
    }
    // The schema's type loader throws on a name it does not know, wherever it stands.
    if names_an_unknown_type(document, schema) {
        return vec![ValidationError::internal()];
    }
    let mut walk = Walk {
        document,
        source,
        schema,
        shape: version.shape(),
        errors: Vec::new(),
        names: None,
        visited_cycles: HashSet::new(),
        overlap: super::overlap::Overlap::new(document, source, schema),
    };
    let definitions = definitions_in_order(document);
    for definition in &definitions {
        match definition {
            super::definitions::Definition::Operation(name, operation) => walk.operation(*name, operation),
            super::definitions::Definition::Fragment(name, fragment) => walk.fragment(name, fragment),
        }
    }
    let used = used_fragments(document);
    for definition in &definitions {
        if let super::definitions::Definition::Fragment(name, fragment) = definition
            && !used.contains(name.as_str())
        {
            walk.report(format!("Fragment \"{name}\" is never used."), vec![fragment.pos]);
        }
    }
    super::in_webonyx_positions(walk.errors, source)
}

/// The parent a selection set is checked against: a served type, or nothing known.
type Parent<'a> = Option<&'a str>;

struct Walk<'a> {
    document: &'a ExecutableDocument,
    source: &'a str,
    schema: &'a SchemaIndex,
    shape: ErrorShape,
    errors: Vec<ValidationError>,
    /// Every name the document mentions (Magento builds only those fields), once needed.
    names: Option<HashSet<&'a str>>,
    visited_cycles: HashSet<&'a str>,
    overlap: super::overlap::Overlap<'a>,
}

impl<'a> Walk<'a> {
    fn report(&mut self, message: String, locations: Vec<Pos>) {
        self.errors.push(ValidationError::new(message, locations));
    }

    fn operation(&mut self, name: Option<&'a Name>, operation: &'a Positioned<OperationDefinition>) {
        let op = &operation.node;
        let root = match op.ty {
            OperationType::Query => "Query",
            OperationType::Mutation => "Mutation",
            OperationType::Subscription => "Subscription",
        };
        if op.ty == OperationType::Subscription && op.selection_set.node.items.len() > 1 {
            let message = match name {
                Some(name) => format!("Subscription \"{name}\" must select only one top level field."),
                None => "Anonymous Subscription must select only one top level field.".to_owned(),
            };
            let extra = op.selection_set.node.items.iter().skip(1).map(|s| s.pos).collect();
            self.report(message, extra);
        }
        self.unique_directives(&op.directives);
        let mut seen: HashMap<&str, Pos> = HashMap::new();
        for definition in &op.variable_definitions {
            self.variable_definition(definition, &mut seen);
        }
        let spot = match op.ty {
            OperationType::Query => DirectiveSpot::Query,
            OperationType::Mutation => DirectiveSpot::Mutation,
            OperationType::Subscription => DirectiveSpot::Subscription,
        };
        self.directives(&op.directives, spot);
        let parent = self.schema.get(root).map(|_| root);
        self.selection_set(&op.selection_set.node, parent);

        // Leaving the operation.
        let usages = recursive_usages(self.document, self.source, self.schema, operation);
        // webonyx 15.22's `undefinedVarMessage` has its condition the wrong way round: the
        // operation is named only when it has no name.
        let in_operation = |text: String| match name {
            Some(_) => format!("{text}."),
            None => format!("{text} by operation \"\"."),
        };
        let defined: HashMap<&str, &Positioned<VariableDefinition>> =
            op.variable_definitions.iter().map(|d| (d.node.name.node.as_str(), d)).collect();
        for usage in &usages {
            if !defined.contains_key(usage.name.as_str()) {
                let message = in_operation(format!("Variable \"${}\" is not defined", usage.name));
                self.report(message, vec![usage.pos, operation.pos]);
            }
        }
        for definition in &op.variable_definitions {
            let variable = definition.node.name.node.as_str();
            if !usages.iter().any(|u| u.name == variable) {
                let message = match name {
                    Some(op) => format!("Variable \"${variable}\" is never used in operation \"{op}\"."),
                    None => format!("Variable \"${variable}\" is never used."),
                };
                self.report(message, vec![definition.pos]);
            }
        }
        for usage in &usages {
            let (Some(definition), Some(expected)) = (defined.get(usage.name.as_str()), &usage.expected) else {
                continue;
            };
            let defined_type = &definition.node.var_type.node;
            let non_null_default =
                definition.node.default_value.as_ref().is_some_and(|d| d.node != async_graphql_value::ConstValue::Null);
            if !allowed_in_position(defined_type, non_null_default, expected) {
                self.report(
                    format!(
                        "Variable \"${}\" of type \"{defined_type}\" used in position expecting type \"{expected}\".",
                        usage.name
                    ),
                    vec![definition.pos, usage.pos],
                );
            }
        }
        let deepest = depth(self.document, &op.selection_set.node, MAX_QUERY_DEPTH);
        if deepest > MAX_QUERY_DEPTH {
            self.report(format!("Max query depth should be {MAX_QUERY_DEPTH} but got {deepest}."), vec![]);
        }
        if self.errors.is_empty() {
            let total = complexity(self.document, op);
            if total > MAX_QUERY_COMPLEXITY {
                let message = format!("Max query complexity should be {MAX_QUERY_COMPLEXITY} but got {total}.");
                self.report(message, vec![]);
            }
        }
    }

    fn variable_definition(
        &mut self,
        definition: &'a Positioned<VariableDefinition>,
        seen: &mut HashMap<&'a str, Pos>,
    ) {
        let node = &definition.node;
        let name = node.name.node.as_str();
        if let Some(Kind::Object | Kind::Other) = self.schema.real_kind(named_type(&node.var_type.node)) {
            let message = format!("Variable \"${name}\" cannot be non-input type \"{}\".", node.var_type.node);
            self.report(message, vec![node.var_type.pos]);
        }
        if let Some(first) = seen.get(name) {
            let message = format!("There can be only one variable named \"{name}\".");
            self.report(message, vec![*first, node.name.pos]);
        } else {
            seen.insert(name, node.name.pos);
        }
        self.unique_directives(&node.directives);
        if let Some(default) = &node.default_value {
            let check = ValueCheck { source: self.source, schema: self.schema, shape: self.shape };
            self.errors.extend(check_value(&check, default.pos, Some(&node.var_type.node), ("", "")));
        }
        self.directives(&node.directives, DirectiveSpot::VariableDefinition);
    }

    fn fragment(&mut self, name: &'a Name, fragment: &'a Positioned<FragmentDefinition>) {
        let node = &fragment.node;
        let on = &node.type_condition.node.on;
        if self.schema.real_kind(&on.node).is_some_and(|k| !matches!(k, Kind::Object | Kind::Other)) {
            let message = format!("Fragment \"{name}\" cannot condition on non composite type \"{}\".", on.node);
            self.report(message, vec![on.pos]);
        }
        self.errors.extend(fragment_cycles(self.document, name, &mut self.visited_cycles));
        self.unique_directives(&node.directives);
        self.directives(&node.directives, DirectiveSpot::FragmentDefinition);
        let parent = self.schema.get(&on.node).filter(|t| t.kind == Kind::Object).map(|_| on.node.as_str());
        self.selection_set(&node.selection_set.node, parent);
    }

    fn selection_set(&mut self, set: &'a SelectionSet, parent: Parent<'a>) {
        let conflicts = self.overlap.check(set, parent);
        self.errors.extend(conflicts);
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => self.field(field, parent),
                Selection::InlineFragment(fragment) => {
                    let fragment_node = &fragment.node;
                    let on = fragment_node.type_condition.as_ref().map(|c| &c.node.on);
                    let kind = on.and_then(|on| self.schema.real_kind(&on.node));
                    if let (Some(on), Some(kind)) = (on, kind)
                        && !matches!(kind, Kind::Object | Kind::Other)
                    {
                        let message = format!("Fragment cannot condition on non composite type \"{}\".", on.node);
                        self.report(message, vec![on.pos]);
                    }
                    if let (Some(on), Some(Kind::Object | Kind::Other), Some(parent)) = (on, kind, parent)
                        && on.node != parent
                    {
                        let message = format!(
                            "Fragment cannot be spread here as objects of type \"{parent}\" can never be of type \"{}\".",
                            on.node
                        );
                        self.report(message, vec![selection.pos]);
                    }
                    self.unique_directives(&fragment_node.directives);
                    self.directives(&fragment_node.directives, DirectiveSpot::InlineFragment);
                    let target = match on {
                        None => parent,
                        Some(on) => {
                            self.schema.get(&on.node).filter(|t| t.kind == Kind::Object).map(|_| on.node.as_str())
                        }
                    };
                    self.selection_set(&fragment_node.selection_set.node, target);
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name;
                    match self.document.fragments.get(&name.node) {
                        None => self.report(format!("Unknown fragment \"{}\".", name.node), vec![name.pos]),
                        Some(definition) => {
                            let on = &definition.node.type_condition.node.on.node;
                            let composite =
                                self.schema.real_kind(on).is_some_and(|k| matches!(k, Kind::Object | Kind::Other));
                            if let Some(parent) = parent
                                && composite
                                && on != parent
                            {
                                let message = format!(
                                    "Fragment \"{}\" cannot be spread here as objects of type \"{parent}\" can never be of type \"{on}\".",
                                    name.node
                                );
                                self.report(message, vec![selection.pos]);
                            }
                        }
                    }
                    self.unique_directives(&spread.node.directives);
                    self.directives(&spread.node.directives, DirectiveSpot::FragmentSpread);
                }
            }
        }
    }

    fn field(&mut self, field: &'a Positioned<Field>, parent: Parent<'a>) {
        let node = &field.node;
        let name = node.name.node.as_str();
        let definition = parent.and_then(|p| self.schema.field(p, name));
        if let Some(definition) = definition {
            let kind = self.schema.real_kind(named_type(&definition.ty));
            let leaf = matches!(kind, Some(Kind::Scalar | Kind::Enum));
            let has_selection = !node.selection_set.node.items.is_empty();
            if leaf && has_selection {
                let message = format!("Field \"{name}\" of type \"{}\" must not have a sub selection.", definition.ty);
                self.report(message, vec![node.selection_set.pos]);
            } else if !leaf && !has_selection {
                let message = format!("Field \"{name}\" of type \"{}\" must have a sub selection.", definition.ty);
                self.report(message, vec![field.pos]);
            }
        }
        if let (Some(parent), None) = (parent, definition) {
            let unknown = self.unknown_field(name, parent);
            let mut error =
                ValidationError::new(format!("Cannot query field \"{name}\" on type \"{parent}\"."), vec![field.pos]);
            error.unknown_field = Some(Box::new(unknown));
            self.errors.push(error);
        }
        self.unique_directives(&node.directives);
        let mut seen: HashMap<&str, Pos> = HashMap::new();
        for (argument, value) in &node.arguments {
            let expected = definition.and_then(|d| d.arguments.iter().find(|a| a.name == argument.node.as_str()));
            if let (Some(definition), None) = (definition, expected) {
                let names: Vec<&str> = definition.arguments.iter().map(|a| a.name.as_str()).collect();
                let message = format!(
                    "Unknown argument \"{}\" on field \"{name}\" of type \"{}\".{}",
                    argument.node,
                    parent.unwrap_or_default(),
                    suggestions::did_you_mean(&suggestions::suggestion_list(&argument.node, names))
                );
                self.report(message, vec![argument.pos]);
            }
            if let Some(first) = seen.get(argument.node.as_str()) {
                let message = format!("There can be only one argument named \"{}\".", argument.node);
                self.report(message, vec![*first, argument.pos]);
            } else {
                seen.insert(argument.node.as_str(), argument.pos);
            }
            let check = ValueCheck { source: self.source, schema: self.schema, shape: self.shape };
            self.errors.extend(check_value(&check, value.pos, expected.map(|a| &a.ty), (name, &argument.node)));
        }
        self.directives(&node.directives, DirectiveSpot::Field);
        let child = definition
            .map(|d| named_type(&d.ty))
            .and_then(|t| self.schema.get(t).filter(|info| info.kind == Kind::Object).map(|_| t));
        self.selection_set(&node.selection_set.node, child);
        if let Some(definition) = definition {
            for argument in &definition.arguments {
                let given = node.arguments.iter().any(|(n, _)| n.node.as_str() == argument.name);
                if !argument.ty.nullable && !argument.has_default && !given {
                    let message = format!(
                        "Field \"{name}\" argument \"{}\" of type \"{}\" is required but not provided.",
                        argument.name, argument.ty
                    );
                    self.report(message, vec![field.pos]);
                }
            }
        }
    }

    fn unknown_field(&mut self, field: &str, parent: &str) -> UnknownField {
        let all: Vec<String> = self.schema.real_fields(parent).into_iter().map(str::to_owned).collect();
        let names = self.names.get_or_insert_with(|| super::definitions::document_names(self.document));
        let everything =
            parent.starts_with("__") || ["IntrospectionQuery", "__schema", "__type"].iter().any(|n| names.contains(n));
        let in_document = all.iter().filter(|f| everything || names.contains(f.as_str())).cloned().collect();
        UnknownField { field: field.to_owned(), in_document, all }
    }

    /// UniqueDirectivesPerLocation, when entering the node that carries `directives`.
    fn unique_directives(&mut self, directives: &'a [Positioned<Directive>]) {
        let mut seen: HashMap<&str, Pos> = HashMap::new();
        for directive in directives {
            let name = directive.node.name.node.as_str();
            if !super::definitions::KNOWN_DIRECTIVES.iter().any(|d| d.name == name) {
                continue;
            }
            if let Some(first) = seen.get(name) {
                let message = format!("The directive \"{name}\" can only be used once at this location.");
                self.report(message, vec![*first, directive.pos]);
            } else {
                seen.insert(name, directive.pos);
            }
        }
    }

    /// The directives themselves: known, in their place, their arguments known, unique, of the
    /// right type, the required one given (on leaving the directive).
    fn directives(&mut self, directives: &'a [Positioned<Directive>], spot: DirectiveSpot) {
        for directive in directives {
            let name = directive.node.name.node.as_str();
            let known = super::definitions::KNOWN_DIRECTIVES.iter().find(|d| d.name == name);
            match known {
                None => self.report(format!("Unknown directive \"@{name}\"."), vec![directive.pos]),
                Some(known) if !known.locations.contains(&spot) => self.report(
                    format!("Directive \"{name}\" may not be used on \"{}\".", spot.as_str()),
                    vec![directive.pos],
                ),
                Some(_) => {}
            }
            if let Some(known) = known {
                for (argument, _) in &directive.node.arguments {
                    if !known.arguments.iter().any(|(a, _)| *a == argument.node.as_str()) {
                        let options = known.arguments.iter().map(|(a, _)| *a);
                        let message = format!(
                            "Unknown argument \"{}\" on directive \"@{name}\".{}",
                            argument.node,
                            suggestions::did_you_mean(&suggestions::suggestion_list(&argument.node, options))
                        );
                        self.report(message, vec![argument.pos]);
                    }
                }
            }
            let mut seen: HashMap<&str, Pos> = HashMap::new();
            for (argument, value) in &directive.node.arguments {
                if let Some(first) = seen.get(argument.node.as_str()) {
                    let message = format!("There can be only one argument named \"{}\".", argument.node);
                    self.report(message, vec![*first, argument.pos]);
                } else {
                    seen.insert(argument.node.as_str(), argument.pos);
                }
                let expected = known
                    .and_then(|k| k.arguments.iter().find(|(a, _)| *a == argument.node.as_str()))
                    .map(|(_, ty)| super::definitions::parse_type(ty));
                let check = ValueCheck { source: self.source, schema: self.schema, shape: self.shape };
                self.errors.extend(check_value(&check, value.pos, expected.as_ref(), (name, &argument.node)));
            }
            if let Some(known) = known {
                for (argument, ty) in known.arguments {
                    let required = ty.ends_with('!');
                    if required && !directive.node.arguments.iter().any(|(a, _)| a.node.as_str() == *argument) {
                        let message = format!(
                            "Directive \"@{name}\" argument \"{argument}\" of type \"{ty}\" is required but not provided."
                        );
                        self.report(message, vec![directive.pos]);
                    }
                }
            }
        }
    }
}

/// VariablesInAllowedPosition: a nullable variable fills a non-null position only with a
/// non-null default; lists and names must match (`[String!]` fits `[String]`).
fn allowed_in_position(defined: &Type, non_null_default: bool, expected: &Type) -> bool {
    if !expected.nullable && defined.nullable {
        if !non_null_default {
            return false;
        }
        let nullable = Type { base: expected.base.clone(), nullable: true };
        return is_subtype(defined, &nullable);
    }
    is_subtype(defined, expected)
}

fn is_subtype(sub: &Type, sup: &Type) -> bool {
    use async_graphql::parser::types::BaseType;
    if !sup.nullable && sub.nullable {
        return false;
    }
    match (&sub.base, &sup.base) {
        (BaseType::List(a), BaseType::List(b)) => is_subtype(a, b),
        (BaseType::Named(a), BaseType::Named(b)) => a == b,
        _ => false,
    }
}
