//! `conformance diff A B`: the same requests sent to two endpoints (every documented case, and
//! inputs generated from one seed), every difference in status or body reported, grouped by kind
//! with one example each. How a team sees what an upgrade, an extension or a custom resolver
//! changes, and how the mock is compared with a real store.
//!
//! What legitimately differs between two stores is normalised before comparing: every `"token"`
//! value (reset and customer tokens), `storeConfig`'s store name, each side's account emails
//! (replaced by `active@example.com` / `locked@example.com`), and the error record number and
//! base URL of Magento's HTML error page. Generated emails are the same on both sides (one seed).

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::{Value, json};

use crate::check::{Stop, first_message};
use crate::checks::request::VARIABLE_FORM;
use crate::checks::snapshots::produce;
use crate::context::{Context, Session};
use crate::golden::CASES;
use crate::outcome::Skipped;
use crate::record::redact;
use crate::strategies::{INVALID_CLASSES, invalid_email, password, token, unregistered_email_of};
use crate::target::Answer;

/// One side's answer to a probe, normalised (`HTTP <status>\n<body>`), or why there was none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    Answer(String),
    NoAnswer(String),
}

impl Seen {
    pub fn text(&self) -> String {
        match self {
            Seen::Answer(text) => text.clone(),
            Seen::NoAnswer(why) => format!("(no answer: {why})"),
        }
    }
}

/// One group of differences: same kind of probe, same way of differing.
#[derive(Clone, Debug)]
pub struct Group {
    /// `case/request-empty-email`, `request-email/invalid DoubleDot`, ...
    pub kind: String,
    /// How the two answers differ (`HTTP 200 vs 400`, `message "…" vs "…"`, `key order`, `body`).
    pub signature: String,
    pub count: usize,
    pub input: String,
    pub a: Seen,
    pub b: Seen,
}

/// The whole comparison.
#[derive(Debug, Default)]
pub struct Report {
    /// Probes sent to both sides.
    pub probes: usize,
    pub different: usize,
    pub groups: Vec<Group>,
    /// Probe families that could not be sent to both, with the reason.
    pub skipped: Vec<(String, String)>,
}

impl Report {
    pub fn identical(&self) -> bool {
        self.different == 0
    }

    fn add(&mut self, kind: &str, input: &str, a: Seen, b: Seen) {
        self.probes += 1;
        if a == b {
            return;
        }
        self.different += 1;
        let signature = signature(&a, &b);
        if let Some(group) = self.groups.iter_mut().find(|g| g.kind == kind && g.signature == signature) {
            group.count += 1;
            return;
        }
        self.groups.push(Group { kind: kind.to_owned(), signature, count: 1, input: input.to_owned(), a, b });
    }
}

/// How two normalised answers differ, in a few words.
pub fn signature(a: &Seen, b: &Seen) -> String {
    let (Seen::Answer(a), Seen::Answer(b)) = (a, b) else {
        return match (a, b) {
            (Seen::NoAnswer(_), Seen::NoAnswer(_)) => "no answer from either, for different reasons".into(),
            (Seen::NoAnswer(_), _) => "A gave no answer".into(),
            _ => "B gave no answer".into(),
        };
    };
    if a.starts_with("EMAIL\n") && b.starts_with("EMAIL\n") {
        let differing: Vec<String> = a
            .lines()
            .zip(b.lines())
            .filter(|(x, y)| x != y)
            .map(|(x, y)| format!("{x} vs {}", y.split_once(": ").map_or(y, |(_, v)| v)))
            .collect();
        return differing.join(", ");
    }
    let split =
        |t: &str| t.split_once('\n').map_or((t.to_owned(), String::new()), |(s, b)| (s.to_owned(), b.to_owned()));
    let ((status_a, body_a), (status_b, body_b)) = (split(a), split(b));
    let mut parts = Vec::new();
    if status_a != status_b {
        parts.push(format!("{status_a} vs {}", status_b.trim_start_matches("HTTP ")));
    }
    let (message_a, message_b) = (first_message(&body_a), first_message(&body_b));
    if message_a != message_b {
        parts.push(format!("message {message_a:?} vs {message_b:?}"));
    } else if body_a != body_b {
        let same_values = match (serde_json::from_str::<Value>(&body_a), serde_json::from_str::<Value>(&body_b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        };
        parts.push(if same_values { "key order".into() } else { body_shape_difference(&body_a, &body_b) });
    }
    parts.join(", ")
}

/// Names the top-level and error keys present on one side only, else `body`.
fn body_shape_difference(a: &str, b: &str) -> String {
    let keys = |text: &str| -> Vec<String> {
        let Ok(value) = serde_json::from_str::<Value>(text) else { return vec!["(not JSON)".into()] };
        let mut keys: Vec<String> = value.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        if let Some(error) = value["errors"][0].as_object() {
            keys.extend(error.keys().map(|k| format!("errors[].{k}")));
            if let Some(ext) = error.get("extensions").and_then(Value::as_object) {
                keys.extend(ext.iter().map(|(k, v)| format!("errors[].extensions.{k}={v}")));
            }
        }
        keys
    };
    let (ka, kb) = (keys(a), keys(b));
    let only_a: Vec<_> = ka.iter().filter(|k| !kb.contains(k)).cloned().collect();
    let only_b: Vec<_> = kb.iter().filter(|k| !ka.contains(k)).cloned().collect();
    if only_a.is_empty() && only_b.is_empty() {
        "body".into()
    } else {
        format!("body: only A has {only_a:?}, only B has {only_b:?}")
    }
}

/// The answer normalised for comparison, with the session's accounts redacted.
async fn seen(session: &Session, result: Result<Answer, Stop>) -> Result<Seen, Skipped> {
    let mut accounts = Vec::new();
    if let Some(account) = session.known_account() {
        accounts.push((account.email, "active@example.com"));
    }
    if let Some(locked) = session.known_locked() {
        accounts.push((locked, "locked@example.com"));
    }
    match result {
        Ok(answer) => Ok(Seen::Answer(redact(&answer.golden(), &accounts))),
        Err(Stop::Skip(reason)) => Err(Skipped(reason)),
        Err(Stop::Deviation(failure)) => Ok(Seen::NoAnswer(failure.summary)),
    }
}

/// Why a probe could not be compared: a side has no answer to compare.
#[derive(Debug, thiserror::Error)]
enum Unpaired {
    #[error("no session")]
    NoSession,
    #[error("{side}: could not clean up: {summary}")]
    CleanUp { side: &'static str, summary: String },
    #[error("{side}: {reason}")]
    Skipped { side: &'static str, reason: Skipped },
}

/// Sends `probe` in a session of its own on each side, at the same time.
async fn both<F, Fut>(a: &Context, b: &Context, name: &str, probe: F) -> Result<(Seen, Seen), Unpaired>
where
    F: Fn(Session) -> Fut,
    Fut: std::future::Future<Output = Result<Answer, Stop>>,
{
    let (sa, sb) =
        (a.session(name).map_err(|_| Unpaired::NoSession)?, b.session(name).map_err(|_| Unpaired::NoSession)?);
    let (ra, rb) = tokio::join!(probe(sa.clone()), probe(sb.clone()));
    let (seen_a, seen_b) = (seen(&sa, ra).await, seen(&sb, rb).await);
    let (fa, fb) = tokio::join!(sa.finish(), sb.finish());
    for (side, finished) in [("A", fa), ("B", fb)] {
        if let Err(Stop::Deviation(f)) = finished {
            return Err(Unpaired::CleanUp { side, summary: f.summary });
        }
    }
    match (seen_a, seen_b) {
        (Ok(x), Ok(y)) => Ok((x, y)),
        (Err(reason), _) => Err(Unpaired::Skipped { side: "A", reason }),
        (_, Err(reason)) => Err(Unpaired::Skipped { side: "B", reason }),
    }
}

/// `count` values of `strategy`, drawn from the seed and the family's name.
fn draw<S: Strategy>(seed: u64, name: &str, count: u32, strategy: S) -> Vec<S::Value> {
    let mut runner = crate::property::runner(seed, name);
    (0..count).filter_map(|_| strategy.new_tree(&mut runner).ok().map(|t| t.current())).collect()
}

/// Compares `a` and `b` on every documented case whose name contains `filter`, then on `cases`
/// generated inputs of each family.
pub async fn diff(a: &Context, b: &Context, cases: u32, seed: u64, filter: Option<&str>) -> Report {
    let mut report = Report::default();
    let wanted = |kind: &str| filter.is_none_or(|f| kind.contains(f));
    for case in CASES.iter().filter(|c| wanted(&format!("case/{c}"))) {
        let kind = format!("case/{case}");
        match both(a, b, &kind, |s| async move { produce(&s, case).await }).await {
            Ok((x, y)) => report.add(&kind, case, x, y),
            Err(reason) => report.skipped.push((kind, reason.to_string())),
        }
        if a.recaptcha().is_some() || b.recaptcha().is_some() {
            return report;
        }
    }
    if wanted("transport/options") {
        let result = both(a, b, "transport/options", |s| async move {
            let t = &s.target;
            t.send(t.request(reqwest::Method::OPTIONS, t.graphql.clone()), "").await
        })
        .await;
        match result {
            Ok((x, y)) => report.add("transport/options", "OPTIONS /graphql", x, y),
            Err(reason) => report.skipped.push(("transport/options".into(), reason.to_string())),
        }
    }
    if wanted("sign-in/unknown-account") {
        // An address no store has: a refused sign-in that counts against no account.
        let result = both(a, b, "sign-in", |s| async move {
            s.target.sign_in("nobody.conformance@example.com", "Wr0ng-Passw0rd!").await
        })
        .await;
        match result {
            Ok((x, y)) => report.add("sign-in/unknown-account", "nobody.conformance@example.com", x, y),
            Err(reason) => report.skipped.push(("sign-in/unknown-account".into(), reason.to_string())),
        }
    }
    if wanted("email/reset-email") {
        match both_emails(a, b).await {
            Ok((x, y)) => report.add("email/reset-email", "a reset request for the account", x, y),
            Err(reason) => report.skipped.push(("email/reset-email".into(), reason.to_string())),
        }
    }
    let emails: Vec<(String, String)> = {
        let mut all = Vec::new();
        for class in INVALID_CLASSES {
            let strategy = invalid_email().prop_filter("class", move |(c, _)| *c == class);
            let n = cases.div_ceil(INVALID_CLASSES.len() as u32).max(1);
            all.extend(
                draw(seed, &format!("diff/invalid-{class:?}"), n, strategy)
                    .into_iter()
                    .map(|(c, e)| (format!("request-email/invalid {c:?}"), e)),
            );
        }
        let classes = vec![
            crate::strategies::Unregistered::Plain,
            crate::strategies::Unregistered::PlusTag,
            crate::strategies::Unregistered::NumericTld,
            crate::strategies::Unregistered::Quoted,
            crate::strategies::Unregistered::Idn,
        ];
        all.extend(
            draw(seed, "diff/unregistered", cases, unregistered_email_of(classes))
                .into_iter()
                .map(|(c, e)| (format!("request-email/unregistered {c:?}"), e)),
        );
        let strings = prop_oneof![any::<String>(), "[ -~]{0,30}", "\\PC{0,12}@\\PC{0,12}"];
        all.extend(
            draw(seed, "diff/any-string", cases, strings)
                .into_iter()
                .map(|e| ("request-email/any string".to_owned(), e)),
        );
        all
    };
    for (kind, email) in emails.into_iter().filter(|(kind, _)| wanted(kind)) {
        let variables = json!({ "email": email });
        let result = both(a, b, &kind, |s| {
            let variables = variables.clone();
            async move { s.target.graphql_with(VARIABLE_FORM, variables).await }
        })
        .await;
        match result {
            Ok((x, y)) => report.add(&kind, &format!("{email:?}"), x, y),
            Err(reason) => report.skipped.push((kind, reason.to_string())),
        }
    }
    if wanted("reset/random-token") {
        for token in draw(seed, "diff/random-token", cases, token()) {
            let result = both(a, b, "reset-random-token", |s| {
                let token = token.clone();
                async move {
                    let account = s.account().await?;
                    s.target.reset_password(&account.email, &token, "N3w-Passw0rd!").await
                }
            })
            .await;
            match result {
                Ok((x, y)) => report.add("reset/random-token", &token, x, y),
                Err(reason) => {
                    report.skipped.push(("reset/random-token".into(), reason.to_string()));
                    break;
                }
            }
        }
    }
    if wanted("reset/password-policy") {
        policy_probes(a, b, cases, seed, &mut report).await;
    }
    dedup_skips(&mut report);
    report
}

/// The reset email's subject, recipient name and link with the token, customer id and email
/// replaced by placeholders: what a store's template and configuration decide.
async fn email_shape(s: &Session) -> Result<Seen, Stop> {
    let inbox = s.inbox("reading the reset email")?.clone();
    let account = s.account().await?;
    let before = inbox.count(&account.email).await?;
    s.make_room_for_request().await?;
    let answer = s.target.request_reset(&account.email).await?;
    if answer.data("requestPasswordResetEmail") != Some(Value::Bool(true)) {
        return Ok(Seen::NoAnswer(format!("the reset request answered {}", answer.body)));
    }
    let (mail, _) = inbox.wait_for_new(&account.email, before).await?;
    let link = mail.reset_link().map(|(link, _)| link).unwrap_or_default();
    let query = link.split_once('?').map_or("", |(_, q)| q);
    let shape: Vec<String> = query
        .split('&')
        .map(|pair| pair.split_once('=').map_or(pair.to_owned(), |(name, _)| format!("{name}=[{name}]")))
        .collect();
    let page =
        link.split_once("customer/account/").map_or("(no link)", |(_, rest)| rest.split('?').next().unwrap_or(""));
    Ok(Seen::Answer(format!(
        "EMAIL
subject: {}
link: customer/account/{page}?{}
parts: {}",
        mail.subject(),
        shape.join("&"),
        [("text", mail.text()), ("html", mail.html())]
            .iter()
            .filter(|(_, p)| !p.is_empty())
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join("+")
    )))
}

async fn both_emails(a: &Context, b: &Context) -> Result<(Seen, Seen), Unpaired> {
    let (sa, sb) = (
        a.session("diff-email").map_err(|_| Unpaired::NoSession)?,
        b.session("diff-email").map_err(|_| Unpaired::NoSession)?,
    );
    let (ra, rb) = tokio::join!(email_shape(&sa), email_shape(&sb));
    let _ = tokio::join!(sa.finish(), sb.finish());
    let unwrap = |side: &'static str, r: Result<Seen, Stop>| match r {
        Ok(seen) => Ok(seen),
        Err(Stop::Skip(reason)) => Err(Unpaired::Skipped { side, reason: Skipped(reason) }),
        Err(Stop::Deviation(f)) => Ok(Seen::NoAnswer(f.summary)),
    };
    Ok((unwrap("A", ra)?, unwrap("B", rb)?))
}

/// New passwords across the policy, each with the live token of one account per side.
async fn policy_probes(a: &Context, b: &Context, cases: u32, seed: u64, report: &mut Report) {
    let kind = "reset/password-policy";
    let (sa, sb) = match (a.session(kind), b.session(kind)) {
        (Ok(x), Ok(y)) => (x, y),
        _ => return,
    };
    let live = async |s: &Session| -> Result<(String, String), Stop> {
        let account = s.account().await?;
        let token = s.fresh_token(&account.email).await?;
        Ok((account.email, token))
    };
    let (la, lb) = tokio::join!(live(&sa), live(&sb));
    let passwords = draw(seed, "diff/password", cases, password("not-an-account@example.com".into()));
    match (la, lb) {
        (Ok((ea, ta)), Ok((eb, tb))) => {
            for new_password in passwords {
                // A password the policy accepts would use the token up: those are not sent.
                if crate::strategies::policy_failure(&new_password, &ea, a.inner().policy).is_none()
                    || crate::strategies::policy_failure(&new_password, &eb, b.inner().policy).is_none()
                {
                    continue;
                }
                let (ra, rb) = tokio::join!(
                    sa.target.reset_password(&ea, &ta, &new_password),
                    sb.target.reset_password(&eb, &tb, &new_password)
                );
                if let (Ok(x), Ok(y)) = (seen(&sa, ra).await, seen(&sb, rb).await) {
                    report.add(kind, &format!("{new_password:?}"), x, y);
                }
            }
        }
        (Err(stop), _) | (_, Err(stop)) => {
            let reason = match stop {
                Stop::Skip(reason) => reason,
                Stop::Deviation(f) => f.summary,
            };
            report.skipped.push((kind.to_owned(), reason));
        }
    }
    let _ = tokio::join!(sa.finish(), sb.finish());
}

fn dedup_skips(report: &mut Report) {
    let mut seen = BTreeMap::new();
    for (kind, reason) in report.skipped.drain(..) {
        seen.entry(kind).or_insert(reason);
    }
    report.skipped = seen.into_iter().collect();
}

/// The human report: each group with one example, then what was skipped, then the count line.
pub fn human(report: &Report, a: &str, b: &str) -> String {
    use std::fmt::Write as _;
    let mut out = format!("A: {a}\nB: {b}\n");
    for group in &report.groups {
        let _ = writeln!(out, "\n{}: {} ({} probe{})", group.kind, group.signature, group.count, plural(group.count));
        let _ = writeln!(out, "  input: {}", group.input);
        let _ = writeln!(out, "  A: {}", group.a.text().replace('\n', " "));
        let _ = writeln!(out, "  B: {}", group.b.text().replace('\n', " "));
    }
    for (kind, reason) in &report.skipped {
        let _ = writeln!(out, "\nskipped {kind}: {reason}");
    }
    let _ = writeln!(
        out,
        "\n{} probes, {} identical, {} different in {} group{}",
        report.probes,
        report.probes - report.different,
        report.different,
        report.groups.len(),
        plural(report.groups.len())
    );
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The JSON report.
pub fn json_report(report: &Report, run: &Value) -> Value {
    let seen = |s: &Seen| match s {
        Seen::Answer(text) => {
            let (status, body) = text.split_once('\n').unwrap_or((text, ""));
            json!({ "status": status.trim_start_matches("HTTP ").parse::<u16>().ok(), "body": body })
        }
        Seen::NoAnswer(why) => json!({ "no_answer": why }),
    };
    json!({
        "run": run,
        "identical": report.identical(),
        "probes": report.probes,
        "different": report.different,
        "groups": report.groups.iter().map(|g| json!({
            "kind": g.kind, "signature": g.signature, "count": g.count,
            "example": { "input": g.input, "a": seen(&g.a), "b": seen(&g.b) },
        })).collect::<Vec<_>>(),
        "skipped": report.skipped.iter().map(|(k, r)| json!({ "kind": k, "reason": r })).collect::<Vec<_>>(),
    })
}

/// JUnit XML: one testsuite `diff`, one testcase per kind of probe, failing with its groups.
pub fn junit(report: &Report) -> Result<String, crate::error::SetupError> {
    use quick_junit::{NonSuccessKind, Report as JUnit, TestCase, TestCaseStatus, TestSuite};
    let mut kinds: BTreeMap<String, Vec<&Group>> = BTreeMap::new();
    for group in &report.groups {
        kinds.entry(group.kind.clone()).or_default().push(group);
    }
    let mut suite = TestSuite::new("diff");
    for (kind, groups) in &kinds {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        let description = groups
            .iter()
            .map(|g| format!("{} ({}): input {}\nA: {}\nB: {}", g.signature, g.count, g.input, g.a.text(), g.b.text()))
            .collect::<Vec<_>>()
            .join("\n\n");
        status.set_message(groups[0].signature.clone()).set_type("difference").set_description(description);
        suite.add_test_case(TestCase::new(kind.clone(), status));
    }
    for (kind, reason) in &report.skipped {
        let mut status = TestCaseStatus::skipped();
        status.set_message(reason.clone());
        suite.add_test_case(TestCase::new(kind.clone(), status));
    }
    if kinds.is_empty() {
        suite.add_test_case(TestCase::new(format!("{} probes identical", report.probes), TestCaseStatus::success()));
    }
    let mut junit = JUnit::new("conformance-diff");
    junit.add_test_suite(suite);
    Ok(junit.to_string()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_named_by_status_message_key_order_or_keys() {
        let s = |t: &str| Seen::Answer(t.to_owned());
        assert_eq!(signature(&s("HTTP 200\n{}"), &s("HTTP 500\n{}")), "HTTP 200 vs 500");
        assert_eq!(
            signature(
                &s(r#"HTTP 200
{"errors":[{"message":"a"}]}"#),
                &s(r#"HTTP 200
{"errors":[{"message":"b"}]}"#)
            ),
            r#"message Some("a") vs Some("b")"#
        );
        assert_eq!(
            signature(
                &s(r#"HTTP 200
{"errors":[{"message":"a","path":[1]}]}"#),
                &s(r#"HTTP 200
{"errors":[{"path":[1],"message":"a"}]}"#)
            ),
            "key order"
        );
        assert_eq!(
            signature(
                &s(r#"HTTP 200
{"errors":[{"message":"a"}]}"#),
                &s(r#"HTTP 200
{"errors":[{"message":"a","extensions":{"category":"graphql"}}]}"#)
            ),
            r#"body: only A has [], only B has ["errors[].extensions", "errors[].extensions.category=\"graphql\""]"#
        );
    }

    #[test]
    fn identical_answers_make_no_group_and_one_example_stands_for_many() {
        let mut report = Report::default();
        let s = |t: &str| Seen::Answer(t.to_owned());
        report.add("k", "1", s("HTTP 200\n{}"), s("HTTP 200\n{}"));
        report.add("k", "2", s("HTTP 200\n{}"), s("HTTP 400\n{}"));
        report.add("k", "3", s("HTTP 200\n{}"), s("HTTP 400\n{}"));
        assert_eq!((report.probes, report.different, report.groups.len()), (3, 2, 1));
        assert_eq!(report.groups[0].count, 2);
        assert_eq!(report.groups[0].input, "2");
    }
}
