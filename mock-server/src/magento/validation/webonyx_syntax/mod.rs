//! Syntax errors exactly as webonyx/graphql-php v15.22.0 (Magento 2.4.7-p3) reports them: the
//! first lexer or parser error of `GraphQL\Language\Parser::parse`, its message and location.
//!
//! [`check`] builds no syntax tree (async-graphql parses the documents webonyx accepts); it
//! follows webonyx's lexer ([`lexer`]) and parser ([`parser`]) closely enough to stop at the same
//! token with the same words. `fixtures/webonyx-syntax.jsonl`, produced by the PHP library
//! itself, holds it to that.
//!
//! Two quirks of webonyx shape the answers:
//! - positions count characters (code points), but `Source::getLocation` subtracts the *byte*
//!   offset of the last line end, so after a line end preceded by non-ASCII text the column is
//!   too small, even zero or negative; `\r\n`, `\r`, `\n`, U+2028 and U+2029 all end lines there;
//! - some reads step off the end of the text (see [`lexer`]): Magento then answers
//!   `Internal server error`, which is [`Rejection::Internal`].

mod lexer;
mod parser;

use std::ops::Range;

use lexer::Kind;

/// Why webonyx (inside Magento) refuses a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// A `GraphQL\Error\SyntaxError`: `Syntax Error: ...` at one location.
    Syntax { message: String, line: usize, column: i64 },
    /// A PHP warning while lexing, made an exception by Magento's error handler.
    Internal,
}

/// What the lexer and parser stop on, before the position becomes a line and column.
#[derive(Debug)]
enum Failure {
    Syntax { position: usize, message: String },
    PhpWarning,
}

/// `Ok` when webonyx parses `document`, else its reason, as Magento would report it.
pub fn check(document: &str) -> Result<(), Rejection> {
    layout(document).map(drop)
}

/// As [`check`], with what of the document async-graphql's parser reads differently.
pub fn layout(document: &str) -> Result<Layout, Rejection> {
    let mut parser = parser::Parser::new(document);
    match parser.document() {
        Ok(()) => Ok(parser.layout),
        Err(Failure::Syntax { position, message }) => {
            let (line, column) = location(document, position);
            Err(Rejection::Syntax { message: format!("Syntax Error: {message}"), line, column })
        }
        Err(Failure::PhpWarning) => Err(Rejection::Internal),
    }
}

/// The parts of a document webonyx parses and async-graphql's parser refuses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// Byte ranges of `= value` in variable definitions with directives after the default:
    /// the specification's order, which async-graphql's grammar has the other way round.
    pub defaults_before_directives: Vec<Range<usize>>,
    /// Type-system definitions and extensions, which `ExecutableDefinitions` refuses.
    pub type_system: Vec<TypeSystemDefinition>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeSystemDefinition {
    pub bytes: Range<usize>,
    /// Its first token's character position (a description's, when it has one).
    pub position: usize,
    pub name: DefinedName,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefinedName {
    /// `schema { ... }` or `extend schema ...`.
    Schema,
    Named(String),
    /// `directive @name on ...`: webonyx's `ExecutableDefinitions` reads a name it does not
    /// have there, and Magento fails with its exception page.
    Directive,
}

impl TypeSystemDefinition {
    /// `ExecutableDefinitions`' message and location for this definition, or `None` for a
    /// directive definition, which Magento does not answer with a GraphQL error.
    pub fn refusal(&self, document: &str) -> Option<(String, usize, i64)> {
        let message = match &self.name {
            DefinedName::Schema => "The schema definition is not executable.".to_owned(),
            DefinedName::Named(name) => format!("The \"{name}\" definition is not executable."),
            DefinedName::Directive => return None,
        };
        let (line, column) = location(document, self.position);
        Some((message, line, column))
    }
}

/// `Source::getLocation`: lines ended by `\r\n`, `\n`, `\r`, U+2028 or U+2029 among the first
/// `position` characters; the column counts from the last one's *byte* offset.
fn location(text: &str, position: usize) -> (usize, i64) {
    let prefix = text.char_indices().nth(position).map_or(text, |(i, _)| &text[..i]);
    let mut line = 1;
    let mut line_start = 0;
    let mut chars = prefix.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let length = match c {
            '\r' if chars.peek().is_some_and(|&(_, next)| next == '\n') => {
                chars.next();
                2
            }
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => 1,
            _ => continue,
        };
        line += 1;
        line_start = offset + length;
    }
    let to_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    (line, to_i64(position) + 1 - to_i64(line_start))
}

/// A token's value as webonyx's `Token::$value` holds it (what its messages quote).
fn token_value(kind: Kind, raw: &str) -> String {
    match kind {
        Kind::String => string_value(raw.get(1..raw.len().saturating_sub(1)).unwrap_or("")),
        Kind::BlockString => block_string_value(raw.get(3..raw.len().saturating_sub(3)).unwrap_or("")),
        _ => raw.to_owned(),
    }
}

/// The value of a string the lexer accepted, escapes resolved. A `\u` surrogate takes the next
/// `\uXXXX` with it, and the pair goes through mbstring's UTF-16 decoder, which writes `?` for
/// each unit that is not part of a valid pair.
fn string_value(body: &str) -> String {
    let mut value = String::with_capacity(body.len());
    let mut chars = body.chars();
    let hex = |chars: &mut std::str::Chars<'_>| {
        let digits: String = chars.by_ref().take(4).collect();
        u32::from_str_radix(&digits, 16).unwrap_or(0)
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => value.push('\u{8}'),
            Some('f') => value.push('\u{c}'),
            Some('n') => value.push('\n'),
            Some('r') => value.push('\r'),
            Some('t') => value.push('\t'),
            Some('u') => {
                let code = hex(&mut chars);
                if !(0xd800..=0xdfff).contains(&code) {
                    value.push(char::from_u32(code).unwrap_or('?'));
                    continue;
                }
                chars.nth(1);
                let trailing = hex(&mut chars);
                let is_high = (0xd800..=0xdbff).contains(&code);
                if is_high && (0xdc00..=0xdfff).contains(&trailing) {
                    let pair = 0x10000 + ((code - 0xd800) << 10) + (trailing - 0xdc00);
                    value.push(char::from_u32(pair).unwrap_or('?'));
                } else {
                    value.push('?');
                    value.push(char::from_u32(trailing).unwrap_or('?'));
                }
            }
            Some(other) => value.push(other),
            None => {}
        }
    }
    value
}

/// The raw text of a block string the lexer accepted, `\"""` unescaped, then dedented as
/// `BlockString::dedentBlockStringLines` does (where only spaces make a line blank).
fn block_string_value(body: &str) -> String {
    let raw = body.replace("\\\"\"\"", "\"\"\"");
    let lines: Vec<&str> = split_lines(&raw);
    let indent = common_indent(&raw);
    let dedented: Vec<&str> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| match (i, indent) {
            (0, _) | (_, 0) => line,
            _ => line.char_indices().nth(indent).map_or("", |(at, _)| &line[at..]),
        })
        .collect();
    let is_blank = |line: &&str| line.bytes().all(|b| b == b' ');
    let start = dedented.iter().position(|line| !is_blank(line)).unwrap_or(dedented.len());
    let end = dedented.iter().rposition(|line| !is_blank(line)).map_or(start, |i| i + 1);
    dedented[start..end.max(start)].join("\n")
}

fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(end) = rest.find(['\r', '\n']) {
        lines.push(&rest[..end]);
        let skip = if rest[end..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[end + skip..];
    }
    lines.push(rest);
    lines
}

/// `BlockString::getIndentation`: the least indentation (spaces and tabs) of the lines after the
/// first that have something else on them.
fn common_indent(text: &str) -> usize {
    let (mut first_line, mut empty_line, mut indent) = (true, true, 0);
    let mut common: Option<usize> = None;
    for c in text.chars() {
        match c {
            '\r' | '\n' => {
                first_line = false;
                empty_line = true;
                indent = 0;
            }
            '\t' | ' ' => indent += 1,
            _ => {
                if empty_line && !first_line && common.is_none_or(|common| indent < common) {
                    common = Some(indent);
                }
                empty_line = false;
            }
        }
    }
    common.unwrap_or(0)
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
