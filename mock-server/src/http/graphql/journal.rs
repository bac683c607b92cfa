//! Stage 7, journal: what the request asked and got, per root field, with secrets masked; and
//! the log line.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::{ExecutableDocument, OperationDefinition, OperationType, Selection};
use serde_json::Value;
use time::OffsetDateTime;

use super::plan::RootCall;
use super::render::Data;
use crate::journal::{Entry, is_secret_name, mask_secrets, mask_secrets_in};
use crate::logging::OperationLine;
use crate::magento::context::RequestContext;
use crate::magento::render::WireError;
use crate::scenarios::plan::{FieldCall, Plan};
use crate::state::Namespace;

/// What every journal entry of one request shares.
pub(super) struct JournalDraft {
    pub(super) namespace: Arc<Namespace>,
    pub(super) operation_type: &'static str,
    pub(super) operation_name: Option<String>,
    pub(super) variables: Value,
}

impl JournalDraft {
    pub(super) fn new(
        namespace: Arc<Namespace>,
        document: &ExecutableDocument,
        operation: &OperationDefinition,
        variables: &serde_json::Map<String, Value>,
    ) -> Self {
        Self {
            namespace,
            operation_type: operation_type(operation.ty),
            operation_name: operation_name(document),
            variables: mask_variables(variables, operation),
        }
    }

    /// One entry per root field; `answer` is `None` when a fault answered instead of Magento.
    pub(super) fn record(
        &self,
        calls: &[RootCall],
        plan: &Plan,
        status: u16,
        answer: Option<(&[WireError], Option<&Data>)>,
        context: Option<&RequestContext>,
    ) {
        let now = self.namespace.clock.now();
        for call in calls {
            let kept = Kept {
                call: call.scenario.clone(),
                arguments: Arc::clone(&call.arguments),
                variables: self.variables.clone(),
            };
            self.namespace.record(self.entry(now, kept, plan, status, answer, context));
        }
    }

    /// [`JournalDraft::record`] for an executed request, moving into the entries what only
    /// they keep instead of copying it (a request's most frequent allocations): each call's
    /// email, and the variables for the last entry (the arguments are shared).
    /// Called after the log line and the answer's cache check, which read the root fields.
    pub(super) fn record_executed(
        &mut self,
        calls: &mut [RootCall],
        plan: &Plan,
        status: u16,
        answer: (&[WireError], Option<&Data>),
        context: &RequestContext,
    ) {
        // The time the request's rules saw (read now if they read none).
        let now = context.services.now();
        let last = calls.len().saturating_sub(1);
        for (index, call) in calls.iter_mut().enumerate() {
            let arguments = Arc::clone(&call.arguments);
            let variables = match index == last {
                true => std::mem::take(&mut self.variables),
                false => self.variables.clone(),
            };
            let call = FieldCall {
                operation: call.scenario.operation.clone(),
                response_key: call.scenario.response_key.clone(),
                email: call.scenario.email.take(),
            };
            let kept = Kept { call, arguments, variables };
            self.namespace.record(self.entry(now, kept, plan, status, Some(answer), Some(context)));
        }
    }

    fn entry(
        &self,
        now: OffsetDateTime,
        kept: Kept,
        plan: &Plan,
        status: u16,
        answer: Option<(&[WireError], Option<&Data>)>,
        context: Option<&RequestContext>,
    ) -> Entry {
        let Kept { call, arguments, variables } = kept;
        let key = &call.response_key;
        let (result, error) = match answer {
            Some((errors, data)) => (
                data.and_then(|d| d.field(key)).map(mask_secrets).unwrap_or(Value::Null),
                errors.iter().find(|e| e.path.first().and_then(Value::as_str) == Some(key)).map(|e| e.message.clone()),
            ),
            None => (Value::Null, plan.fault.map(|f| f.to_string())),
        };
        Entry {
            id: 0,
            time: now,
            namespace: self.namespace.name.clone(),
            operation_type: self.operation_type.into(),
            operation_name: self.operation_name.clone(),
            scenario: plan.describe(key),
            message_id: context.and_then(|c| c.captured_by(key)),
            operation: call.operation,
            response_key: call.response_key,
            email: call.email,
            arguments,
            variables,
            status,
            result,
            error,
            stub: None,
        }
    }

    /// The `graphql` target's line for an executed request.
    pub(super) fn log(&self, calls: &[RootCall], plan: &Plan, status: u16, errors: &[WireError], elapsed: Duration) {
        let fields: Vec<&str> = calls.iter().map(|c| c.scenario.operation.as_str()).collect();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        OperationLine {
            namespace: &self.namespace.name,
            operation: self.operation_type,
            fields: &fields,
            scenario: plan.fault.or_else(|| plan.field_states.values().next().copied()).map(|s| s.to_string()),
            status,
            errors: &messages,
            elapsed,
        }
        .log();
    }
}

/// What one entry keeps of its root field and the request.
struct Kept {
    call: FieldCall,
    /// Masked.
    arguments: Arc<Value>,
    /// Masked.
    variables: Value,
}

/// The request's variables for the journal: those named like secrets, and those passed to a
/// password or token argument, masked.
fn mask_variables(variables: &serde_json::Map<String, Value>, operation: &OperationDefinition) -> Value {
    // Most documents sent often write their arguments out: nothing to mask, nothing to scan.
    if variables.is_empty() {
        return Value::Object(serde_json::Map::new());
    }
    let mut secret = std::collections::HashSet::new();
    for selection in &operation.selection_set.node.items {
        if let Selection::Field(field) = &selection.node {
            for (name, value) in &field.node.arguments {
                if let (true, async_graphql_value::Value::Variable(variable)) =
                    (is_secret_name(&name.node), &value.node)
                {
                    secret.insert(variable.to_string());
                }
            }
        }
    }
    let mut map = mask_secrets_in(variables);
    for name in secret {
        if let Some(value) = map.get_mut(&name) {
            *value = Value::String("****".into());
        }
    }
    Value::Object(map)
}

/// `OperationType`'s `Display` text, without formatting.
fn operation_type(ty: OperationType) -> &'static str {
    match ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    }
}

fn operation_name(document: &ExecutableDocument) -> Option<String> {
    document.operations.iter().next().and_then(|(name, _)| name.map(|n| n.to_string()))
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    #[test]
    fn a_variable_passed_as_a_password_is_masked_whatever_its_name() {
        let query = "mutation Reset($e: String!, $t: String!, $p: String!) \
                     { resetPassword(email: $e, resetPasswordToken: $t, newPassword: $p) }";
        let document = parse_query(query).unwrap();
        let (_, operation) = document.operations.iter().next().unwrap();
        let variables = serde_json::json!({"e": "a@example.com", "t": "tok", "p": "Secret123!"});
        let masked = mask_variables(variables.as_object().unwrap(), &operation.node);
        assert_eq!(masked["e"], "a@example.com");
        assert_eq!(masked["p"], "****");
        assert_eq!(operation_name(&document).as_deref(), Some("Reset"));
        assert_eq!(operation_name(&parse_query("{ a }").unwrap()), None);
    }
}
