use serde::Deserialize;

use super::{check_domain, is_valid_domain, is_valid_email};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/email-verdicts.jsonl");

#[derive(Deserialize)]
struct Verdict {
    email: String,
    verdict: String,
    class: String,
}

/// The remembered domain verdicts are the checked ones: every corpus domain asked twice in a
/// row (the second answer comes from memory), over more domains than are remembered.
#[test]
fn remembered_domain_verdicts_are_the_checked_ones() {
    let corpus = std::fs::read_to_string(CORPUS).expect("the corpus is readable");
    let domains: Vec<String> = corpus
        .lines()
        .map(|line| serde_json::from_str::<Verdict>(line).expect("each line is a verdict").email)
        .filter_map(|email| email.rsplit_once('@').map(|(_, domain)| domain.to_owned()))
        .collect();
    assert!(domains.len() > 2 * super::REMEMBERED_DOMAINS, "{} domains", domains.len());
    for domain in &domains {
        let checked = check_domain(domain);
        assert_eq!(is_valid_domain(domain), checked, "{domain:?}, first time");
        assert_eq!(is_valid_domain(domain), checked, "{domain:?}, remembered");
    }
}

/// Every verdict of the real validator in the corpus, except the `empty` ones: those are
/// PHP-`empty()` inputs (`""`, `"0"`) that Magento refuses before calling the validator.
#[test]
fn agrees_with_every_corpus_verdict() {
    let corpus = std::fs::read_to_string(CORPUS).expect("the corpus is readable");
    let (mut compared, mut skipped_empty) = (0, 0);
    let mut disagreements = Vec::new();
    for (number, line) in corpus.lines().enumerate() {
        let verdict: Verdict = serde_json::from_str(line).expect("each line is a verdict");
        let expected_valid = match verdict.verdict.as_str() {
            "valid" => true,
            "invalid" => false,
            "empty" => {
                skipped_empty += 1;
                continue;
            }
            other => panic!("line {}: unknown verdict {other:?}", number + 1),
        };
        compared += 1;
        if is_valid_email(&verdict.email) != expected_valid {
            disagreements.push(format!(
                "line {}: {:?} (class {}) should be {}",
                number + 1,
                verdict.email,
                verdict.class,
                verdict.verdict
            ));
        }
    }
    assert!(compared > 1000, "the corpus has {compared} comparable lines");
    assert!(
        disagreements.is_empty(),
        "{} of {compared} verdicts differ ({skipped_empty} `empty` lines skipped):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// The examples of the module documentation, each a corpus line with its verdict.
#[test]
fn documented_examples_are_corpus_verdicts() {
    let umlauts = format!("user@{}.de", "ü".repeat(63));
    let ones = "1".repeat(64);
    let examples: [(&str, bool); 27] = [
        ("user#example.com", false),
        ("user..name@example.com", false),
        ("\ncustomer@example.com\n", false),
        ("customer@\u{200b}example.com", true),
        (&umlauts, true),
        (&format!("{ones}@example.com"), true),
        (&format!("1{ones}@example.com"), false),
        ("ü@example.com", true),
        ("\u{85}customer@example.com", true),
        ("user😀@example.com", false),
        ("\"john\\\"doe\"@example.com", true),
        ("\"\\\"@example.com", false),
        ("user@127.0.0.1", false),
        ("user@999.999.999.999", true),
        ("user@example.1e5", true),
        ("user@example.9", false),
        ("user@intranet", false),
        ("user@ex--ample.com", false),
        ("user@exa--mple.com", true),
        ("user@a.b_c.example.com", true),
        ("user@x_y.z_w.com", false),
        ("user@bücher.ch", true),
        ("user@bücher.xyz", false),
        ("user@fußball.com", true),
        ("user@xn--fuball-cta.com", false),
        ("customer@example.com\n", true),
        ("customer@example.com\r\n\r\n", false),
    ];
    let corpus = std::fs::read_to_string(CORPUS).expect("the corpus is readable");
    let verdicts: Vec<Verdict> =
        corpus.lines().map(|line| serde_json::from_str(line).expect("each line is a verdict")).collect();
    for (email, valid) in examples {
        let expected = if valid { "valid" } else { "invalid" };
        assert!(
            verdicts.iter().any(|v| v.email == email && v.verdict == expected),
            "{email:?} is not a corpus line with verdict {expected}"
        );
        assert_eq!(is_valid_email(email), valid, "{email:?}");
    }
}

#[test]
fn a_single_trailing_line_feed_can_make_an_address_valid() {
    assert!(is_valid_email("customer@example.com\n"));
    assert!(is_valid_email("a@b.c\n"));
    assert!(is_valid_email("customer@127.0.0.1\n"));
    assert!(!is_valid_email("customer@example.com\n\n"));
    assert!(!is_valid_email("customer\n@example.com"));
}

#[test]
fn only_real_ipv4_addresses_are_refused() {
    assert!(!is_valid_email("user@1.2.3.4"));
    assert!(!is_valid_email("user@001.002.003.004"));
    assert!(!is_valid_email("user@10.20.30.40"));
    assert!(!is_valid_email("user@00000001.00000010.00000011.00000100"));
    assert!(is_valid_email("user@256.256.256.256"));
    assert!(is_valid_email("user@01.2.3.44"));
    assert!(is_valid_email("user@1.2.3.45.67"));
}

#[test]
fn idn_labels_need_a_table_of_their_tld() {
    assert!(is_valid_email("user@bücher.io"));
    assert!(is_valid_email("user@bücher.de"));
    assert!(!is_valid_email("user@bücher.fr"));
    assert!(is_valid_email("user@пример.рф"));
    assert!(is_valid_email("user@例え.jp"));
    // The Chinese table is too large for PHP's regex engine.
    assert!(!is_valid_email("user@例子.cn"));
    assert!(is_valid_email("user@example.cn"));
}

#[test]
fn idn_mapping_drops_and_folds_characters_first() {
    assert!(is_valid_email("customer@\u{200b}example.com"));
    assert!(is_valid_email("customer@exam\u{ad}ple.com"));
    assert!(is_valid_email("user@STRASSE.de"));
    assert!(is_valid_email("user@straße.fr"));
    assert!(is_valid_email("user@ｅｘａｍｐｌｅ.com"));
}

#[test]
fn punycode_is_decoded_before_the_table_check() {
    assert!(is_valid_email("user@xn--bcher-kva.io"));
    assert!(!is_valid_email("user@xn--bcher-kva.fr"));
    assert!(!is_valid_email("user@ex--ample.com"));
}

#[test]
fn quoted_and_unicode_local_parts() {
    assert!(is_valid_email("\"\"@example.com"));
    assert!(is_valid_email("\"a\\\"b\"@example.com"));
    assert!(is_valid_email("\"a@b\"@example.com"));
    assert!(is_valid_email("\u{a0}user@example.com"));
    assert!(is_valid_email("jos\u{e9}@example.com"));
    assert!(!is_valid_email("\u{1F600}@example.com"));
    assert!(!is_valid_email("\"a\"b\"@example.com"));
}

#[test]
fn lengths_follow_laminas() {
    let local_64 = "a".repeat(64);
    assert!(is_valid_email(&format!("{local_64}@example.com")));
    assert!(!is_valid_email(&format!("a{local_64}@example.com")));
    let label_63 = "b".repeat(63);
    assert!(is_valid_email(&format!("user@{label_63}.com")));
    assert!(!is_valid_email(&format!("user@b{label_63}.com")));
}
