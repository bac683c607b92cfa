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

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Method;
use axum::http::header::ORIGIN;
use axum::response::Response;
use futures_util::FutureExt;
use hyper::body::Incoming;
use tower::ServiceExt;

use super::connection::Peer;
use super::front_headers::FrontHeaders;
use super::graphql;
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

/// The answer to come; boxed either way (the router boxes its own futures too).
type Answer = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl hyper::service::Service<hyper::Request<Incoming>> for ConnectionService {
    type Response = Response;
    type Error = Infallible;
    type Future = Answer;

    fn call(&self, request: hyper::Request<Incoming>) -> Answer {
        if let Some(app) = &self.dispatch.graphql
            && is_plain_graphql_post(&request)
        {
            let answer = graphql::post_from(app.clone(), self.peer.clone(), request, Some(FrontHeaders::default()));
            return Box::pin(answer.map(Ok));
        }
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(self.peer.clone()));
        Box::pin(self.dispatch.router.clone().oneshot(request))
    }
}

/// The requests the router would hand to `graphql::post` with no CORS work to do.
fn is_plain_graphql_post<B>(request: &hyper::Request<B>) -> bool {
    request.method() == Method::POST && request.uri().path() == "/graphql" && !request.headers().contains_key(ORIGIN)
}

#[cfg(test)]
mod tests {
    use axum::extract::Request;

    use super::*;

    fn request(method: Method, uri: &str, origin: Option<&'static str>) -> Request {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(origin) = origin {
            builder = builder.header(ORIGIN, origin);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn only_a_post_to_graphql_without_origin_skips_the_router() {
        assert!(is_plain_graphql_post(&request(Method::POST, "/graphql", None)));
        assert!(is_plain_graphql_post(&request(Method::POST, "/graphql?store=default", None)));
        assert!(!is_plain_graphql_post(&request(Method::POST, "/graphql", Some("https://shop.test"))));
        assert!(!is_plain_graphql_post(&request(Method::GET, "/graphql", None)));
        assert!(!is_plain_graphql_post(&request(Method::OPTIONS, "/graphql", None)));
        assert!(!is_plain_graphql_post(&request(Method::POST, "/graphql/", None)));
        assert!(!is_plain_graphql_post(&request(Method::POST, "/api/v1/send", None)));
    }

    #[test]
    fn the_shortcut_is_off_with_the_direct_answers() {
        let mut config = crate::config::Config::for_tests().unwrap();
        assert!(Dispatch::new(AppState::new(&config)).graphql.is_some());
        config.direct_answers = false;
        assert!(Dispatch::new(AppState::new(&config)).graphql.is_none());
    }
}
