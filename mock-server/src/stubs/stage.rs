//! The stage of the GraphQL request path that answers from stubs and recordings, or forwards
//! to the upstream store, before the emulation runs.

use std::sync::Arc;

use async_graphql::parser::types::OperationDefinition;
use async_graphql_value::{ConstValue, Name, Value as GraphQlValue};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

use crate::http::connection::Peer;
use crate::http::request_headers::RequestHeaders;
use crate::journal::{AnsweredBy, Entry, KeptArguments, StubNote, mask_secrets, root_fields};
use crate::magento::validation;
use crate::scenarios::{State, faults};
use crate::state::{AppState, Namespace};

use super::key::{Identity, RequestFactors};
use super::matching::Stub;
use super::upstream::{Forward, Upstream};
use super::{Stubs, Unrecorded, answer};

/// What the stage decided.
#[derive(Debug)]
pub enum Stage {
    /// A stub, a recording or the store answered.
    Answered(Response),
    /// The emulation answers, with this scripted state if a stub asked for one.
    Emulate(Option<State>),
}

/// One GraphQL request as the handler decoded it.
#[derive(Debug)]
pub struct StageInput<'a> {
    pub method: &'a Method,
    pub query: &'a str,
    pub variables: &'a Map<String, Value>,
    pub headers: &'a RequestHeaders,
    pub peer: &'a Peer,
    /// The request's namespace if it is in use (looked up once by the handler, which goes on
    /// with it when the emulation answers).
    pub namespace: Option<&'a Arc<Namespace>>,
}

/// The stubs stage: a matching stub (the namespace's, then recordings, then files), else the
/// emulation for what it serves, else the store or the explanatory error.
pub async fn stage(app: &AppState, input: StageInput<'_>) -> Stage {
    let stubs = app.stubs();
    // A namespace not in use has no stubs: it is made only when this stage answers.
    let existing = input.namespace;
    if !stubs.active() && existing.is_none_or(|n| n.stubs().is_empty()) {
        return Stage::Emulate(None);
    }
    let method = match *input.method {
        Method::GET => "GET",
        Method::POST => "POST",
        _ => return Stage::Emulate(None),
    };
    // A document that does not parse or names no single operation gets Magento's own error.
    let Ok(parsed) = app.documents().parse(input.query) else { return Stage::Emulate(None) };
    let Ok(operation) = validation::single_operation(&parsed.document) else { return Stage::Emulate(None) };
    let factors = RequestFactors {
        store: input.headers.store.clone(),
        currency: input.headers.currency.clone(),
        signed_in: input.headers.bearer_token.is_some(),
    };
    let request = Identity::of(method, input.query, &parsed.document, &operation.node, input.variables, &factors);
    let emulated = request.is_emulated(app.schema_index(app.settings().magento_version));
    let key = request.key();
    let found = existing.and_then(|n| n.stubs().find(&request, &key)).or_else(|| stubs.files.find(&request, &key));
    if found.is_none() && (emulated || !stubs.active()) {
        return Stage::Emulate(None);
    }
    let Ok(namespace) = app.namespace(&input.headers.namespace) else { return Stage::Emulate(None) };
    let journal = Journal { namespace: &namespace, request: &request, operation: &operation.node, input: &input };
    // Boxed, as both wait (a delay, the upstream): every request's future would carry their size.
    if let Some(stub) = found {
        return Box::pin(answer_with(app, &stub, emulated, &journal)).await;
    }
    match (&stubs.upstream, stubs.unrecorded) {
        (Some(upstream), Unrecorded::Forward) => Stage::Answered(Box::pin(forward(stubs, upstream, &journal)).await),
        _ => {
            let nearest = stubs.files.nearest(&request);
            let response =
                answer::unrecorded(&request, &nearest, stubs.upstream.as_ref().map(Upstream::label).as_deref());
            journal.record(response.status(), &[], &note(AnsweredBy::Unrecorded, None, false));
            tracing::warn!(target: "stubs", key = %key, "no recording of {}", request.file_id());
            Stage::Answered(response)
        }
    }
}

async fn answer_with(app: &AppState, stub: &Stub, emulated: bool, journal: &Journal<'_>) -> Stage {
    let kind = if stub.is_recording() { AnsweredBy::Recording } else { AnsweredBy::Stub };
    let answer = &stub.answer;
    let mut delay = answer.delay;
    if let Some(State::Delay(extra)) = answer.state {
        delay = delay.max(extra);
    }
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let note = || note(kind, Some(stub.id.clone()), emulated);
    tracing::info!(target: "stubs", stub = %stub.id, overrides_emulated = emulated, "answered by a {}", kind.as_str());
    let with_body = || answer::raw(answer.status, &answer.headers, answer.body.clone().unwrap_or_default());
    let response = match answer.state {
        // The delay was served above.
        None | Some(State::Delay(_)) => with_body(),
        Some(State::ConnectionReset) => {
            journal.record(StatusCode::INTERNAL_SERVER_ERROR, &[], &note());
            journal.input.peer.reset.trip();
            return Stage::Answered(answer::raw(StatusCode::INTERNAL_SERVER_ERROR, &[], Vec::new()));
        }
        Some(fault @ (State::Http500 | State::Http502 | State::Http503)) => match faults::gateway_answer(fault) {
            Some(mut response) => {
                response.extensions_mut().insert(answer::Replayed);
                response
            }
            None => answer::mock_error(StatusCode::INTERNAL_SERVER_ERROR, "unknown fault"),
        },
        Some(State::MalformedJson) => {
            let text = answer.body.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
            answer::raw(answer.status, &answer.headers, faults::malformed(&text).into_bytes())
        }
        // A resolver's state: a body given with it wins; on an emulated operation the emulation
        // answers in that state; elsewhere only Magento's internal error has a meaning.
        Some(
            state @ (State::Ok
            | State::Unknown
            | State::Locked
            | State::Throttled
            | State::MailFailure
            | State::InternalError),
        ) => match (&answer.body, emulated) {
            (Some(_), _) => with_body(),
            (None, true) => return Stage::Emulate(Some(state)),
            (None, false) if state == State::InternalError => {
                answer::internal_error(journal.request, app.settings().magento_version)
            }
            (None, false) => answer::mock_error(
                StatusCode::OK,
                &format!("stub {} asks for the state {state}, which only an emulated operation has", stub.id),
            ),
        },
    };
    journal.record(response.status(), answer.body.as_deref().unwrap_or_default(), &note());
    Stage::Answered(response)
}

async fn forward(stubs: &Stubs, upstream: &Upstream, journal: &Journal<'_>) -> Response {
    let (request, input) = (journal.request, journal.input);
    let bearer = input.headers.bearer_token.as_deref();
    let sent = Forward {
        method: request.method,
        query: input.query,
        variables: input.variables,
        store: input.headers.store.as_deref(),
        currency: input.headers.currency.as_deref(),
        bearer_token: bearer,
    };
    let answered = match upstream.send(&sent).await {
        Ok(answered) => answered,
        Err(error) => {
            tracing::warn!(target: "stubs", "{error}");
            let response = answer::mock_error(StatusCode::BAD_GATEWAY, &format!("{}: {error}", upstream.label()));
            journal.record(response.status(), &[], &note(AnsweredBy::Upstream, None, false));
            return response;
        }
    };
    let mut id = None;
    if let Some(recorder) = &stubs.recorder {
        let recording =
            recorder.recording(request, &answered, &upstream.label(), &bearer.into_iter().collect::<Vec<_>>());
        match recorder.write(&recording) {
            Ok(path) => {
                tracing::info!(target: "stubs", file = %path.display(), "recorded");
                id = recording.id;
            }
            Err(error) => tracing::warn!(target: "stubs", "{error}"),
        }
    }
    let headers: Vec<_> =
        answered.headers.iter().filter_map(|(name, value)| Some((name.parse().ok()?, value.parse().ok()?))).collect();
    let status = StatusCode::from_u16(answered.status).unwrap_or(StatusCode::BAD_GATEWAY);
    journal.record(status, &answered.body, &note(AnsweredBy::Upstream, id, false));
    answer::raw(status, &headers, answered.body)
}

fn note(answered_by: AnsweredBy, id: Option<String>, overrides_emulated: bool) -> StubNote {
    StubNote { answered_by, id, overrides_emulated }
}

/// What the journal entries of one request share.
struct Journal<'a> {
    namespace: &'a Arc<Namespace>,
    request: &'a Identity,
    operation: &'a OperationDefinition,
    input: &'a StageInput<'a>,
}

impl Journal<'_> {
    /// One entry per root field, as the emulation writes them, with who answered.
    fn record(&self, status: StatusCode, body: &[u8], stub: &StubNote) {
        let answer: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let fields: Vec<(Name, Name, KeptArguments)> = root_fields(self.operation)
            .map(|field| {
                let arguments: Map<String, Value> = field
                    .arguments
                    .iter()
                    .map(|(name, value)| (name.node.to_string(), resolved(&value.node, self.input.variables)))
                    .collect();
                (field.name.node.clone(), field.response_key().node.clone(), KeptArguments::of(arguments))
            })
            .collect();
        let fields = if fields.is_empty() {
            let none = || KeptArguments { masked: Arc::new(Value::Null), email: None };
            self.request.root_fields.iter().map(|f| (Name::new(f), Name::new(f), none())).collect()
        } else {
            fields
        };
        let now = self.namespace.clock.now();
        for (operation, key, arguments) in fields {
            let error = answer.get("errors").and_then(Value::as_array).and_then(|errors| {
                let mine = errors.iter().find(|e| e["path"][0].as_str() == Some(key.as_str()));
                mine.or(errors.first()).and_then(|e| e["message"].as_str()).map(str::to_owned)
            });
            self.namespace.record(Entry {
                id: 0,
                time: now,
                namespace: self.namespace.name.clone(),
                operation_type: self.request.operation_type.to_string().into(),
                operation_name: self.request.operation_name.clone(),
                email: arguments.email,
                operation,
                arguments: arguments.masked,
                variables: self.request.variables.clone(),
                scenario: None,
                status: status.as_u16(),
                result: answer.get("data").and_then(|d| d.get(key.as_str())).map(mask_secrets).unwrap_or(Value::Null),
                response_key: key,
                error,
                message_id: None,
                stub: Some(stub.clone()),
            });
        }
    }
}

/// An argument's value with the request's variables put in.
fn resolved(value: &GraphQlValue, variables: &Map<String, Value>) -> Value {
    value
        .clone()
        .into_const_with(|name: Name| {
            variables.get(name.as_str()).cloned().and_then(|v| ConstValue::from_json(v).ok()).ok_or(())
        })
        .ok()
        .and_then(|v| v.into_json().ok())
        .unwrap_or(Value::Null)
}
