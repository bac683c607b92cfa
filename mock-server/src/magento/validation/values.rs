//! ValuesOfCorrectType and UniqueInputFieldNames for one literal value (an argument's, or a
//! variable's default), with Magento's own scalars: `String` takes any scalar literal (PHP casts
//! it), `Int` and `Float` take numeric strings and booleans.

use async_graphql::Pos;
use async_graphql::parser::types::{BaseType, Type};

use super::ValidationError;
use super::literal::{self, At, Literal, print};
use super::schema_index::{Kind, SchemaIndex, named_type};
use super::suggestions;
use crate::magento::ErrorShape;

pub struct ValueCheck<'a> {
    pub source: &'a str,
    pub schema: &'a SchemaIndex,
    pub shape: ErrorShape,
}

/// The errors of the literal at `pos` for a position of type `expected` (`None`: not known, so
/// only duplicate input fields count). `place` names the field and argument (webonyx 14's wording).
pub fn check_value(
    check: &ValueCheck<'_>,
    pos: Pos,
    expected: Option<&Type>,
    place: (&str, &str),
) -> Vec<ValidationError> {
    let Some(literal) = literal::read(check.source, pos) else { return Vec::new() };
    let mut errors = Vec::new();
    visit(check, &literal, expected, true, place, &mut errors);
    errors
}

fn visit(
    check: &ValueCheck<'_>,
    at: &At,
    expected: Option<&Type>,
    typed: bool,
    place: (&str, &str),
    errors: &mut Vec<ValidationError>,
) {
    let report = |problem: String, pos: Pos, errors: &mut Vec<ValidationError>| {
        let message = match (check.shape, expected) {
            (ErrorShape::Webonyx14, Some(expected)) => format!(
                "Field \"{}\" argument \"{}\" requires type {expected}, found {}.",
                place.0,
                place.1,
                print(&at.value)
            ),
            _ => problem,
        };
        errors.push(ValidationError::new(message, vec![pos]));
    };
    match &at.value {
        Literal::Variable(_) => {}
        Literal::Null => {
            if typed && let Some(expected) = expected.filter(|t| !t.nullable) {
                report(format!("Expected value of type \"{expected}\", found null."), at.pos, errors);
            }
        }
        Literal::List(items) => {
            let item = match expected.map(|t| &t.base) {
                Some(BaseType::List(inner)) if typed => Some(inner.as_ref()),
                _ => {
                    if typed && let Some(problem) = leaf_problem(check, &at.value, expected) {
                        report(problem, at.pos, errors);
                    }
                    for value in items {
                        visit(check, value, None, false, place, errors);
                    }
                    return;
                }
            };
            for value in items {
                visit(check, value, item, typed, place, errors);
            }
        }
        Literal::Object(fields) => {
            let input_object =
                expected.is_some_and(|t| check.schema.real_kind(named_type(t)) == Some(Kind::InputObject));
            if typed
                && !input_object
                && let Some(problem) = leaf_problem(check, &at.value, expected)
            {
                report(problem, at.pos, errors);
            }
            // ValuesOfCorrectType on entering the object: the required fields it lacks, in the
            // type's order; then, field by field, an unknown field before a repeated one.
            let input_fields = expected
                .filter(|_| typed && input_object)
                .and_then(|t| check.schema.input_fields(named_type(t)).map(|f| (named_type(t), f)));
            if let Some((type_name, input_fields)) = input_fields {
                for (field, field_type) in input_fields {
                    if !field_type.nullable && !fields.iter().any(|(name, _, _)| name == field) {
                        let message =
                            format!("Field {type_name}.{field} of required type {field_type} was not provided.");
                        errors.push(ValidationError::new(message, vec![at.pos]));
                    }
                }
            }
            let mut seen: Vec<(&str, Pos)> = Vec::new();
            for (name, name_pos, value) in fields {
                let field_type = input_fields.and_then(|(_, f)| f.iter().find(|(field, _)| field == name));
                if let (Some((type_name, input_fields)), None) = (input_fields, field_type) {
                    let names = input_fields.iter().map(|(field, _)| *field);
                    let did_you_mean = suggestions::did_you_mean(&suggestions::suggestion_list(name, names));
                    let message = format!("Field \"{name}\" is not defined by type \"{type_name}\".{did_you_mean}");
                    errors.push(ValidationError::new(message, vec![*name_pos]));
                }
                if let Some((_, first)) = seen.iter().find(|(n, _)| n == name) {
                    errors.push(ValidationError::new(
                        format!("There can be only one input field named \"{name}\"."),
                        vec![*first, *name_pos],
                    ));
                } else {
                    seen.push((name, *name_pos));
                }
                match field_type {
                    Some((_, field_type)) => visit(check, value, Some(field_type), true, place, errors),
                    None => visit(check, value, None, false, place, errors),
                }
            }
        }
        _ => {
            if typed && let Some(problem) = leaf_problem(check, &at.value, expected) {
                report(problem, at.pos, errors);
            }
        }
    }
}

/// `isValidValueNode`: what the expected leaf type's `parseLiteral` says of the literal.
fn leaf_problem(check: &ValueCheck<'_>, value: &Literal, expected: Option<&Type>) -> Option<String> {
    let expected = expected?;
    let name = named_type(expected);
    let printed = print(value);
    match check.schema.real_kind(name) {
        Some(Kind::Scalar) => {}
        Some(Kind::Enum) => {
            return (!matches!(value, Literal::Enum(_)))
                .then(|| format!("Enum \"{name}\" cannot represent non-enum value: {printed}."));
        }
        _ => return Some(format!("Expected value of type \"{name}\", found {printed}.")),
    }
    let scalar_text = match value {
        Literal::Int(t) | Literal::Float(t) | Literal::Enum(t) => Some(t.clone()),
        Literal::String(t, _) => Some(t.clone()),
        Literal::Boolean(true) => Some("1".into()),
        Literal::Boolean(false) => Some(String::new()),
        _ => None,
    };
    match name {
        "String" => (scalar_text.is_none()).then(|| format!("String cannot represent a non string value: {printed}")),
        "Boolean" => (!matches!(value, Literal::Boolean(_)))
            .then(|| format!("Boolean cannot represent a non boolean value: {printed}")),
        "ID" => (!matches!(value, Literal::String(..) | Literal::Int(_)))
            .then(|| format!("ID cannot represent a non-string and non-integer value: {printed}")),
        "Int" => {
            let as_number = match value {
                Literal::Boolean(b) => Some(f64::from(u8::from(*b))),
                Literal::Int(t) | Literal::Float(t) | Literal::String(t, _) => t.trim().parse::<f64>().ok(),
                _ => None,
            };
            // webonyx's `IntType::parseLiteral` calls every refused literal "non-integer", an
            // out-of-range Int literal too.
            match (value, as_number) {
                (_, Some(n)) if n.fract() == 0.0 && n <= f64::from(i32::MAX) && n >= f64::from(i32::MIN) => None,
                _ => Some(format!("Int cannot represent non-integer value: {printed}")),
            }
        }
        "Float" => {
            let numeric = match value {
                Literal::Boolean(_) | Literal::Int(_) | Literal::Float(_) => true,
                Literal::String(t, _) => t.trim().parse::<f64>().is_ok(),
                _ => false,
            };
            (!numeric).then(|| format!("Float cannot represent non numeric value: {printed}"))
        }
        _ => None,
    }
}
