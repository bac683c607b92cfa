//! What the account and stores self-tests share: a wrong backend (one changed behaviour behind
//! the rewriting proxy, and the check that must report it), and the proof that every check of
//! an area has one that it catches.

use std::collections::BTreeSet;
use std::sync::Arc;

use conformance::check::Verdict;
use conformance::run::{Options, Outcome, prepare, run_options};

use crate::proxy::{Memory, Req, Resp, Rewrite};
use crate::wrong_backend;

/// One wrong backend: its name, the release of the mock and of the expectation, the check that
/// must fail, and the rewrite.
pub struct Wrong {
    pub name: &'static str,
    pub release: &'static str,
    pub check: &'static str,
    pub rewrite: Rewrite,
}

/// A wrong 2.4.7 backend.
pub fn wrong(
    name: &'static str,
    check: &'static str,
    rewrite: impl Fn(&Req, &mut Resp, &Memory) + Send + Sync + 'static,
) -> Wrong {
    Wrong { name, release: "2.4.7", check, rewrite: Arc::new(rewrite) }
}

/// The outcome of `check` alone, run with `options`.
pub async fn outcome(options: &Options, check: &str) -> Outcome {
    let (ctx, _server) = prepare(options).await.unwrap();
    let mut outcomes = run_options(&ctx, conformance::checks::all(), options).await;
    outcomes.retain(|o| o.id == check);
    assert_eq!(outcomes.len(), 1, "no check {check}");
    outcomes.remove(0)
}

/// Each backend is reported by the check it names (run with `options(base, release, check)`),
/// and every check whose id starts with one of `areas` has a backend.
pub async fn assert_each_caught(backends: &[Wrong], areas: &[&str], options: impl Fn(&str, &str, &str) -> Options) {
    let mut missed = Vec::new();
    for backend in backends {
        let (base, _mock) = wrong_backend(backend.release, false, Arc::clone(&backend.rewrite)).await;
        let outcome = outcome(&options(&base, backend.release, backend.check), backend.check).await;
        if !matches!(outcome.verdict, Verdict::Failed(_)) {
            missed.push(format!("{} ({}): {:?}", backend.name, backend.check, outcome.verdict));
        }
    }
    assert!(missed.is_empty(), "not reported:\n{}", missed.join("\n"));
    let covered: BTreeSet<_> = backends.iter().map(|b| b.check).collect();
    let uncovered: Vec<String> = conformance::checks::all()
        .into_iter()
        .map(|c| c.id)
        .filter(|id| areas.iter().any(|area| id.starts_with(area)))
        .filter(|id| !covered.contains(id.as_str()))
        .collect();
    assert!(uncovered.is_empty(), "checks with no wrong backend: {uncovered:?}");
}
