//! Coercion of the request's variables (webonyx's `Values::getVariableValues`): missing, null
//! and wrongly typed values are refused before execution, at the variable's definition.

use async_graphql::parser::types::{BaseType, OperationDefinition, Type};
use async_graphql::{Name, Variables};
use serde_json::{Map, Value as Json};

use super::ValidationError;
use super::schema_index::named_type;
use crate::magento::{ErrorShape, MagentoVersion};

pub fn coerce_variables(
    operation: &OperationDefinition,
    provided: &Map<String, Json>,
    version: MagentoVersion,
) -> Result<Variables, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let mut coerced = Variables::default();
    for definition in &operation.variable_definitions {
        let name = definition.node.name.node.as_str();
        let ty = &definition.node.var_type.node;
        let at = vec![definition.pos];
        match provided.get(name) {
            None if definition.node.default_value.is_some() => {}
            None if !ty.nullable => errors.push(ValidationError::new(
                format!("Variable \"${name}\" of required type \"{ty}\" was not provided."),
                at,
            )),
            None => {}
            Some(Json::Null) if !ty.nullable => errors.push(ValidationError::new(
                format!("Variable \"${name}\" of non-null type \"{ty}\" must not be null."),
                at,
            )),
            Some(value) => match problem(value, ty) {
                Some(problem) => {
                    let printed = serde_json::to_string(value).unwrap_or_default();
                    let message = match version.shape() {
                        ErrorShape::Webonyx15 => format!("Variable \"${name}\" got invalid value {printed}; {problem}"),
                        ErrorShape::Webonyx14 => format!(
                            "Variable \"${name}\" got invalid value {printed}; Expected type {}; {problem}",
                            base_name(ty)
                        ),
                    };
                    errors.push(ValidationError::new(message, at));
                }
                None => {
                    let value = match named_type(ty) {
                        "String" if !is_list(ty) => {
                            super::magento_scalars::string_from_json(value).map_or(value.clone(), Json::String)
                        }
                        _ => value.clone(),
                    };
                    if let Ok(value) = async_graphql::Value::from_json(value) {
                        coerced.insert(Name::new(name), value);
                    }
                }
            },
        }
    }
    if errors.is_empty() { Ok(coerced) } else { Err(errors) }
}

fn is_list(ty: &Type) -> bool {
    matches!(ty.base, BaseType::List(_))
}

fn base_name(ty: &Type) -> String {
    match &ty.base {
        BaseType::Named(name) => name.to_string(),
        BaseType::List(inner) => format!("[{inner}]"),
    }
}

/// webonyx 15's reason a JSON value cannot be a `ty`, if any.
fn problem(value: &Json, ty: &Type) -> Option<String> {
    if value.is_null() {
        return (!ty.nullable).then(|| format!("Expected non-nullable type \"{ty}\" not to be null."));
    }
    let printed = || serde_json::to_string(value).unwrap_or_default();
    match &ty.base {
        BaseType::List(inner) => match value {
            Json::Array(items) => items.iter().find_map(|item| problem(item, inner)),
            single => problem(single, inner),
        },
        BaseType::Named(name) => {
            let ok = match name.as_str() {
                "String" => super::magento_scalars::string_accepts_json(value),
                "ID" => value.is_string() || value.is_i64() || value.is_u64(),
                "Int" => value.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
                "Float" => value.is_number(),
                "Boolean" => value.is_boolean(),
                _ => true,
            };
            (!ok).then(|| match name.as_str() {
                "String" => format!("String cannot represent a non string value: {}", printed()),
                "ID" => format!("ID cannot represent a non-string and non-integer value: {}", printed()),
                "Int" => format!("Int cannot represent non-integer value: {}", printed()),
                "Float" => format!("Float cannot represent non numeric value: {}", printed()),
                _ => format!("Boolean cannot represent a non boolean value: {}", printed()),
            })
        }
    }
}
