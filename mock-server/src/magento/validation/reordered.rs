//! Variable definitions in the specification's order, `$x: T = default @directive`, which
//! webonyx parses and async-graphql's grammar refuses (it wants the directives first): the
//! defaults are blanked out of the text, so that it parses with every position where it was,
//! then each is parsed on its own and put back into its definition.

use std::ops::Range;

use async_graphql::parser::parse_query;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, VariableDefinition};
use async_graphql::{Pos, Positioned};
use async_graphql_value::ConstValue;

use super::positions::{ignored_length, position};

/// The document, with the defaults at `defaults` (byte ranges of `= value`) restored.
pub fn parse(query: &str, defaults: &[Range<usize>]) -> Option<ExecutableDocument> {
    let mut blanked = String::with_capacity(query.len());
    let mut cursor = 0;
    for range in defaults {
        blanked.push_str(query.get(cursor..range.start)?);
        // One space per character keeps every later column; line ends stay line ends.
        blanked.extend(query.get(range.clone())?.chars().map(|c| if matches!(c, '\n' | '\r') { c } else { ' ' }));
        cursor = range.end;
    }
    blanked.push_str(query.get(cursor..)?);
    let mut document = parse_query(&blanked).ok()?;
    for range in defaults {
        let value_start = range.start + 1 + ignored_length(query.get(range.start + 1..range.end)?);
        let value = parse_value(query.get(value_start..range.end)?)?;
        let at = position(query, value_start);
        let definition = owner(&mut document, position(query, range.start))?;
        definition.default_value = Some(Positioned::new(value, at));
    }
    Some(document)
}

/// A constant value on its own, through a one-variable document.
fn parse_value(text: &str) -> Option<ConstValue> {
    let document = parse_query(format!("query($v: Int = {text}) {{ a }}")).ok()?;
    let DocumentOperations::Single(operation) = document.operations else { return None };
    let definition = operation.node.variable_definitions.into_iter().next()?;
    definition.node.default_value.map(|value| value.node)
}

/// The variable definition a default at `at` belongs to: the last one that starts before it.
fn owner(document: &mut ExecutableDocument, at: Pos) -> Option<&mut VariableDefinition> {
    let operations: Vec<_> = match &mut document.operations {
        DocumentOperations::Single(operation) => vec![operation],
        DocumentOperations::Multiple(operations) => operations.values_mut().collect(),
    };
    operations
        .into_iter()
        .flat_map(|operation| operation.node.variable_definitions.iter_mut())
        .filter(|definition| definition.pos < at)
        .max_by_key(|definition| definition.pos)
        .map(|definition| &mut definition.node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::magento::validation::webonyx_syntax;

    fn reparse(query: &str) -> ExecutableDocument {
        let layout = webonyx_syntax::layout(query).unwrap();
        assert!(parse_query(query).is_err(), "async-graphql refuses the specification's order");
        parse(query, &layout.defaults_before_directives).unwrap()
    }

    fn only_definition(document: &ExecutableDocument) -> &Positioned<VariableDefinition> {
        let DocumentOperations::Single(operation) = &document.operations else { panic!("one operation") };
        &operation.node.variable_definitions[0]
    }

    #[test]
    fn a_default_before_directives_is_put_back_where_it_was_written() {
        let document = reparse("query($x: String = \"a\" @include(if: true)) { storeConfig { store_name } }");
        let definition = only_definition(&document);
        let default = definition.node.default_value.as_ref().unwrap();
        assert_eq!(default.node, ConstValue::String("a".into()));
        assert_eq!(default.pos, Pos { line: 1, column: 20 });
        assert_eq!(definition.node.directives[0].pos, Pos { line: 1, column: 24 });
    }

    #[test]
    fn comments_lines_and_non_ascii_text_keep_their_positions() {
        let query = "query(\n  $x: [String] = # é\n [\"é\", \"b\"] @skip(if: true)\n) { storeConfig { store_name } }";
        let document = reparse(query);
        let definition = only_definition(&document);
        let default = definition.node.default_value.as_ref().unwrap();
        assert_eq!(default.pos, Pos { line: 3, column: 2 });
        assert_eq!(definition.node.directives[0].pos, Pos { line: 3, column: 13 });
        assert!(matches!(&default.node, ConstValue::List(items) if items.len() == 2));
    }

    #[test]
    fn each_default_goes_to_its_own_definition() {
        let query = "query A($a: Int = 1 @foo, $b: Int, $c: Int = 3 @bar) { x } query B($d: Int = 4 @baz) { y }";
        let document = reparse(query);
        let DocumentOperations::Multiple(operations) = &document.operations else { panic!("two operations") };
        let defaults = |name: &str| -> Vec<Option<ConstValue>> {
            operations[name]
                .node
                .variable_definitions
                .iter()
                .map(|d| d.node.default_value.as_ref().map(|v| v.node.clone()))
                .collect()
        };
        let int = |n: i32| Some(ConstValue::Number(n.into()));
        assert_eq!(defaults("A"), vec![int(1), None, int(3)]);
        assert_eq!(defaults("B"), vec![int(4)]);
    }
}
