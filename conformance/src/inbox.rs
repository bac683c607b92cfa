//! A client of any Mailpit-compatible inbox (mailpit-api.md): search by recipient, read one
//! message, wait for a new one, and pull the reset link out of it.

use std::time::Duration;

use reqwest::{Method, Url};
use serde_json::Value;

use crate::admin::join;
use crate::outcome::{CheckResult, Stop};
use crate::target::{Answer, Endpoint};

/// How long to wait for a reset email to arrive, by default.
pub const MAIL_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
pub struct Inbox {
    /// How long to wait for a reset email.
    pub timeout: Duration,
    /// The API base, e.g. `http://127.0.0.1:8025/` (routes are `api/v1/...` under it).
    pub base: Url,
    pub endpoint: Endpoint,
}

/// One message as `GET /api/v1/message/{ID}` shows it.
#[derive(Clone, Debug)]
pub struct Mail {
    pub answer: Answer,
    pub json: Value,
}

impl Mail {
    pub fn text(&self) -> &str {
        self.json["Text"].as_str().unwrap_or_default()
    }
    pub fn html(&self) -> &str {
        self.json["HTML"].as_str().unwrap_or_default()
    }
    pub fn subject(&self) -> &str {
        self.json["Subject"].as_str().unwrap_or_default()
    }

    /// The reset link and token: from the text part, else from the HTML part (entities in the
    /// `href` decoded, as a mail client would).
    pub fn reset_link(&self) -> Option<(String, String)> {
        reset_link(self.text()).or_else(|| {
            let (link, _) = reset_link(self.html())?;
            let link = link.replace("&amp;", "&").replace("&#x3D;", "=").replace("&#61;", "=");
            let token = token_of(&link)?;
            Some((link, token))
        })
    }
}

fn token_of(link: &str) -> Option<String> {
    let token_at = link.find("token=")? + "token=".len();
    Some(link[token_at..].chars().take_while(|c| *c != '&' && *c != '#').collect())
}

/// The reset link found in `text`: `(link, token)`; the token runs to the first character that
/// cannot be part of a URL query value.
pub fn reset_link(text: &str) -> Option<(String, String)> {
    let at = text.find("customer/account/createPassword/")?;
    let start = text[..at].rfind("http").unwrap_or(at);
    let end = text[at..]
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>' | '\''))
        .map_or(text.len(), |e| at + e);
    let link = &text[start..end];
    Some((link.to_owned(), token_of(link)?))
}

impl Inbox {
    async fn get(&self, segments: &[&str], query: Option<&str>) -> Result<Answer, Stop> {
        let mut url = join(&self.base, segments)?;
        if let Some(query) = query {
            url.query_pairs_mut().append_pair("query", query);
        }
        let answer = self.endpoint.send(self.endpoint.request(Method::GET, url), "").await?;
        if answer.status != 200 {
            return Err(Stop::deviation(&answer, "the inbox API did not answer 200", None));
        }
        Ok(answer)
    }

    /// The summaries of the messages to `email`, newest first (the first page: Mailpit answers
    /// 50 at most).
    pub async fn to(&self, email: &str) -> Result<(Answer, Vec<Value>), Stop> {
        let (answer, messages, _) = self.search_to(email).await?;
        Ok((answer, messages))
    }

    /// How many messages to `email` there are: Mailpit's `messages_count` (every match, not only
    /// the page), or the page's length when that is larger or absent.
    pub async fn count(&self, email: &str) -> Result<usize, Stop> {
        Ok(self.search_to(email).await?.2)
    }

    async fn search_to(&self, email: &str) -> Result<(Answer, Vec<Value>, usize), Stop> {
        let answer = self.get(&["api", "v1", "search"], Some(&format!("to:{email}"))).await?;
        let body = answer.json()?;
        let messages = body["messages"].as_array().cloned().unwrap_or_default();
        let matching = body["messages_count"].as_u64().map_or(0, |n| n as usize);
        let count = matching.max(messages.len());
        Ok((answer, messages, count))
    }

    pub async fn message(&self, id: &str) -> Result<Mail, Stop> {
        let answer = self.get(&["api", "v1", "message", id], None).await?;
        let json = answer.json()?;
        Ok(Mail { answer, json })
    }

    /// Makes the inbox's SMTP server refuse the next delivery to `recipient` at the end of DATA
    /// (554), when the inbox is a mock-server (`/__admin/smtp-faults`, docs/smtp-faults.md): the
    /// fault's id. `None` when the inbox has no such route (Mailpit): nothing was changed.
    pub async fn refuse_next_delivery_to(&self, recipient: &str) -> Result<Option<String>, Stop> {
        let url = join(&self.base, &["__admin", "smtp-faults"])?;
        let fault = serde_json::json!({ "stage": "data", "code": 554, "recipient": recipient, "times": 1 });
        let request = self.endpoint.request(Method::POST, url).json(&fault);
        let answer = self.endpoint.send(request, &fault.to_string()).await?;
        if answer.status != 201 {
            return Ok(None);
        }
        Ok(answer.json()?["id"].as_str().map(str::to_owned))
    }

    /// Removes a fault [`Inbox::refuse_next_delivery_to`] made, struck or not.
    pub async fn remove_fault(&self, id: &str) -> CheckResult {
        let url = join(&self.base, &["__admin", "smtp-faults", id])?;
        self.endpoint.send(self.endpoint.request(Method::DELETE, url), "").await.map(drop)
    }

    /// Waits until more than `before` messages to `email` exist; answers the newest, and how many
    /// there are.
    pub async fn wait_for_new(&self, email: &str, before: usize) -> Result<(Mail, usize), Stop> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            let (answer, messages, count) = self.search_to(email).await?;
            if count > before && !messages.is_empty() {
                let id = messages[0]["ID"].as_str().unwrap_or_default().to_owned();
                return Ok((self.message(&id).await?, count));
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Stop::deviation(
                    &answer,
                    format!("no reset email to {email} arrived within {:.1}s", self.timeout.as_secs_f64()),
                    None,
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_and_token_are_found_in_text_and_html() {
        let text = "Set a New Password: http://localhost:3000/customer/account/createPassword/?token=abcDEF123\n";
        let (link, token) = reset_link(text).unwrap();
        assert_eq!(link, "http://localhost:3000/customer/account/createPassword/?token=abcDEF123");
        assert_eq!(token, "abcDEF123");
        let html = r#"<a href="https://shop.test/customer/account/createPassword/?id=5&token=XYZ" target"#;
        assert_eq!(reset_link(html).unwrap().1, "XYZ");
        assert!(reset_link("no link").is_none());
    }

    #[test]
    fn a_link_in_an_html_attribute_is_decoded() {
        let html = r#"<a href="http://127.0.0.1:8080/index.php/customer/account/createPassword/?id=12&amp;token=AbC123" target"#;
        let mail = Mail {
            answer: Answer { request: String::new(), status: 200, content_type: String::new(), body: String::new() },
            json: serde_json::json!({ "Text": "", "HTML": html }),
        };
        let (link, token) = mail.reset_link().unwrap();
        assert_eq!(link, "http://127.0.0.1:8080/index.php/customer/account/createPassword/?id=12&token=AbC123");
        assert_eq!(token, "AbC123");
    }
}
