//! What a check is and what it can conclude: passed, a deviation (with the request and answer
//! that show it), or skipped with the reason. A check never passes for want of a prerequisite.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use similar::TextDiff;

use crate::context::Context;
use crate::target::Answer;

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

/// Collects the parts of a check: every failing part is reported, not only the first (so one
/// wrong expectation cannot mask another deviation), and a part that cannot run is noted as
/// skipped with its reason, so the check cannot pass.
#[derive(Debug)]
pub struct Parts {
    ctx: Context,
    failures: Vec<(String, Failure)>,
    ran: usize,
}

impl Parts {
    pub fn new(ctx: &Context) -> Self {
        Parts { ctx: ctx.clone(), failures: Vec::new(), ran: 0 }
    }

    /// Records the outcome of one part.
    pub fn check(&mut self, part: &str, result: CheckResult) {
        match result {
            Ok(()) => self.ran += 1,
            Err(Stop::Skip(reason)) => self.ctx.skip_part(part, &reason),
            Err(Stop::Deviation(failure)) => {
                self.ran += 1;
                self.failures.push((part.to_owned(), *failure));
            }
        }
    }

    /// Whether a part has failed so far.
    pub fn failed(&self) -> bool {
        !self.failures.is_empty()
    }

    /// Passes when no part failed; one failing part is reported as it is, several together.
    pub fn finish(self) -> CheckResult {
        let mut failures = self.failures;
        match failures.len() {
            0 => Ok(()),
            1 => {
                let (part, failure) = failures.remove(0);
                Err(Stop::Deviation(Box::new(Failure { summary: format!("{part}: {}", failure.summary), ..failure })))
            }
            n => {
                let summary = format!(
                    "{n} parts fail: {}",
                    failures.iter().map(|(part, _)| part.as_str()).collect::<Vec<_>>().join(", ")
                );
                let detail = failures
                    .iter()
                    .map(|(part, failure)| format!("[{part}] {}", crate::report::describe(failure)))
                    .collect::<Vec<_>>()
                    .join("\n");
                // Each part's request and answer are in the detail.
                Err(Stop::Deviation(Box::new(Failure { summary, detail: Some(detail), answer: None })))
            }
        }
    }
}

/// What a check concluded.
#[derive(Clone, Debug)]
pub enum Verdict {
    Passed,
    Failed(Box<Failure>),
    Skipped(String),
}

pub type CheckResult = Result<(), Stop>;
/// Checks run on one thread (a `LocalSet`): proptest's value trees are not `Send`.
pub type CheckFuture = Pin<Box<dyn Future<Output = CheckResult>>>;
pub type CheckFn = Arc<dyn Fn(Context) -> CheckFuture + Send + Sync>;

/// One check: an id such as `snapshot/request-empty-email`, its area, what it proves.
#[derive(Clone)]
pub struct Check {
    pub id: String,
    pub area: Area,
    pub about: String,
    pub run: CheckFn,
}

impl Check {
    pub fn new<F, Fut>(id: impl Into<String>, area: Area, about: impl Into<String>, run: F) -> Self
    where
        F: Fn(Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = CheckResult> + 'static,
    {
        Check { id: id.into(), area, about: about.into(), run: Arc::new(move |ctx| Box::pin(run(ctx))) }
    }
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check").field("id", &self.id).field("area", &self.area).finish()
    }
}

/// A line diff of expected and actual, `-` expected, `+` actual.
pub fn diff(expected: &str, actual: &str) -> String {
    let diff = TextDiff::from_lines(expected, actual);
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => "-",
            similar::ChangeTag::Insert => "+",
            similar::ChangeTag::Equal => " ",
        };
        out.push_str(sign);
        out.push_str(change.value());
        if !change.value().ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Fails unless `actual == expected`, with a diff.
pub fn expect_text(answer: &Answer, what: &str, expected: &str, actual: &str) -> CheckResult {
    if expected == actual {
        return Ok(());
    }
    Err(Stop::deviation(answer, what, Some(diff(expected, actual))))
}

/// Fails with `summary` unless `condition`.
pub fn ensure(condition: bool, answer: &Answer, summary: impl FnOnce() -> String) -> CheckResult {
    if condition { Ok(()) } else { Err(Stop::deviation(answer, summary(), None)) }
}

/// The first error message of a golden text (`HTTP <status>\n<body>`) or a body.
pub fn first_message(text: &str) -> Option<String> {
    let body = text.split_once('\n').map_or(text, |(first, rest)| if first.starts_with("HTTP ") { rest } else { text });
    let json: serde_json::Value = serde_json::from_str(body).ok()?;
    json["errors"][0]["message"].as_str().map(str::to_owned)
}
