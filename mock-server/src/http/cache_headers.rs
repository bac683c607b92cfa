//! The headers Magento's page-cache plugins put on GraphQL answers
//! (`Magento\GraphQlCache\Controller\Plugin\GraphQl::afterRenderResult` and the built-in full-page
//! cache's `BuiltinPlugin`; docs/release-families.md, section 6). The plugins run for every answer
//! up to 2.4.6 and, from 2.4.7, for requests whose body does not mention `mutation`: they add
//! `X-Magento-Cache-Id` (from 2.4.4) and `X-Magento-Tags: FPC`, except on a GET the built-in cache
//! stores (answered 200 without errors, every root field with a cache identity), which it strips of its tags. Every answer gets no-cache headers.

use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

use super::request_headers::RequestHeaders;
use crate::magento::{CacheIdRule, MagentoVersion};

static X_MAGENTO_CACHE_ID: HeaderName = HeaderName::from_static("x-magento-cache-id");
static X_MAGENTO_TAGS: HeaderName = HeaderName::from_static("x-magento-tags");

/// Marks an answer the full-page cache would store: the GraphQL handler sets it, [`CacheContext`]
/// reads it.
#[derive(Clone, Copy, Debug)]
pub struct FullPageCacheable;

/// What decides the cache headers of one request.
pub struct CacheContext {
    /// Whether the page-cache plugins run for this request.
    page_cache: bool,
    cache_id: Option<HeaderValue>,
    is_get: bool,
}

impl CacheContext {
    /// `body` is the raw request body (empty for GET and OPTIONS).
    pub fn of(version: MagentoVersion, body: &[u8], headers: &RequestHeaders, is_get: bool) -> Self {
        let mentions_mutation = || body.windows(b"mutation".len()).any(|w| w == b"mutation");
        let rule = version.cache_id();
        let page_cache = !(rule == CacheIdRule::UnlessBodyMentionsMutation && mentions_mutation());
        let cache_id = (page_cache && rule != CacheIdRule::Never).then(|| cache_id(headers));
        Self { page_cache, cache_id, is_get }
    }

    /// The answer with Magento's response headers added.
    pub fn apply(&self, mut response: Response) -> Response {
        // A stub's or the store's answer keeps the headers it was recorded with.
        if response.extensions().get::<crate::stubs::answer::Replayed>().is_some() {
            return response;
        }
        let status = response.status();
        let stored =
            self.is_get && status == StatusCode::OK && response.extensions().get::<FullPageCacheable>().is_some();
        // Names as `HeaderName`s, not `&str`: a `&str` name is parsed again on every insert.
        let headers = response.headers_mut();
        headers.reserve(8);
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        headers.insert(header::EXPIRES, expires_now());
        if let Some(id) = &self.cache_id {
            headers.insert(X_MAGENTO_CACHE_ID.clone(), id.clone());
        }
        if self.page_cache && !stored {
            headers.insert(X_MAGENTO_TAGS.clone(), HeaderValue::from_static("FPC"));
        }
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::X_XSS_PROTECTION, HeaderValue::from_static("1; mode=block"));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
        response
    }
}

/// Magento hashes its salt with the request's cache factors (store, currency, customer group,
/// signed in or not): the same for every guest of a store, another once signed in.
fn cache_id(headers: &RequestHeaders) -> HeaderValue {
    let factors = format!(
        "mock-server|store={}|currency=USD|signed_in={}",
        headers.store.as_deref().unwrap_or("default"),
        headers.bearer_token.is_some()
    );
    let hex: String = Sha256::digest(factors.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&hex).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Expires`, worked out once a second (it is on every answer of the hot path).
fn expires_now() -> HeaderValue {
    static CACHED: Mutex<Option<(u64, HeaderValue)>> = Mutex::new(None);
    // The seconds straight from the system clock: a date is only made once a second.
    let second = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    let mut cached = CACHED.lock().unwrap_or_else(PoisonError::into_inner);
    match &*cached {
        Some((at, value)) if *at == second => value.clone(),
        _ => {
            let value = HeaderValue::from_str(&a_year_ago()).unwrap_or_else(|_| HeaderValue::from_static("0"));
            *cached = Some((second, value.clone()));
            value
        }
    }
}

/// `Expires` as `setNoCacheHeaders` writes it: one year in the past, e.g. `Tue, 02 Dec 2025 08:40:36 GMT`.
fn a_year_ago() -> String {
    let then = OffsetDateTime::now_utc() - time::Duration::days(365);
    then.format(&Rfc2822).map(|date| date.replace("+0000", "GMT")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_is_an_http_date() {
        let date = a_year_ago();
        assert!(date.ends_with(" GMT"), "{date}");
        assert_eq!(date.len(), "Tue, 02 Dec 2025 08:40:36 GMT".len(), "{date}");
    }
}
