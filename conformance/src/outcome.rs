//! What a check sends and concludes, below everything that sends or concludes it: the answer
//! as bytes on the wire, why a check stopped (a deviation or a skip), its verdict and outcome.
//! The clients (`target`, `inbox`, `admin`), the context and the reports all build on these.

use std::fmt;
use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value;

/// A response as bytes on the wire, with the request that produced it.
#[derive(Clone, Debug)]
pub struct Answer {
    /// `METHOD URL` then the body sent (shortened when long).
    pub request: String,
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Answer {
    /// What a golden file holds: the status line and the exact body.
    pub fn golden(&self) -> String {
        format!("HTTP {}\n{}", self.status, self.body)
    }

    pub fn json(&self) -> Result<Value, Stop> {
        serde_json::from_str(&self.body)
            .map_err(|e| Stop::deviation(self, format!("the answer is not JSON ({e})"), None))
    }

    /// The first error's message, when the body is JSON with errors.
    pub fn message(&self) -> Option<String> {
        let body: Value = serde_json::from_str(&self.body).ok()?;
        body.get("errors")?.get(0)?.get("message")?.as_str().map(str::to_owned)
    }

    /// `data.<field>` when present.
    pub fn data(&self, field: &str) -> Option<Value> {
        let body: Value = serde_json::from_str(&self.body).ok()?;
        body.get("data")?.get(field).cloned()
    }
}

/// The areas of the report, in the order it lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    Snapshots,
    Request,
    Reset,
    Transport,
    Email,
    Lifecycle,
    Properties,
    Corpus,
    Account,
    Cart,
    Stores,
}

impl Area {
    pub fn name(self) -> &'static str {
        match self {
            Area::Snapshots => "snapshots",
            Area::Request => "request",
            Area::Reset => "reset",
            Area::Transport => "transport",
            Area::Email => "email",
            Area::Lifecycle => "lifecycle",
            Area::Properties => "properties",
            Area::Corpus => "corpus",
            Area::Account => "account",
            Area::Cart => "cart",
            Area::Stores => "stores",
        }
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A deviation: what was expected, and the exchange that shows it.
#[derive(Clone, Debug)]
pub struct Failure {
    pub summary: String,
    /// A diff of expected and actual, or other detail.
    pub detail: Option<String>,
    pub answer: Option<Answer>,
}

/// Why a check stopped before passing.
#[derive(Clone, Debug)]
pub enum Stop {
    Deviation(Box<Failure>),
    Skip(String),
}

impl Stop {
    pub fn deviation(answer: &Answer, summary: impl Into<String>, detail: Option<String>) -> Self {
        Stop::Deviation(Box::new(Failure { summary: summary.into(), detail, answer: Some(answer.clone()) }))
    }

    /// A deviation not tied to one answer (or a failure of the suite's own set-up).
    pub fn error(summary: impl Into<String>) -> Self {
        Stop::Deviation(Box::new(Failure { summary: summary.into(), detail: None, answer: None }))
    }

    pub fn skip(reason: impl Into<String>) -> Self {
        Stop::Skip(reason.into())
    }

    pub fn transport(request: &str, error: &reqwest::Error) -> Self {
        let kind = if error.is_timeout() { "timed out" } else { "failed" };
        Stop::Deviation(Box::new(Failure {
            summary: format!("the request {kind}: {error}"),
            detail: Some(format!("request: {request}")),
            answer: None,
        }))
    }
}

pub type CheckResult = Result<(), Stop>;

/// A prerequisite the target lacks (no locked account, no inbox, ...): the reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Skipped(pub String);

/// What a check concluded.
#[derive(Clone, Debug)]
pub enum Verdict {
    Passed,
    Failed(Box<Failure>),
    Skipped(String),
}

/// The result of one check.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub id: String,
    pub area: Area,
    pub about: String,
    pub verdict: Verdict,
    pub duration: Duration,
    /// Figures the check reported (`1218 verdicts checked`), and parts it skipped.
    pub notes: Vec<String>,
}

/// The failure in words: summary, detail, request and answer.
pub fn describe(failure: &Failure) -> String {
    let mut out = format!("{}\n", failure.summary);
    if let Some(detail) = &failure.detail {
        out.push_str(detail.trim_end());
        out.push('\n');
    }
    if let Some(answer) = &failure.answer {
        let _ = writeln!(out, "request: {}", answer.request.trim_end());
        let body: String = answer.body.chars().take(2000).collect();
        let _ = writeln!(out, "answer: HTTP {} ({})\n{body}", answer.status, answer.content_type);
    }
    out
}

/// The first error message of a golden text (`HTTP <status>\n<body>`) or a body.
pub fn first_message(text: &str) -> Option<String> {
    let body = text.split_once('\n').map_or(text, |(first, rest)| if first.starts_with("HTTP ") { rest } else { text });
    let json: serde_json::Value = serde_json::from_str(body).ok()?;
    json["errors"][0]["message"].as_str().map(str::to_owned)
}
