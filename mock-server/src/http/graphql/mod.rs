//! `POST /graphql` (and `GET` for queries): Magento's GraphQl controller, with its HTTP rules
//! (section 8.4), in front of async-graphql's parser and executor.

mod coerce;
mod execute;
mod fault;
mod journal;
mod params;
mod parse;
mod plan;
mod render;
mod validate;

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Instant;

use axum::body::{Bytes, HttpBody};
use axum::extract::{ConnectInfo, Request, State as AxumState};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;

use crate::magento::context::RequestContext;
use crate::magento::render::{WireError, response_body};
use crate::magento::{Category, MagentoVersion, StatusFamily, UnreadableBody};
use crate::state::{AppState, Settings};
use crate::stubs::{self, Stage, StageInput};

use self::execute::{Executed, Prepared};
use self::journal::JournalDraft;
use self::params::{Decoded, GraphQlParams};
use self::plan::Planned;
use self::render::{Rendered, request_failure};
use super::answer::json_response;
use super::cache_headers::CacheContext;
use super::connection::{Peer, ResetSwitch};
use super::front_headers::FrontHeaders;
use super::request_headers::{RequestHeaders, bad_header};
use super::services::Live;

/// PHP's default `post_max_size` (8M). Magento has no limit of its own up to 2.4.8; PHP hands it
/// an empty body for anything larger (docs/release-families.md, section 2.6).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

pub async fn post(AxumState(app): AxumState<AppState>, request: Request) -> Response {
    let peer = peer_of(&request);
    post_from(app, peer, request, None).await
}

/// [`post`] for a request whose connection is known (`http/dispatch.rs`, which hands over
/// hyper's body as it is, and `front`, the front layer's headers, put on last).
///
/// One future from start to end, without an inner one for the answer, and the request's parts
/// let go before anything waits: the direct path boxes this future and copies it whole, so its
/// size is copied on every request.
pub(super) async fn post_from<B: HttpBody<Data = Bytes>>(
    app: AppState,
    peer: Peer,
    request: Request<B>,
    front: Option<FrontHeaders>,
) -> Response {
    let mut response = 'answer: {
        let (headers, content_type_ok, body) = {
            let (parts, body) = request.into_parts();
            // ContentTypeValidator tests `strpos($header, 'application/json')`.
            (RequestHeaders::read(&parts.headers), mentions_json(&parts.headers), body)
        };
        let headers = match headers {
            Ok(headers) => headers,
            Err(error) => break 'answer bad_header(error),
        };
        // Read once: one request sees one release throughout.
        let settings = app.settings();
        let version = settings.magento_version;
        let bytes = match read_body_in_time(body, app.body_read_timeout()).await {
            Ok(Some(bytes)) => bytes,
            // Over post_max_size PHP reads no body at all: Magento sees an empty one.
            Ok(None) => Bytes::new(),
            // Not a Magento answer: its web server would have given up on the slow client too.
            Err(_) => {
                let message = "Request body was not received in time.";
                break 'answer json_response(
                    StatusCode::REQUEST_TIMEOUT,
                    response_body(&[WireError::request_level(message)], None, version),
                );
            }
        };
        let cache = CacheContext::of(version, &bytes, &headers, false).with_front(front.as_ref());
        // Up to 2.4.3 the content type is checked before the body is decoded, from 2.4.4 after.
        if !content_type_ok && !version.decodes_body_first() {
            break 'answer cache.apply(request_failure(version, CONTENT_TYPE_MESSAGE));
        }
        let params = match GraphQlParams::from_body(&bytes, version, app.documents()) {
            Decoded::Params(params) => params,
            Decoded::Unreadable => break 'answer unreadable_body(&app, version, &cache),
            Decoded::TypeError => break 'answer super::error_page::type_error(),
        };
        if !content_type_ok {
            break 'answer cache.apply(request_failure(version, CONTENT_TYPE_MESSAGE));
        }
        cache.finish(execute(&app, settings, params, &headers, &peer, Method::POST, &cache).await)
    };
    if let Some(front) = &front {
        front.finish(&mut response);
    }
    response
}

const CONTENT_TYPE_MESSAGE: &str = "Request content type must be application/json";

/// [`read_body`] (up to [`MAX_BODY_BYTES`]) within `time_limit`. A body that came with its
/// headers (most do) is read without setting a timer, which costs a clock read and a timer entry;
/// one still arriving gets the timer.
async fn read_body_in_time<B: HttpBody<Data = Bytes>>(
    body: B,
    time_limit: std::time::Duration,
) -> Result<Option<Bytes>, tokio::time::error::Elapsed> {
    let mut read = std::pin::pin!(read_body(body, MAX_BODY_BYTES));
    match std::future::poll_fn(|cx| Poll::Ready(read.as_mut().poll(cx))).await {
        Poll::Ready(bytes) => Ok(bytes),
        Poll::Pending => tokio::time::timeout(time_limit, read).await,
    }
}

/// The request body; `None` past `limit` bytes or when it breaks off. A body in one frame (any
/// small request) is kept as it came: axum's `to_bytes` (a `Limited` body collected into a list
/// of frames) cost about 700 instructions more a request (callgrind, BENCHMARKS.md).
async fn read_body<B: HttpBody<Data = Bytes>>(body: B, limit: usize) -> Option<Bytes> {
    let mut body = std::pin::pin!(body);
    let mut first = Bytes::new();
    let mut joined: Option<Vec<u8>> = None;
    let mut total = 0;
    while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        // Trailers are not the body.
        let Ok(data) = frame.ok()?.into_data() else { continue };
        total += data.len();
        if total > limit {
            return None;
        }
        match &mut joined {
            Some(joined) => joined.extend_from_slice(&data),
            None if first.is_empty() => first = data,
            None => joined = Some([first.as_ref(), data.as_ref()].concat()),
        }
    }
    Some(joined.map_or(first, Bytes::from))
}

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
    let settings = app.settings();
    let version = settings.magento_version;
    let cache = CacheContext::of(version, b"", &headers, true);
    let params = match GraphQlParams::from_query_string(query) {
        Decoded::Params(params) => params,
        // `variables` that are not JSON: the decoder's exception.
        Decoded::Unreadable => return unreadable_body(&app, version, &cache),
        Decoded::TypeError => return super::error_page::type_error(),
    };
    cache.finish(execute(&app, settings, params, &headers, &peer, Method::GET, &cache).await)
}

/// `OPTIONS /graphql` without CORS preflight headers (the CORS layer answers preflights). Up to
/// 2.4.7 the controller runs it as a request with no query (a syntax error at 1:1); 2.4.8
/// answers 204 with no body.
pub async fn options(AxumState(app): AxumState<AppState>, request: Request) -> Response {
    let settings = app.settings();
    let version = settings.magento_version;
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
            let params = GraphQlParams::none();
            cache.finish(execute(&app, settings, params, &headers, &peer, Method::OPTIONS, &cache).await)
        }
        StatusFamily::Mapped => cache.apply(json_response(StatusCode::NO_CONTENT, String::new())),
    }
}

/// What the controller does with a body (or GET `variables`) it cannot decode.
fn unreadable_body(app: &AppState, version: MagentoVersion, cache: &CacheContext<'_>) -> Response {
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

/// The request path once the parameters are decoded: parse → validate → coerce → plan → fault →
/// execute → journal → render, each stage in its own file. `Ok` is the rendered answer, with every
/// header; `Err` an answer from before the render stage, without Magento's headers yet
/// ([`CacheContext::finish`] adds them).
async fn execute(
    app: &AppState,
    settings: Settings,
    params: GraphQlParams,
    headers: &RequestHeaders,
    peer: &Peer,
    method: Method,
    cache: &CacheContext<'_>,
) -> Result<Response, Response> {
    let started = Instant::now();
    let version = settings.magento_version;
    let mode = settings.magento_mode;
    // The namespace is looked up once: the stubs stage reads it, the emulation goes on with it.
    let existing = app.existing_namespace(&headers.namespace);
    // What the mock does not emulate, and stubs that override what it does (before the Store
    // check: a forwarded request names the real store's views).
    let (query, variables, namespace) = (&params.query, &params.variables, existing.as_ref());
    let stubbed = StageInput { method: &method, query, variables, headers, peer, namespace };
    let scripted = match stubs::stage(app, stubbed).await {
        Stage::Answered(response) => return Err(response),
        Stage::Emulate(scripted) => scripted,
    };
    // The controller's validators run before it parses: the Store header's for POST here; for
    // GET the verb validator parses first (its syntax errors and GET mutations come before).
    if method != Method::GET
        && let Some(refused) = unknown_store(app, headers, version)
    {
        return Err(refused);
    }
    let parsed = match parse::parse(app.documents(), &params.query, version, mode) {
        Ok(parsed) => parsed,
        Err(refused) => return Err(*refused),
    };
    let document = &parsed.document;
    if method == Method::GET {
        if let Some(refused) = parse::refuse_get_mutation(document, version) {
            return Err(refused);
        }
        if let Some(refused) = unknown_store(app, headers, version) {
            return Err(refused);
        }
    }
    let (operation, variables) =
        match validate::validate(&parsed, &params.query, &params.variables, app.schema_index(version), version, mode) {
            Ok(run) => run,
            Err(refused) => return Err(*refused),
        };
    let namespace = match existing.map_or_else(|| app.namespace(&headers.namespace), Ok) {
        Ok(namespace) => namespace,
        Err(error) => return Err(bad_header(error)),
    };
    let planned = plan::plan(&parsed, &operation.node, &variables, headers.scenario.or(scripted), &namespace);
    let mut journal = JournalDraft::new(Arc::clone(&namespace), document, &operation.node, &params.variables);
    if let Some(answer) = fault::fault(&planned, &journal, peer).await {
        return Err(answer);
    }

    let context: Arc<RequestContext> = Arc::new(RequestContext {
        settings,
        client_ip: peer.address.ip(),
        bearer_token: headers.bearer_token.clone(),
        field_states: planned.plan.field_states.clone(),
        captured: Mutex::new(Vec::new()),
        services: Live::for_request(app.clone(), namespace, headers),
    });
    let direct = if app.direct_answers() { parsed.direct(&params.query) } else { None };
    let prepared = Prepared { document, operation, query: params.query, variables, direct };
    let executed = execute::execute(app.schema(), app.schema_index(version), prepared, &context, version, mode).await;
    let Executed { status, errors, data, body } = executed;

    let Planned { mut calls, plan } = planned;
    journal.log(&calls, &plan, status.as_u16(), &errors, started.elapsed());
    let cacheable_fields = !calls.is_empty() && calls.iter().all(|c| render::has_cache_identity(&c.scenario.operation));
    journal.record_executed(&mut calls, &plan, status.as_u16(), (&errors, data.as_ref()), &context);
    let rendered = Rendered { status, errors: &errors, data, body, fault: plan.fault, cacheable_fields };
    Ok(render::render(rendered, version, cache))
}

/// `StoreValidator`: a `Store` header naming no active store view is refused before anything runs.
fn unknown_store(app: &AppState, headers: &RequestHeaders, version: MagentoVersion) -> Option<Response> {
    let refused = crate::magento::store::select(app.fixtures(), headers.store.as_deref()).err()?;
    Some(request_failure(version, &version.store_not_found(refused)))
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

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use futures_util::stream;

    use super::*;

    fn in_frames(frames: &[&'static str]) -> Body {
        let frames: Vec<_> = frames.iter().map(|f| Ok::<_, std::io::Error>(Bytes::from_static(f.as_bytes()))).collect();
        Body::from_stream(stream::iter(frames))
    }

    #[tokio::test]
    async fn a_body_is_read_whole_from_any_number_of_frames() {
        assert_eq!(read_body(Body::from("one frame"), 100).await.as_deref(), Some(&b"one frame"[..]));
        assert_eq!(read_body(in_frames(&["", "a", "", "bc", "d"]), 100).await.as_deref(), Some(&b"abcd"[..]));
        assert_eq!(read_body(Body::empty(), 100).await.as_deref(), Some(&b""[..]));
    }

    #[tokio::test]
    async fn a_body_past_the_limit_or_broken_off_is_none() {
        assert_eq!(read_body(in_frames(&["abc", "de"]), 5).await.as_deref(), Some(&b"abcde"[..]));
        assert_eq!(read_body(in_frames(&["abc", "def"]), 5).await, None);
        let broken = stream::iter([Ok(Bytes::from_static(b"ab")), Err(std::io::Error::other("reset"))]);
        assert_eq!(read_body(Body::from_stream(broken), 100).await, None);
    }
}
