//! The storefront pages a reset link leads to, as Luma renders them on 2.4.7-p3, so that a
//! tester can go inbox → link → new password → sign-in page with nothing else running:
//! `customer/account/createPassword/` and its `resetpasswordpost/`, the two pages they
//! redirect to, `login/` and `forgotpassword/`, their forms' `loginPost/` (with its CAPTCHA after
//! failures) and `forgotpasswordpost/`, the account dashboard a sign-in ends on, `logout/` and
//! `logoutSuccess/`, and the confirmation email's `confirm/` and the resend form `confirmation/`
//! (Magento_Customer's controllers of those names; docs/luma-pages.md). Served under `/customer/account/` and `/index.php/customer/account/`;
//! action names are case-insensitive and take `/name/value/` parameters, as Magento's router does.

mod actions;
mod captcha;
mod confirm;
mod form;
mod html;
mod pages;
mod reset;
mod session;
mod sign_in;
mod sign_out;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Extension, Router};

use crate::random::RandomError;
use crate::state::{AppState, Namespace, TooManyNamespaces};

use super::connection::Peer;
use super::request_headers::{HeaderError, NAMESPACE_HEADER, namespace as namespace_header, valid_namespace};
use captcha::AttemptLog;
use session::{Message, Session, Sessions};

/// No scripts at all; the styles are inline; forms post only to the mock.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; \
    base-uri 'none'; frame-ancestors 'self'";

pub fn router() -> Router<AppState> {
    let kept = Kept::default();
    let mut router = Router::new();
    for prefix in ["", "/index.php"] {
        router = router
            .route(&format!("{prefix}/customer/account"), any(account))
            .route(&format!("{prefix}/customer/account/"), any(account))
            .route(&format!("{prefix}/customer/account/{{*rest}}"), any(account));
    }
    router.layer(Extension(kept))
}

/// What the pages keep between requests: the sessions and Magento_Captcha's attempt log.
#[derive(Clone, Default)]
struct Kept {
    sessions: Arc<Sessions>,
    attempts: Arc<AttemptLog>,
}

/// One request to `customer/account/<action>/...`.
async fn account(
    State(app): State<AppState>,
    Extension(Kept { sessions, attempts }): Extension<Kept>,
    peer: Option<Extension<ConnectInfo<Peer>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = Request::read(&method, &uri, &headers, &body);
    let client_ip = peer.map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |Extension(ConnectInfo(peer))| peer.address.ip());
    let mut visit = match Visit::start(app, sessions, attempts, &headers, &request, client_ip) {
        Ok(visit) => visit,
        Err(message) => return (StatusCode::BAD_REQUEST, format!("{message}\n")).into_response(),
    };
    let reading = method == Method::GET || method == Method::HEAD;
    match (request.action.as_str(), reading, method == Method::POST) {
        ("createpassword", true, _) => actions::create_password(&mut visit, &request),
        ("resetpasswordpost", _, true) => actions::reset_password_post(&mut visit, &request, &headers),
        ("login", true, _) => sign_in::login(&mut visit),
        ("loginpost", _, true) => sign_in::login_post(&mut visit, &request, &headers),
        ("forgotpassword", true, _) => actions::forgot_password(&mut visit),
        ("forgotpasswordpost", _, true) => sign_in::forgot_password_post(&mut visit, &request, &headers),
        ("index", true, _) => sign_in::dashboard(&mut visit),
        ("logout", true, _) | ("logout", _, true) => sign_out::logout(&mut visit, &request, &headers),
        ("logoutsuccess", true, _) => sign_out::logout_success(&mut visit),
        ("confirmation", true, _) | ("confirmation", _, true) => confirm::confirmation(&mut visit, &request, &headers),
        ("confirm", true, _) => confirm::confirm(&mut visit, &request),
        _ => actions::not_found(&mut visit),
    }
}

/// What Magento's request object offers the controllers.
pub(crate) struct Request {
    /// The path as requested.
    path: String,
    is_post: bool,
    /// The action, lower case (`createpassword`).
    action: String,
    /// Whether the path went through `index.php/` (a store without URL rewrites).
    index_php: bool,
    /// `/name/value/` pairs after the action.
    route_params: Vec<(String, String)>,
    query: Vec<(String, String)>,
    /// The form body (only an `application/x-www-form-urlencoded` one, as PHP fills `$_POST`).
    post: Vec<(String, String)>,
}

impl Request {
    fn read(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Self {
        let path = uri.path();
        let (index_php, path) = match path.strip_prefix("/index.php") {
            Some(rest) => (true, rest),
            None => (false, path),
        };
        let rest = path.strip_prefix("/customer/account").unwrap_or(path);
        let mut segments = rest.split('/').filter(|segment| !segment.is_empty());
        let action = segments.next().map_or_else(|| "index".to_owned(), str::to_ascii_lowercase);
        let segments: Vec<&str> = segments.collect();
        let route_params = segments
            .chunks(2)
            .map(|pair| (form::decode(pair[0].as_bytes()), form::decode(pair.get(1).unwrap_or(&"").as_bytes())))
            .collect();
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
        let post = if *method == Method::POST && is_form { form::parse(body) } else { Vec::new() };
        let query = form::parse(uri.query().unwrap_or_default().as_bytes());
        let is_post = *method == Method::POST;
        Self { path: uri.path().to_owned(), is_post, action, index_php, route_params, query, post }
    }

    /// `getParam`: the route's parameters, then the query, then the form.
    fn param(&self, name: &str) -> &str {
        form::last(&self.route_params, name)
            .or_else(|| form::last(&self.query, name))
            .or_else(|| form::last(&self.post, name))
            .unwrap_or_default()
    }

    fn query(&self, name: &str) -> &str {
        form::last(&self.query, name).unwrap_or_default()
    }

    fn post(&self, name: &str) -> &str {
        form::last(&self.post, name).unwrap_or_default()
    }
}

/// One browser's request: its session, namespace and messages, and what the answer sets.
pub(crate) struct Visit {
    app: AppState,
    sessions: Arc<Sessions>,
    /// Magento_Captcha's sign-in attempts.
    attempts: Arc<AttemptLog>,
    /// Where redirects and links point: this server, as the browser addressed it.
    base_url: String,
    /// This page's sign-in link: `login/referer/<this URL, encoded>/`.
    sign_in_url: String,
    /// Echoed when the browser sent one.
    form_key_cookie: Option<String>,
    is_post: bool,
    session_id: String,
    session: Session,
    namespace_name: String,
    namespace: Arc<Namespace>,
    /// Messages the `mage-messages` cookie brought.
    waiting: Vec<Message>,
    /// Messages this request added.
    added: Vec<Message>,
    client_ip: IpAddr,
    /// What this request did to the session, which decides the cookies of the answer.
    change: SessionChange,
    /// The browser sent `X-Magento-Vary` (a signed-in context).
    vary_cookie_sent: bool,
    /// `X-Magento-Tags`: `FPC` on uncacheable answers; a cacheable page's own when it is not
    /// cached (a POST), none when it is (recorded).
    tags: Option<&'static str>,
}

/// Magento regenerates the session's id on sign-in and sign-out and destroys it after a reset
/// request; the answer's cookies come in the order the real store sent them then (recorded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SessionChange {
    Kept,
    SignedIn,
    SignedOut,
    Destroyed,
    /// A cacheable page (after signing out, the confirmation form): Magento's page cache sends
    /// it without the session's cookies, and drops `X-Magento-Vary` when the browser has one (recorded).
    Cacheable,
}

impl Visit {
    fn start(
        app: AppState,
        sessions: Arc<Sessions>,
        attempts: Arc<AttemptLog>,
        headers: &HeaderMap,
        request: &Request,
        client_ip: IpAddr,
    ) -> Result<Self, VisitError> {
        let (session_id, mut session) = match session::cookie(headers, session::SESSION_COOKIE)
            .and_then(|id| sessions.get(&id).map(|session| (id, session)))
        {
            Some((id, session)) => (id, session),
            None => {
                let id = app.random().alphanumeric(26)?.to_ascii_lowercase();
                let form_key = app.random().alphanumeric(16)?;
                (id, Session { form_key, ..Session::default() })
            }
        };
        // `RegisterFormKeyFromCookie`: the cookie Luma's script sets becomes the session's key.
        let form_key_cookie = session::cookie(headers, "form_key")
            .filter(|key| !key.is_empty() && key.len() <= 64 && key.chars().all(|c| c.is_ascii_alphanumeric()));
        if let Some(key) = &form_key_cookie {
            session.form_key.clone_from(key);
        }
        let namespace_name = choose_namespace(&app, headers, request, &session)?;
        let namespace = app.namespace(&namespace_name)?;
        let base_url = base_url(&app, headers, request.index_php);
        let origin =
            base_url.find("//").and_then(|at| base_url[at + 2..].find('/').map(|end| &base_url[..at + 2 + end]));
        let current = format!("{}{}", origin.unwrap_or_default(), request.path);
        let sign_in_url = format!("{base_url}customer/account/login/referer/{}/", url_encoder(&current));
        Ok(Self {
            app,
            sessions,
            attempts,
            base_url,
            sign_in_url,
            form_key_cookie,
            is_post: request.is_post,
            session_id,
            session,
            namespace_name,
            namespace,
            waiting: session::waiting_messages(headers),
            added: Vec::new(),
            client_ip,
            change: SessionChange::Kept,
            vary_cookie_sent: session::cookie(headers, session::VARY_COOKIE).is_some(),
            tags: Some("FPC"),
        })
    }

    /// The customer signed in on this browser, in this visit's namespace.
    fn customer_id(&self) -> Option<u32> {
        let here = self.session.namespace.as_deref().unwrap_or_default() == self.namespace_name;
        self.session.customer_id.filter(|_| here)
    }

    /// A new word for the forgot-password CAPTCHA (`customer/captcha`: 4 to 5 of its symbols),
    /// kept in the session; the page shows it as text where the store shows it as an image.
    fn new_captcha_word(&mut self) -> String {
        let word = self.captcha_word();
        self.session.captcha_word = Some(self.keep_word(&word));
        word
    }

    /// The word as the session keeps it, for `customer/captcha/timeout` (7 minutes) of the
    /// namespace's clock.
    fn keep_word(&self, word: &str) -> session::CaptchaWord {
        let expires = self.namespace.clock.now() + time::Duration::minutes(captcha::WORD_MINUTES);
        session::CaptchaWord { text: word.to_owned(), expires }
    }

    /// `isCorrect` on a kept word: used up, and wrong once expired.
    fn check_word(&self, kept: Option<session::CaptchaWord>, typed: &str) -> bool {
        let now = self.namespace.clock.now();
        let live = kept.filter(|word| now < word.expires);
        captcha::word_matches(live.as_ref().map(|word| word.text.as_str()), typed)
    }

    /// A CAPTCHA word (`customer/captcha`: 4 to 5 of its symbols).
    fn captcha_word(&self) -> String {
        const SYMBOLS: &[u8] = b"ABCDEFGHJKMnpqrstuvwxyz23456789";
        let picks = self.app.random().hex(6).unwrap_or_default();
        let bytes: Vec<u8> = picks
            .as_bytes()
            .chunks(2)
            .filter_map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
            .collect();
        let length = 4 + usize::from(bytes.first().copied().unwrap_or_default() % 2);
        bytes.iter().skip(1).take(length).map(|b| char::from(SYMBOLS[usize::from(*b) % SYMBOLS.len()])).collect()
    }

    /// A new session id (`regenerateId` on sign-in and sign-out, `destroy` after a reset request);
    /// the old id is left with an empty session. On `Destroyed` and `SignedOut` the data goes
    /// too, but the namespace stays.
    fn renew_session(&mut self, change: SessionChange) -> Result<(), RandomError> {
        let id = self.app.random().alphanumeric(26)?.to_ascii_lowercase();
        self.sessions.put(&self.session_id, Session::default());
        self.session_id = id;
        if matches!(change, SessionChange::Destroyed | SessionChange::SignedOut) {
            let form_key = self.app.random().alphanumeric(16)?;
            let namespace = self.session.namespace.take();
            self.session = Session { form_key, namespace, ..Session::default() };
        }
        self.change = change;
        Ok(())
    }

    fn add(&mut self, message: Message) {
        self.added.push(message);
    }

    /// 302 to `path` under the base URL; the messages added travel in `mage-messages`, after
    /// those still waiting (`MessagePlugin`).
    fn redirect(&mut self, path: &str) -> Response {
        let location = format!("{}{path}", self.base_url);
        self.redirect_to(&location)
    }

    fn redirect_to(&mut self, location: &str) -> Response {
        let mut cookies = self.session_cookies();
        if !self.added.is_empty() {
            let mut messages = std::mem::take(&mut self.waiting);
            messages.append(&mut self.added);
            cookies.push(session::messages_cookie(&messages));
        }
        let mut response = self.answer(StatusCode::FOUND, Body::empty(), cookies);
        if let Ok(value) = HeaderValue::from_str(location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        response
    }

    /// A page of the store's, showing the waiting and added messages (then clearing the cookie).
    fn page(&mut self, status: StatusCode, title: &str, body_class: &str, content: String) -> Response {
        self.page_titled(status, title, title, body_class, content)
    }

    /// A page whose `<title>` is not its heading (the sign-out page's is empty).
    fn page_titled(
        &mut self,
        status: StatusCode,
        head_title: &str,
        title: &str,
        body_class: &str,
        content: String,
    ) -> Response {
        let mut messages = std::mem::take(&mut self.waiting);
        messages.append(&mut self.session.pending);
        messages.append(&mut self.added);
        // `Magento_Customer::account/link/authorization.phtml`.
        let (authorization_url, authorization_label) = match self.customer_id() {
            Some(_) => (format!("{}customer/account/logout/", self.base_url), "Sign Out"),
            None => (self.sign_in_url.clone(), "Sign In"),
        };
        let html = pages::Page {
            head_title,
            title,
            body_class,
            base_url: &self.base_url,
            authorization_url: &authorization_url,
            authorization_label,
            form_key: &self.session.form_key,
            store_name: &self.app.fixtures().store.name,
            messages: &messages,
            content,
        }
        .render();
        let mut cookies = self.session_cookies();
        if !messages.is_empty() {
            cookies.push(session::clear_messages_cookie());
        }
        let mut response = self.answer(status, Body::from(html), cookies);
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        response
    }

    /// The session (sent on every answer, as PHP refreshes it), the echoed form key, and a new
    /// `private_content_version` after a POST.
    fn session_cookies(&mut self) -> Vec<String> {
        self.sessions.put(&self.session_id, self.session.clone());
        let session = session::session_cookie(&self.session_id);
        let mut cookies = Vec::new();
        if self.change == SessionChange::Kept {
            cookies.push(session.clone());
        }
        if self.change == SessionChange::Cacheable {
            if self.vary_cookie_sent {
                cookies.push(session::deleted_cookie(session::VARY_COOKIE));
            }
            return cookies;
        }
        if self.is_post {
            let version = self.app.random().hex(16).unwrap_or_default();
            cookies.push(session::private_content_version_cookie(&version));
        }
        let form_key = self.form_key_cookie.as_deref().map(session::form_key_cookie);
        let had_form_key = form_key.is_some();
        cookies.extend(form_key);
        match self.change {
            SessionChange::Kept | SessionChange::Cacheable => {}
            SessionChange::Destroyed => cookies.push(session),
            // The old form key goes with the signed-in session; the context left is a guest's.
            SessionChange::SignedOut => {
                if had_form_key {
                    cookies.push(session::deleted_cookie("form_key"));
                }
                cookies.push(session);
                cookies.push(session::vary_cookie_signed_out(session::GENERAL_GROUP));
            }
            // Magento_Persistent drops its cookie (no "Remember Me") before and after the new
            // id, and the old form key goes with the old session.
            SessionChange::SignedIn => {
                cookies.push(session::deleted_cookie("persistent_shopping_cart"));
                cookies.push(session);
                if had_form_key {
                    cookies.push(session::deleted_cookie("form_key"));
                }
                cookies.push(session::deleted_cookie("persistent_shopping_cart"));
            }
        }
        if self.customer_id().is_some() {
            cookies.push(session::vary_cookie(session::GENERAL_GROUP));
        }
        cookies
    }

    /// Magento's headers on an uncached storefront answer (redirects included).
    fn answer(&self, status: StatusCode, body: Body, cookies: Vec<String>) -> Response {
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        for (name, value) in [
            (header::PRAGMA, "no-cache"),
            (header::CACHE_CONTROL, "max-age=0, must-revalidate, no-cache, no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::X_XSS_PROTECTION, "1; mode=block"),
            (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
            (header::CONTENT_TYPE, "text/html; charset=UTF-8"),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
        if let Some(tags) = self.tags.filter(|_| self.change != SessionChange::Cacheable) {
            headers.insert(header::HeaderName::from_static("x-magento-tags"), HeaderValue::from_static(tags));
        }
        if let Ok(expires) = HeaderValue::from_str(&session::http_date(-365 * 24 * 3600)) {
            headers.insert(header::EXPIRES, expires);
        }
        for cookie in cookies {
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                headers.append(header::SET_COOKIE, value);
            }
        }
        response
    }
}

/// Why a visit cannot start; the page answers 400 with the reason.
#[derive(Debug, thiserror::Error)]
enum VisitError {
    #[error(transparent)]
    Header(#[from] HeaderError),
    #[error(transparent)]
    Random(#[from] RandomError),
    #[error(transparent)]
    Namespace(#[from] TooManyNamespaces),
}

/// `X-Mock-Namespace`, then `?namespace=`; else the namespace in which the link's id and token
/// are live (a link in an email knows no namespace); else the session's; else the default.
fn choose_namespace(
    app: &AppState,
    headers: &HeaderMap,
    request: &Request,
    session: &Session,
) -> Result<String, HeaderError> {
    if headers.contains_key(NAMESPACE_HEADER) {
        return namespace_header(headers);
    }
    let param = request.query("namespace");
    if !param.is_empty() {
        return valid_namespace(param).map(str::to_owned);
    }
    let token = request.param("token");
    if !token.is_empty() {
        let id = reset::php_int(request.param("id"));
        let live_in = |name: &String| {
            app.namespace(name).is_ok_and(|namespace| {
                let accounts = namespace.accounts();
                let customer = if id == 0 { None } else { accounts.by_id(id) };
                let mut candidates: Box<dyn Iterator<Item = _>> = match customer {
                    Some(customer) => Box::new(std::iter::once(customer)),
                    None => Box::new(accounts.customers()),
                };
                candidates.any(|c| c.reset_token().is_some_and(|live| live.matches(token)))
            })
        };
        if let Some(name) = app.namespace_names().iter().find(|name| live_in(name)) {
            return Ok(name.clone());
        }
    }
    Ok(session.namespace.clone().unwrap_or_default())
}

/// Magento's `UrlInterface` encoder for `referer/` parameters: base64 with `+/=` as `-_~`.
fn url_encoder(url: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(url).replace('+', "-").replace('/', "_").replace('=', "~")
}

/// `http://<Host>/`, with `index.php/` when the request came that way; the storefront URL when
/// the request has no usable `Host`.
fn base_url(app: &AppState, headers: &HeaderMap, index_php: bool) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)));
    match host {
        Some(host) => format!("http://{host}/{}", if index_php { "index.php/" } else { "" }),
        None => app.storefront_url().to_string(),
    }
}
