//! Scripted rules (`/__admin/scenarios`, `--scenarios FILE`): match an operation and an email,
//! answer a state, always or only the next N times, optionally after a delay.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{MAX_DELAY, State, UnknownState};

/// A rule as posted or written in the scenarios file.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// The GraphQL field, e.g. `requestPasswordResetEmail`; any when absent.
    pub operation: Option<String>,
    /// Compared ignoring case; any when absent.
    pub email: Option<String>,
    pub state: String,
    /// Only the next N matching requests; always when absent.
    pub times: Option<u32>,
    pub delay_ms: Option<u64>,
}

/// A rule in force, with its uses left; read back as listed when `--data-dir` keeps it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub operation: Option<String>,
    pub email: Option<String>,
    #[serde(serialize_with = "serialize_state", deserialize_with = "deserialize_state")]
    pub state: State,
    pub times: Option<u32>,
    /// `None` for a rule without a limit.
    pub uses_left: Option<u32>,
    pub delay_ms: Option<u64>,
    pub used: u64,
}

fn serialize_state<S: serde::Serializer>(state: &State, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(state)
}

fn deserialize_state<'de, D: serde::Deserializer<'de>>(value: D) -> Result<State, D::Error> {
    String::deserialize(value)?.parse().map_err(serde::de::Error::custom)
}

/// Why a rule cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RuleError {
    #[error(transparent)]
    UnknownState(#[from] UnknownState),
    #[error("delay_ms must be at most {}", MAX_DELAY.as_millis())]
    DelayTooLong,
    #[error("times must be at least 1 (leave it out for always)")]
    ZeroTimes,
    #[error("operation and email, when given, must not be empty")]
    EmptyMatcher,
}

/// A scenarios file that cannot be read as rules; the message names the file and line.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScenariosFileError {
    #[error("{origin}: line {line}: {message}")]
    Toml { origin: String, line: usize, message: String },
    #[error("{origin}: line {line}: {source}")]
    Rule { origin: String, line: usize, source: RuleError },
}

/// What a matching rule asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Matched {
    pub state: State,
    pub delay: Duration,
}

impl RuleSpec {
    /// Checks the spec and gives it an id.
    pub fn into_rule(self, id: String) -> Result<Rule, RuleError> {
        let state: State = self.state.parse()?;
        let delay = self.delay_ms.map(Duration::from_millis).unwrap_or_default();
        if delay > MAX_DELAY {
            return Err(RuleError::DelayTooLong);
        }
        if self.times == Some(0) {
            return Err(RuleError::ZeroTimes);
        }
        if self.operation.as_deref().is_some_and(str::is_empty) || self.email.as_deref().is_some_and(str::is_empty) {
            return Err(RuleError::EmptyMatcher);
        }
        Ok(Rule {
            id,
            operation: self.operation,
            email: self.email,
            state,
            times: self.times,
            uses_left: self.times,
            delay_ms: self.delay_ms,
            used: 0,
        })
    }
}

/// The rules of one namespace, newest first: a later rule overrides an earlier, broader one.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    rules: Vec<Rule>,
    /// Counts changes, uses included, so that `--data-dir` writes only changed rules.
    revision: u64,
}

impl Rules {
    /// As listed (newest first), e.g. read back from `--data-dir`.
    pub fn restored(rules: Vec<Rule>) -> Self {
        Self { rules, revision: 0 }
    }

    pub const fn revision(&self) -> u64 {
        self.revision
    }

    pub fn add(&mut self, rule: Rule) {
        self.revision += 1;
        self.rules.insert(0, rule);
    }

    pub fn list(&self) -> &[Rule] {
        &self.rules
    }

    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.rules.len();
        self.rules.retain(|r| r.id != id);
        self.revision += 1;
        self.rules.len() != before
    }

    pub fn clear(&mut self) {
        self.revision += 1;
        self.rules.clear();
    }

    /// The first rule matching `operation` and `email` that has uses left; one use is taken.
    /// Called under the namespace's lock, so counts are exact under concurrency.
    pub fn take(&mut self, operation: &str, email: Option<&str>) -> Option<Matched> {
        let rule = self.rules.iter_mut().find(|rule| {
            rule.uses_left != Some(0)
                && rule.operation.as_deref().is_none_or(|op| op == operation)
                && rule.email.as_deref().is_none_or(|wanted| email.is_some_and(|e| e.eq_ignore_ascii_case(wanted)))
        })?;
        if let Some(left) = rule.uses_left.as_mut() {
            *left -= 1;
        }
        rule.used += 1;
        self.revision += 1;
        Some(Matched { state: rule.state, delay: Duration::from_millis(rule.delay_ms.unwrap_or(0)) })
    }
}

/// The scenarios file (`--scenarios`): `[[rule]]` tables with the fields of [`RuleSpec`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenariosFile {
    #[serde(default)]
    rule: Vec<toml::Spanned<RuleSpec>>,
}

/// Parses and checks a scenarios file; errors name the line.
pub fn parse_scenarios_file(text: &str, origin: &str) -> Result<Vec<RuleSpec>, ScenariosFileError> {
    let file: ScenariosFile = toml::from_str(text).map_err(|e| ScenariosFileError::Toml {
        origin: origin.to_owned(),
        line: e.span().map_or(1, |span| line_of(text, span.start)),
        message: e.message().trim_end().to_owned(),
    })?;
    file.rule
        .into_iter()
        .map(|spanned| {
            let line = line_of(text, spanned.span().start);
            let spec = spanned.into_inner();
            let checked = spec.clone().into_rule(String::new());
            checked.map(|_| spec).map_err(|source| ScenariosFileError::Rule { origin: origin.to_owned(), line, source })
        })
        .collect()
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(1, |before| before.matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(spec: &str) -> Rule {
        let spec: RuleSpec = serde_json::from_str(spec).unwrap();
        spec.into_rule("r".into()).unwrap()
    }

    #[test]
    fn a_limited_rule_answers_exactly_n_times_then_falls_through() {
        let mut rules = Rules::default();
        rules.add(rule(
            r#"{"operation":"requestPasswordResetEmail","email":"A@example.com","state":"locked","times":2}"#,
        ));
        let take = |rules: &mut Rules| rules.take("requestPasswordResetEmail", Some("a@example.com")).map(|m| m.state);
        assert_eq!(take(&mut rules), Some(State::Locked));
        assert_eq!(take(&mut rules), Some(State::Locked));
        assert_eq!(take(&mut rules), None);
        assert_eq!(rules.list()[0].uses_left, Some(0));
    }

    #[test]
    fn rules_match_operation_and_email_and_the_newest_wins() {
        let mut rules = Rules::default();
        rules.add(rule(r#"{"state":"throttled"}"#));
        rules.add(rule(r#"{"operation":"resetPassword","state":"internal-error","delay_ms":20}"#));
        assert_eq!(
            rules.take("resetPassword", None),
            Some(Matched { state: State::InternalError, delay: Duration::from_millis(20) })
        );
        assert_eq!(
            rules.take("requestPasswordResetEmail", Some("x@example.com")).map(|m| m.state),
            Some(State::Throttled)
        );
    }

    #[test]
    fn bad_specs_are_refused_with_the_reason() {
        let refuse = |spec: &str| {
            serde_json::from_str::<RuleSpec>(spec).unwrap().into_rule(String::new()).unwrap_err().to_string()
        };
        assert!(refuse(r#"{"state":"nope"}"#).starts_with("unknown state \"nope\""));
        assert_eq!(refuse(r#"{"state":"ok","times":0}"#), "times must be at least 1 (leave it out for always)");
        assert!(refuse(r#"{"state":"ok","delay_ms":999999999}"#).starts_with("delay_ms must be at most"));
    }

    #[test]
    fn scenario_files_name_the_line_of_a_bad_rule() {
        let text = "[[rule]]\nstate = \"locked\"\n\n[[rule]]\nstate = \"melted\"\n";
        let error = parse_scenarios_file(text, "s.toml").unwrap_err().to_string();
        assert!(error.starts_with("s.toml: line 4: unknown state \"melted\""), "{error}");
    }
}
