//! `POST /graphql` (and `GET` for queries): Magento's GraphQl controller, with its HTTP rules
//! (section 8.4), in front of async-graphql's parser and executor.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::Variables;
use async_graphql::parser::types::{ExecutableDocument, OperationDefinition, OperationType, Selection};
use axum::body::to_bytes;
use axum::extract::{ConnectInfo, Request, State as AxumState};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::journal::{Entry, is_secret_name, mask_secrets};
use crate::magento::context::RequestContext;
use crate::magento::render::{WireError, response_body, shown_errors};
use crate::magento::validation::{self, SyntaxError, Thrown, ValidationError, Verdict, cast_string_literals};
use crate::magento::{Category, MagentoVersion, StatusFamily, UnreadableBody};
use crate::scenarios::plan::{FieldCall, Plan};
use crate::scenarios::{State, faults};
use crate::state::{AppState, Namespace};
use crate::stubs::{self, Stage, StageInput};

use super::answer::json_response;
use super::cache_headers::{CacheContext, FullPageCacheable};
use super::connection::{Peer, ResetSwitch};
use super::request_headers::{RequestHeaders, bad_header};
use super::services::Live;

/// PHP's default `post_max_size` (8M). Magento has no limit of its own up to 2.4.8; PHP hands it
/// an empty body for anything larger (docs/release-families.md, section 2.6).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

pub async fn post(AxumState(app): AxumState<AppState>, request: Request) -> Response {
    let peer = peer_of(&request);
    let (parts, body) = request.into_parts();
    let headers = match RequestHeaders::read(&parts.headers) {
        Ok(headers) => headers,
        Err(error) => return bad_header(error),
    };
    let version = app.settings().magento_version;
    let bytes = match tokio::time::timeout(app.body_read_timeout(), to_bytes(body, MAX_BODY_BYTES)).await {
        Ok(Ok(bytes)) => bytes,
        // Over post_max_size PHP reads no body at all: Magento sees an empty one.
        Ok(Err(_)) => axum::body::Bytes::new(),
        // Not a Magento answer: its web server would have given up on the slow client too.
        Err(_) => {
            let message = "Request body was not received in time.";
            return json_response(
                StatusCode::REQUEST_TIMEOUT,
                response_body(&[WireError::request_level(message)], None, version),
            );
        }
    };
    let cache = CacheContext::of(version, &bytes, &headers, false);
    // ContentTypeValidator tests `strpos($header, 'application/json')`; up to 2.4.3 it runs
    // before the body is decoded, from 2.4.4 after.
    let content_type_ok = mentions_json(&parts.headers);
    if !content_type_ok && !version.decodes_body_first() {
        return cache.apply(request_failure(version, CONTENT_TYPE_MESSAGE));
    }
    let params = match GraphQlParams::from_body(&bytes, version) {
        Decoded::Params(params) => params,
        Decoded::Unreadable => return unreadable_body(&app, version, &cache),
        Decoded::TypeError => return super::error_page::type_error(),
    };
    if !content_type_ok {
        return cache.apply(request_failure(version, CONTENT_TYPE_MESSAGE));
    }
    cache.apply(execute(&app, params, &headers, &peer, Method::POST).await)
}

const CONTENT_TYPE_MESSAGE: &str = "Request content type must be application/json";

pub async fn get(AxumState(app): AxumState<AppState>, request: Request) -> Response {
    let peer = peer_of(&request);
    let headers = match RequestHeaders::read(request.headers()) {
        Ok(headers) => headers,
        Err(error) => return bad_header(error),
    };
    let query = request.uri().query().unwrap_or("");
    if query.is_empty() && accepts_html(request.headers()) {
        return super::web::graphiql();
    }
    let version = app.settings().magento_version;
    let cache = CacheContext::of(version, b"", &headers, true);
    let params = match GraphQlParams::from_query_string(query) {
        Decoded::Params(params) => params,
        // `variables` that are not JSON: the decoder's exception.
        Decoded::Unreadable => return unreadable_body(&app, version, &cache),
        Decoded::TypeError => return super::error_page::type_error(),
    };
    cache.apply(execute(&app, params, &headers, &peer, Method::GET).await)
}

/// `OPTIONS /graphql` without CORS preflight headers (the CORS layer answers preflights). Up to
/// 2.4.7 the controller runs it as a request with no query (a syntax error at 1:1); 2.4.8
/// answers 204 with no body.
pub async fn options(AxumState(app): AxumState<AppState>, request: Request) -> Response {
    let version = app.settings().magento_version;
    let peer = peer_of(&request);
    let headers = match RequestHeaders::read(request.headers()) {
        Ok(headers) => headers,
        Err(error) => return bad_header(error),
    };
    let cache = CacheContext::of(version, b"", &headers, false);
    if version.crashes_without_query() {
        return unreadable_body(&app, version, &cache);
    }
    match version.statuses() {
        StatusFamily::CatchAll => {
            let params = GraphQlParams { query: String::new(), variables: Map::new() };
            cache.apply(execute(&app, params, &headers, &peer, Method::OPTIONS).await)
        }
        StatusFamily::Mapped => cache.apply(json_response(StatusCode::NO_CONTENT, String::new())),
    }
}

/// What the controller does with a body (or GET `variables`) it cannot decode.
fn unreadable_body(app: &AppState, version: MagentoVersion, cache: &CacheContext) -> Response {
    match version.unreadable_body() {
        UnreadableBody::InternalErrorJson => {
            let error = WireError {
                message: "Internal server error".into(),
                locations: Vec::new(),
                path: Vec::new(),
                category: Some(Category::Internal),
            };
            cache.apply(json_response(StatusCode::INTERNAL_SERVER_ERROR, response_body(&[error], None, version)))
        }
        UnreadableBody::ErrorPage => super::error_page::unhandled_exception(app),
        UnreadableBody::UnableToParse => cache.apply(request_failure(version, "Unable to parse the request.")),
    }
}

/// The three parameters of a GraphQL request; Magento ignores `operationName`.
struct GraphQlParams {
    query: String,
    variables: Map<String, Value>,
}

/// The request's parameters as PHP decoded them, or how PHP failed.
enum Decoded {
    Params(GraphQlParams),
    /// `json_decode` failed: an exception the controller does not catch.
    Unreadable,
    /// A `TypeError` (strict types): a body that is not an array, a `query` that is not a
    /// string, `variables` that are not an array.
    TypeError,
}

impl GraphQlParams {
    /// The body as `json_decode($body, true)` hands it to the controller.
    fn from_body(bytes: &[u8], version: MagentoVersion) -> Decoded {
        // 2.4.8 reads an empty body as no parameters.
        if bytes.is_empty() && version.statuses() == StatusFamily::Mapped {
            return Decoded::Params(Self { query: String::new(), variables: Map::new() });
        }
        let mut body = match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(body)) => body,
            Ok(Value::Array(_)) => Map::new(),
            Ok(_) => return Decoded::TypeError,
            Err(_) => return Decoded::Unreadable,
        };
        let query = match body.remove("query") {
            None if version.crashes_without_query() => return Decoded::Unreadable,
            None | Some(Value::Null) => String::new(),
            Some(Value::String(query)) => query,
            Some(_) => return Decoded::TypeError,
        };
        let variables = match body.remove("variables") {
            None | Some(Value::Null) | Some(Value::Array(_)) => Map::new(),
            Some(Value::Object(variables)) => variables,
            Some(_) => return Decoded::TypeError,
        };
        Decoded::Params(Self { query, variables })
    }

    fn from_query_string(query_string: &str) -> Decoded {
        let mut query = None;
        let mut variables = None;
        for (key, value) in form_urlencoded_pairs(query_string) {
            match key.as_str() {
                "query" => query = Some(value),
                "variables" => variables = Some(Value::String(value)),
                _ => {}
            }
        }
        let Some(variables) = variables_from(variables) else { return Decoded::Unreadable };
        Decoded::Params(Self { query: query.unwrap_or_default(), variables })
    }
}

/// GET's `variables`: JSON text of an object; anything else that decodes counts as none.
/// `None` when the text is not JSON (an empty parameter included, as `json_decode('')` fails).
fn variables_from(value: Option<Value>) -> Option<Map<String, Value>> {
    match value {
        None => Some(Map::new()),
        Some(Value::String(text)) => match serde_json::from_str(&text).ok()? {
            Value::Object(map) => Some(map),
            _ => Some(Map::new()),
        },
        Some(_) => None,
    }
}

fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://query.invalid/?{query}"))
        .map(|url| url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
        .unwrap_or_default()
}

async fn execute(
    app: &AppState,
    params: GraphQlParams,
    headers: &RequestHeaders,
    peer: &Peer,
    method: Method,
) -> Response {
    let started = Instant::now();
    let settings = app.settings();
    let version = settings.magento_version;
    let mode = settings.magento_mode;
    let validation_failure = |errors: Vec<ValidationError>| {
        let errors: Vec<WireError> = errors.into_iter().map(|e| WireError::validation(e, version)).collect();
        json_response(StatusCode::OK, response_body(&shown_errors(errors, version, mode), None, version))
    };
    // What the mock does not emulate, and stubs that override what it does (before the Store
    // check: a forwarded request names the real store's views).
    let stubbed = StageInput { method: &method, query: &params.query, variables: &params.variables, headers, peer };
    let scripted = match stubs::stage(app, stubbed).await {
        Stage::Answered(response) => return response,
        Stage::Emulate(scripted) => scripted,
    };
    // The controller's validators run before it parses: the Store header's for POST here; for
    // GET the verb validator parses first (its syntax errors and GET mutations come before).
    if method != Method::GET
        && let Some(refused) = unknown_store(app, headers, version)
    {
        return refused;
    }
    let parsed = match app.documents().parse(&params.query) {
        Ok(parsed) => parsed,
        Err(SyntaxError::Syntax(e)) => {
            let status = StatusCode::from_u16(version.syntax_error_status(params.query.is_empty()))
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return json_response(status, response_body(&[WireError::validation(e, version)], None, version));
        }
        Err(SyntaxError::Validation(e)) => return validation_failure(vec![e]),
    };
    let document = &parsed.document;
    if method == Method::GET {
        if last_operation_type(document) == Some(OperationType::Mutation) {
            return request_failure(version, "Mutation requests allowed only for POST requests");
        }
        if let Some(refused) = unknown_store(app, headers, version) {
            return refused;
        }
    }
    let (operation, variables) =
        match validation::check(&parsed, &params.query, &params.variables, app.schema_index(), version) {
            Verdict::Run(operation, variables) => (operation, variables),
            Verdict::Invalid(errors) => return validation_failure(errors),
            // An exception before execution (an unknown type name, Magento's field count):
            // answered like a syntax error.
            Verdict::Thrown(error, thrown) => {
                let status = StatusCode::from_u16(version.syntax_error_status(false))
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let error = match thrown {
                    Thrown::Internal => WireError::validation(error, version),
                    Thrown::Input => WireError::request_level(&error.message),
                };
                return json_response(status, response_body(&[error], None, version));
            }
        };

    let calls = root_calls(&operation.node, &variables);
    let namespace = match app.namespace(&headers.namespace) {
        Ok(namespace) => namespace,
        Err(error) => return bad_header(error),
    };
    let plan = Plan::decide(
        headers.scenario.or(scripted),
        &mut namespace.rules(),
        &calls.iter().map(|c| c.scenario.clone()).collect::<Vec<_>>(),
    );
    let journal = JournalDraft {
        namespace: Arc::clone(&namespace),
        operation_type: operation.node.ty.to_string(),
        operation_name: operation_name(document),
        variables: mask_variables(&params.variables, &operation.node),
    };
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    match plan.fault {
        Some(State::ConnectionReset) => {
            journal.record(&calls, &plan, 0, None, None);
            peer.reset.trip();
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Some(fault) => {
            if let Some(answer) = faults::gateway_answer(fault) {
                journal.record(&calls, &plan, answer.status().as_u16(), None, None);
                return answer;
            }
        }
        None => {}
    }

    let context: Arc<RequestContext> = Arc::new(RequestContext {
        settings,
        client_ip: peer.address.ip(),
        bearer_token: headers.bearer_token.clone(),
        field_states: plan.field_states.clone(),
        captured: Mutex::new(Vec::new()),
        services: Live::for_request(app.clone(), Arc::clone(&namespace), headers),
    });
    let mut executable = ExecutableDocument::clone(document);
    cast_string_literals(&mut executable, &params.query, app.schema_index());
    // Only a document with a directive can skip fields (see `validation::fill_skipped`).
    let skipped_check = params.query.contains('@').then(|| variables.clone());
    // webonyx counts columns differently after non-ASCII text (see `validation::webonyx_pos`).
    let positions_source = validation::positions_differ(&params.query).then(|| params.query.clone());
    let mut request = async_graphql::Request::new(params.query).variables(variables).data(Arc::clone(&context));
    request.set_parsed_query(executable);
    let response = app.schema().execute(request).await;

    let mut errors: Vec<WireError> = response.errors.iter().map(|e| WireError::from_execution(e, version)).collect();
    // A root field's error at every field merged under its response name, as webonyx locates it.
    for error in errors.iter_mut().filter(|e| e.path.len() == 1 && e.locations.len() == 1) {
        let Some(key) = error.path.first().and_then(Value::as_str) else { continue };
        let merged = validation::merged_locations(document, &operation.node, key);
        if merged.len() > 1 && merged.first() == error.locations.first() {
            error.locations = merged;
        }
    }
    if let Some(source) = &positions_source {
        for location in errors.iter_mut().flat_map(|e| e.locations.iter_mut()) {
            *location = validation::webonyx_pos(source, *location);
        }
    }
    let errors = shown_errors(errors, version, mode);
    let executed = errors.iter().any(|e| !e.path.is_empty()) || errors.is_empty();
    let data = executed.then(|| {
        let mut data = response.data.into_json().unwrap_or(Value::Null);
        if let Some(variables) = &skipped_check {
            validation::fill_skipped(document, &operation.node, variables, &mut data);
        }
        data
    });
    let status = status_for(&errors, version);
    journal.record(&calls, &plan, status.as_u16(), Some((&errors, data.as_ref())), Some(&context));
    tracing::info!(
        target: "graphql",
        namespace = %headers.namespace,
        operation = %journal.operation_type,
        fields = %calls.iter().map(|c| c.scenario.operation.as_str()).collect::<Vec<_>>().join(","),
        scenario = ?plan.fault.or_else(|| plan.field_states.values().next().copied()).map(|s| s.to_string()),
        status = status.as_u16(),
        errors = %errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" | "),
        elapsed_us = started.elapsed().as_micros() as u64,
        "graphql operation"
    );
    let body = response_body(&errors, data, version);
    if plan.fault == Some(State::MalformedJson) {
        return json_response(status, faults::malformed(&body));
    }
    let mut response = json_response(status, body);
    // Only a query whose every root field has a cache identity is stored by the full-page cache.
    let cached =
        errors.is_empty() && !calls.is_empty() && calls.iter().all(|c| has_cache_identity(&c.scenario.operation));
    if cached {
        response.extensions_mut().insert(FullPageCacheable);
    }
    response
}

/// Root fields whose schema declares `@cache(cacheIdentity: ...)` (StoreGraphQl's `storeConfig`
/// and `availableStores`): the only answers Magento's built-in full-page cache stores.
fn has_cache_identity(field: &str) -> bool {
    matches!(field, "storeConfig" | "availableStores")
}

/// `StoreValidator`: a `Store` header naming no active store view is refused before anything runs.
fn unknown_store(app: &AppState, headers: &RequestHeaders, version: MagentoVersion) -> Option<Response> {
    let refused = crate::magento::store::select(app.fixtures(), headers.store.as_deref()).err()?;
    Some(request_failure(version, &version.store_not_found(refused)))
}

/// `HttpVerbValidator` keeps the type of the last operation in the document.
fn last_operation_type(document: &ExecutableDocument) -> Option<OperationType> {
    document.operations.iter().max_by_key(|(_, operation)| operation.pos).map(|(_, operation)| operation.node.ty)
}

/// A root field with its arguments resolved, for scenarios and the journal.
struct RootCall {
    scenario: FieldCall,
    arguments: Value,
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
                .map(|(name, value)| {
                    let value = value
                        .node
                        .clone()
                        .into_const_with(|var| variables.get(&var).cloned().ok_or(()))
                        .ok()
                        .and_then(|v| v.into_json().ok())
                        .unwrap_or(Value::Null);
                    (name.node.to_string(), value)
                })
                .collect();
            // Sign-up and updates carry the email inside `input`.
            let email = arguments
                .get("email")
                .or_else(|| arguments.get("input").and_then(|input| input.get("email")))
                .and_then(Value::as_str)
                .map(str::to_owned);
            RootCall {
                scenario: FieldCall {
                    operation: field.name.node.to_string(),
                    response_key: field.response_key().node.to_string(),
                    email,
                },
                arguments: Value::Object(arguments),
            }
        })
        .collect()
}

/// The request's variables for the journal: those named like secrets, and those passed to a
/// password or token argument, masked.
fn mask_variables(variables: &serde_json::Map<String, Value>, operation: &OperationDefinition) -> Value {
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
    let masked = mask_secrets(&Value::Object(variables.clone()));
    match masked {
        Value::Object(mut map) => {
            for name in secret {
                if let Some(value) = map.get_mut(&name) {
                    *value = Value::String("****".into());
                }
            }
            Value::Object(map)
        }
        other => other,
    }
}

fn operation_name(document: &ExecutableDocument) -> Option<String> {
    document.operations.iter().next().and_then(|(name, _)| name.map(|n| n.to_string()))
}

/// What every journal entry of one request shares.
struct JournalDraft {
    namespace: Arc<Namespace>,
    operation_type: String,
    operation_name: Option<String>,
    variables: Value,
}

impl JournalDraft {
    fn record(
        &self,
        calls: &[RootCall],
        plan: &Plan,
        status: u16,
        answer: Option<(&[WireError], Option<&Value>)>,
        context: Option<&RequestContext>,
    ) {
        let now = self.namespace.clock.now();
        for call in calls {
            let key = &call.scenario.response_key;
            let (result, error) = match answer {
                Some((errors, data)) => (
                    data.and_then(|d| d.get(key)).map(mask_secrets).unwrap_or(Value::Null),
                    errors
                        .iter()
                        .find(|e| e.path.first().and_then(Value::as_str) == Some(key))
                        .map(|e| e.message.clone()),
                ),
                None => (Value::Null, plan.fault.map(|f| f.to_string())),
            };
            self.namespace.record(Entry {
                id: 0,
                time: now,
                namespace: self.namespace.name.clone(),
                operation_type: self.operation_type.clone(),
                operation_name: self.operation_name.clone(),
                operation: call.scenario.operation.clone(),
                response_key: key.clone(),
                email: call.scenario.email.clone(),
                arguments: mask_secrets(&call.arguments),
                variables: self.variables.clone(),
                scenario: plan.describe(key),
                status,
                result,
                error,
                message_id: context.and_then(|c| c.captured_by(key)),
                stub: None,
            });
        }
    }
}

/// 2.4.8's `getHttpResponseCode`: the first error with a category decides (401, 403 or 200).
fn status_for(errors: &[WireError], version: MagentoVersion) -> StatusCode {
    if version.statuses() == StatusFamily::CatchAll {
        return StatusCode::OK;
    }
    match errors.iter().find_map(|e| e.category) {
        Some(Category::Authentication) => StatusCode::UNAUTHORIZED,
        Some(Category::Authorization) => StatusCode::FORBIDDEN,
        _ => StatusCode::OK,
    }
}

/// A refusal by the controller's validators: 500 up to 2.4.7 (its catch-all status), 400 in 2.4.8.
fn request_failure(version: MagentoVersion, message: &str) -> Response {
    let status = match version.statuses() {
        StatusFamily::Mapped => StatusCode::BAD_REQUEST,
        StatusFamily::CatchAll => StatusCode::INTERNAL_SERVER_ERROR,
    };
    json_response(status, response_body(&[WireError::request_level(message)], None, version))
}

/// A browser navigating to `/graphql` (rather than a GraphQL client) gets GraphiQL.
fn accepts_html(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"))
}

/// 2.4.7's `ContentTypeValidator`: `strpos($header, 'application/json') !== false`.
fn mentions_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().windows(b"application/json".len()).any(|w| w == b"application/json"))
}

/// The connection's peer; requests driven without a socket (tests) come from localhost.
fn peer_of(request: &Request) -> Peer {
    request
        .extensions()
        .get::<ConnectInfo<Peer>>()
        .map(|info| info.0.clone())
        .unwrap_or_else(|| Peer { address: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), reset: ResetSwitch::default() })
}
