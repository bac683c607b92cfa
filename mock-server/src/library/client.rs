//! [`MockClient`]: the helpers bound to one namespace, and the one place that sends their requests.

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::error::{MockServerError, Result};
use super::routes::Route;

/// The namespace header: accounts, tokens, inbox, journal, rules and clock are that namespace's.
const NAMESPACE: &str = "X-Mock-Namespace";
/// The per-request scripted state.
const SCENARIO: &str = "X-Mock-Scenario";

/// The typed helpers over the control API (`/__admin`) and the inbox (`/api/v1`), bound to one
/// namespace: every request it sends carries `X-Mock-Namespace` (none for the default one).
///
/// A [`MockServer`](super::MockServer) is the client of its default namespace;
/// [`namespace`](Self::namespace) gives one for another, on the same server.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), mock_server::MockServerError> {
/// use mock_server::{MockServer, NewCustomer};
///
/// let server = MockServer::start().await?;
/// let (a, b) = (server.namespace("test-a"), server.namespace("test-b"));
/// a.add_customer(NewCustomer::new("ada@example.com", "Lovelace1815!").name("Ada", "Lovelace")).await?;
/// assert!(a.customer("ada@example.com").await?.is_some());
/// assert!(b.customer("ada@example.com").await?.is_none()); // b has only the fixtures
///
/// // A scripted state for one request, by header:
/// let answer = b.graphql("{ storeConfig { store_code } }").scenario("http-503").send().await?;
/// assert_eq!(answer.status(), 503);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct MockClient {
    base: Url,
    http: reqwest::Client,
    namespace: String,
    admin_token: Option<String>,
}

/// Without the admin token, which must not end up in test logs.
impl std::fmt::Debug for MockClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockClient")
            .field("base", &self.uri())
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl MockClient {
    /// A client of a server already running at `base` (`http://127.0.0.1:4000`): a container, a
    /// binary started by the test harness. `admin_token` when it runs with `--admin-token`.
    pub fn connect(base: &str, admin_token: Option<&str>) -> Result<Self> {
        let mut base =
            Url::parse(base).map_err(|e| MockServerError::Url { url: base.to_owned(), reason: e.to_string() })?;
        if base.cannot_be_a_base() || !matches!(base.scheme(), "http" | "https") {
            return Err(MockServerError::Url { url: base.to_string(), reason: "not an http(s) URL".to_owned() });
        }
        base.set_query(None);
        // Proxies from the environment would catch loopback calls in CI; the mock is asked directly.
        let http = reqwest::Client::builder().no_proxy().build().map_err(MockServerError::Client)?;
        Ok(Self { base, http, namespace: String::new(), admin_token: admin_token.map(str::to_owned) })
    }

    /// The same server, seen from namespace `name` (`""` is the default one). Namespaces are
    /// made on first use, so parallel tests on one server each see only their own world.
    #[must_use]
    pub fn namespace(&self, name: &str) -> MockClient {
        MockClient { namespace: name.to_owned(), ..self.clone() }
    }

    /// The namespace this client's requests carry (`""`: the default one).
    pub fn namespace_name(&self) -> &str {
        &self.namespace
    }

    /// The server's base URL, without a trailing slash: `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_owned()
    }

    /// Where the GraphQL endpoint is: `<uri>/graphql`.
    pub fn graphql_url(&self) -> String {
        format!("{}/graphql", self.uri())
    }

    /// A GraphQL request to send in this namespace ([`GraphQlRequest::send`]).
    pub fn graphql(&self, query: &str) -> GraphQlRequest<'_> {
        GraphQlRequest { client: self, query: query.to_owned(), variables: None, scenario: None, headers: Vec::new() }
    }

    fn namespaced(&self, request: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder> {
        if self.namespace.is_empty() {
            return Ok(request);
        }
        let value =
            HeaderValue::from_str(&self.namespace).map_err(|_| MockServerError::Namespace(self.namespace.clone()))?;
        Ok(request.header(NAMESPACE, value))
    }

    /// Sends `route` and answers its status and body, whatever the status.
    pub(crate) async fn send(
        &self,
        route: Route,
        params: &[&str],
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Answer> {
        let url = route.url(&self.base, params);
        let mut request = self.namespaced(self.http.request(route.method.clone(), url.clone()))?;
        if !query.is_empty() {
            request = request.query(query);
        }
        if let Some(token) = &self.admin_token {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let method = route.name;
        let unreachable = |source| MockServerError::Unreachable { method, url: url.to_string(), source };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        let text = response.text().await.map_err(unreachable)?;
        Ok(Answer { method, url: url.to_string(), status, text })
    }

    /// Sends `route`; a 4xx or 5xx is an error with the server's reason, a success is decoded.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        route: Route,
        params: &[&str],
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<T> {
        self.send(route, params, query, body).await?.success()?.decode()
    }

    /// The same for a route that answers no body (204).
    pub(crate) async fn call_empty(&self, route: Route, params: &[&str]) -> Result<()> {
        self.send(route, params, &[], None).await?.success().map(drop)
    }
}

/// What a route answered.
pub(crate) struct Answer {
    method: &'static str,
    url: String,
    pub(crate) status: StatusCode,
    text: String,
}

impl Answer {
    /// Itself when 2xx, else the refusal with the control API's `error` text.
    pub(crate) fn success(self) -> Result<Self> {
        if self.status.is_success() {
            return Ok(self);
        }
        let reason = serde_json::from_str::<Value>(&self.text)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or_else(|| self.text.trim_end().to_owned());
        Err(MockServerError::Refused { method: self.method, url: self.url, status: self.status.as_u16(), reason })
    }

    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<T> {
        serde_json::from_str(&self.text).map_err(|e| MockServerError::Unexpected {
            method: self.method,
            url: self.url,
            reason: e.to_string(),
            body: self.text.chars().take(500).collect(),
        })
    }
}

/// A GraphQL request being built: variables, a scripted state, headers (`Store`,
/// `Authorization: Bearer <customer token>`). Nothing is sent until [`send`](Self::send).
#[must_use = "nothing is sent until .send().await"]
pub struct GraphQlRequest<'a> {
    client: &'a MockClient,
    query: String,
    variables: Option<Value>,
    scenario: Option<String>,
    headers: Vec<(String, String)>,
}

impl GraphQlRequest<'_> {
    /// The request's variables, e.g. `json!({"email": "roni_cost@example.com"})`.
    pub fn variables(mut self, variables: Value) -> Self {
        self.variables = Some(variables);
        self
    }

    /// Answer this request with a scripted state (`X-Mock-Scenario`): `locked`, `mail-failure`,
    /// `http-503`, `delay-3000`, ...
    pub fn scenario(mut self, state: &str) -> Self {
        self.scenario = Some(state.to_owned());
        self
    }

    /// Another header, e.g. `Authorization: Bearer <customer token>` or `Store: default`.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// POSTs it to `/graphql` and answers what came back, whatever the status: Magento answers
    /// most failures as `errors` with HTTP 200.
    pub async fn send(self) -> Result<GraphQlResponse> {
        let url = self.client.graphql_url();
        let body = match self.variables {
            Some(variables) => json!({ "query": self.query, "variables": variables }),
            None => json!({ "query": self.query }),
        };
        let mut request = self.client.namespaced(self.client.http.post(&url).json(&body))?;
        if let Some(state) = &self.scenario {
            request = request.header(SCENARIO, state);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let unreachable = |source| MockServerError::Unreachable { method: "POST", url: url.clone(), source };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(unreachable)?;
        let json = serde_json::from_str(&text).ok();
        Ok(GraphQlResponse { status, text, json })
    }
}

/// What `/graphql` answered.
#[derive(Clone, Debug)]
pub struct GraphQlResponse {
    status: u16,
    text: String,
    json: Option<Value>,
}

impl GraphQlResponse {
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body as it came (a scripted `malformed-json` or `http-503` is not JSON).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The body, when it is JSON.
    pub fn json(&self) -> Option<&Value> {
        self.json.as_ref()
    }

    /// `data`, or `Null` when there is none.
    pub fn data(&self) -> &Value {
        self.json.as_ref().and_then(|j| j.get("data")).unwrap_or(&Value::Null)
    }

    /// `errors`, empty when there are none.
    pub fn errors(&self) -> &[Value] {
        self.json.as_ref().and_then(|j| j["errors"].as_array()).map_or(&[][..], Vec::as_slice)
    }

    /// The first error's message: Magento's text, e.g. `The password doesn't match this account. ...`.
    pub fn error_message(&self) -> Option<&str> {
        self.errors().first().and_then(|e| e["message"].as_str())
    }
}
