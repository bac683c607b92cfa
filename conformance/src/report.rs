//! The reports: human output grouped by area (failing request and answer shown), JUnit XML (one
//! testcase per check, one testsuite per area) and JSON; and the closing count line.

use std::fmt::Write as _;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use serde_json::{Value, json};

use crate::error::SetupError;
pub use crate::outcome::describe;
use crate::outcome::{Area, Outcome, Verdict};

/// Counts of passed, failed and skipped checks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

pub fn counts(outcomes: &[Outcome]) -> Counts {
    let mut counts = Counts::default();
    for outcome in outcomes {
        match outcome.verdict {
            Verdict::Passed => counts.passed += 1,
            Verdict::Failed(_) => counts.failed += 1,
            Verdict::Skipped(_) => counts.skipped += 1,
        }
    }
    counts
}

/// `N passed, M failed[, K skipped]`: the last line of the CLI's output.
pub fn summary_line(counts: Counts) -> String {
    let mut line = format!("{} passed, {} failed", counts.passed, counts.failed);
    if counts.skipped > 0 {
        line.push_str(&format!(", {} skipped", counts.skipped));
    }
    line
}

fn areas(outcomes: &[Outcome]) -> Vec<Area> {
    let mut areas: Vec<Area> = outcomes.iter().map(|o| o.area).collect();
    areas.sort();
    areas.dedup();
    areas
}

fn indent(text: &str, by: &str) -> String {
    text.lines().map(|line| format!("{by}{line}\n")).collect()
}

/// The human report, grouped by area with each area's counts; the closing count line is
/// [`summary_line`], printed by the caller last.
pub fn human(outcomes: &[Outcome], verbose: bool) -> String {
    let mut out = String::new();
    for area in areas(outcomes) {
        let _ = writeln!(out, "\n{area}");
        for outcome in outcomes.iter().filter(|o| o.area == area) {
            match &outcome.verdict {
                Verdict::Passed if verbose => {
                    let notes = if outcome.notes.is_empty() {
                        String::new()
                    } else {
                        format!("  ({})", outcome.notes.join("; "))
                    };
                    let _ = writeln!(out, "  ok    {}{notes}", outcome.id);
                }
                Verdict::Passed => {}
                Verdict::Failed(failure) => {
                    let _ = writeln!(out, "  FAIL  {}  ({})", outcome.id, outcome.about);
                    out.push_str(&indent(&describe(failure), "        "));
                }
                Verdict::Skipped(reason) => {
                    let _ = writeln!(out, "  skip  {}: {reason}", outcome.id);
                }
            }
        }
        let area_counts = counts(&outcomes.iter().filter(|o| o.area == area).cloned().collect::<Vec<_>>());
        let _ = writeln!(out, "  {}", summary_line(area_counts));
    }
    let _ = writeln!(out);
    out
}

/// JUnit XML: a testsuite per area, a testcase per check (failures with their description).
pub fn junit(outcomes: &[Outcome]) -> Result<String, SetupError> {
    let mut report = Report::new("conformance");
    for area in areas(outcomes) {
        let mut suite = TestSuite::new(area.name());
        for outcome in outcomes.iter().filter(|o| o.area == area) {
            let status = match &outcome.verdict {
                Verdict::Passed => TestCaseStatus::success(),
                Verdict::Failed(failure) => {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    status
                        .set_message(failure.summary.clone())
                        .set_type("deviation")
                        .set_description(describe(failure));
                    status
                }
                Verdict::Skipped(reason) => {
                    let mut status = TestCaseStatus::skipped();
                    status.set_message(reason.clone());
                    status
                }
            };
            let mut case = TestCase::new(outcome.id.clone(), status);
            case.set_classname(format!("conformance.{area}")).set_time(outcome.duration);
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    Ok(report.to_string()?)
}

/// The JSON report: the counts and one object per check.
pub fn json_report(outcomes: &[Outcome], run: &Value) -> Value {
    let c = counts(outcomes);
    let checks: Vec<Value> = outcomes
        .iter()
        .map(|o| {
            let mut entry = json!({
                "id": o.id, "area": o.area.name(), "about": o.about,
                "duration_ms": o.duration.as_millis() as u64, "notes": o.notes,
            });
            match &o.verdict {
                Verdict::Passed => entry["status"] = json!("passed"),
                Verdict::Skipped(reason) => {
                    entry["status"] = json!("skipped");
                    entry["reason"] = json!(reason);
                }
                Verdict::Failed(f) => {
                    entry["status"] = json!("failed");
                    entry["summary"] = json!(f.summary);
                    entry["detail"] = json!(f.detail);
                    if let Some(a) = &f.answer {
                        entry["request"] = json!(a.request);
                        entry["response"] =
                            json!({ "status": a.status, "content_type": a.content_type, "body": a.body });
                    }
                }
            }
            entry
        })
        .collect();
    json!({ "run": run, "passed": c.passed, "failed": c.failed, "skipped": c.skipped, "checks": checks })
}
