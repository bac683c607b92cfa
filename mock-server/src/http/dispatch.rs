//! Each connection's service: a plain `POST /graphql` (no `Origin`, so no CORS) goes straight to
//! its handler; everything else goes through the router.
//!
//! The router would find the same handler, but its matching, the route's layers and the futures
//! it wraps and boxes were about a tenth of a success request's instructions (BENCHMARKS.md).
//! The answer is the router's to the byte: the same handler, then what the router adds after it,
//! in the same order (the front layer's two headers, then `Content-Length`). The direct-path
//! differential test (tests/api/direct_path.rs) compares every byte with a server that routes
//! everything (`Config::direct_answers` off turns this off too).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{ConnectInfo, Request};
use axum::http::header::{CONTENT_LENGTH, ORIGIN};
use axum::http::{HeaderValue, Method};
use axum::response::Response;
use hyper::body::Incoming;
use tower::ServiceExt;
use tower::util::Oneshot;

use super::connection::Peer;
use super::{front, graphql};
use crate::state::AppState;

/// What every connection is served with.
#[derive(Clone)]
pub struct Dispatch {
    router: Router,
    /// Set when plain GraphQL posts skip the router.
    graphql: Option<AppState>,
}

impl Dispatch {
    pub fn new(state: AppState) -> Self {
        let graphql = state.direct_answers().then(|| state.clone());
        Self { router: super::router(state), graphql }
    }

    pub fn for_connection(&self, peer: Peer) -> ConnectionService {
        ConnectionService { dispatch: self.clone(), peer }
    }
}

/// One connection's service (hyper's, called for each request on it).
pub struct ConnectionService {
    dispatch: Dispatch,
    peer: Peer,
}

type Boxed = Pin<Box<dyn Future<Output = Response> + Send>>;

impl hyper::service::Service<hyper::Request<Incoming>> for ConnectionService {
    type Response = Response;
    type Error = Infallible;
    type Future = Answer;

    fn call(&self, request: hyper::Request<Incoming>) -> Answer {
        let mut request = request.map(Body::new);
        if let Some(app) = &self.dispatch.graphql
            && is_plain_graphql_post(&request)
        {
            let (app, peer) = (app.clone(), self.peer.clone());
            return Answer::Graphql(Box::pin(async move {
                let mut response = graphql::post_from(app, peer, request).await;
                front::without_origin(&mut response);
                set_content_length(&mut response);
                response
            }));
        }
        request.extensions_mut().insert(ConnectInfo(self.peer.clone()));
        Answer::Routed(self.dispatch.router.clone().oneshot(request))
    }
}

/// The requests the router would hand to `graphql::post` with no CORS work to do.
fn is_plain_graphql_post(request: &Request) -> bool {
    request.method() == Method::POST && request.uri().path() == "/graphql" && !request.headers().contains_key(ORIGIN)
}

/// What axum's router does last to an answer whose length is known.
fn set_content_length(response: &mut Response) {
    if response.headers().contains_key(CONTENT_LENGTH) {
        return;
    }
    if let Some(size) = response.body().size_hint().exact() {
        response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(size));
    }
}

pub enum Answer {
    Graphql(Boxed),
    Routed(Oneshot<Router, Request>),
}

impl Future for Answer {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Answer::Graphql(future) => future.as_mut().poll(cx).map(Ok),
            Answer::Routed(future) => Pin::new(future).poll(cx),
        }
    }
}
