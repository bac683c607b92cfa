//! What the front layer (http/front.rs) puts on an answer to a request without `Origin`, and
//! the direct path's way of putting it on once (http/dispatch.rs). Apart from the front layer
//! so that the answer's per-second header maps (http/cache_headers.rs) can hold it too.

use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::HttpBody;
use axum::http::header::{ACCESS_CONTROL_ALLOW_CREDENTIALS, CONTENT_LENGTH, VARY};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;

/// What `CorsLayer::very_permissive()` (with or without an origin list) adds to an answer to a
/// request that names no origin: credentials allowed, and the preflight headers in `Vary`.
static VARY_PREFLIGHT: HeaderValue =
    HeaderValue::from_static("origin, access-control-request-method, access-control-request-headers");
static TRUE: HeaderValue = HeaderValue::from_static("true");

/// What tower-http's CORS adds to an answer to a request without `Origin`: `Vary` appended, the
/// credentials header set.
pub(super) fn without_origin(response: &mut Response) {
    put_without_origin(response.headers_mut());
}

/// [`without_origin`] on a header map (the per-second maps of `cache_headers` hold them too).
pub(super) fn put_without_origin(headers: &mut HeaderMap) {
    headers.append(VARY, VARY_PREFLIGHT.clone());
    headers.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE.clone());
}

/// [`without_origin`]'s headers for one answer of the direct path (http/dispatch.rs), put on once.
/// An executed answer's header map, cloned from a per-second copy, carries them already
/// (`CacheContext::json_answer`): two inserts fewer, and no reallocation of a map cloned with no
/// room to spare (about 700 instructions a request, BENCHMARKS.md). Any other answer gets them
/// from [`FrontHeaders::add_to`].
#[derive(Debug, Default)]
pub(super) struct FrontHeaders {
    // Atomic only so that the answer's future, which borrows it, stays `Send`.
    carried: AtomicBool,
}

impl FrontHeaders {
    /// The answer being built carries them.
    pub(super) fn carried(&self) {
        self.carried.store(true, Ordering::Relaxed);
    }

    /// Puts them on `response` unless it carries them.
    pub(super) fn add_to(&self, response: &mut Response) {
        if !self.carried.load(Ordering::Relaxed) {
            without_origin(response);
        }
    }

    /// What the router adds after the handler, in its order: these headers, then
    /// [`set_content_length`].
    pub(super) fn finish(&self, response: &mut Response) {
        self.add_to(response);
        set_content_length(response);
    }
}

/// What axum's router does last to an answer whose length is known: the `Content-Length` header,
/// after every other. For a body that is not empty hyper writes the same line in the same place
/// (after the map's headers, before `Date`) when the map has none, without an insert and a
/// formatted value; only an empty body's `0` is left to set here.
fn set_content_length(response: &mut Response) {
    if response.headers().contains_key(CONTENT_LENGTH) {
        return;
    }
    if response.body().size_hint().exact() == Some(0) {
        response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
    }
}
