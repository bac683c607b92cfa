//! The webonyx validation rules a request for this schema can break, in one walk over the
//! document: fields, arguments and their literal values, leaf selections, fragments, variables.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{
    BaseType, Directive, ExecutableDocument, Field, OperationDefinition, OperationType, Selection, SelectionSet, Type,
};
use async_graphql::{Name, Pos, Positioned};
use async_graphql_value::Value;

use super::definitions::{
    check_definitions, check_directives, check_overlapping_fields, check_unique_arguments, directive_conditions,
};
use super::schema_index::{Kind, SchemaIndex, named_type};
use super::{MAX_QUERY_COMPLEXITY, MAX_QUERY_DEPTH, ValidationError};
use crate::magento::{ErrorShape, MagentoVersion};

/// Every error webonyx would report for `operation`, in document order.
pub fn validate_document(
    document: &ExecutableDocument,
    operation: &Positioned<OperationDefinition>,
    schema: &SchemaIndex,
    version: MagentoVersion,
) -> Vec<ValidationError> {
    let mut walk = Walk {
        document,
        schema,
        shape: version.shape(),
        errors: Vec::new(),
        variable_uses: Vec::new(),
        visited_fragments: HashSet::new(),
        deepest: 0,
        complexity: 0,
    };
    let root = match operation.node.ty {
        OperationType::Query => "Query",
        OperationType::Mutation => "Mutation",
        OperationType::Subscription => {
            let message = "Schema is not configured to execute subscription operation.";
            return vec![ValidationError::new(message, vec![operation.pos])];
        }
    };
    walk.errors.extend(check_definitions(document, operation, schema));
    let definitions: HashMap<&str, &Positioned<_>> =
        operation.node.variable_definitions.iter().map(|d| (d.node.name.node.as_str(), d)).collect();
    for definition in &operation.node.variable_definitions {
        let var_type = &definition.node.var_type.node;
        match schema.kind_of(var_type) {
            None => {
                walk.report(format!("Unknown type \"{}\".", named_type(var_type)), vec![definition.node.var_type.pos])
            }
            Some(Kind::Object | Kind::Other) => walk.report(
                format!("Variable \"${}\" cannot be non-input type \"{}\".", definition.node.name.node, var_type),
                vec![definition.node.var_type.pos],
            ),
            Some(_) => {}
        }
    }
    walk.selection_set(&operation.node.selection_set.node, root, 0);
    if walk.deepest > MAX_QUERY_DEPTH {
        walk.report(format!("Max query depth should be {MAX_QUERY_DEPTH} but got {}.", walk.deepest), vec![]);
    }
    if walk.complexity > MAX_QUERY_COMPLEXITY {
        let message = format!("Max query complexity should be {MAX_QUERY_COMPLEXITY} but got {}.", walk.complexity);
        walk.report(message, vec![]);
    }

    let operation_name = operation_name(document, operation);
    let in_operation = |text: String| match &operation_name {
        Some(name) => format!("{text} by operation \"{name}\"."),
        None => format!("{text}."),
    };
    let uses = std::mem::take(&mut walk.variable_uses);
    for variable in &uses {
        match definitions.get(variable.name.as_str()) {
            None => walk.report(
                in_operation(format!("Variable \"${}\" is not defined", variable.name)),
                vec![variable.pos, operation.pos],
            ),
            Some(definition) => {
                let defined = &definition.node.var_type.node;
                let has_default = definition.node.default_value.is_some();
                if !allowed_in_position(defined, has_default, &variable.expected) {
                    walk.report(
                        format!(
                            "Variable \"${}\" of type \"{defined}\" used in position expecting type \"{}\".",
                            variable.name, variable.expected
                        ),
                        vec![definition.pos, variable.pos],
                    );
                }
            }
        }
    }
    for definition in &operation.node.variable_definitions {
        let name = definition.node.name.node.as_str();
        if !uses.iter().any(|u| u.name == name) {
            let message = match &operation_name {
                Some(op) => format!("Variable \"${name}\" is never used in operation \"{op}\"."),
                None => format!("Variable \"${name}\" is never used."),
            };
            walk.report(message, vec![definition.pos]);
        }
    }
    walk.errors
}

fn operation_name(document: &ExecutableDocument, operation: &Positioned<OperationDefinition>) -> Option<String> {
    document
        .operations
        .iter()
        .find(|(_, op)| std::ptr::eq(*op, operation))
        .and_then(|(name, _)| name.map(|n| n.to_string()))
}

/// A nullable variable may not fill a non-null position unless it has a default.
fn allowed_in_position(defined: &Type, has_default: bool, expected: &Type) -> bool {
    let nullability_ok = defined.nullable <= expected.nullable || has_default;
    nullability_ok && defined.base == expected.base
}

struct VariableUse {
    name: String,
    pos: Pos,
    expected: Type,
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    schema: &'a SchemaIndex,
    shape: ErrorShape,
    errors: Vec<ValidationError>,
    variable_uses: Vec<VariableUse>,
    visited_fragments: HashSet<&'a str>,
    deepest: usize,
    /// webonyx's default: every field counts one.
    complexity: usize,
}

impl<'a> Walk<'a> {
    fn report(&mut self, message: String, locations: Vec<Pos>) {
        self.errors.push(ValidationError::new(message, locations));
    }

    fn selection_set(&mut self, set: &'a SelectionSet, parent: &str, depth: usize) {
        check_overlapping_fields(set, &mut self.errors);
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    self.directives(&field.node.directives);
                    self.field(field, selection.pos, parent, depth);
                }
                Selection::InlineFragment(fragment) => {
                    self.directives(&fragment.node.directives);
                    let on = fragment.node.type_condition.as_ref().map(|c| &c.node.on);
                    let target = match on {
                        Some(on) if self.schema.get(&on.node).is_none() => {
                            self.report(format!("Unknown type \"{}\".", on.node), vec![on.pos]);
                            continue;
                        }
                        Some(on) if self.schema.get(&on.node).is_some_and(|t| t.kind != Kind::Object) => {
                            let message = format!("Fragment cannot condition on non composite type \"{}\".", on.node);
                            self.report(message, vec![on.pos]);
                            continue;
                        }
                        Some(on) if on.node != parent => {
                            let message = format!(
                                "Fragment cannot be spread here as objects of type \"{parent}\" can never be of type \"{}\".",
                                on.node
                            );
                            self.report(message, vec![selection.pos]);
                            continue;
                        }
                        Some(on) => on.node.as_str(),
                        None => parent,
                    };
                    self.selection_set(&fragment.node.selection_set.node, target, depth);
                }
                Selection::FragmentSpread(spread) => {
                    self.directives(&spread.node.directives);
                    let name = &spread.node.fragment_name;
                    let Some(definition) = self.document.fragments.get(&name.node) else {
                        self.report(format!("Unknown fragment \"{}\".", name.node), vec![name.pos]);
                        continue;
                    };
                    let on = &definition.node.type_condition.node.on;
                    if self.schema.get(&on.node).is_some_and(|t| t.kind == Kind::Object) && on.node != parent {
                        let message = format!(
                            "Fragment \"{}\" cannot be spread here as objects of type \"{parent}\" can never be of type \"{}\".",
                            name.node, on.node
                        );
                        self.report(message, vec![selection.pos]);
                        continue;
                    }
                    // A cycle is reported by async-graphql's own validation; walking it once is enough here.
                    if !self.visited_fragments.insert(name.node.as_str()) {
                        continue;
                    }
                    let on = &definition.node.type_condition.node.on;
                    if self.schema.get(&on.node).is_none() {
                        self.report(format!("Unknown type \"{}\".", on.node), vec![on.pos]);
                        continue;
                    }
                    self.selection_set(&definition.node.selection_set.node, on.node.as_str(), depth);
                }
            }
        }
    }

    fn field(&mut self, field: &'a Positioned<Field>, pos: Pos, parent: &str, depth: usize) -> Option<()> {
        let name = field.node.name.node.as_str();
        self.complexity += 1;
        if name == "__typename" {
            return Some(());
        }
        if parent == "Query" && (name == "__schema" || name == "__type") {
            // Introspection types are not in the SDL; async-graphql validates those selections.
            return Some(());
        }
        let parent_info = self.schema.get(parent)?;
        let Some(definition) = parent_info.fields.get(name) else {
            self.report(format!("Cannot query field \"{name}\" on type \"{parent}\"."), vec![pos]);
            return Some(());
        };
        let field_type = named_type(&definition.ty).to_owned();
        let kind = self.schema.get(&field_type).map(|t| t.kind);
        let selection = &field.node.selection_set;
        match kind {
            Some(Kind::Scalar | Kind::Enum) if !selection.node.items.is_empty() => self.report(
                format!("Field \"{name}\" of type \"{}\" must not have a sub selection.", definition.ty),
                vec![selection.pos],
            ),
            Some(Kind::Object | Kind::Other) if selection.node.items.is_empty() => self.report(
                format!("Field \"{name}\" of type \"{}\" must have a sub selection.", definition.ty),
                vec![pos],
            ),
            _ => {}
        }
        check_unique_arguments(&field.node.arguments, &mut self.errors);
        for (arg_name, value) in &field.node.arguments {
            match definition.arguments.iter().find(|a| a.name == arg_name.node.as_str()) {
                None => self.report(
                    format!("Unknown argument \"{}\" on field \"{name}\" of type \"{parent}\".", arg_name.node),
                    vec![arg_name.pos],
                ),
                Some(argument) => self.value(&value.node, value.pos, &argument.ty, name, &argument.name),
            }
        }
        for argument in &definition.arguments {
            let given = field.node.arguments.iter().any(|(n, _)| n.node.as_str() == argument.name);
            if !argument.ty.nullable && !argument.has_default && !given {
                self.report(
                    format!(
                        "Field \"{name}\" argument \"{}\" of type \"{}\" is required but not provided.",
                        argument.name, argument.ty
                    ),
                    vec![pos],
                );
            }
        }
        if matches!(kind, Some(Kind::Object | Kind::Other)) {
            self.deepest = self.deepest.max(depth + 1);
            self.selection_set(&selection.node, &field_type, depth + 1);
        }
        Some(())
    }

    /// Directives on a field or fragment: known, unique, and an `if: Boolean!` of the right kind.
    fn directives(&mut self, directives: &'a [Positioned<Directive>]) {
        check_directives(directives, None, &mut self.errors);
        let boolean = Type { base: BaseType::Named(Name::new("Boolean")), nullable: false };
        for condition in directive_conditions(directives) {
            self.value(&condition.node, condition.pos, &boolean, "if", "if");
        }
    }

    /// ValuesOfCorrectType for a literal argument value (webonyx 15), or its 14 form.
    fn value(&mut self, value: &Value, pos: Pos, expected: &Type, field: &str, argument: &str) {
        if let Value::Variable(variable) = value {
            self.variable_uses.push(VariableUse { name: variable.to_string(), pos, expected: expected.clone() });
            return;
        }
        let problem = match value {
            Value::Null if !expected.nullable => Some(format!("Expected value of type \"{expected}\", found null.")),
            Value::Null => None,
            _ => literal_problem(value, named_type(expected), self.schema),
        };
        if let Some(problem) = problem {
            let message = match self.shape {
                ErrorShape::Webonyx15 => problem,
                ErrorShape::Webonyx14 => {
                    format!("Field \"{field}\" argument \"{argument}\" requires type {expected}, found {value}.")
                }
            };
            self.report(message, vec![pos]);
        }
    }
}

/// What webonyx 15 says when `value` (a non-null literal) cannot be a `type_name`.
fn literal_problem(value: &Value, type_name: &str, schema: &SchemaIndex) -> Option<String> {
    let ok = match (type_name, value) {
        ("String", value) => super::magento_scalars::string_accepts_literal(value),
        ("ID", Value::String(_)) => true,
        ("ID", Value::Number(n)) => n.is_i64() || n.is_u64(),
        ("Int", Value::Number(n)) => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
        ("Float", Value::Number(_)) => true,
        ("Boolean", Value::Boolean(_)) => true,
        _ if schema.get(type_name).is_some_and(|t| t.kind != Kind::Scalar) => true,
        _ => false,
    };
    if ok {
        return None;
    }
    Some(match type_name {
        "String" => format!("String cannot represent a non string value: {value}"),
        "ID" => format!("ID cannot represent a non-string and non-integer value: {value}"),
        "Int" => format!("Int cannot represent non-integer value: {value}"),
        "Float" => format!("Float cannot represent non numeric value: {value}"),
        "Boolean" => format!("Boolean cannot represent a non boolean value: {value}"),
        other => format!("Expected value of type \"{other}\", found {value}."),
    })
}
