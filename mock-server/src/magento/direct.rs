//! The direct path: a document whose one root field is `requestPasswordResetEmail`,
//! `resetPassword` or `generateCustomerToken`, with plain string arguments and nothing else,
//! answered by calling the rule itself and writing the answer from a template worked out once
//! per document; the same bytes async-graphql's executor writes (the differential test in
//! `tests/api/direct_path.rs` compares them). Anything else is left to the executor.
//!
//! The schema's resolvers call the same functions below, so both paths run one body.

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType, Selection};
use async_graphql::{Name, PathSegment, Pos, ServerError, Variables};
use async_graphql_value::{ConstValue, Value};

use super::context::RequestContext;
use super::errors::MagentoError;
use super::{password_reset, php, sign_in};

/// `requestPasswordResetEmail`'s resolver body: its answer, the capture noted for the journal.
pub fn request_password_reset_email(request: &RequestContext, key: &str, email: &str) -> Result<bool, MagentoError> {
    let requested = password_reset::request_reset_email(request, email, request.scripted_state(key))?;
    if let Some(message_id) = requested.message_id {
        request.note_captured(key, message_id);
    }
    Ok(requested.sent)
}

/// `resetPassword`'s resolver body.
pub fn reset_password(
    request: &RequestContext,
    key: &str,
    email: &str,
    token: &str,
    new_password: &str,
) -> Result<bool, MagentoError> {
    password_reset::reset_password(request, email, token, new_password, request.scripted_state(key))
}

/// `generateCustomerToken`'s resolver body: the token.
pub fn generate_customer_token(
    request: &RequestContext,
    key: &str,
    email: &str,
    password: &str,
) -> Result<String, MagentoError> {
    sign_in::generate_customer_token(request, email, password, request.scripted_state(key))
}

/// Which rule a document calls, with its arguments in the rule's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    RequestPasswordResetEmail,
    ResetPassword,
    /// `generateCustomerToken { token }`.
    GenerateCustomerToken,
}

impl Rule {
    fn of(field: &str) -> Option<Self> {
        Some(match field {
            "requestPasswordResetEmail" => Self::RequestPasswordResetEmail,
            "resetPassword" => Self::ResetPassword,
            "generateCustomerToken" => Self::GenerateCustomerToken,
            _ => return None,
        })
    }

    const fn field(self) -> &'static str {
        match self {
            Self::RequestPasswordResetEmail => "requestPasswordResetEmail",
            Self::ResetPassword => "resetPassword",
            Self::GenerateCustomerToken => "generateCustomerToken",
        }
    }

    const fn parameters(self) -> &'static [&'static str] {
        match self {
            Self::RequestPasswordResetEmail => &["email"],
            Self::ResetPassword => &["email", "resetPasswordToken", "newPassword"],
            Self::GenerateCustomerToken => &["email", "password"],
        }
    }
}

#[derive(Debug)]
enum Argument {
    Literal(String),
    Variable(Name),
}

/// A document the direct path answers, worked out once.
#[derive(Debug)]
pub struct DirectCall {
    rule: Rule,
    /// The root field's response key (its alias or name).
    key: String,
    /// The root field's position, where its error is located.
    pos: Pos,
    arguments: Vec<Argument>,
    /// `{"data":{"key":` and, for a token, `{"token key":`.
    head: String,
    tail: &'static str,
    /// `generateCustomerToken`'s `token` response key.
    token_key: Option<String>,
}

/// The field's answer: the body from the template, or the resolver's error as the executor
/// would report it (its field then `null`).
pub enum DirectAnswer {
    Answered { body: String, value: serde_json::Value },
    Failed(ServerError),
}

impl DirectCall {
    /// `None` for any document the direct path does not take: then the executor answers. Only
    /// a document that validated is asked (validation runs first on both paths).
    pub fn of(document: &ExecutableDocument, source: &str) -> Option<Self> {
        // Fragments and non-ASCII text (webonyx counts its columns differently) stay with the
        // executor; so do directives anywhere (checked below: an `@` may be in an email).
        if !source.is_ascii() || !document.fragments.is_empty() {
            return None;
        }
        let operation = match &document.operations {
            DocumentOperations::Single(operation) => operation,
            DocumentOperations::Multiple(operations) if operations.len() == 1 => operations.values().next()?,
            DocumentOperations::Multiple(_) => return None,
        };
        let directives = !operation.node.directives.is_empty()
            || operation.node.variable_definitions.iter().any(|v| !v.node.directives.is_empty());
        if operation.node.ty != OperationType::Mutation || directives {
            return None;
        }
        let [selection] = operation.node.selection_set.node.items.as_slice() else { return None };
        let Selection::Field(field) = &selection.node else { return None };
        let rule = Rule::of(field.node.name.node.as_str())?;
        if !field.node.directives.is_empty() || field.node.arguments.len() != rule.parameters().len() {
            return None;
        }
        let mut arguments = Vec::with_capacity(rule.parameters().len());
        for parameter in rule.parameters() {
            let (_, value) = field.node.arguments.iter().find(|(name, _)| name.node.as_str() == *parameter)?;
            arguments.push(match &value.node {
                Value::String(text) => Argument::Literal(text.clone()),
                Value::Variable(name) => Argument::Variable(name.clone()),
                _ => return None,
            });
        }
        let key = field.node.response_key().node.to_string();
        let mut token_key = None;
        let mut head = format!("{{\"data\":{{{}:", php::json_encode(&serde_json::Value::String(key.clone())));
        let tail = match rule {
            Rule::RequestPasswordResetEmail | Rule::ResetPassword if field.node.selection_set.node.items.is_empty() => {
                "}}"
            }
            Rule::GenerateCustomerToken => {
                let [selection] = field.node.selection_set.node.items.as_slice() else { return None };
                let Selection::Field(token) = &selection.node else { return None };
                let plain = token.node.arguments.is_empty()
                    && token.node.directives.is_empty()
                    && token.node.selection_set.node.items.is_empty();
                if token.node.name.node.as_str() != "token" || !plain {
                    return None;
                }
                let name = token.node.response_key().node.to_string();
                head.push('{');
                head.push_str(&php::json_encode(&serde_json::Value::String(name.clone())));
                token_key = Some(name);
                head.push(':');
                "}}}"
            }
            Rule::RequestPasswordResetEmail | Rule::ResetPassword => return None,
        };
        Some(Self { rule, key, pos: field.pos, arguments, head, tail, token_key })
    }

    /// The arguments' values (variables as coerced); `None` when one is not a string, which
    /// the executor then handles.
    pub fn arguments<'a>(&'a self, variables: &'a Variables) -> Option<Vec<&'a str>> {
        self.arguments
            .iter()
            .map(|argument| match argument {
                Argument::Literal(text) => Some(text.as_str()),
                Argument::Variable(name) => match variables.get(name)? {
                    ConstValue::String(text) => Some(text.as_str()),
                    _ => None,
                },
            })
            .collect()
    }

    /// The root field's response key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Runs the rule with `arguments` (from [`Self::arguments`]).
    pub fn answer(&self, request: &RequestContext, arguments: &[&str]) -> DirectAnswer {
        let key = self.key.as_str();
        let value = match (self.rule, arguments) {
            // As the executor's path does it (`schema::run`), before the rule.
            _ if !request.recaptcha_passes(self.rule.field()) => Err(MagentoError::RecaptchaFailed),
            (Rule::RequestPasswordResetEmail, [email]) => {
                request_password_reset_email(request, key, email).map(serde_json::Value::Bool)
            }
            (Rule::ResetPassword, [email, token, password]) => {
                reset_password(request, key, email, token, password).map(serde_json::Value::Bool)
            }
            (Rule::GenerateCustomerToken, [email, password]) => {
                generate_customer_token(request, key, email, password).map(serde_json::Value::String)
            }
            _ => Err(MagentoError::Internal),
        };
        match value {
            Ok(value) => {
                // Exactly as long as it needs: the answer's `Bytes` then take the string's buffer
                // as it is, where spare room cost them an allocation of their own.
                let encoded = php::json_encode(&value);
                let mut body = String::with_capacity(self.head.len() + encoded.len() + self.tail.len());
                body.push_str(&self.head);
                body.push_str(&encoded);
                body.push_str(self.tail);
                let value = match &self.token_key {
                    Some(token_key) => serde_json::Value::Object([(token_key.clone(), value)].into_iter().collect()),
                    None => value,
                };
                DirectAnswer::Answered { body, value }
            }
            Err(error) => {
                let mut error = async_graphql::Error::from(error).into_server_error(self.pos);
                error.path = vec![PathSegment::Field(self.key.clone())];
                DirectAnswer::Failed(error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn direct(query: &str) -> Option<DirectCall> {
        DirectCall::of(&parse_query(query).unwrap(), query)
    }

    #[test]
    fn the_plain_documents_of_the_three_mutations_are_taken() {
        let request = direct(r#"mutation { requestPasswordResetEmail(email: "roni_cost@example.com") }"#).unwrap();
        assert_eq!(
            (request.rule, request.head.as_str(), request.tail),
            (Rule::RequestPasswordResetEmail, r#"{"data":{"requestPasswordResetEmail":"#, "}}")
        );
        let reset = direct(
            "mutation R($e: String!) { r: resetPassword(email: $e, resetPasswordToken: \"t\", newPassword: \"p\") }",
        );
        assert_eq!(reset.unwrap().key(), "r");
        let token =
            direct(r#"mutation { generateCustomerToken(email: "a@b.c", password: "p") { t: token } }"#).unwrap();
        assert_eq!(token.head, r#"{"data":{"generateCustomerToken":{"t":"#);
        assert_eq!(token.token_key.as_deref(), Some("t"));
    }

    #[test]
    fn anything_else_is_left_to_the_executor() {
        for query in [
            r#"{ storeConfig { store_name } }"#,
            r#"mutation { requestPasswordResetEmail(email: "a@b.c") requestPasswordResetEmail(email: "a@b.c") }"#,
            r#"mutation { requestPasswordResetEmail(email: "a@b.c") @skip(if: false) }"#,
            r#"mutation @x { requestPasswordResetEmail(email: "a@b.c") }"#,
            r#"mutation($e: String! @x) { requestPasswordResetEmail(email: $e) }"#,
            r#"mutation { requestPasswordResetEmail(email: 5) }"#,
            r#"mutation { requestPasswordResetEmail(email: "é@b.c") }"#,
            r#"mutation { generateCustomerToken(email: "a@b.c", password: "p") { token __typename } }"#,
            r#"mutation { generateCustomerToken(email: "a@b.c", password: "p") { ...F } } fragment F on CustomerToken { token }"#,
        ] {
            assert!(direct(query).is_none(), "{query}");
        }
    }

    #[test]
    fn a_variable_that_is_not_a_string_is_left_to_the_executor() {
        let call = direct("mutation($e: String!) { requestPasswordResetEmail(email: $e) }").unwrap();
        let strings = Variables::from_json(serde_json::json!({"e": "a@b.c"}));
        assert_eq!(call.arguments(&strings), Some(vec!["a@b.c"]));
        assert_eq!(call.arguments(&Variables::from_json(serde_json::json!({"e": 5}))), None);
        assert_eq!(call.arguments(&Variables::default()), None);
    }
}
