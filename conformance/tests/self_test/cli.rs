//! The CLI as a user runs it: exit status, the closing line, and the JUnit XML it writes,
//! parsed back.

use std::process::Command;
use std::sync::Arc;

use quick_junit::{NonSuccessKind, Report, TestCaseStatus};

use crate::wrong_backend;

fn conformance(args: &[&str]) -> (i32, String) {
    let (code, stdout, _) = conformance_err(args);
    (code, stdout)
}

fn conformance_err(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_conformance")).args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code().unwrap_or(-1), stdout, stderr)
}

fn parse(path: &std::path::Path) -> Report {
    Report::deserialize_from_str(&std::fs::read_to_string(path).unwrap()).expect("well-formed JUnit XML")
}

#[tokio::test]
async fn builtin_conforms_and_the_junit_report_has_one_passing_testcase_per_check() {
    let dir = std::env::temp_dir().join(format!("conformance-junit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let junit = dir.join("ok.xml");
    let (code, stdout) = tokio::task::spawn_blocking(move || {
        let junit = dir.join("ok.xml");
        let store = ["--store-name", crate::MAIN_WEBSITE_STORE];
        conformance(
            &[
                &["run", "--target", "builtin", "--throttle", "magento"][..],
                // The account area's golden files exist for 2.4.7 only (recorded from a real store).
                &["--exclude", "snapshot/account-"],
                &store,
                &["--junit", junit.to_str().unwrap()],
            ]
            .concat(),
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{stdout}");
    let last = stdout.lines().last().unwrap();
    let report = parse(&junit);
    let cases: Vec<_> = report.test_suites.iter().flat_map(|s| &s.test_cases).collect();
    assert_eq!(last, format!("{} passed, 0 failed", cases.len()));
    assert!(cases.len() >= 60, "{} testcases", cases.len());
    assert!(cases.iter().all(|c| matches!(c.status, TestCaseStatus::Success { .. })));
    assert!(report.test_suites.iter().any(|s| s.name.as_str() == "snapshots"));
}

#[tokio::test]
async fn a_wrong_backend_exits_1_and_its_failures_are_in_the_junit_report() {
    let locked_period = |req: &crate::proxy::Req, resp: &mut crate::proxy::Resp, _: &crate::proxy::Memory| {
        if req.is_graphql() {
            resp.replace("\"The account is locked\"", "\"The account is locked.\"");
        }
    };
    let (base, _mock) = wrong_backend("2.4.8", true, Arc::new(locked_period)).await;
    let junit = std::env::temp_dir().join(format!("conformance-junit-fail-{}.xml", std::process::id()));
    let path = junit.clone();
    let (code, stdout) = tokio::task::spawn_blocking(move || {
        conformance(&[
            "run",
            "--target",
            &format!("{base}/graphql"),
            "--admin",
            &format!("{base}/__admin"),
            "--filter",
            "locked",
            "--junit",
            path.to_str().unwrap(),
        ])
    })
    .await
    .unwrap();
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("FAIL  snapshot/request-locked-account"), "{stdout}");
    assert!(stdout.contains("\"The account is locked.\""), "the failing answer is shown: {stdout}");
    let report = parse(&junit);
    let failed: Vec<_> = report
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .filter(|c| matches!(c.status, TestCaseStatus::NonSuccess { kind: NonSuccessKind::Failure, .. }))
        .map(|c| c.name.as_str().to_owned())
        .collect();
    assert!(failed.contains(&"snapshot/request-locked-account".to_owned()), "{failed:?}");
    assert_eq!(
        stdout.lines().last().unwrap(),
        format!("{} passed, {} failed", report.tests - failed.len(), failed.len())
    );
}

#[test]
fn an_unreachable_target_exits_2() {
    let (code, stdout) = conformance(&["run", "--target", "http://127.0.0.1:9/graphql"]);
    assert_eq!(code, 2);
    assert_eq!(stdout.lines().last(), Some("0 passed, 0 failed"));
}

#[test]
fn a_filter_that_selects_nothing_exits_2_and_says_so() {
    let (code, stdout, stderr) = conformance_err(&["run", "--target", "builtin", "--filter", "snapshot/no-such-case"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("no check selected"), "{stderr}");
    assert_eq!(stdout.lines().last(), Some("0 passed, 0 failed"));
}

#[test]
fn cases_must_be_at_least_one() {
    let (code, _, stderr) = conformance_err(&["run", "--target", "builtin", "--cases", "0"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--cases"), "{stderr}");
}

/// A run whose every check is skipped checked nothing: exit 2, not 0.
#[tokio::test]
async fn everything_skipped_exits_2_and_strict_turns_a_skip_into_a_failure() {
    let (base, _mock) = wrong_backend("2.4.8", true, Arc::new(|_, _, _| {})).await;
    let target = format!("{base}/graphql");
    let (code, stdout, stderr) = tokio::task::spawn_blocking({
        let target = target.clone();
        // Without --admin the mock's scripted states are out of reach: this check is skipped.
        move || conformance_err(&["run", "--target", &target, "--filter", "email/none-when-transport-fails"])
    })
    .await
    .unwrap();
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("every selected check was skipped"), "{stderr}");
    assert_eq!(stdout.lines().last(), Some("0 passed, 0 failed, 1 skipped"));
    // One check that runs, one skipped: 0 normally, 1 with --strict.
    let filter_args = |strict: bool| {
        let mut args =
            vec!["run".to_owned(), "--target".into(), target.clone(), "--filter".into(), "transport/".into()];
        for left_out in ["operation", "named", "accept"] {
            args.extend(["--exclude".into(), left_out.into()]);
        }
        args.extend(["--magento-version".into(), "2.4.5".into()]);
        if strict {
            args.push("--strict".into());
        }
        args
    };
    for (strict, expected) in [(false, 0), (true, 1)] {
        let args = filter_args(strict);
        let (code, stdout, stderr) =
            tokio::task::spawn_blocking(move || conformance_err(&args.iter().map(String::as_str).collect::<Vec<_>>()))
                .await
                .unwrap();
        assert_eq!(code, expected, "strict {strict}: {stdout}{stderr}");
        assert!(stdout.contains("skip  transport/options-request"), "{stdout}");
    }
}

#[tokio::test]
async fn a_dry_run_prints_the_plan_and_runs_nothing() {
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(|| conformance_err(&["run", "--target", "builtin", "--dry-run"])).await.unwrap();
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("plan: "), "{stdout}");
    assert!(stdout.contains("reset emails"), "{stdout}");
    assert!(!stdout.contains("passed"), "nothing ran: {stdout}");
}

/// `diff`: a target against itself is identical (exit 0); 2.4.6 against 2.4.8 lists the documented
/// differences, grouped by kind, in the JSON report too (exit 1).
#[tokio::test]
async fn diff_exits_0_when_identical_and_1_with_the_documented_differences_of_two_releases() {
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(|| conformance_err(&["diff", "builtin@2.4.8", "builtin@2.4.8", "--cases", "4"]))
            .await
            .unwrap();
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains(" 0 different in 0 groups"), "{stdout}");
    let json = std::env::temp_dir().join(format!("conformance-diff-{}.json", std::process::id()));
    let path = json.clone();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        conformance_err(&["diff", "builtin@2.4.6", "builtin@2.4.8", "--cases", "4", "--json", path.to_str().unwrap()])
    })
    .await
    .unwrap();
    assert_eq!(code, 1, "{stdout}{stderr}");
    for kind in [
        "case/http-syntax-error: HTTP 500 vs 400",
        "transport/options: HTTP 200 vs 204",
        "sign-in/unknown-account: HTTP 200 vs 401",
    ] {
        assert!(stdout.contains(kind), "{kind} missing:\n{stdout}");
    }
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["identical"], false);
    let groups = report["groups"].as_array().unwrap();
    assert!(groups.iter().all(|g| g["example"]["a"].is_object() && g["count"].as_u64() >= Some(1)));
    // Generated inputs are the same on both sides and answered alike: no group of theirs.
    assert!(groups.iter().all(|g| !g["kind"].as_str().unwrap().starts_with("request-email/")), "{groups:?}");
}

/// `record` writes golden files the snapshot checks read back: recorded from the mock, a run
/// against the same mock with `--golden` passes them all; each file says where it came from.
#[tokio::test]
async fn recorded_golden_files_read_back_and_say_where_they_were_recorded() {
    let (base, _mock) = wrong_backend("2.4.8", true, Arc::new(|_, _, _| {})).await;
    let dir = std::env::temp_dir().join(format!("conformance-record-{}", std::process::id()));
    let (target, admin, out) = (format!("{base}/graphql"), format!("{base}/__admin"), dir.display().to_string());
    let (code, stdout, stderr) = tokio::task::spawn_blocking({
        let (target, admin, out) = (target.clone(), admin.clone(), out.clone());
        move || conformance_err(&["record", "--target", &target, "--admin", &admin, "--out", &out])
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{stdout}{stderr}");
    let cases = conformance::golden::CASES.len() + conformance::golden::ACCOUNT_CASES.len();
    assert!(stdout.contains(&format!("recorded {cases} of {cases} documented cases")), "{stdout}");
    let file = std::fs::read_to_string(dir.join("reset-token-used.snap")).unwrap();
    assert!(file.contains("origin: \"mock\"") && file.contains(&format!("target: \"{target}\"")), "{file}");
    assert!(!file.contains("conformance."), "account emails are redacted: {file}");
    let shown = format!("golden files {out}");
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        conformance_err(&["run", "--target", &target, "--admin", &admin, "--golden", &out, "--filter", "snapshot/"])
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains(&shown), "the run names the golden files it compares with: {stdout}");
    assert_eq!(stdout.lines().last(), Some(format!("{cases} passed, 0 failed").as_str()));
}
