//! Sign-up inputs for `createCustomerV2`, each invalid by construction under exactly one documented
//! rule (magento-account-area.md section 1.2), with the message the release documents for it; and
//! valid ones. None of them asks the target what is right.

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

use crate::messages;
use crate::release::Release;
use crate::strategies::EDGE_WHITESPACE;

/// The documented rules of section 1.2 (rows 4 to 8) that an input can break on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    EmptyFirstname,
    EmptyLastname,
    EmptyEmail,
    InvalidEmail,
    Gender,
    TooLong,
    TooShort,
    EdgeWhitespace,
    FewClasses,
    SameAsEmail,
}

/// One `CustomerCreateInput`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignUp {
    pub firstname: String,
    pub lastname: String,
    pub email: String,
    pub password: Option<String>,
    pub gender: Option<i64>,
}

impl SignUp {
    /// A valid input: a plain name, the given (fresh, lowercase) email, a password of the policy.
    pub fn valid(email: &str, password: &str) -> Self {
        SignUp {
            firstname: "Conformance".into(),
            lastname: "Check".into(),
            email: email.into(),
            password: Some(password.into()),
            gender: None,
        }
    }

    /// The `input` variable, with `is_subscribed: false` as the storefronts send it.
    pub fn variable(&self) -> Value {
        let mut input = json!({
            "email": self.email, "firstname": self.firstname, "lastname": self.lastname, "is_subscribed": false
        });
        if let Some(password) = &self.password {
            input["password"] = json!(password);
        }
        if let Some(gender) = self.gender {
            input["gender"] = json!(gender);
        }
        input
    }
}

/// The message the release documents for `rule`, `None` where the documentation does not settle
/// it (the empty email on 2.4.8, whose required-arguments validator is gone).
pub fn expected(rule: Rule, input: &SignUp, release: Release, policy: (usize, usize)) -> Option<String> {
    let required = |label: &str| {
        if release.patch >= 8 { messages::required_value(label) } else { messages::required_missing(&[label]) }
    };
    Some(match rule {
        Rule::EmptyFirstname => required("First Name"),
        Rule::EmptyLastname => required("Last Name"),
        Rule::EmptyEmail if release.patch >= 8 => return None,
        Rule::EmptyEmail => messages::required_missing(&["Email"]),
        Rule::InvalidEmail => messages::not_a_valid_email(&input.email),
        Rule::Gender => messages::not_a_valid_gender(input.gender.unwrap_or_default()),
        Rule::TooLong => messages::TOO_LONG.to_owned(),
        Rule::TooShort => messages::too_short(policy.0),
        Rule::EdgeWhitespace => messages::EDGE_WHITESPACE.to_owned(),
        Rule::FewClasses => messages::too_few_classes(policy.1),
        Rule::SameAsEmail => messages::SAME_AS_EMAIL.to_owned(),
    })
}

/// A password the policy accepts, by construction: three capitals, lower-case letters up to the
/// minimum length, a special character and three digits (all four classes, no edge whitespace).
pub fn valid_password(policy: (usize, usize)) -> impl Strategy<Value = String> {
    let lower = policy.0.saturating_sub(7).max(4);
    (
        "[A-Z]{3}",
        prop::collection::vec(select(('a'..='z').collect::<Vec<_>>()), lower),
        select(vec!['!', '-', '_', '#']),
        "[0-9]{3}",
    )
        .prop_map(|(upper, lower, special, digits)| {
            format!("{upper}{}{special}{digits}", lower.into_iter().collect::<String>())
        })
}

/// `n` characters cycling through `classes` of lower case, upper case, digits (no specials, so
/// no whitespace either).
fn of_classes(n: usize, classes: usize, picks: &[u8]) -> String {
    let alphabets: [&[u8]; 3] = [b"abcdefghijklmnopqrstuvwxyz", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"0123456789"];
    (0..n)
        .map(|i| {
            let alphabet = alphabets[i % classes.clamp(1, 3)];
            char::from(alphabet[usize::from(picks[i % picks.len()]) % alphabet.len()])
        })
        .collect()
}

/// Inputs that break exactly one rule, for the fresh address `email` (lower case, plain ASCII) and
/// the store's `(minimum length, classes)`. Rules the policy makes impossible (fewer than one class)
/// are left out, and so is the empty email on 2.4.8 ([`expected`]).
pub fn invalid_sign_up(
    email: String,
    policy: (usize, usize),
    release: Release,
) -> impl Strategy<Value = (Rule, SignUp)> {
    let mut rules = vec![
        Rule::EmptyFirstname,
        Rule::EmptyLastname,
        Rule::InvalidEmail,
        Rule::Gender,
        Rule::TooLong,
        Rule::EdgeWhitespace,
        Rule::SameAsEmail,
    ];
    if release.patch < 8 {
        rules.push(Rule::EmptyEmail);
    }
    if policy.0 > 1 {
        rules.push(Rule::TooShort);
    }
    if policy.1 > 1 {
        rules.push(Rule::FewClasses);
    }
    let (min, classes) = policy;
    (
        select(rules),
        valid_password(policy),
        prop::collection::vec(any::<u8>(), 1..64),
        "[a-z]{3,12}",
        4i64..10_000,
        select(EDGE_WHITESPACE.to_vec()),
        any::<bool>(),
        0usize..3,
    )
        .prop_map(move |(rule, password, picks, word, gender, edge, front, shape)| {
            let mut input = SignUp::valid(&email, &password);
            match rule {
                Rule::EmptyFirstname => input.firstname.clear(),
                Rule::EmptyLastname => input.lastname.clear(),
                Rule::EmptyEmail => input.email.clear(),
                Rule::InvalidEmail => {
                    input.email = match shape {
                        0 => word,
                        1 => format!("{word}@example"),
                        _ => format!("{word}@{word}@example.com"),
                    }
                }
                Rule::Gender => input.gender = Some(gender),
                Rule::TooLong => {
                    let n = 257 + picks.len();
                    input.password = Some(format!("{password}{}", of_classes(n - password.len(), 3, &picks)));
                }
                Rule::TooShort => {
                    let n = 1 + picks.len() % (min - 1);
                    input.password = Some(of_classes(n, 3, &picks));
                }
                Rule::EdgeWhitespace => {
                    input.password =
                        Some(if front { format!("{edge}{password}") } else { format!("{password}{edge}") });
                }
                Rule::FewClasses => {
                    let n = min.max(8) + picks.len() % 8;
                    input.password = Some(of_classes(n, classes - 1, &picks));
                }
                Rule::SameAsEmail => {
                    // Upper, lower, digit and special: the address passes the policy on its own.
                    input.email = format!("Same1.{word}.{email}");
                    input.password = Some(crate::checks::snapshots::flip_case(&input.email));
                }
            }
            (rule, input)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategies::{DEFAULT_POLICY, policy_failure};
    use proptest::test_runner::Config;

    proptest! {
        #![proptest_config(Config::with_cases(256))]

        #[test]
        fn valid_passwords_pass_the_policy(p in valid_password((12, 4))) {
            prop_assert_eq!(policy_failure(&p, "someone@example.com", (12, 4)), None);
        }

        #[test]
        fn each_input_breaks_its_own_password_rule_and_no_other(
            (rule, input) in invalid_sign_up("cf.x@example.com".into(), DEFAULT_POLICY, Release { patch: 7 })
        ) {
            let password = input.password.clone().unwrap_or_default();
            let failure = policy_failure(&password, &input.email, DEFAULT_POLICY);
            match rule {
                Rule::TooLong | Rule::TooShort | Rule::EdgeWhitespace | Rule::FewClasses | Rule::SameAsEmail => {
                    prop_assert_eq!(failure, expected(rule, &input, Release { patch: 7 }, DEFAULT_POLICY));
                }
                _ => prop_assert_eq!(failure, None),
            }
        }
    }
}
