//! Properties of the rules on generated addresses, each valid or invalid by construction
//! (the expected verdict comes from the rule, never from the validator).

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;

use super::is_valid_email;

fn expect_valid(address: &str) -> Result<(), TestCaseError> {
    prop_assert!(is_valid_email(address), "should be valid: {:?}", address);
    Ok(())
}

fn expect_invalid(address: &str) -> Result<(), TestCaseError> {
    prop_assert!(!is_valid_email(address), "should be invalid: {:?}", address);
    Ok(())
}

const CASES: u32 = 256;
const ATEXT: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~";

fn string_of(alphabet: &str, len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> + use<> {
    let chars: Vec<char> = alphabet.chars().collect();
    proptest::collection::vec(select(chars), len).prop_map(String::from_iter)
}

/// Up to 5 atoms of up to 8 `atext` characters: at most 44 bytes.
fn dot_atom() -> impl Strategy<Value = String> {
    proptest::collection::vec(string_of(ATEXT, 1..=8), 1..=5).prop_map(|atoms| atoms.join("."))
}

/// A DNS label: letters and digits with single hyphens inside.
fn ascii_label() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,8}(-[a-z0-9]{1,8})?"
}

fn ascii_domain() -> impl Strategy<Value = String> {
    (proptest::collection::vec(ascii_label(), 1..=3), "[a-z]{2,6}")
        .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
}

/// TLDs with a Laminas IDN table, a few letters of that table (lower case, NFC, stable under
/// UTS 46 mapping) and the table's label limit.
const TABLE_TLDS: &[(&str, &str, usize)] = &[
    ("de", "abcdefghijklmnopqrstuvwxyzäöüéèàáçñ", 63),
    ("io", "abcdefghijklmnopqrstuvwxyzäöüéèàáçñ", 63),
    ("com", "abcdefghijklmnopqrstuvwxyzäöüéèàáçñ", 63),
    ("рф", "абвгдежзийклмнопрстуфхцчшщъыьэюяё", 63),
    ("ru", "абвгдежзийклмнопрстуфхцчшщъыьэюяё", 63),
    ("gr", "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ", 63),
    ("jp", "あいうえおかきくけこさしすせそアイウエオカキクケコ", 15),
    ("kr", "한국어도메인가나다라마바사", 17),
];

/// TLDs without a usable table (`.cn` has one PHP cannot compile).
const PLAIN_TLDS: &[&str] = &["fr", "uk", "xyz", "app", "cn", "tw", "hk"];

/// A label of table letters with at least one non-ASCII one, at most `max` characters.
fn table_label(alphabet: &'static str, max: usize) -> impl Strategy<Value = String> {
    let non_ascii: String = alphabet.chars().filter(|c| !c.is_ascii()).collect();
    (string_of(alphabet, 0..=max / 2), string_of(&non_ascii, 1..=1), string_of(alphabet, 0..=max / 2))
        .prop_map(|(head, middle, tail)| format!("{head}{middle}{tail}"))
}

fn table_domain() -> impl Strategy<Value = (String, &'static str)> {
    select(TABLE_TLDS).prop_flat_map(|(tld, alphabet, max)| (table_label(alphabet, max.min(20)), Just(tld)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn dot_atoms_at_ordinary_domains_are_valid(local in dot_atom(), domain in ascii_domain()) {
        expect_valid(&format!("{local}@{domain}"))?;
    }

    #[test]
    fn one_trailing_line_feed_keeps_an_ascii_address_valid(local in dot_atom(), domain in ascii_domain()) {
        expect_valid(&format!("{local}@{domain}\n"))?;
        expect_invalid(&format!("{local}@{domain}\n\n"))?;
    }

    #[test]
    fn local_parts_take_any_character_up_to_u_ffff(
        head in string_of(ATEXT, 1..=8),
        wide in proptest::collection::vec(proptest::char::range('\u{80}', '\u{FFFF}'), 1..=10),
        above in proptest::char::range('\u{10000}', '\u{10FFFF}'),
    ) {
        let wide: String = wide.into_iter().collect();
        expect_valid(&format!("{head}{wide}@example.com"))?;
        expect_invalid(&format!("{head}{above}{wide}@example.com"))?;
    }

    #[test]
    fn quoted_local_parts_are_valid_and_a_bare_quote_breaks_them(
        parts in proptest::collection::vec(
            prop_oneof![
                // No `.`: two in a row anywhere make any address invalid (see below).
                string_of(" !#$%&'()*+,-/0123456789:;<=>?@[]^_`abcXYZ{|}~", 1..=1),
                string_of(" !\"#%&()*+,-/09:;<=>?@[\\]^_`az{|}~", 1..=1).prop_map(|c| format!("\\{c}")),
            ],
            0..=20,
        ),
        cut in any::<prop::sample::Index>(),
    ) {
        expect_valid(&format!("\"{}\"@example.com", parts.concat()))?;
        let (before, after) = parts.split_at(cut.index(parts.len() + 1));
        let broken = format!("\"{}\"{}\"@example.com", before.concat(), after.concat());
        expect_invalid(&broken)?;
    }

    #[test]
    fn two_dots_in_a_row_anywhere_make_an_address_invalid(
        local in dot_atom(),
        domain in ascii_domain(),
        cut in any::<prop::sample::Index>(),
    ) {
        let address = format!("{local}@{domain}");
        let at = cut.index(address.len() + 1);
        expect_invalid(&format!("{}..{}", &address[..at], &address[at..]))?;
        expect_invalid(&format!("\"{}..\"@{domain}", local.replace('.', "")))?;
    }

    #[test]
    fn local_parts_over_64_bytes_are_invalid(local in "[a-z]{65,120}", domain in ascii_domain()) {
        expect_invalid(&format!("{local}@{domain}"))?;
    }

    #[test]
    fn idn_labels_are_valid_under_a_tld_with_their_table((label, tld) in table_domain()) {
        expect_valid(&format!("user@{label}.{tld}"))?;
        let punycode = idna::punycode::encode_str(&label).unwrap_or_default();
        expect_valid(&format!("user@xn--{punycode}.{tld}"))?;
    }

    #[test]
    fn idn_labels_are_invalid_under_a_tld_without_a_table(
        (label, _) in table_domain(),
        tld in select(PLAIN_TLDS),
    ) {
        expect_invalid(&format!("user@{label}.{tld}"))?;
        expect_invalid(&format!("user@sub.{label}.{tld}"))?;
    }

    #[test]
    fn ipv4_addresses_are_refused(a in 0..=255_u16, b in 0..=255_u16, c in 0..=255_u16, d in 10..=255_u16) {
        expect_invalid(&format!("user@{a}.{b}.{c}.{d}"))?;
        expect_invalid(&format!("user@{a:03}.{b:03}.{c:03}.{d:03}"))?;
        expect_invalid(&format!("user@{:02}.{:02}.{:02}.{:02}", a % 100, b % 100, c % 100, d % 100))?;
    }

    #[test]
    fn dotted_numbers_that_are_no_address_are_valid(a in 256..=999_u16, b in 0..=999_u16, c in 0..=999_u16, d in 0..=999_u16) {
        expect_valid(&format!("user@{a:03}.{b:03}.{c:03}.{d:03}"))?;
        expect_valid(&format!("user@{b:03}.{c:03}.{d:03}.{a:03}"))?;
    }

    #[test]
    fn labels_over_63_characters_are_invalid(label in "[a-z]{64,100}", fitting in "[a-z]{1,63}") {
        expect_invalid(&format!("user@{label}.com"))?;
        expect_valid(&format!("user@{fitting}.com"))?;
    }

    #[test]
    fn hostnames_are_valid_up_to_254_characters(
        labels in proptest::collection::vec("[a-z]{63}", 3..=3),
        last in "[a-z]{2,62}",
        extra in "[a-z]{63}",
    ) {
        // 3 × 64 + up to 62: at most 254 characters, the last one allowed.
        let fitting = format!("{}.{last}", labels.join("."));
        expect_valid(&format!("user@{fitting}"))?;
        // One more label: at least 256 characters.
        expect_invalid(&format!("user@{extra}.{fitting}"))?;
    }
}
