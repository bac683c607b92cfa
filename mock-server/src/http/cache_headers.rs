//! The headers Magento's page-cache plugins put on GraphQL answers
//! (`Magento\GraphQlCache\Controller\Plugin\GraphQl::afterRenderResult` and the built-in full-page
//! cache's `BuiltinPlugin`; docs/release-families.md, section 6). The plugins run for every answer
//! up to 2.4.6 and, from 2.4.7, for requests whose body does not mention `mutation`: they add
//! `X-Magento-Cache-Id` (from 2.4.4) and `X-Magento-Tags: FPC`, except on a GET the built-in cache
//! stores (answered 200 without errors, every root field with a cache identity), which it strips of its tags. Every answer gets no-cache headers.

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

use super::answer::{json_response, put_json_headers};
use super::front_headers::{FrontHeaders, put_without_origin};
use super::request_headers::RequestHeaders;
use crate::magento::{CacheIdRule, MagentoVersion};

static X_MAGENTO_CACHE_ID: HeaderName = HeaderName::from_static("x-magento-cache-id");
static X_MAGENTO_TAGS: HeaderName = HeaderName::from_static("x-magento-tags");

/// What decides the cache headers of one request.
pub struct CacheContext<'a> {
    /// Whether the page-cache plugins run for this request.
    page_cache: bool,
    cache_id: Option<HeaderValue>,
    is_get: bool,
    /// The front layer's headers, put on after these (the direct path's; see [`FrontHeaders`]).
    front: Option<&'a FrontHeaders>,
}

impl<'a> CacheContext<'a> {
    /// `body` is the raw request body (empty for GET and OPTIONS).
    pub fn of(version: MagentoVersion, body: &[u8], headers: &RequestHeaders, is_get: bool) -> Self {
        let mentions_mutation = || body.windows(b"mutation".len()).any(|w| w == b"mutation");
        let rule = version.cache_id();
        let page_cache = !(rule == CacheIdRule::UnlessBodyMentionsMutation && mentions_mutation());
        let cache_id = (page_cache && rule != CacheIdRule::Never).then(|| cache_id(headers));
        Self { page_cache, cache_id, is_get, front: None }
    }

    /// With the front layer's headers to come: the per-second copies carry them.
    pub fn with_front(self, front: Option<&'a FrontHeaders>) -> Self {
        Self { front, ..self }
    }

    /// An executed request's answer, with [`json_response`]'s headers and Magento's: stored by
    /// the built-in full-page cache when it is a GET answered 200 and `cacheable` (no errors,
    /// every root field with a cache identity). The same headers [`CacheContext::apply`] adds
    /// to a [`json_response`], in the same order; without a cache id they are cloned from a
    /// map made once a second, which costs a fraction of building one.
    pub fn json_answer(&self, status: StatusCode, body: String, cacheable: bool) -> Response {
        let stored = self.is_get && status == StatusCode::OK && cacheable;
        let tags = self.page_cache && !stored;
        if self.cache_id.is_some() {
            let mut response = json_response(status, body);
            self.add(response.headers_mut(), tags);
            return response;
        }
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = status;
        let front = usize::from(self.front.is_some());
        *response.headers_mut() = this_second(|second| second.json_headers[front][usize::from(tags)].clone());
        if let Some(front) = self.front {
            front.carried();
        }
        response
    }

    /// An answer that may have its headers already: `Ok` from [`CacheContext::json_answer`] as
    /// it is, `Err` through [`CacheContext::apply`].
    pub fn finish(&self, answer: Result<Response, Response>) -> Response {
        answer.unwrap_or_else(|early| self.apply(early))
    }

    /// Any other answer with Magento's response headers added (never one the full-page cache stores).
    pub fn apply(&self, mut response: Response) -> Response {
        // A stub's or the store's answer keeps the headers it was recorded with.
        if response.extensions().get::<crate::stubs::answer::Replayed>().is_some() {
            return response;
        }
        self.add(response.headers_mut(), self.page_cache);
        response
    }

    fn add(&self, headers: &mut HeaderMap, tags: bool) {
        let expires = this_second(|second| second.expires.clone());
        add_magento_headers(headers, expires, self.cache_id.as_ref(), tags);
    }
}

/// What the page-cache plugins and `setNoCacheHeaders` add, in their order.
fn add_magento_headers(headers: &mut HeaderMap, expires: HeaderValue, cache_id: Option<&HeaderValue>, tags: bool) {
    // Names as `HeaderName`s, not `&str`: a `&str` name is parsed again on every insert.
    headers.reserve(8);
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(header::EXPIRES, expires);
    if let Some(id) = cache_id {
        headers.insert(X_MAGENTO_CACHE_ID.clone(), id.clone());
    }
    if tags {
        headers.insert(X_MAGENTO_TAGS.clone(), HeaderValue::from_static("FPC"));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_XSS_PROTECTION, HeaderValue::from_static("1; mode=block"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
}

/// What changes once a second: `Expires`, and the headers of a JSON answer without a cache id
/// (indexed by: with the front layer's headers after them; with tags).
struct ThisSecond {
    second: u64,
    expires: HeaderValue,
    json_headers: [[HeaderMap; 2]; 2],
}

impl ThisSecond {
    fn new(second: u64) -> Self {
        let expires = HeaderValue::from_str(&a_year_ago()).unwrap_or_else(|_| HeaderValue::from_static("0"));
        let json_headers = [false, true].map(|front| {
            [false, true].map(|tags| {
                let mut headers = HeaderMap::new();
                put_json_headers(&mut headers);
                add_magento_headers(&mut headers, expires.clone(), None, tags);
                if front {
                    put_without_origin(&mut headers);
                }
                headers
            })
        });
        Self { second, expires, json_headers }
    }
}

/// `read` of this second's [`ThisSecond`], made anew when the second has changed. One per
/// thread, not one behind a lock: every request reads it, and a lock shared by the runtime's
/// workers moves its cache line from core to core on every request.
fn this_second<R>(read: impl FnOnce(&ThisSecond) -> R) -> R {
    thread_local! {
        static CACHED: RefCell<Option<ThisSecond>> = const { RefCell::new(None) };
    }
    // The seconds straight from the system clock: a date is only made once a second.
    let second = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    CACHED.with_borrow_mut(|cached| match cached {
        Some(current) if current.second == second => read(current),
        _ => read(cached.insert(ThisSecond::new(second))),
    })
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

/// `Expires` as `setNoCacheHeaders` writes it: one year in the past, e.g. `Tue, 02 Dec 2025 08:40:36 GMT`.
fn a_year_ago() -> String {
    let then = OffsetDateTime::now_utc() - time::Duration::days(365);
    then.format(&Rfc2822).map(|date| date.replace("+0000", "GMT")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::front_headers::without_origin;

    fn names_and_values(response: &Response) -> Vec<(String, String)> {
        let headers = response.headers().iter();
        headers.map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned())).collect()
    }

    /// The copies made once a second hold what inserting gives, in the same order: with and
    /// without tags, a cache id, for a POST and a GET, and with the front layer's headers after
    /// them, put on once whether the copy carried them or not.
    #[test]
    fn a_json_answer_has_the_headers_apply_adds_in_their_order() {
        for patch in [3, 5, 7, 8] {
            let version = MagentoVersion::from_patch(patch).unwrap();
            for (body, is_get) in [(&b"mutation { a }"[..], false), (b"{ a }", false), (b"", true)] {
                for (signed_in, with_front) in [(false, false), (true, false), (false, true), (true, true)] {
                    let headers = RequestHeaders { bearer_token: signed_in.then(|| "t".into()), ..Default::default() };
                    let front = FrontHeaders::default();
                    let context =
                        CacheContext::of(version, body, &headers, is_get).with_front(with_front.then_some(&front));
                    for status in [StatusCode::OK, StatusCode::INTERNAL_SERVER_ERROR] {
                        let mut built = context.json_answer(status, "{}".into(), false);
                        let mut inserted = context.apply(json_response(status, "{}".into()));
                        if with_front {
                            front.add_to(&mut built);
                            without_origin(&mut inserted);
                        }
                        let label = format!("2.4.{patch} get {is_get} signed in {signed_in} front {with_front}");
                        assert_eq!(names_and_values(&built), names_and_values(&inserted), "{label}");
                        assert_eq!(built.status(), status);
                    }
                }
            }
        }
    }

    /// An answer that is not a per-second copy (one with a cache id here) gets them from `add_to`.
    #[test]
    fn the_front_layers_headers_go_on_an_answer_that_does_not_carry_them() {
        let version = MagentoVersion::from_patch(7).unwrap();
        let front = FrontHeaders::default();
        let context = CacheContext::of(version, b"{ a }", &RequestHeaders::default(), false).with_front(Some(&front));
        let mut answer = context.json_answer(StatusCode::OK, "{}".into(), false);
        assert!(answer.headers().contains_key(&X_MAGENTO_CACHE_ID), "an answer with a cache id is built, not copied");
        front.add_to(&mut answer);
        let names = names_and_values(&answer).into_iter().map(|(name, _)| name).collect::<Vec<_>>();
        assert_eq!(names[names.len() - 2..], ["vary", "access-control-allow-credentials"]);
        assert_eq!(names.iter().filter(|name| *name == "vary").count(), 1);
    }

    #[test]
    fn only_a_get_answered_200_with_cacheable_fields_loses_its_tags() {
        let version = MagentoVersion::from_patch(7).unwrap();
        let get = CacheContext::of(version, b"", &RequestHeaders::default(), true);
        let tags = |response: &Response| response.headers().get(&X_MAGENTO_TAGS).cloned();
        assert_eq!(tags(&get.json_answer(StatusCode::OK, String::new(), true)), None);
        assert!(tags(&get.json_answer(StatusCode::OK, String::new(), false)).is_some());
        assert!(tags(&get.json_answer(StatusCode::UNAUTHORIZED, String::new(), true)).is_some());
        let post = CacheContext::of(version, b"{ a }", &RequestHeaders::default(), false);
        assert!(tags(&post.json_answer(StatusCode::OK, String::new(), true)).is_some());
        let header = post.json_answer(StatusCode::OK, String::new(), true);
        assert!(header.headers().contains_key(&X_MAGENTO_CACHE_ID));
    }

    #[test]
    fn expires_is_an_http_date() {
        let date = a_year_ago();
        assert!(date.ends_with(" GMT"), "{date}");
        assert_eq!(date.len(), "Tue, 02 Dec 2025 08:40:36 GMT".len(), "{date}");
    }
}
