//! The layer in front of every route: CORS, and Magento's own answers to `OPTIONS`.
//!
//! One hand-written service instead of three stacked middlewares: a request without `Origin`
//! (every GraphQL client that is not a browser) skips the CORS service, which builds a header map
//! and a `Vary` value per request, and gets the same two headers from constants (front_headers.rs;
//! BENCHMARKS.md, "Where the instructions went"). Requests with `Origin`, and preflights, go through tower-http's
//! CORS as before.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::{Request, State};
use axum::http::header::{ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use tower::{Layer, Service, ServiceExt};
use tower_http::cors::{Cors, CorsLayer};

use super::front_headers::without_origin;
use super::graphql;
use crate::state::AppState;

#[derive(Clone)]
pub(super) struct FrontLayer {
    cors: CorsLayer,
    state: AppState,
}

impl FrontLayer {
    pub(super) fn new(cors: CorsLayer, state: AppState) -> Self {
        Self { cors, state }
    }
}

impl<S: Clone> Layer<S> for FrontLayer {
    type Service = Front<S>;

    fn layer(&self, inner: S) -> Front<S> {
        Front { cors: Arc::new(self.cors.layer(inner.clone())), inner, state: self.state.clone() }
    }
}

#[derive(Clone)]
pub(super) struct Front<S> {
    inner: S,
    // Shared: axum clones the route's service for every request, and only browsers need this one.
    cors: Arc<Cors<S>>,
    state: AppState,
}

type Boxed = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl<S> Service<Request> for Front<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    S::Future: Send + Unpin + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = FrontFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if request.method() == Method::OPTIONS {
            // Without `Access-Control-Request-Method` it is no preflight: Magento's GraphQl
            // controller answers it itself.
            if request.uri().path() == "/graphql" && !request.headers().contains_key(ACCESS_CONTROL_REQUEST_METHOD) {
                let app = self.state.clone();
                return FrontFuture::Boxed(Box::pin(async move { Ok(graphql::options(State(app), request).await) }));
            }
            // Magento answers `OPTIONS` with 204; the CORS layer answers preflights with 200.
            let cors = Cors::clone(&self.cors);
            return FrontFuture::Boxed(Box::pin(async move {
                let mut response = cors.oneshot(request).await?;
                if response.status() == StatusCode::OK {
                    *response.status_mut() = StatusCode::NO_CONTENT;
                }
                Ok(response)
            }));
        }
        if request.headers().contains_key(ORIGIN) {
            return FrontFuture::Boxed(Box::pin(Cors::clone(&self.cors).oneshot(request)));
        }
        FrontFuture::WithoutOrigin(self.inner.call(request))
    }
}

pub(super) enum FrontFuture<F> {
    WithoutOrigin(F),
    Boxed(Boxed),
}

impl<F> Future for FrontFuture<F>
where
    F: Future<Output = Result<Response, Infallible>> + Unpin,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            FrontFuture::WithoutOrigin(future) => {
                let mut response = std::task::ready!(Pin::new(future).poll(cx))?;
                without_origin(&mut response);
                Poll::Ready(Ok(response))
            }
            FrontFuture::Boxed(future) => future.as_mut().poll(cx),
        }
    }
}
