//! Parsed documents, remembered by their text: storefronts send the same few queries over and
//! over with different variables, and parsing is the most expensive step of a request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::parser::parse_query;
use async_graphql::parser::types::ExecutableDocument;

use super::syntax::{SyntaxError, check_nesting, describe_parse_error};

/// Distinct documents remembered; when full, the cache starts over (bounded, and simple).
const CAPACITY: usize = 256;
/// Longer documents are parsed every time, so hostile input cannot fill memory.
const MAX_CACHED_LENGTH: usize = 8 * 1024;

#[derive(Default)]
pub struct DocumentCache {
    // std Mutex: looked up and filled without awaiting.
    parsed: Mutex<HashMap<Box<str>, Arc<ExecutableDocument>>>,
}

impl DocumentCache {
    /// The parsed document, or webonyx's description of why it does not parse.
    pub fn parse(&self, query: &str) -> Result<Arc<ExecutableDocument>, SyntaxError> {
        if let Some(document) = self.lock().get(query) {
            return Ok(Arc::clone(document));
        }
        check_nesting(query)?;
        let document = Arc::new(parse_query(query).map_err(|error| describe_parse_error(query, &error))?);
        if query.len() <= MAX_CACHED_LENGTH {
            let mut parsed = self.lock();
            if parsed.len() >= CAPACITY {
                parsed.clear();
            }
            parsed.insert(query.into(), Arc::clone(&document));
        }
        Ok(document)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Arc<ExecutableDocument>>> {
        self.parsed.lock().unwrap_or_else(PoisonError::into_inner)
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
        assert!(cache.lock().len() <= CAPACITY);
        assert!(matches!(cache.parse("mutation {"), Err(SyntaxError::Syntax(_))));
        let long = format!("{{ {} }}", "__typename ".repeat(1_000));
        cache.parse(&long).unwrap();
        assert!(!cache.lock().contains_key(long.as_str()), "long documents are not kept");
    }
}
