//! Properties on generated documents, valid by construction from the GraphQL grammar (the
//! expectation never comes from the recogniser itself), and on arbitrary text.

use proptest::prelude::*;

use super::{Rejection, check};

const CASES: u32 = 512;

/// Whitespace, commas and comments that may separate any two tokens.
fn ignored() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just(" ".to_owned()),
        1 => Just(",".to_owned()),
        1 => Just("\n".to_owned()),
        1 => Just("\r\n".to_owned()),
        1 => Just("\t".to_owned()),
        1 => Just("\u{feff}".to_owned()),
        1 => "[a-z é€😀]{0,8}".prop_map(|text| format!(" # {text}\n")),
    ]
}

fn name() -> impl Strategy<Value = String> {
    "[_A-Za-z][_0-9A-Za-z]{0,6}"
}

fn string_literal() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[ a-zA-Z0-9é€😀\t]{1,4}",
        Just("\\\"".to_owned()),
        Just("\\\\".to_owned()),
        Just("\\/".to_owned()),
        Just("\\n".to_owned()),
        Just("\\u00e9".to_owned()),
        Just("\\uD83D\\uDE00".to_owned()),
        Just("\\u0009".to_owned()),
    ];
    prop::collection::vec(piece, 0..5).prop_map(|pieces| format!("\"{}\"", pieces.concat()))
}

fn block_string() -> impl Strategy<Value = String> {
    "[ a-z\n\"é]{0,10}".prop_filter("no closing quotes inside", |body| !body.contains("\"\"")).prop_map(|body| {
        // A quote right before the closing ones would close the string early.
        let body = if body.ends_with('"') { format!("{body} ") } else { body };
        format!("\"\"\"{body}\"\"\"")
    })
}

fn number() -> impl Strategy<Value = String> {
    ("-?", "0|[1-9][0-9]{0,4}", "(\\.[0-9]{1,3})?", "([eE][+-]?[0-9]{1,2})?")
        .prop_map(|(s, i, f, e)| format!("{s}{i}{f}{e}"))
}

/// A value, lists and objects nested a few levels deep.
fn value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        number(),
        string_literal(),
        block_string(),
        name().prop_map(|n| format!("${n}")),
        prop_oneof![Just("true"), Just("false"), Just("null"), Just("ENUM_VALUE")].prop_map(str::to_owned),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|items| format!("[{}]", items.join(", "))),
            prop::collection::vec((name(), inner), 0..4).prop_map(|fields| {
                let fields: Vec<String> = fields.into_iter().map(|(n, v)| format!("{n}: {v}")).collect();
                format!("{{{}}}", fields.join(" "))
            }),
        ]
    })
}

fn arguments() -> impl Strategy<Value = String> {
    prop::collection::vec((name(), value()), 0..3).prop_map(|arguments| {
        if arguments.is_empty() {
            return String::new();
        }
        let arguments: Vec<String> = arguments.into_iter().map(|(n, v)| format!("{n}: {v}")).collect();
        format!("({})", arguments.join(", "))
    })
}

/// A field with an optional alias, arguments and a directive.
fn field() -> impl Strategy<Value = String> {
    (proptest::option::of(name()), name(), arguments(), proptest::option::of((name(), arguments()))).prop_map(
        |(alias, name, arguments, directive)| {
            let alias = alias.map(|a| format!("{a}: ")).unwrap_or_default();
            let directive = directive.map(|(d, a)| format!(" @{d}{a}")).unwrap_or_default();
            format!("{alias}{name}{arguments}{directive}")
        },
    )
}

/// A selection set: fields, spreads and inline fragments, nested a few levels deep.
fn selection_set() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        3 => field(),
        1 => name().prop_filter("a spread is not named on", |n| n != "on").prop_map(|n| format!("...{n}")),
    ];
    let set = |items: Vec<String>| format!("{{ {} }}", items.join(" "));
    prop::collection::vec(leaf, 1..4).prop_map(set).prop_recursive(5, 40, 4, move |inner| {
        let nested = prop_oneof![
            (field(), inner.clone()).prop_map(|(f, s)| format!("{f} {s}")),
            (name(), inner).prop_map(|(t, s)| format!("... on {t} {s}")),
        ];
        prop::collection::vec(nested, 1..4).prop_map(set)
    })
}

fn operation() -> impl Strategy<Value = String> {
    let variable = (name(), name(), proptest::bool::ANY, proptest::bool::ANY).prop_map(|(v, t, list, required)| {
        let t = if list { format!("[{t}!]") } else { t };
        format!("${v}: {t}{}", if required { "!" } else { " = null" })
    });
    let variables = prop::collection::vec(variable, 0..3)
        .prop_map(|vs| if vs.is_empty() { String::new() } else { format!("({})", vs.join(", ")) });
    (prop_oneof![Just(""), Just("query"), Just("mutation"), Just("subscription")], name(), variables, selection_set())
        .prop_map(|(kind, name, variables, set)| match kind {
            "" => set,
            kind => format!("{kind} {name}{variables} {set}"),
        })
}

/// Spreads the document's tokens apart with ignored characters (between the ones that are
/// safe to separate: around punctuators).
fn spaced(document: &str, separators: &[String]) -> String {
    let mut out = String::with_capacity(document.len() * 2);
    let mut separators = separators.iter().cycle();
    let (mut in_string, mut escaped) = (false, false);
    for c in document.chars() {
        match c {
            '"' if !escaped => in_string = !in_string,
            '\\' if in_string && !escaped => escaped = true,
            _ => escaped = false,
        }
        out.push(c);
        if !in_string && matches!(c, '{' | '}' | '(' | ')' | '[' | ']' | ':') {
            out.push_str(separators.next().map_or(" ", String::as_str));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn documents_built_from_the_grammar_parse(
        document in operation(),
        separators in prop::collection::vec(ignored(), 1..6),
    ) {
        let document = if document.contains("\"\"\"") { document } else { spaced(&document, &separators) };
        prop_assert_eq!(check(&document), Ok(()), "{:?}", document);
    }

    #[test]
    fn any_text_gets_a_verdict_with_a_line(text in "(\\PC|[\\x00-\\x1f\"\\\\{}()\\[\\]$@#.\u{2028}\u{feff}]){0,60}") {
        match check(&text) {
            Ok(()) | Err(Rejection::Internal) => {}
            Err(Rejection::Syntax { message, line, .. }) => {
                prop_assert!(message.starts_with("Syntax Error: "));
                prop_assert!(line >= 1);
            }
        }
    }
}

proptest! {
    // Each case checks every prefix of its document: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(CASES / 8))]

    /// An operation ends with its closing brace: every shorter prefix is refused.
    #[test]
    fn every_strict_prefix_of_an_operation_is_refused(document in operation()) {
        let document = document.trim_end();
        for (end, _) in document.char_indices().skip(1) {
            prop_assert!(check(&document[..end]).is_err(), "{:?}", &document[..end]);
        }
    }
}
