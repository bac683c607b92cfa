//! Stage 4, plan: the root fields with their arguments, and the scripted state each one gets
//! (header, rule, magic address), decided before anything runs.

use std::sync::Arc;

use async_graphql::Variables;
use async_graphql::parser::types::{OperationDefinition, Selection};
use async_graphql_value::{ConstValue, Value as GraphQlValue};
use serde_json::Value;

use crate::journal::email_argument;
use crate::scenarios::State;
use crate::scenarios::plan::{FieldCall, Plan};
use crate::state::Namespace;

/// A root field with its arguments resolved, for scenarios and the journal.
pub(super) struct RootCall {
    pub(super) scenario: FieldCall,
    pub(super) arguments: Value,
}

/// The request's root fields and what answers each.
pub(super) struct Planned {
    pub(super) calls: Vec<RootCall>,
    pub(super) plan: Plan,
}

/// `header` (the `X-Mock-Scenario` header, or a stub's scripted state) beats the namespace's rules.
pub(super) fn plan(
    operation: &OperationDefinition,
    variables: &Variables,
    header: Option<State>,
    namespace: &Arc<Namespace>,
) -> Planned {
    let calls = root_calls(operation, variables);
    let plan = Plan::decide(header, &mut namespace.rules(), calls.iter().map(|c| &c.scenario));
    Planned { calls, plan }
}

fn root_calls(operation: &OperationDefinition, variables: &Variables) -> Vec<RootCall> {
    operation
        .selection_set
        .node
        .items
        .iter()
        .filter_map(|selection| match &selection.node {
            Selection::Field(field) => Some(&field.node),
            _ => None,
        })
        .map(|field| {
            let arguments: serde_json::Map<String, Value> = field
                .arguments
                .iter()
                .map(|(name, value)| (name.node.as_str().to_owned(), argument_json(&value.node, variables)))
                .collect();
            let email = email_argument(&arguments);
            RootCall {
                scenario: FieldCall {
                    operation: field.name.node.clone(),
                    response_key: field.response_key().node.clone(),
                    email,
                },
                arguments: Value::Object(arguments),
            }
        })
        .collect()
}

/// An argument's value as JSON, variables filled in (`Null` where one is missing). A string,
/// written or passed in a variable, is copied straight across: the general conversion goes
/// through serde's serializer, about 600 instructions for every email argument.
fn argument_json(value: &GraphQlValue, variables: &Variables) -> Value {
    let string = match value {
        GraphQlValue::String(text) => Some(text),
        GraphQlValue::Variable(name) => match variables.get(name) {
            Some(ConstValue::String(text)) => Some(text),
            _ => None,
        },
        _ => None,
    };
    if let Some(text) = string {
        return Value::String(text.clone());
    }
    value
        .clone()
        .into_const_with(|var| variables.get(&var).cloned().ok_or(()))
        .ok()
        .and_then(|v| v.into_json().ok())
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use async_graphql::parser::types::DocumentOperations;

    use super::*;
    use crate::config::Config;
    use crate::state::AppState;

    fn planned(query: &str, variables: serde_json::Value, header: Option<State>) -> Planned {
        let app = AppState::new(&Config::for_tests().unwrap());
        let document = parse_query(query).unwrap();
        let DocumentOperations::Single(operation) = &document.operations else { panic!("one operation") };
        let namespace = app.namespace("plan-test").unwrap();
        plan(&operation.node, &Variables::from_json(variables), header, &namespace)
    }

    #[test]
    fn each_root_field_with_its_email_from_a_variable_or_an_input() {
        let query = "mutation($e: String!) { a: requestPasswordResetEmail(email: $e) \
                     createCustomerV2(input: {email: \"new@example.com\", firstname: \"A\"}) { customer { email } } }";
        let planned = planned(query, serde_json::json!({"e": "roni_cost@example.com"}), None);
        let calls: Vec<_> = planned
            .calls
            .iter()
            .map(|c| (c.scenario.operation.as_str(), c.scenario.response_key.as_str(), c.scenario.email.as_deref()))
            .collect();
        assert_eq!(
            calls,
            [
                ("requestPasswordResetEmail", "a", Some("roni_cost@example.com")),
                ("createCustomerV2", "createCustomerV2", Some("new@example.com")),
            ]
        );
        assert_eq!(planned.plan, Plan::default());
    }

    #[test]
    fn the_header_state_applies_to_every_field_and_a_fault_to_the_request() {
        let query = r#"mutation { requestPasswordResetEmail(email: "roni_cost@example.com") }"#;
        let locked = planned(query, serde_json::json!({}), Some(State::Locked));
        assert_eq!(locked.plan.field_states.get("requestPasswordResetEmail"), Some(&State::Locked));
        let reset = planned(query, serde_json::json!({}), Some(State::Http503));
        assert_eq!(reset.plan.fault, Some(State::Http503));
        assert!(reset.plan.field_states.is_empty());
    }
}
