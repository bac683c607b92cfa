//! async-graphql's parse failures, for the few documents webonyx accepts and async-graphql does
//! not (webonyx's own syntax errors come from [`super::webonyx_syntax`] first), and the nesting
//! guard that keeps deep documents away from async-graphql's recursive parser.

use async_graphql::Pos;
use async_graphql::parser::Error as ParseError;

use super::{MAX_QUERY_DEPTH, ValidationError, positions};

/// Deeper bracket nesting than this is refused before parsing: the parser recurses on it.
const MAX_NESTING: usize = 128;

/// A parse failure: a true syntax error (HTTP 400 from 2.4.7) or a document-level validation
/// error the parser happens to find first (HTTP 200).
#[derive(Debug, PartialEq, Eq)]
pub enum SyntaxError {
    Syntax(ValidationError),
    Validation(ValidationError),
}

/// Refuses absurdly nested documents cheaply, before the recursive parser sees them.
pub fn check_nesting(source: &str) -> Result<(), SyntaxError> {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        match c {
            '{' | '[' | '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            '"' => skip_string(&mut chars),
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' || c == '\r' {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    if deepest > MAX_NESTING {
        let message = format!("Max query depth should be {MAX_QUERY_DEPTH} but got {deepest}.");
        return Err(SyntaxError::Validation(ValidationError::new(message, vec![])));
    }
    Ok(())
}

fn skip_string(chars: &mut std::str::Chars<'_>) {
    let mut escaped = false;
    for c in chars.by_ref() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return,
            _ => escaped = false,
        }
    }
}

pub fn describe_parse_error(source: &str, error: &ParseError) -> SyntaxError {
    let validation =
        |message: String, locations: Vec<Pos>| SyntaxError::Validation(ValidationError::new(message, locations));
    match error {
        ParseError::Syntax { start, .. } => {
            let message = format!("Syntax Error: Unexpected {}", token_at(source, *start));
            SyntaxError::Syntax(ValidationError::new(message, vec![*start]))
        }
        ParseError::MultipleOperations { anonymous, .. } => {
            validation("This anonymous operation must be the only defined operation.".into(), vec![*anonymous])
        }
        // async-graphql points at the definitions, webonyx at their names.
        ParseError::OperationDuplicated { operation, first, second } => validation(
            format!("There can be only one operation named \"{operation}\"."),
            vec![defined_name(source, *first), defined_name(source, *second)],
        ),
        ParseError::FragmentDuplicated { fragment, first, second } => validation(
            format!("There can be only one fragment named \"{fragment}\"."),
            vec![defined_name(source, *first), defined_name(source, *second)],
        ),
        ParseError::RecursionLimitExceeded => {
            validation(format!("Max query depth should be {MAX_QUERY_DEPTH} but got more than 64."), vec![])
        }
        _ => validation("Must provide an operation.".into(), vec![]),
    }
}

/// Where the name of the operation or fragment defined at `definition` stands: after its
/// keyword (`query`, `fragment`...) and whatever webonyx's lexer skips.
fn defined_name(source: &str, definition: Pos) -> Pos {
    let start = positions::offset(source, definition);
    let rest = &source[start..];
    let keyword = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_').len();
    let name = start + keyword + positions::ignored_length(&rest[keyword..]);
    positions::position(source, name)
}

/// webonyx's description of the token at `pos`: `<EOF>`, `Name "foo"`, `"}"`, `Int "12"`...
fn token_at(source: &str, pos: Pos) -> String {
    let rest = source
        .split_inclusive('\n')
        .nth(pos.line.saturating_sub(1))
        .map(|line| {
            let offset = line.char_indices().nth(pos.column.saturating_sub(1)).map_or(line.len(), |(i, _)| i);
            let line_start = line.as_ptr() as usize - source.as_ptr() as usize;
            &source[line_start + offset..]
        })
        .unwrap_or("");
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == '\u{feff}');
    let Some(first) = rest.chars().next() else { return "<EOF>".into() };
    let word = |pred: fn(char) -> bool| rest.chars().take_while(|&c| pred(c)).collect::<String>();
    match first {
        '.' if rest.starts_with("...") => "\"...\"".into(),
        '!' | '$' | '&' | '(' | ')' | ':' | '=' | '@' | '[' | ']' | '{' | '|' | '}' => format!("\"{first}\""),
        c if c.is_ascii_alphabetic() || c == '_' => {
            format!("Name \"{}\"", word(|c| c.is_ascii_alphanumeric() || c == '_'))
        }
        c if c.is_ascii_digit() || c == '-' => {
            let number = word(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'));
            let kind = if number.contains(['.', 'e', 'E']) { "Float" } else { "Int" };
            format!("{kind} \"{number}\"")
        }
        '"' => {
            let mut chars = rest.chars();
            chars.next();
            let body: String = chars.take_while(|&c| c != '"' && c != '\n').collect();
            format!("String \"{body}\"")
        }
        other => format!("character \"{}\"", other.escape_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(source: &str) -> String {
        let error = async_graphql::parser::parse_query(source).unwrap_err();
        match describe_parse_error(source, &error) {
            SyntaxError::Syntax(e) | SyntaxError::Validation(e) => e.message,
        }
    }

    #[test]
    fn end_of_input_is_eof() {
        assert_eq!(message("mutation {"), "Syntax Error: Unexpected <EOF>");
        assert_eq!(message(""), "Syntax Error: Unexpected <EOF>");
    }

    /// The expected locations are what the real 2.4.7-p3 store reported.
    #[test]
    fn duplicate_definitions_are_reported_at_their_names() {
        let source = "query Q { a } query Q { b }";
        let error = async_graphql::parser::parse_query(source).unwrap_err();
        let SyntaxError::Validation(error) = describe_parse_error(source, &error) else { panic!("a validation error") };
        assert_eq!(error.locations, vec![Pos { line: 1, column: 7 }, Pos { line: 1, column: 21 }]);
        let source = "{ a } fragment F on T { a }\n  fragment # the same\n F on T { b }";
        let error = async_graphql::parser::parse_query(source).unwrap_err();
        let SyntaxError::Validation(error) = describe_parse_error(source, &error) else { panic!("a validation error") };
        assert_eq!(error.locations, vec![Pos { line: 1, column: 16 }, Pos { line: 3, column: 2 }]);
    }

    #[test]
    fn tokens_are_named_like_webonyx() {
        assert_eq!(message("mutation { a(b: ) }"), "Syntax Error: Unexpected \")\"");
        assert_eq!(message("{ a } }"), "Syntax Error: Unexpected \"}\"");
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("{}{}", "{a".repeat(10_000), "}".repeat(10_000));
        assert!(matches!(check_nesting(&deep), Err(SyntaxError::Validation(_))));
        assert!(check_nesting("{ a(b: \"{{{{{{\") }").is_ok());
    }
}
