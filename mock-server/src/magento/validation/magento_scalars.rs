//! Magento's own `String` scalar (`Magento\Framework\GraphQl\Type\Definition\StringType`, 2.4.x)
//! casts before webonyx checks: `parseLiteral` turns an Int, Float, Boolean or Enum literal into
//! the string PHP's `(string)` makes of the literal's value, and `parseValue` does the same to a
//! variable's JSON value. So `email: 123` reaches the resolver as `"123"`, `true` as `"1"`,
//! `false` as `""`. Only lists, objects and null are refused.

use async_graphql::Positioned;
use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet, Type,
};
use async_graphql_value::Value;
use serde_json::Value as Json;

use super::literal::Literal;
use super::schema_index::{SchemaIndex, named_type};

/// Whether a variable's JSON value can fill a `String` position on Magento.
pub fn string_accepts_json(value: &Json) -> bool {
    !matches!(value, Json::Array(_) | Json::Object(_) | Json::Null)
}

/// `StringType::parseValue`: PHP's `(string)` of a decoded JSON scalar.
pub fn string_from_json(value: &Json) -> Option<String> {
    Some(match value {
        Json::String(text) => text.clone(),
        Json::Bool(true) => "1".into(),
        Json::Bool(false) => String::new(),
        Json::Number(number) => match (number.as_i64(), number.as_u64(), number.as_f64()) {
            (Some(int), _, _) => int.to_string(),
            (None, Some(int), _) => crate::magento::php::php_float_string(int as f64),
            (None, None, Some(float)) => crate::magento::php::php_float_string(float),
            _ => return None,
        },
        Json::Null | Json::Array(_) | Json::Object(_) => return None,
    })
}

/// Rewrites the non-string literals in `String` arguments into the strings Magento passes on, so
/// the resolvers see what Magento's resolvers see. `source` is the document's text: a Float
/// literal keeps its spelling (`1.50` stays `"1.50"`).
pub fn cast_string_literals(document: &mut ExecutableDocument, source: &str, schema: &SchemaIndex) {
    let operations: Vec<&mut Positioned<OperationDefinition>> = match &mut document.operations {
        DocumentOperations::Single(operation) => vec![operation],
        DocumentOperations::Multiple(operations) => operations.values_mut().collect(),
    };
    for operation in operations {
        let root = match operation.node.ty {
            async_graphql::parser::types::OperationType::Query => "Query",
            async_graphql::parser::types::OperationType::Mutation => "Mutation",
            async_graphql::parser::types::OperationType::Subscription => continue,
        };
        cast_in(&mut operation.node.selection_set.node, root, source, schema);
    }
    for fragment in document.fragments.values_mut() {
        let on = fragment.node.type_condition.node.on.node.to_string();
        cast_in(&mut fragment.node.selection_set.node, &on, source, schema);
    }
}

fn cast_in(set: &mut SelectionSet, parent: &str, source: &str, schema: &SchemaIndex) {
    for selection in &mut set.items {
        match &mut selection.node {
            Selection::Field(field) => {
                let Some(definition) = schema.get(parent).and_then(|t| t.fields.get(field.node.name.node.as_str()))
                else {
                    continue;
                };
                for (name, value) in &mut field.node.arguments {
                    let Some(argument) = definition.arguments.iter().find(|a| a.name == name.node.as_str()) else {
                        continue;
                    };
                    if let Some(literal) = super::literal::read(source, value.pos) {
                        cast_value(&mut value.node, &literal.value, &argument.ty, schema);
                    }
                }
                let child = named_type(&definition.ty).to_owned();
                cast_in(&mut field.node.selection_set.node, &child, source, schema);
            }
            Selection::InlineFragment(fragment) => {
                let on = fragment
                    .node
                    .type_condition
                    .as_ref()
                    .map_or_else(|| parent.to_owned(), |c| c.node.on.node.to_string());
                cast_in(&mut fragment.node.selection_set.node, &on, source, schema);
            }
            Selection::FragmentSpread(_) => {}
        }
    }
}

/// Casts the literal `value` (read again as `literal`, which keeps numbers' spelling) where it
/// fills a `String`: directly, as a list's items, or in an input object's fields, at any depth.
fn cast_value(value: &mut Value, literal: &Literal, ty: &Type, schema: &SchemaIndex) {
    match (&ty.base, value, literal) {
        (BaseType::List(inner), Value::List(items), Literal::List(literals)) => {
            for (item, literal) in items.iter_mut().zip(literals) {
                cast_value(item, &literal.value, inner, schema);
            }
        }
        // A single value in a list's place is a list of one.
        (BaseType::List(inner), value, literal) => cast_value(value, literal, inner, schema),
        (BaseType::Named(name), Value::Object(map), Literal::Object(fields)) => {
            let Some(input_fields) = schema.input_fields(name) else { return };
            for (field, _, literal) in fields {
                let field_type = input_fields.iter().find(|(f, _)| f == field).map(|(_, t)| t);
                if let (Some(field_type), Some(value)) = (field_type, map.get_mut(field.as_str())) {
                    cast_value(value, &literal.value, field_type, schema);
                }
            }
        }
        (BaseType::Named(name), value, literal) if name == "String" => {
            let text = match literal {
                Literal::Int(text) | Literal::Float(text) | Literal::Enum(text) => Some(text.clone()),
                Literal::Boolean(true) => Some("1".into()),
                Literal::Boolean(false) => Some(String::new()),
                _ => None,
            };
            if let Some(text) = text.filter(|_| matches!(value, Value::Number(_) | Value::Boolean(_) | Value::Enum(_)))
            {
                *value = Value::String(text);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each expected string is what PHP 8.2 printed for `(string)` of the same float.
    #[test]
    fn floats_become_the_strings_php_makes() {
        let cases = [
            (0.1 + 0.2, "0.3"),
            (1.5, "1.5"),
            (1e25, "1.0E+25"),
            (1.0, "1"),
            (1e15, "1.0E+15"),
            (1e14, "1.0E+14"),
            (123456789012345678.0, "1.2345678901235E+17"),
            (-0.0, "-0"),
            (1e-5, "1.0E-5"),
            (0.0001, "0.0001"),
        ];
        for (value, php) in cases {
            assert_eq!(crate::magento::php::php_float_string(value), php, "{value:e}");
        }
    }

    #[test]
    fn variables_are_cast_like_php() {
        assert_eq!(string_from_json(&serde_json::json!(5)).as_deref(), Some("5"));
        assert_eq!(string_from_json(&serde_json::json!(true)).as_deref(), Some("1"));
        assert_eq!(string_from_json(&serde_json::json!(false)).as_deref(), Some(""));
        assert_eq!(string_from_json(&serde_json::json!(1.5)).as_deref(), Some("1.5"));
        assert_eq!(string_from_json(&serde_json::json!([])), None);
    }

    #[test]
    fn literals_keep_their_spelling() {
        let source = "mutation {\n  requestPasswordResetEmail(email: 1.50)\n}";
        let schema = SchemaIndex::from_sdl("type Mutation { requestPasswordResetEmail(email: String!): Boolean }");
        let mut document = async_graphql::parser::parse_query(source).unwrap();
        cast_string_literals(&mut document, source, &schema);
        let printed = format!("{:?}", document);
        assert!(printed.contains("String(\"1.50\")"), "{printed}");
    }
}
