//! Stage 4, plan: the root fields with their arguments, and the scripted state each one gets
//! (header, rule, magic address), decided before anything runs.

use std::sync::Arc;

use async_graphql::Variables;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, Field, OperationDefinition};
use async_graphql_value::{ConstValue, Value as GraphQlValue};
use serde_json::Value;

use crate::journal::{KeptArguments, root_fields};
use crate::magento::validation::ParsedDocument;
use crate::scenarios::State;
use crate::scenarios::plan::{FieldCall, Plan};
use crate::state::Namespace;

/// A root field with its arguments resolved, for scenarios and the journal.
pub(super) struct RootCall {
    pub(super) scenario: FieldCall,
    /// Secrets masked: only the journal keeps them.
    pub(super) arguments: Arc<Value>,
}

/// The request's root fields and what answers each.
pub(super) struct Planned {
    pub(super) calls: Vec<RootCall>,
    pub(super) plan: Plan,
}

/// `header` (the `X-Mock-Scenario` header, or a stub's scripted state) beats the namespace's rules.
pub(super) fn plan(
    parsed: &ParsedDocument,
    operation: &OperationDefinition,
    variables: &Variables,
    header: Option<State>,
    namespace: &Arc<Namespace>,
) -> Planned {
    let calls = root_calls(parsed, operation, variables);
    let plan = Plan::decide(header, &mut namespace.rules(), calls.iter().map(|c| &c.scenario));
    Planned { calls, plan }
}

fn root_calls(parsed: &ParsedDocument, operation: &OperationDefinition, variables: &Variables) -> Vec<RootCall> {
    // Arguments written into the document are the same in every request that sends it: they
    // are resolved and masked once, where building them was about 1,200 instructions and five
    // allocations a request (BENCHMARKS.md, the fifteenth pass).
    let literal = parsed.literal_arguments(literal_arguments);
    root_fields(operation)
        .enumerate()
        .map(|(index, field)| {
            let kept = match literal.get(index) {
                Some(Some(kept)) => kept.clone(),
                _ => kept_arguments(field, variables),
            };
            RootCall {
                scenario: FieldCall {
                    operation: field.name.node.clone(),
                    response_key: field.response_key().node.clone(),
                    email: kept.email,
                },
                arguments: kept.masked,
            }
        })
        .collect()
}

fn kept_arguments(field: &Field, variables: &Variables) -> KeptArguments {
    KeptArguments::of(
        field
            .arguments
            .iter()
            .map(|(name, value)| (name.node.as_str().to_owned(), argument_json(&value.node, variables)))
            .collect(),
    )
}

/// Each root field's kept arguments where they hold no variable, for a document of one
/// operation (with several, the request's operation name chooses: nothing is kept).
fn literal_arguments(document: &ExecutableDocument) -> Vec<Option<KeptArguments>> {
    let DocumentOperations::Single(operation) = &document.operations else { return Vec::new() };
    root_fields(&operation.node)
        .map(|field| {
            let literal = field.arguments.iter().all(|(_, value)| value.node.clone().into_const().is_some());
            literal.then(|| kept_arguments(field, &Variables::default()))
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
    use super::*;
    use crate::config::Config;
    use crate::state::AppState;

    fn planned(query: &str, variables: serde_json::Value, header: Option<State>) -> Planned {
        let app = AppState::new(&Config::for_tests().unwrap());
        let parsed = app.documents().parse(query).ok().unwrap();
        let DocumentOperations::Single(operation) = &parsed.document.operations else { panic!("one operation") };
        let namespace = app.namespace("plan-test").unwrap();
        plan(&parsed, &operation.node, &Variables::from_json(variables), header, &namespace)
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

    #[test]
    fn written_arguments_are_kept_once_as_the_per_request_reading_makes_them() {
        let query = r#"mutation($p: String!) {
            resetPassword(email: "a@example.com", resetPasswordToken: "tok", newPassword: "Secret1!")
            b: resetPassword(email: "b@example.com", resetPasswordToken: "tok", newPassword: $p)
            c: createCustomerV2(input: {email: "c@example.com", password: "Secret1!", n: [1, 2.5, null, true]}) { customer { email } }
        }"#;
        let app = AppState::new(&Config::for_tests().unwrap());
        let parsed = app.documents().parse(query).ok().unwrap();
        let DocumentOperations::Single(operation) = &parsed.document.operations else { panic!("one operation") };
        let variables = Variables::from_json(serde_json::json!({"p": "Other2!"}));
        let first = root_calls(&parsed, &operation.node, &variables);
        let again = root_calls(&parsed, &operation.node, &variables);
        // Kept where written out, made per request where a variable is passed.
        assert!(Arc::ptr_eq(&first[0].arguments, &again[0].arguments));
        assert!(!Arc::ptr_eq(&first[1].arguments, &again[1].arguments));
        assert!(Arc::ptr_eq(&first[2].arguments, &again[2].arguments));
        for (kept, field) in first.iter().zip(root_fields(&operation.node)) {
            let made = kept_arguments(field, &variables);
            assert_eq!(*kept.arguments, *made.masked);
            assert_eq!(kept.scenario.email, made.email);
        }
        assert_eq!(first[0].arguments["newPassword"], "****");
        assert_eq!(first[0].arguments["resetPasswordToken"], "****");
        assert_eq!(first[1].arguments["newPassword"], "****");
        assert_eq!(first[2].arguments["input"]["password"], "****");
        assert_eq!(first[2].arguments["input"]["n"], serde_json::json!([1, 2.5, null, true]));
        assert_eq!(first[2].scenario.email.as_deref(), Some("c@example.com"));
    }
}
