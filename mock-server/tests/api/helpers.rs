//! `spawn_app` and one typed helper per endpoint.

use mock_server::Application;
use mock_server::config::{Config, Throttle};
use mock_server::magento::MagentoVersion;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub struct TestApp {
    pub base: String,
    /// Where the server captures SMTP.
    pub smtp: Option<std::net::SocketAddr>,
    pub client: reqwest::Client,
    /// Every request carries it, so tests sharing a server never see each other.
    pub namespace: String,
}

/// The answer as bytes on the wire, plus the status.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// What a golden file holds: the status line and the exact body.
    pub fn golden(&self) -> String {
        format!("HTTP {}\n{}", self.status.as_u16(), self.body)
    }
}

pub async fn spawn_app(version: &str) -> TestApp {
    spawn_with(version, Throttle::Magento).await
}

pub async fn spawn_with(version: &str, throttle: Throttle) -> TestApp {
    spawn_configured(version, |config| config.throttle = throttle).await
}

pub async fn spawn_configured(version: &str, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let mut config = Config::for_tests().expect("built-in fixtures load");
    config.magento_version = version.parse::<MagentoVersion>().expect("a supported version");
    adjust(&mut config);
    let app = Application::build(config).await.expect("binds port 0");
    let base = format!("http://{}", app.address());
    let smtp = app.smtp_address();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp { base, smtp, client: reqwest::Client::new(), namespace: String::new() }
}

impl TestApp {
    /// The same server, seen from another namespace.
    pub fn in_namespace(&self, namespace: &str) -> TestApp {
        TestApp {
            base: self.base.clone(),
            smtp: self.smtp,
            client: self.client.clone(),
            namespace: namespace.to_owned(),
        }
    }

    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.with_namespace(self.client.post(format!("{}{path}", self.base)))
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.with_namespace(self.client.get(format!("{}{path}", self.base)))
    }

    pub fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        self.with_namespace(self.client.delete(format!("{}{path}", self.base)))
    }

    fn with_namespace(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if self.namespace.is_empty() { request } else { request.header("X-Mock-Namespace", &self.namespace) }
    }

    pub async fn send(request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .unwrap_or_default();
        let body = response.text().await.expect("a body");
        Answer { status, content_type, body }
    }

    pub async fn graphql(&self, query: &str) -> Answer {
        Self::send(self.post("/graphql").json(&json!({ "query": query }))).await
    }

    pub async fn graphql_with(&self, query: &str, variables: Value) -> Answer {
        Self::send(self.post("/graphql").json(&json!({ "query": query, "variables": variables }))).await
    }

    pub async fn request_reset(&self, email: &str) -> Answer {
        self.graphql(&request_reset_document(email)).await
    }

    pub async fn reset_password(&self, email: &str, token: &str, new_password: &str) -> Answer {
        self.graphql(&reset_password_document(email, token, new_password)).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Answer {
        self.graphql(&sign_in_document(email, password)).await
    }

    /// The live reset token, read through the control API.
    pub async fn live_token(&self, email: &str) -> Option<String> {
        let answer = Self::send(self.get(&format!("/__admin/customers/{email}/reset-token"))).await;
        (answer.status == StatusCode::OK).then(|| answer.json()["token"].as_str().unwrap().to_owned())
    }

    pub async fn advance_clock(&self, seconds: i64) {
        let answer = Self::send(self.post("/__admin/clock/advance").json(&json!({ "seconds": seconds }))).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }

    pub async fn messages(&self) -> Value {
        Self::send(self.get("/api/v1/messages")).await.json()
    }

    pub async fn message(&self, id: &str) -> Answer {
        Self::send(self.get(&format!("/api/v1/message/{id}"))).await
    }
}

/// A GraphQL string literal (JSON's escaping is valid GraphQL for these inputs).
pub fn literal(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// Laid out like the documented example: the field at line 2, column 3.
pub fn request_reset_document(email: &str) -> String {
    format!("mutation {{\n  requestPasswordResetEmail(email: {})\n}}", literal(email))
}

pub fn sign_in_document(email: &str, password: &str) -> String {
    format!(
        "mutation {{\n  generateCustomerToken(email: {}, password: {}) {{\n    token\n  }}\n}}",
        literal(email),
        literal(password)
    )
}

pub fn reset_password_document(email: &str, token: &str, new_password: &str) -> String {
    format!(
        "mutation {{\n  resetPassword(email: {}, resetPasswordToken: {}, newPassword: {})\n}}",
        literal(email),
        literal(token),
        literal(new_password)
    )
}

/// The documented error JSON (section 8.1), built by hand from the documentation's template,
/// not by the server's renderer.
pub fn documented_error(version: &str, message: &str, field: &str, category: &str) -> String {
    let message = serde_json::to_string(message).unwrap();
    if version.parse::<MagentoVersion>().unwrap().shape() == mock_server::magento::ErrorShape::Webonyx15 {
        format!(
            r#"{{"errors":[{{"message":{message},"locations":[{{"line":2,"column":3}}],"path":["{field}"],"extensions":{{"category":"{category}"}}}}],"data":{{"{field}":null}}}}"#
        )
    } else {
        format!(
            r#"{{"errors":[{{"message":{message},"extensions":{{"category":"{category}"}},"locations":[{{"line":2,"column":3}}],"path":["{field}"]}}],"data":{{"{field}":null}}}}"#
        )
    }
}

/// The token at the end of the reset link in a message's text.
pub fn token_from_link(text: &str) -> String {
    let link = &text[text.find("createPassword/?").expect("a reset link")..];
    let start = link.find("token=").expect("a token in the link") + "token=".len();
    link[start..].chars().take_while(char::is_ascii_alphanumeric).collect()
}

/// The same requests as `futures::future::join_all`, on tasks so they really run at once.
pub async fn join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.expect("the task finishes"));
    }
    outputs
}
