//! proptest generators, valid or invalid by construction (magento-behaviour.md sections 2, 3, 7):
//! emails of every invalid class, valid but unregistered emails, PHP-empty strings, passwords
//! across the policy's classes, and reset tokens. None of them asks the target what is right.

use proptest::prelude::*;
use proptest::sample::select;

use crate::messages;

/// `[a-z][a-z0-9]{0,7}`: a local-part or label atom that no rule refuses.
fn atom() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,7}"
}

/// One to two labels and a 2 to 6 letter TLD (a one-letter TLD is refused).
pub fn domain() -> impl Strategy<Value = String> {
    (prop::collection::vec(atom(), 1..=2), "[a-z]{2,6}").prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
}

/// Atoms joined by single dots.
pub fn local_part() -> impl Strategy<Value = String> {
    prop::collection::vec(atom(), 1..=3).prop_map(|atoms| atoms.join("."))
}

/// The documented classes of invalid email (section 7), each refused with the invalid-format error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    NoAt,
    TwoAts,
    Space,
    LeadingDot,
    TrailingDot,
    DoubleDot,
    IpDomain,
    IpLiteral,
    SingleLabel,
    OneLetterTld,
    LongLocal,
    LongLabel,
    Control,
}

pub const INVALID_CLASSES: [Invalid; 13] = [
    Invalid::NoAt,
    Invalid::TwoAts,
    Invalid::Space,
    Invalid::LeadingDot,
    Invalid::TrailingDot,
    Invalid::DoubleDot,
    Invalid::IpDomain,
    Invalid::IpLiteral,
    Invalid::SingleLabel,
    Invalid::OneLetterTld,
    Invalid::LongLocal,
    Invalid::LongLabel,
    Invalid::Control,
];

/// An invalid email of one class, with its class.
pub fn invalid_email() -> impl Strategy<Value = (Invalid, String)> {
    (select(INVALID_CLASSES.to_vec()), local_part(), domain(), atom(), any::<[u8; 4]>(), 0usize..64, 0u8..4).prop_map(
        |(class, local, domain, extra, ip, at, pick)| {
            let ip = format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]);
            let email = match class {
                Invalid::NoAt => format!("{local}{domain}"),
                Invalid::TwoAts => format!("{local}@{extra}@{domain}"),
                Invalid::Space => match pick {
                    0 => format!(" {local}@{domain}"),
                    1 => format!("{local}@{domain} "),
                    2 => format!("{local} {extra}@{domain}"),
                    _ => format!("{local}@{extra} {domain}"),
                },
                Invalid::LeadingDot => format!(".{local}@{domain}"),
                Invalid::TrailingDot if pick % 2 == 0 => format!("{local}.@{domain}"),
                Invalid::TrailingDot => format!("{local}@{domain}."),
                Invalid::DoubleDot if pick % 2 == 0 => format!("{local}..{extra}@{domain}"),
                Invalid::DoubleDot => format!("{local}@{extra}..{domain}"),
                Invalid::IpDomain => format!("{local}@{ip}"),
                Invalid::IpLiteral => format!("{local}@[{ip}]"),
                Invalid::SingleLabel => format!("{local}@{extra}"),
                Invalid::OneLetterTld => format!("{local}@{extra}.{}", &extra[..1]),
                Invalid::LongLocal => format!("{}@{domain}", "a".repeat(65 + at)),
                Invalid::LongLabel => format!("{local}@{}.com", "b".repeat(64 + at)),
                Invalid::Control => {
                    // C0 controls and DEL inside the local part (never last: PHP's `$` quirk).
                    let control = char::from(if pick == 3 { 0x7f } else { (at % 32) as u8 });
                    format!("{local}{control}{extra}@{domain}")
                }
            };
            (class, email)
        },
    )
}

/// Classes of valid email that no store has registered (a random part makes them unique).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unregistered {
    Plain,
    PlusTag,
    Quoted,
    Idn,
    NumericTld,
}

/// IDN domains the real validator accepts (in the verdict corpus).
const IDN_DOMAINS: [&str; 3] = ["bücher.ch", "bücher.net", "fußball.com"];

/// Ordinary unregistered classes: any validator that handles ordinary addresses gets them right.
pub const ORDINARY: [Unregistered; 3] = [Unregistered::Plain, Unregistered::PlusTag, Unregistered::NumericTld];
/// Quoted local parts and IDN domains: they need the full validator of section 7.
pub const EXOTIC: [Unregistered; 2] = [Unregistered::Quoted, Unregistered::Idn];

/// A valid email nobody registered, of one of the ordinary classes.
pub fn unregistered_email() -> impl Strategy<Value = (Unregistered, String)> {
    unregistered_email_of(ORDINARY.to_vec())
}

/// A valid email nobody registered, of one of `classes`, with its class.
pub fn unregistered_email_of(classes: Vec<Unregistered>) -> impl Strategy<Value = (Unregistered, String)> {
    (select(classes), "[a-z0-9]{10}", domain(), atom(), select(IDN_DOMAINS.to_vec()), 100u16..1000).prop_map(
        |(class, unique, domain, tag, idn, number)| {
            let local = format!("unregistered.{unique}");
            let email = match class {
                Unregistered::Plain => format!("{local}@{domain}"),
                Unregistered::PlusTag => format!("{local}+{tag}@{domain}"),
                Unregistered::Quoted => format!("\"unregistered {unique}\"@{domain}"),
                Unregistered::Idn => format!("{local}@{idn}"),
                Unregistered::NumericTld => format!("{local}@{tag}.{number}"),
            };
            (class, email)
        },
    )
}

/// PHP's `empty()` is true for these strings only.
pub const PHP_EMPTY: [&str; 2] = ["", "0"];
/// Strings that look empty to a human but not to PHP.
pub const NEAR_EMPTY: [&str; 7] = ["00", "0.0", " ", "false", "null", "0 ", "\t"];

/// A token of the documented shape: 32 characters of `[A-Za-z0-9]`.
pub fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{32}"
}

/// The characters of each class (section 3, row 13): any non-ASCII letter counts as special.
const SPECIALS: [char; 12] = ['!', '#', '-', '_', '.', '@', '~', '%', 'é', 'ß', 'Ж', ' '];

/// The whitespace that PHP's `trim()` removes (row 12).
pub const EDGE_WHITESPACE: [char; 6] = [' ', '\t', '\r', '\n', '\0', '\u{0B}'];

/// Magento's default policy: 8 characters, 3 classes.
pub const DEFAULT_POLICY: (usize, usize) = (8, 3);

/// The documented policy (rows 9 to 13, in order) with the store's `(minimum length, classes)`:
/// the message of the first rule `password` breaks, or `None` when it passes.
pub fn policy_failure(password: &str, email: &str, policy: (usize, usize)) -> Option<String> {
    if password.to_lowercase() == email.to_lowercase() {
        return Some(messages::SAME_AS_EMAIL.to_owned());
    }
    let length = password.chars().count();
    if length > 256 {
        return Some(messages::TOO_LONG.to_owned());
    }
    if length < policy.0 {
        return Some(messages::too_short(policy.0));
    }
    if password.starts_with(EDGE_WHITESPACE) || password.ends_with(EDGE_WHITESPACE) {
        return Some(messages::EDGE_WHITESPACE.to_owned());
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|present| **present).count() < policy.1 {
        return Some(messages::too_few_classes(policy.1));
    }
    None
}

/// Passwords across the policy's classes: chosen character classes, lengths around the
/// boundaries (7, 8, 256, 257), optional whitespace at either edge, sometimes the email itself.
pub fn password(email: String) -> impl Strategy<Value = String> {
    let lengths = prop_oneof![1usize..8, 8usize..=10, 11usize..40, 250usize..=260];
    let classes = prop::collection::vec(any::<bool>(), 4).prop_filter("one class at least", |c| c.iter().any(|x| *x));
    (classes, lengths, prop::collection::vec(any::<u16>(), 260), 0u8..4, select(EDGE_WHITESPACE.to_vec()), 0u8..12)
        .prop_map(move |(classes, length, picks, edges, edge, same)| {
            if same == 0 {
                return if edges % 2 == 0 { email.clone() } else { crate::checks::snapshots::flip_case(&email) };
            }
            let alphabets: Vec<Vec<char>> =
                [('a'..='z').collect::<Vec<_>>(), ('A'..='Z').collect(), ('0'..='9').collect(), SPECIALS.to_vec()]
                    .into_iter()
                    .zip(&classes)
                    .filter(|(_, chosen)| **chosen)
                    .map(|(alphabet, _)| alphabet)
                    .collect();
            let mut chars: Vec<char> = (0..length)
                .map(|i| {
                    let alphabet = &alphabets[i % alphabets.len()];
                    alphabet[usize::from(picks[i % picks.len()]) % alphabet.len()]
                })
                .collect();
            if edges & 1 == 1 {
                chars[0] = edge;
            }
            if edges & 2 == 2 {
                let last = chars.len() - 1;
                chars[last] = edge;
            }
            chars.into_iter().collect()
        })
}

/// A password the policy accepts, by construction: 12 characters of all four classes.
pub fn valid_password() -> impl Strategy<Value = String> {
    ("[a-z]{4}", "[A-Z]{3}", "[0-9]{3}", select(vec!['!', '-', '_', '#']))
        .prop_map(|(l, u, d, s)| format!("{u}{l}{s}{d}x"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::test_runner::Config;

    proptest! {
        #![proptest_config(Config::with_cases(256))]

        #[test]
        fn invalid_emails_have_the_mark_of_their_class((class, email) in invalid_email()) {
            let ats = email.matches('@').count();
            match class {
                Invalid::NoAt => prop_assert_eq!(ats, 0),
                Invalid::TwoAts => prop_assert_eq!(ats, 2),
                Invalid::Space => prop_assert!(email.contains(' ')),
                Invalid::LongLocal => prop_assert!(email.split('@').next().unwrap().len() > 64),
                Invalid::Control => prop_assert!(email.chars().any(|c| c.is_ascii_control())),
                _ => prop_assert_eq!(ats, 1),
            }
        }

        #[test]
        fn generated_valid_passwords_pass_the_policy(p in valid_password()) {
            prop_assert_eq!(policy_failure(&p, "someone@example.com", DEFAULT_POLICY), None);
        }

        #[test]
        fn generated_passwords_cover_lengths_around_the_limits(p in password("a@example.com".into())) {
            let n = p.chars().count();
            prop_assert!((1..=260).contains(&n));
        }
    }

    #[test]
    fn the_documented_policy_examples() {
        let email = "roni_cost@example.com";
        assert_eq!(policy_failure("new_password", email, DEFAULT_POLICY), Some(messages::TOO_FEW_CLASSES.to_owned()));
        assert_eq!(policy_failure("new_password123", email, DEFAULT_POLICY), None);
        assert_eq!(policy_failure("new_", email, DEFAULT_POLICY), Some(messages::TOO_SHORT.to_owned()));
        assert_eq!(
            policy_failure("ROni_cost@example.com", email, DEFAULT_POLICY),
            Some(messages::SAME_AS_EMAIL.to_owned())
        );
        assert_eq!(
            policy_failure(" new_Password123", email, DEFAULT_POLICY),
            Some(messages::EDGE_WHITESPACE.to_owned())
        );
        assert_eq!(
            policy_failure(&format!("Aa1{}", "x".repeat(254)), email, DEFAULT_POLICY),
            Some(messages::TOO_LONG.to_owned())
        );
        assert_eq!(policy_failure(&format!("Aa1{}", "x".repeat(253)), email, DEFAULT_POLICY), None);
        assert_eq!(policy_failure("Passwörd1", email, DEFAULT_POLICY), None, "a non-ASCII letter is special");
    }
}
