//! Parsed documents, remembered by their text with the outcome of their validation: storefronts
//! send the same few queries over and over with different variables, and parsing and validating
//! are the most expensive steps of a request. The texts themselves are remembered by the JSON
//! string they came in, so a request body's query is not unescaped again.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use async_graphql::Pos;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::parser::{Error as ParseError, parse_query};

use super::syntax::{SyntaxError, check_nesting, describe_parse_error};
use super::webonyx_syntax::{self, Rejection};
use super::{ValidationError, reordered};
use crate::journal::KeptArguments;
use crate::magento::MagentoVersion;
use crate::magento::direct::DirectCall;

/// Distinct documents remembered; when full, the cache starts over (bounded, and simple).
const CAPACITY: usize = 256;
/// Longer documents are parsed every time, so hostile input cannot fill memory.
const MAX_CACHED_LENGTH: usize = 8 * 1024;

/// A document that parsed, and its validation errors once worked out (per error-shape family,
/// since the messages differ).
pub struct ParsedDocument {
    pub document: ExecutableDocument,
    /// Per release: the error shape and the schema (its fields and type table) both vary.
    validation: [OnceLock<Vec<ValidationError>>; MagentoVersion::LATEST.patch() as usize + 1],
    direct: OnceLock<Option<DirectCall>>,
    /// The journal's copy of each root field's arguments, where they hold no variable.
    literal_arguments: OnceLock<Vec<Option<KeptArguments>>>,
}

impl ParsedDocument {
    /// The validation errors on `version`, from `validate` the first time.
    pub fn validation(
        &self,
        version: MagentoVersion,
        validate: impl FnOnce() -> Vec<ValidationError>,
    ) -> &[ValidationError] {
        // A slot per release: the clamp only keeps the indexing obviously in bounds.
        let slot = &self.validation[usize::from(version.patch()).min(self.validation.len() - 1)];
        slot.get_or_init(validate)
    }

    /// How the direct path answers this document, if it takes it (worked out the first time).
    pub fn direct(&self, source: &str) -> Option<&DirectCall> {
        self.direct.get_or_init(|| DirectCall::of(&self.document, source)).as_ref()
    }

    /// The journal's copy of the arguments of each root field of a one-operation document (in
    /// order, fields only), `None` for a field whose arguments hold a variable: the same for
    /// every request that sends this text, so made once (`keep`, the first time).
    pub fn literal_arguments(
        &self,
        keep: impl FnOnce(&ExecutableDocument) -> Vec<Option<KeptArguments>>,
    ) -> &[Option<KeptArguments>] {
        self.literal_arguments.get_or_init(|| keep(&self.document))
    }
}

#[derive(Default)]
pub struct DocumentCache {
    // std Mutex: looked up and filled without awaiting.
    parsed: TextMap<Arc<ParsedDocument>>,
    /// Document texts by the JSON string they came in (quotes and escapes included).
    texts: TextMap<Arc<str>>,
}

impl DocumentCache {
    /// The text of a JSON string literal (`"..."`, as it stands in a request body), unescaped
    /// the first time only: a body's query came as the same literal before, its escapes and all,
    /// and unescaping it into a new string was about 1,000 instructions and an allocation a
    /// request (callgrind, BENCHMARKS.md). `None` when the literal is not a valid JSON string.
    pub fn text_of_literal(&self, literal: &str) -> Option<Arc<str>> {
        if let Some(text) = locked(&self.texts).get(literal) {
            return Some(Arc::clone(text));
        }
        let text: Arc<str> = serde_json::from_str::<String>(literal).ok()?.into();
        remember(&self.texts, literal, Arc::clone(&text));
        Some(text)
    }

    /// The parsed document, or webonyx's description of why it does not parse.
    pub fn parse(&self, query: &str) -> Result<Arc<ParsedDocument>, SyntaxError> {
        if let Some(document) = locked(&self.parsed).get(query) {
            return Ok(Arc::clone(document));
        }
        let layout = webonyx_syntax::layout(query).map_err(as_syntax_error)?;
        check_nesting(query)?;
        if let Some((message, line, column)) = layout.type_system.iter().find_map(|d| d.refusal(query)) {
            // `ExecutableDefinitions` reports on entering the document, before any other rule.
            let column = usize::try_from(column).unwrap_or(0);
            return Err(SyntaxError::Validation(ValidationError::new(message, vec![Pos { line, column }])));
        }
        // webonyx accepts a few more documents async-graphql does not (`Int !`...): those
        // still get async-graphql's reason.
        let document = match parse_query(query) {
            Ok(document) => document,
            Err(error) if !layout.defaults_before_directives.is_empty() => {
                reordered::parse(query, &layout.defaults_before_directives)
                    .ok_or_else(|| describe_parse_error(query, &error))?
            }
            // Only fragments: webonyx validates them, and each is unused. An operation after
            // them, which uses none and cannot fail, lets the rules run where they stand.
            Err(error @ ParseError::MissingOperation) => {
                parse_query(format!("{query}\n{{ __typename }}")).map_err(|_| describe_parse_error(query, &error))?
            }
            Err(error) => return Err(describe_parse_error(query, &error)),
        };
        let document = Arc::new(ParsedDocument {
            document,
            validation: Default::default(),
            direct: OnceLock::new(),
            literal_arguments: OnceLock::new(),
        });
        remember(&self.parsed, query, Arc::clone(&document));
        Ok(document)
    }
}

type TextMap<V> = Mutex<foldhash::HashMap<Box<str>, V>>;

fn locked<V>(map: &TextMap<V>) -> MutexGuard<'_, foldhash::HashMap<Box<str>, V>> {
    map.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Keeps `value` under `text` unless the text is too long; a full map starts over.
fn remember<V>(map: &TextMap<V>, text: &str, value: V) {
    if text.len() > MAX_CACHED_LENGTH {
        return;
    }
    let mut map = locked(map);
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(text.into(), value);
}

/// webonyx's refusal as the answer Magento gives: the syntax error, or (for a PHP warning)
/// Magento's generic `Internal server error`, which carries no location either.
fn as_syntax_error(rejection: Rejection) -> SyntaxError {
    match rejection {
        Rejection::Syntax { message, line, column } => {
            // webonyx can report a column below 1 (see `webonyx_syntax`); `Pos` cannot hold a
            // negative one, so those become 0.
            let column = usize::try_from(column).unwrap_or(0);
            SyntaxError::Syntax(ValidationError::new(message, vec![Pos { line, column }]))
        }
        Rejection::Internal => SyntaxError::Syntax(ValidationError::new("Internal server error", vec![])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_gives_the_same_document_and_the_cache_stays_bounded() {
        let cache = DocumentCache::default();
        let first = cache.parse("{ storeConfig { store_name } }").unwrap();
        let again = cache.parse("{ storeConfig { store_name } }").unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        for i in 0..CAPACITY * 2 {
            cache.parse(&format!("{{ a{i}: storeConfig {{ store_name }} }}")).unwrap();
        }
        assert!(locked(&cache.parsed).len() <= CAPACITY);
        assert!(matches!(cache.parse("mutation {"), Err(SyntaxError::Syntax(_))));
        let long = format!("{{ {} }}", "__typename ".repeat(1_000));
        cache.parse(&long).unwrap();
        assert!(!locked(&cache.parsed).contains_key(long.as_str()), "long documents are not kept");
    }

    #[test]
    fn a_literal_gives_its_unescaped_text_once_and_the_cache_stays_bounded() {
        let cache = DocumentCache::default();
        let first = cache.text_of_literal(r#""{ a(e: \"x\") }\n""#).unwrap();
        assert_eq!(&*first, "{ a(e: \"x\") }\n");
        let again = cache.text_of_literal(r#""{ a(e: \"x\") }\n""#).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(cache.text_of_literal(r#""\uD800""#), None);
        assert_eq!(cache.text_of_literal("null"), None);
        for i in 0..CAPACITY * 2 {
            cache.text_of_literal(&format!("\"{{ a{i} }}\"")).unwrap();
        }
        assert!(locked(&cache.texts).len() <= CAPACITY);
        let long = format!("\"{}\"", "a".repeat(MAX_CACHED_LENGTH));
        cache.text_of_literal(&long).unwrap();
        assert!(!locked(&cache.texts).contains_key(long.as_str()), "long literals are not kept");
    }

    /// What the real 2.4.7-p3 store answered (`ExecutableDefinitions`, before any other rule).
    #[test]
    fn type_system_definitions_are_refused_as_not_executable() {
        let refusal = |query: &str| match DocumentCache::default().parse(query) {
            Err(SyntaxError::Validation(error)) => (error.message, error.locations),
            _ => panic!("refused: {query}"),
        };
        let at = |column| vec![Pos { line: 1, column }];
        assert_eq!(
            refusal("query { storeConfig { store_name } } type Foo { a: Int }"),
            ("The \"Foo\" definition is not executable.".into(), at(38))
        );
        assert_eq!(
            refusal("{ x } schema { query: Query }"),
            ("The schema definition is not executable.".into(), at(7))
        );
        assert_eq!(
            refusal("{ x } \"described\" scalar S extend type Query { a: Int }"),
            ("The \"S\" definition is not executable.".into(), at(7))
        );
    }
}
