//! Deciding, before execution, which scripted state answers each root field of a request:
//! the `X-Mock-Scenario` header first, then a rule, then a magic address, then nothing (the
//! account's real state). Transport faults apply to the whole request.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::Name;

use super::State;
use super::rules::Rules;

/// A root field as the scenarios see it. Its names are the parsed document's (shared, not copied).
#[derive(Clone, Debug)]
pub struct FieldCall {
    /// `requestPasswordResetEmail`, `resetPassword`, ...
    pub operation: Name,
    /// The alias or field name.
    pub response_key: Name,
    pub email: Option<Arc<str>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// A fault of the transport, for the whole request.
    pub fault: Option<State>,
    /// Held back this long before answering.
    pub delay: Duration,
    /// Resolver states by response key.
    pub field_states: HashMap<String, State>,
}

impl Plan {
    pub fn decide<'a>(
        header: Option<State>,
        rules: &mut Rules,
        fields: impl IntoIterator<Item = &'a FieldCall>,
    ) -> Self {
        let mut plan = Plan::default();
        for field in fields {
            let email = field.email.as_deref();
            let state = match header {
                Some(state) => Some(state),
                None => match rules.take(&field.operation, email) {
                    Some(matched) => {
                        plan.delay = plan.delay.max(matched.delay);
                        Some(matched.state)
                    }
                    None => email.and_then(State::from_magic_address),
                },
            };
            match state {
                Some(State::Delay(delay)) => plan.delay = plan.delay.max(delay),
                Some(fault) if fault.is_transport_fault() => {
                    plan.fault.get_or_insert(fault);
                }
                Some(state) => {
                    plan.field_states.insert(field.response_key.to_string(), state);
                }
                None => {}
            }
        }
        plan
    }

    /// The scripted state named in the journal for a field.
    pub fn describe(&self, response_key: &str) -> Option<String> {
        self.fault
            .or_else(|| self.field_states.get(response_key).copied())
            .map(|state| state.to_string())
            .or_else(|| (!self.delay.is_zero()).then(|| format!("delay-{}", self.delay.as_millis())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::rules::RuleSpec;

    fn call(operation: &str, key: &str, email: &str) -> FieldCall {
        FieldCall { operation: Name::new(operation), response_key: Name::new(key), email: Some(email.into()) }
    }

    #[test]
    fn the_header_beats_a_rule_which_beats_a_magic_address() {
        let mut rules = Rules::default();
        let spec = RuleSpec { operation: None, email: None, state: "throttled".into(), times: None, delay_ms: None };
        rules.add(spec.into_rule("r".into()).unwrap());
        let fields = [call("requestPasswordResetEmail", "a", "locked@scenario.test")];
        let by_header = Plan::decide(Some(State::MailFailure), &mut rules, &fields);
        assert_eq!(by_header.field_states["a"], State::MailFailure);
        assert_eq!(rules.list()[0].used, 0, "a header answers without using rules");
        assert_eq!(Plan::decide(None, &mut rules, &fields).field_states["a"], State::Throttled);
        rules.clear();
        assert_eq!(Plan::decide(None, &mut rules, &fields).field_states["a"], State::Locked);
    }

    #[test]
    fn faults_and_delays_apply_to_the_request() {
        let mut rules = Rules::default();
        let fields = [
            call("resetPassword", "r", "delay-250@scenario.test"),
            call("resetPassword", "s", "http-503@scenario.test"),
        ];
        let plan = Plan::decide(None, &mut rules, &fields);
        assert_eq!((plan.delay, plan.fault), (Duration::from_millis(250), Some(State::Http503)));
        assert!(plan.field_states.is_empty());
    }
}
