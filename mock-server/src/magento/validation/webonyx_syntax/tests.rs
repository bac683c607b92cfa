use serde_json::Value;

use super::{Rejection, check};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/webonyx-syntax.jsonl");

fn syntax(message: &str, line: usize, column: i64) -> Result<(), Rejection> {
    Err(Rejection::Syntax { message: format!("Syntax Error: {message}"), line, column })
}

#[test]
fn documents_webonyx_parses_pass() {
    for document in [
        "{ storeConfig { store_name } }",
        "mutation ($email: String! = \"a@example.com\" @d) @x { requestPasswordResetEmail(email: $email) }",
        "query Q { a(b: [1, -2.5e3, \"s\", \"\"\"block\"\"\", true, null, ENUM, {c: $v}]) ...F ... on T { b } ... @include(if: true) { c } }\nfragment F on T { a }",
        "\u{feff}# comment\r\n{ a,,, b }",
        "type T implements & A & B @d { f(a: [Int!]! = [1]): String } extend schema",
        "directive @d(a: Int) repeatable on | FIELD | QUERY",
    ] {
        assert_eq!(check(document), Ok(()), "{document}");
    }
}

/// Answers seen from a real 2.4.7-p3 store.
#[test]
fn the_real_stores_examples() {
    let truncated = "mutation {\n  requestPasswordResetEmail(email: \"a@example.com\")\n";
    assert_eq!(check(truncated), syntax("Expected Name, found <EOF>", 3, 1));
    assert_eq!(check("mutation"), syntax("Expected {, found <EOF>", 1, 9));
    assert_eq!(check("{ x(a: 1.) }"), syntax("Invalid number, expected digit but got: \")\"", 1, 10));
    assert_eq!(check(""), syntax("Unexpected <EOF>", 1, 1));
    assert_eq!(check("{ x(a: \"a\u{1}b\") }"), syntax("Invalid character within String: \"\\u0001\"", 1, 10));
    assert_eq!(check(r#"{ x(a: "a\u0001b") }"#), syntax("Invalid character within String: \"\\u0001\"", 1, 10));
}

#[test]
fn tokens_are_described_by_kind_and_value() {
    assert_eq!(check("{ a } }"), syntax("Unexpected }", 1, 7));
    assert_eq!(check("{ a(b: ) }"), syntax("Unexpected )", 1, 8));
    assert_eq!(check("query 12"), syntax("Expected {, found Int \"12\"", 1, 7));
    assert_eq!(check("fragment on on T { a }"), syntax("Unexpected Name \"on\"", 1, 10));
    // A string's value is quoted with its escapes resolved.
    assert_eq!(check(r#"{ a("x\ty": 1) }"#), syntax("Expected Name, found String \"x\ty\"", 1, 5));
    assert_eq!(
        check("{ a(\"\"\"\n    x\n      y\n  \"\"\": 1) }"),
        syntax("Expected Name, found BlockString \"x\n  y\"", 1, 5)
    );
}

#[test]
fn lexer_errors_name_the_character() {
    assert_eq!(
        check("{ a(b: 'x') }"),
        syntax("Unexpected single quote character ('), did you mean to use a double quote (\")?", 1, 8)
    );
    assert_eq!(check("{ a/ }"), syntax("Cannot parse the unexpected character \"\\/\".", 1, 4));
    assert_eq!(check("{ é }"), syntax("Cannot parse the unexpected character \"\\ue9\".", 1, 3));
    assert_eq!(check("{ a(b: 007) }"), syntax("Invalid number, unexpected digit after 0: \"0\"", 1, 9));
    assert_eq!(check(r#"{ a(b: "\x") }"#), syntax("Invalid character escape sequence: \\x", 1, 10));
    assert_eq!(check(r#"{ a(b: "\u12G4") }"#), syntax("Invalid character escape sequence: \\u12G4", 1, 10));
    assert_eq!(check(r#"{ a(b: "\uD800x") }"#), syntax("Invalid UTF-16 trailing surrogate: x\") }", 1, 16));
    assert_eq!(check("{ a(b: \"x\n\") }"), syntax("Unterminated string.", 1, 10));
}

/// webonyx counts characters for positions but subtracts the byte offset of the last line end.
#[test]
fn columns_after_non_ascii_text_are_short_by_its_extra_bytes() {
    assert_eq!(check("{ a(b: \"é\") }\n }"), syntax("Unexpected }", 2, 1));
    assert_eq!(check("{ a(b: \"😀😀\") }\n}"), syntax("Unexpected }", 2, -5));
    assert_eq!(check("# \u{2028}\n}"), syntax("Unexpected }", 3, -1));
}

/// Reading past the end makes PHP warn; Magento's error handler turns that into an exception.
#[test]
fn a_read_past_the_end_is_an_internal_error() {
    assert_eq!(check("{ a(b: \"é"), Err(Rejection::Internal));
    assert_eq!(check("{ a(b: \"\"\"aé"), Err(Rejection::Internal));
    assert_eq!(check("{ a(b: \"€"), syntax("Unterminated string.", 1, 10));
}

#[test]
fn nesting_far_deeper_than_any_stack_is_fine() {
    let deep = format!("{{{}b{}}}", "a {".repeat(200_000), "}".repeat(200_000));
    assert_eq!(check(&deep), Ok(()));
    let list = format!("{{ a(b: {}) }}", "[".repeat(200_000));
    assert_eq!(check(&list), syntax("Unexpected )", 1, 200_008));
    let list_type = format!("query ($a: {}", "[".repeat(100_000));
    assert_eq!(check(&list_type), syntax("Expected Name, found <EOF>", 1, 100_012));
}

/// Every document of the corpus made by webonyx/graphql-php itself (`fixtures/README.md`).
#[test]
fn agrees_with_webonyx_on_the_whole_corpus() {
    let corpus = std::fs::read_to_string(CORPUS).unwrap();
    let (mut total, mut disagreements) = (0, Vec::new());
    for line in corpus.lines().filter(|line| !line.trim().is_empty()) {
        let entry: Value = serde_json::from_str(line).unwrap();
        let Some(query) = entry["query"].as_str() else { continue };
        total += 1;
        let expected = if entry["verdict"] == "ok" {
            Ok(())
        } else if entry["verdict"] == "internal" {
            Err(Rejection::Internal)
        } else {
            let location = &entry["locations"][0];
            Err(Rejection::Syntax {
                message: entry["message"].as_str().unwrap().to_owned(),
                line: location["line"].as_u64().unwrap() as usize,
                column: location["column"].as_i64().unwrap(),
            })
        };
        let actual = check(query);
        if actual != expected {
            disagreements.push(format!("{query:?}\n  webonyx: {expected:?}\n  ours:    {actual:?}"));
        }
    }
    assert!(total >= 4_000, "the corpus has only {total} documents");
    assert!(
        disagreements.is_empty(),
        "{} of {total} disagree:\n{}",
        disagreements.len(),
        disagreements.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}
