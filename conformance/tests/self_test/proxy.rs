//! A thin mutating proxy: forwards every request to the in-process mock and lets one
//! [`Mutation`] rewrite the answer, so the suite faces a deliberately wrong backend.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

/// The request as the proxy saw it.
#[derive(Debug)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub query: String,
    pub accept: String,
    /// The `Store` header, empty when absent.
    pub store: String,
    pub body: String,
}

impl Req {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The GraphQL document, from the JSON body or the `query` parameter.
    pub fn document(&self) -> String {
        if let Some(q) = self.json()["query"].as_str() {
            return q.to_owned();
        }
        reqwest::Url::parse(&format!("http://x/?{}", self.query))
            .ok()
            .and_then(|u| u.query_pairs().find(|(k, _)| k == "query").map(|(_, v)| v.into_owned()))
            .unwrap_or_default()
    }

    pub fn is_graphql(&self) -> bool {
        self.path == "/graphql"
    }

    /// The address of a Mailpit search `to:<address>`.
    pub fn search_to(&self) -> Option<String> {
        if self.path != "/api/v1/search" {
            return None;
        }
        let url = reqwest::Url::parse(&format!("http://x/?{}", self.query)).ok()?;
        let query = url.query_pairs().find(|(k, _)| k == "query")?.1.into_owned();
        query.strip_prefix("to:").map(str::to_owned)
    }

    /// The GraphQL field the document calls first.
    pub fn field(&self) -> &'static str {
        let document = self.document();
        for field in ["requestPasswordResetEmail", "resetPassword", "generateCustomerToken", "storeConfig", "customer"]
        {
            if document.contains(&format!("{field}(")) || document.contains(&format!("{field} {{")) {
                return field;
            }
        }
        ""
    }

    /// A string argument of the operation, as literal (`name: "…"`) or as any variable value.
    pub fn argument(&self, name: &str) -> Option<String> {
        let document = self.document();
        let needle = format!("{name}: \"");
        if let Some(at) = document.find(&needle) {
            let rest = &document[at + needle.len() - 1..];
            let mut end = 1;
            let mut escaped = false;
            for (i, c) in rest.char_indices().skip(1) {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => {
                        end = i;
                        break;
                    }
                    _ => escaped = false,
                }
            }
            return serde_json::from_str(&rest[..=end]).ok();
        }
        // `name: $variable`: the variable's value.
        let variables = self.json()["variables"].clone();
        let needle = format!("{name}: $");
        let at = document.find(&needle)? + needle.len();
        let key: String = document[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        variables.get(&key).and_then(Value::as_str).map(str::to_owned)
    }
}

/// The answer, before it goes back.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Resp {
    pub fn replace(&mut self, from: &str, to: &str) {
        self.body = self.body.replace(from, to);
    }
}

/// What a mutation may remember across requests.
#[derive(Debug, Default)]
pub struct Memory {
    pub tokens_used: Mutex<HashSet<String>>,
    pub tokens_emailed: Mutex<HashSet<String>>,
    /// Anything else a mutation keeps, by key.
    pub notes: Mutex<HashMap<String, String>>,
}

pub type Rewrite = Arc<dyn Fn(&Req, &mut Resp, &Memory) + Send + Sync>;

struct Proxy {
    upstream: String,
    client: reqwest::Client,
    rewrite: Rewrite,
    memory: Memory,
}

/// Starts the proxy in front of `upstream` (`http://host:port`); answers its address.
pub async fn start(upstream: String, rewrite: Rewrite) -> SocketAddr {
    let proxy = Arc::new(Proxy { upstream, client: reqwest::Client::new(), rewrite, memory: Memory::default() });
    let app = Router::new().fallback(forward).with_state(proxy);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 16 << 20).await.unwrap_or_default();
    let path_and_query = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let mut outgoing = proxy.client.request(parts.method.clone(), format!("{}{path_and_query}", proxy.upstream));
    for (name, value) in &parts.headers {
        if name != header::HOST && name != header::CONTENT_LENGTH {
            outgoing = outgoing.header(name, value);
        }
    }
    let answer = match outgoing.body(bytes.to_vec()).send().await {
        Ok(answer) => answer,
        Err(error) => {
            let mut response = Response::new(Body::from(format!("proxy: {error}")));
            *response.status_mut() = StatusCode::BAD_GATEWAY;
            return response;
        }
    };
    let status = answer.status().as_u16();
    let content_type =
        answer.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let body = answer.text().await.unwrap_or_default();
    let req = Req {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        accept: parts.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned(),
        store: parts.headers.get("store").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let mut resp = Resp { status, content_type, body };
    (proxy.rewrite)(&req, &mut resp, &proxy.memory);
    let mut response = Response::new(Body::from(resp.body));
    *response.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(value) = HeaderValue::from_str(&resp.content_type)
        && !resp.content_type.is_empty()
    {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}
