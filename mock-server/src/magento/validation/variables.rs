//! Coercion of the request's variables (webonyx's `Values::getVariableValues`) with Magento's
//! scalars: missing, null and wrongly typed values are refused before execution, at the
//! variable's definition, with the value printed as webonyx prints it (`Utils::printSafeJson`).

use async_graphql::parser::types::{BaseType, OperationDefinition, Type};
use async_graphql::{Name, Variables};
use async_graphql_value::ConstValue;
use serde_json::{Map, Value as Json};

use super::ValidationError;
use super::literal::{self, Literal};
use super::schema_index::{Kind, SchemaIndex, named_type};
use crate::magento::php::php_float_string;
use crate::magento::{ErrorShape, MagentoVersion};

pub fn coerce_variables(
    operation: &OperationDefinition,
    source: &str,
    provided: &Map<String, Json>,
    schema: &SchemaIndex,
    version: MagentoVersion,
) -> Result<Variables, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let mut coerced = Variables::default();
    for definition in &operation.variable_definitions {
        let name = definition.node.name.node.as_str();
        let ty = &definition.node.var_type.node;
        let at = vec![definition.pos];
        match provided.get(name) {
            None if definition.node.default_value.is_some() => {
                // The default goes through the type's `parseLiteral`: Magento's `String` makes a
                // string of a number, boolean or enum literal.
                let casts = named_type(ty) == "String"
                    && !is_list(ty)
                    && definition.node.default_value.as_ref().is_some_and(|d| {
                        matches!(d.node, ConstValue::Number(_) | ConstValue::Boolean(_) | ConstValue::Enum(_))
                    });
                let default =
                    definition.node.default_value.as_ref().filter(|_| casts).and_then(|d| literal::read(source, d.pos));
                let cast = match default.map(|d| d.value) {
                    Some(Literal::Int(text) | Literal::Float(text) | Literal::Enum(text)) => Some(text),
                    Some(Literal::Boolean(true)) => Some("1".to_owned()),
                    Some(Literal::Boolean(false)) => Some(String::new()),
                    _ => None,
                };
                if let Some(text) = cast.filter(|_| named_type(ty) == "String" && !is_list(ty)) {
                    coerced.insert(Name::new(name), async_graphql::Value::String(text));
                } else if let Some(default) = &definition.node.default_value {
                    coerced.insert(Name::new(name), default.node.clone());
                }
            }
            None if !ty.nullable => errors.push(ValidationError::new(
                format!("Variable \"${name}\" of required type \"{ty}\" was not provided."),
                at,
            )),
            None => {}
            Some(Json::Null) if !ty.nullable => errors.push(ValidationError::new(
                format!("Variable \"${name}\" of non-null type \"{ty}\" must not be null."),
                at,
            )),
            Some(value) => match coerce(value, ty, None, schema) {
                Err(problems) => {
                    for problem in problems {
                        let printed = print_safe_json(&problem.value);
                        let message = match version.shape() {
                            ErrorShape::Webonyx15 => {
                                let at = problem.path.map(|p| format!(" at \"{name}{}\"", print_path(&p)));
                                format!(
                                    "Variable \"${name}\" got invalid value {printed}{}; {}",
                                    at.unwrap_or_default(),
                                    problem.message
                                )
                            }
                            ErrorShape::Webonyx14 => format!(
                                "Variable \"${name}\" got invalid value {printed}; Expected type {}; {}",
                                base_name(ty),
                                problem.message
                            ),
                        };
                        errors.push(ValidationError::new(message, at.clone()));
                    }
                }
                Ok(value) => {
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

/// `Utils::printSafeJson` of a value PHP's `json_decode($body, true)` made: arrays (lists and
/// objects alike, `{}` being an empty array) as `json_encode` writes them, strings quoted as
/// they are, `""` as `(empty string)`, floats as PHP's `(string)`.
pub fn print_safe_json(value: &Json) -> String {
    match value {
        Json::Array(_) | Json::Object(_) => crate::magento::php::json_encode(&php_decoded(value)),
        Json::String(text) if text.is_empty() => "(empty string)".into(),
        Json::String(text) => format!("\"{text}\""),
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(int), _) => int.to_string(),
            (None, Some(float)) => php_float_string(float),
            _ => n.to_string(),
        },
    }
}

/// What `json_decode` gives back: integers beyond 64 bits become floats, `{}` an empty list, and
/// an object keyed `"0"`, `"1"`... in order a list (which `json_encode` writes as one).
fn php_decoded(value: &Json) -> Json {
    match value {
        Json::Object(map) if map.keys().enumerate().all(|(i, k)| *k == i.to_string()) => {
            Json::Array(map.values().map(php_decoded).collect())
        }
        Json::Object(map) => Json::Object(map.iter().map(|(k, v)| (k.clone(), php_decoded(v))).collect()),
        Json::Array(items) => Json::Array(items.iter().map(php_decoded).collect()),
        Json::Number(n) if n.as_i64().is_none() => n.as_f64().map_or(Json::Null, |f| serde_json::json!(f)),
        other => other.clone(),
    }
}

/// PHP's `is_numeric` of a decoded JSON scalar, as the float Magento's `Int` and `Float` cast it to.
fn numeric(value: &Json) -> Option<f64> {
    match value {
        Json::Number(n) => n.as_f64(),
        Json::Bool(b) => Some(f64::from(u8::from(*b))),
        Json::String(text) => {
            let trimmed = text.trim_start_matches([' ', '\t', '\n', '\r', '\u{b}', '\u{c}']);
            let trimmed = trimmed.trim_end_matches([' ', '\t', '\n', '\r', '\u{b}', '\u{c}']);
            let valid = !trimmed.is_empty()
                && trimmed.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'))
                && trimmed.chars().any(|c| c.is_ascii_digit());
            if valid { trimmed.parse::<f64>().ok() } else { None }
        }
        _ => None,
    }
}

/// One step of the path to a value inside a variable: an input field or a list index.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Field(String),
    Index(usize),
}

/// A `CoercionError`: the problem, where it is inside the variable (`None` at the top, and for a
/// single value a list takes as its one item, whose path webonyx forgets), and the value at fault.
#[derive(Debug)]
struct Problem {
    message: String,
    path: Option<Vec<Segment>>,
    value: Json,
}

/// `CoercionError::printInputPath`: `.field` and `[index]`.
fn print_path(path: &[Segment]) -> String {
    path.iter()
        .map(|segment| match segment {
            Segment::Field(name) => format!(".{name}"),
            Segment::Index(index) => format!("[{index}]"),
        })
        .collect()
}

fn extended(path: &Option<Vec<Segment>>, segment: Segment) -> Option<Vec<Segment>> {
    let mut path = path.clone().unwrap_or_default();
    path.push(segment);
    Some(path)
}

/// `Value::coerceInputValue` with Magento's scalars: the value to execute with, or every problem
/// in webonyx's order (an input object's fields in the type's order, then its unknown keys).
fn coerce(value: &Json, ty: &Type, path: Option<Vec<Segment>>, schema: &SchemaIndex) -> Result<Json, Vec<Problem>> {
    if value.is_null() {
        if ty.nullable {
            return Ok(Json::Null);
        }
        let message = format!("Expected non-nullable type \"{ty}\" not to be null.");
        return Err(vec![Problem { message, path, value: Json::Null }]);
    }
    let name = match &ty.base {
        BaseType::List(inner) => return coerce_list(value, inner, &path, schema),
        BaseType::Named(name) => name.as_str(),
    };
    if schema.real_kind(name) != Some(Kind::InputObject) {
        return match scalar_problem(value, name) {
            Some(message) => Err(vec![Problem { message, path, value: value.clone() }]),
            // Magento's `String` casts what it accepts to a string.
            None if name == "String" => {
                Ok(super::magento_scalars::string_from_json(value).map_or_else(|| value.clone(), Json::String))
            }
            None => Ok(value.clone()),
        };
    }
    // `json_decode($body, true)` makes lists and objects PHP arrays: a list's keys are its indexes.
    let entries: Vec<(String, &Json)> = match value {
        Json::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Json::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        _ => {
            let message = format!("Expected type \"{name}\" to be an object.");
            return Err(vec![Problem { message, path, value: value.clone() }]);
        }
    };
    let fields = schema.input_fields(name).unwrap_or_default();
    let mut problems = Vec::new();
    let mut coerced = Map::new();
    for (field, field_type) in fields {
        match entries.iter().find(|(key, _)| key == field) {
            Some((_, given)) => {
                match coerce(given, field_type, extended(&path, Segment::Field((*field).to_owned())), schema) {
                    Ok(value) => {
                        coerced.insert((*field).to_owned(), value);
                    }
                    Err(more) => problems.extend(more),
                }
            }
            None if !field_type.nullable => problems.push(Problem {
                message: format!("Field \"{field}\" of required type \"{field_type}\" was not provided."),
                path: path.clone(),
                value: value.clone(),
            }),
            None => {}
        }
    }
    for (key, _) in &entries {
        if fields.iter().any(|(field, _)| field == key) {
            continue;
        }
        let names = fields.iter().map(|(field, _)| *field);
        let did_you_mean = super::suggestions::did_you_mean(&super::suggestions::suggestion_list(key, names));
        problems.push(Problem {
            message: format!("Field \"{key}\" is not defined by type \"{name}\".{did_you_mean}"),
            path: path.clone(),
            value: value.clone(),
        });
    }
    if problems.is_empty() { Ok(Json::Object(coerced)) } else { Err(problems) }
}

/// A list's items each at their index (a JSON object is a PHP array too: its values are the
/// items, at their keys); any other value is a list of one, whose path webonyx forgets.
fn coerce_list(
    value: &Json,
    item: &Type,
    path: &Option<Vec<Segment>>,
    schema: &SchemaIndex,
) -> Result<Json, Vec<Problem>> {
    let items: Vec<(Segment, &Json)> = match value {
        Json::Array(items) => items.iter().enumerate().map(|(i, v)| (Segment::Index(i), v)).collect(),
        Json::Object(map) => map.iter().map(|(k, v)| (php_key(k), v)).collect(),
        _ => return coerce(value, item, None, schema).map(|one| Json::Array(vec![one])),
    };
    let mut problems = Vec::new();
    let mut coerced = Vec::new();
    for (segment, value) in items {
        match coerce(value, item, extended(path, segment), schema) {
            Ok(value) => coerced.push(value),
            Err(more) => problems.extend(more),
        }
    }
    if problems.is_empty() { Ok(Json::Array(coerced)) } else { Err(problems) }
}

/// PHP makes a key that is a canonical decimal integer an integer.
fn php_key(key: &str) -> Segment {
    match key.parse::<usize>() {
        Ok(index) if index.to_string() == key => Segment::Index(index),
        _ => Segment::Field(key.to_owned()),
    }
}

/// webonyx 15's reason a JSON value cannot be the named leaf type (after Magento's casts), if any.
fn scalar_problem(value: &Json, name: &str) -> Option<String> {
    match name {
        "String" => (!super::magento_scalars::string_accepts_json(value))
            .then(|| format!("String cannot represent a non string value: {}", print_safe_json(value))),
        "ID" => (!(value.is_string() || value.is_i64() || value.is_u64() && value.as_i64().is_some()))
            .then(|| format!("ID cannot represent a non-string and non-integer value: {}", print_safe_json(value))),
        "Int" => match numeric(value) {
            Some(n) if n.fract() != 0.0 => {
                Some(format!("Int cannot represent non-integer value: {}", php_float_string(n)))
            }
            Some(n) if n > f64::from(i32::MAX) || n < f64::from(i32::MIN) => {
                Some(format!("Int cannot represent non 32-bit signed integer value: {}", php_float_string(n)))
            }
            Some(_) => None,
            None => Some(format!("Int cannot represent non-integer value: {}", print_safe_json(value))),
        },
        "Float" => numeric(value)
            .is_none()
            .then(|| format!("Float cannot represent non numeric value: {}", print_safe_json(value))),
        "Boolean" => (!value.is_boolean())
            .then(|| format!("Boolean cannot represent a non boolean value: {}", print_safe_json(value))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(value: &Json, ty: &str) -> Vec<String> {
        let schema = SchemaIndex::from_sdl("type Query { a: Int }");
        let ty = Type::new(ty).expect("a type");
        match coerce(value, &ty, None, &schema) {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .into_iter()
                .map(|p| {
                    format!("{} at {:?}: {}", print_safe_json(&p.value), p.path.map(|p| print_path(&p)), p.message)
                })
                .collect(),
        }
    }

    /// Missing required fields in the type's (sorted) order, then unknown keys in the value's.
    #[test]
    fn an_input_object_is_checked_field_by_field() {
        assert_eq!(
            problems(&json!({"nickname": "x", "lastname": "C"}), "CustomerCreateInput!"),
            [
                r#"{"nickname":"x","lastname":"C"} at None: Field "email" of required type "String!" was not provided."#,
                r#"{"nickname":"x","lastname":"C"} at None: Field "firstname" of required type "String!" was not provided."#,
                r#"{"nickname":"x","lastname":"C"} at None: Field "nickname" is not defined by type "CustomerCreateInput". Did you mean "firstname" or "lastname"?"#,
            ]
        );
    }

    /// PHP iterates an object given for a list: its values are the items, at their keys.
    #[test]
    fn an_object_in_a_list_place_is_a_list_of_its_values() {
        assert_eq!(
            problems(&json!({"custom_attributes": {"attribute_code": "a", "0": null}}), "CustomerUpdateInput"),
            [
                r#""a" at Some(".custom_attributes.attribute_code"): Expected type "AttributeValueInput" to be an object."#
            ]
        );
        assert_eq!(
            problems(&json!({"custom_attributes": [{"value": "v", "selected_options": "x"}]}), "CustomerUpdateInput"),
            [
                r#"{"value":"v","selected_options":"x"} at Some(".custom_attributes[0]"): Field "attribute_code" of required type "String!" was not provided."#,
                r#""x" at None: Expected type "AttributeInputSelectedOption" to be an object."#,
            ]
        );
    }
}
