//! The CLI as a user runs it: exit status, the closing line, and the JUnit XML it writes,
//! parsed back.

use std::process::Command;
use std::sync::Arc;

use quick_junit::{NonSuccessKind, Report, TestCaseStatus};

use crate::wrong_backend;

fn conformance(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_conformance")).args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.code().unwrap_or(-1), stdout)
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
        conformance(&[
            "run",
            "--target",
            "builtin",
            "--exclude",
            "email-verdicts",
            "--exclude",
            "quoted-idn",
            "--junit",
            junit.to_str().unwrap(),
        ])
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
