//! A client of the mock's control API (`/__admin`, contract.md): accounts, locks, the live reset
//! token, the clock, settings and resets, all within the session's namespace.

use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};

use crate::outcome::Stop;
use crate::target::{Answer, Endpoint};

/// The control API of one namespace.
#[derive(Clone, Debug)]
pub struct Admin {
    pub base: Url,
    pub endpoint: Endpoint,
}

/// The base URL with more path segments (each percent-encoded as needed).
pub fn join(base: &Url, segments: &[&str]) -> Result<Url, Stop> {
    let mut url = base.clone();
    url.path_segments_mut()
        .map_err(|()| Stop::error(format!("{base} cannot be a base URL")))?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

impl Admin {
    async fn call(&self, method: Method, segments: &[&str], body: Option<Value>) -> Result<Answer, Stop> {
        let url = join(&self.base, segments)?;
        let mut request = self.endpoint.request(method, url);
        let shown = body.as_ref().map(Value::to_string).unwrap_or_default();
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.endpoint.send(request, &shown).await
    }

    fn expect_ok(answer: Answer, what: &str) -> Result<Answer, Stop> {
        if (200..300).contains(&answer.status) {
            Ok(answer)
        } else {
            Err(Stop::deviation(&answer, format!("the control API refused to {what}"), None))
        }
    }

    /// The live reset token, `None` when the account has none.
    pub async fn live_token(&self, email: &str) -> Result<Option<String>, Stop> {
        let answer = self.call(Method::GET, &["customers", email, "reset-token"], None).await?;
        if answer.status == StatusCode::NOT_FOUND.as_u16() {
            return Ok(None);
        }
        let answer = Self::expect_ok(answer, "show the reset token")?;
        Ok(answer.json()?["token"].as_str().map(str::to_owned))
    }

    pub async fn advance_clock(&self, seconds: i64) -> Result<(), Stop> {
        let answer = self.call(Method::POST, &["clock", "advance"], Some(json!({ "seconds": seconds }))).await?;
        Self::expect_ok(answer, "advance the clock").map(drop)
    }

    /// Locks for `minutes`, or until unlocked.
    pub async fn lock(&self, email: &str, minutes: Option<u32>) -> Result<(), Stop> {
        let body = minutes.map(|m| json!({ "minutes": m }));
        let answer = self.call(Method::POST, &["customers", email, "lock"], body).await?;
        Self::expect_ok(answer, "lock an account").map(drop)
    }

    pub async fn unlock(&self, email: &str) -> Result<(), Stop> {
        let answer = self.call(Method::DELETE, &["customers", email, "lock"], None).await?;
        Self::expect_ok(answer, "unlock an account").map(drop)
    }

    /// Creates an account; `Ok(false)` when the control API has no such route.
    pub async fn create_customer(&self, email: &str, password: &str, name: (&str, &str)) -> Result<bool, Stop> {
        let body = json!({ "email": email, "password": password, "firstname": name.0, "lastname": name.1 });
        let answer = self.call(Method::POST, &["customers"], Some(body)).await?;
        match answer.status {
            200 | 201 => Ok(true),
            404 | 405 => Ok(false),
            _ => Err(Stop::deviation(&answer, "the control API refused to create an account", None)),
        }
    }

    pub async fn delete_customer(&self, email: &str) -> Result<(), Stop> {
        let answer = self.call(Method::DELETE, &["customers", email], None).await?;
        Self::expect_ok(answer, "delete an account").map(drop)
    }

    /// `GET /__admin/settings`, `None` when the route does not exist.
    pub async fn settings(&self) -> Result<Option<Value>, Stop> {
        let answer = self.call(Method::GET, &["settings"], None).await?;
        if answer.status == 200 { Ok(Some(answer.json()?)) } else { Ok(None) }
    }

    /// Puts the namespace back to the fixtures.
    pub async fn reset(&self) -> Result<(), Stop> {
        let answer = self.call(Method::POST, &["reset"], None).await?;
        Self::expect_ok(answer, "reset the namespace").map(drop)
    }
}
