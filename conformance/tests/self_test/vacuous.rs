//! The paths that used to pass without checking, each held to checking or to saying why not.

use std::sync::Arc;

use conformance::check::Verdict;
use conformance::context::Account;
use conformance::run::{Options, Outcome, TargetSpec, prepare, run_options};

use crate::proxy::{Req, Resp};
use crate::wrong_backend;

/// The built-in fixtures' Veronica Costello, as a store's account given by flags.
fn roni() -> Account {
    Account { email: "roni_cost@example.com".into(), password: "roni_cost3@example.com".into(), name: None }
}

/// A plain target (no control API): accounts come from flags, the inbox from `--inbox`.
fn plain(base: &str, filter: &str) -> Options {
    Options {
        target: TargetSpec::Url(format!("{base}/graphql")),
        inbox: Some(format!("{base}/")),
        active: vec![roni()],
        store_name: Some(crate::MAIN_WEBSITE_STORE.into()),
        filter: Some(filter.into()),
        cases: 8,
        mail_timeout: std::time::Duration::from_secs(2),
        ..Options::default()
    }
}

async fn run(options: &Options) -> Outcome {
    let (ctx, _server) = prepare(options).await.unwrap();
    let mut outcomes = run_options(&ctx, conformance::checks::all(), options).await;
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    outcomes.remove(0)
}

fn rewrite(f: fn(&Req, &mut Resp)) -> crate::proxy::Rewrite {
    Arc::new(move |req, resp, _| f(req, resp))
}

/// With an account from `--active-email` the email check still checks the recipient's name, the
/// greeting and that the token works: it learns the name from the store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_email_check_of_an_account_given_by_flags_checks_name_greeting_and_token() {
    let (base, _mock) = wrong_backend("2.4.8", false, Arc::new(|_, _, _| {})).await;
    let outcome = run(&plain(&base, "email/one-documented")).await;
    assert!(matches!(outcome.verdict, Verdict::Passed), "every part ran: {outcome:?}");
    type Bug = fn(&Req, &mut Resp);
    let cases: [(&str, Bug); 3] = [
        ("greeting", |req, resp| {
            if req.path.starts_with("/api/v1/message/") {
                resp.replace("Veronica Costello,", "Dear customer,");
            }
        }),
        ("recipient name", |req, resp| {
            if req.path.starts_with("/api/v1/message/") {
                resp.replace("\"Name\":\"Veronica Costello\"", "\"Name\":\"\"");
            }
        }),
        ("token works", |req, resp| {
            if req.path.starts_with("/api/v1/message/")
                && let Some(at) = resp.body.find("token=")
            {
                let token: String = resp.body[at + 6..].chars().take(32).collect();
                let other: String = token.chars().rev().collect();
                resp.body = resp.body.replace(&token, &other);
            }
        }),
    ];
    for (part, bug) in cases {
        let (base, _mock) = wrong_backend("2.4.8", false, rewrite(bug)).await;
        let outcome = run(&plain(&base, "email/one-documented")).await;
        let Verdict::Failed(failure) = &outcome.verdict else { panic!("{part}: not caught: {outcome:?}") };
        assert!(failure.summary.contains(part), "{part}: {}", failure.summary);
    }
}

/// Without a locked account the order-of-checks property cannot cover row 6: it is skipped with
/// that reason, not passed with the active account standing in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_locked_account_the_order_of_checks_is_skipped_not_passed() {
    let (base, _mock) = wrong_backend("2.4.8", false, Arc::new(|_, _, _| {})).await;
    let outcome = run(&plain(&base, "reset/input-checks-in-order")).await;
    let Verdict::Skipped(reason) = &outcome.verdict else { panic!("{outcome:?}") };
    assert!(reason.contains("a locked account (row 6)") && reason.contains("--locked-email"), "{reason}");
    let mut with_locked = plain(&base, "reset/input-checks-in-order");
    with_locked.locked_email = Some("locked@example.com".into());
    assert!(matches!(run(&with_locked).await.verdict, Verdict::Passed));
}

/// The corpus check says how many verdicts it checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_corpus_check_counts_the_verdicts_it_checked() {
    let options = Options { filter: Some("corpus/".into()), ..Options::default() };
    let outcome = run(&options).await;
    assert!(matches!(outcome.verdict, Verdict::Passed), "{outcome:?}");
    let total = conformance::checks::corpus::entries().unwrap().len();
    assert_eq!(outcome.notes, vec![format!("{total} of {total} verdicts checked")]);
}

/// When the control API cannot make a second account, the throttle's by-IP part is skipped with
/// its reason and the check is not reported as passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_throttle_by_ip_part_is_skipped_without_a_second_account() {
    let no_accounts: fn(&Req, &mut Resp) = |req, resp| {
        if req.method == "POST" && req.path == "/__admin/customers" {
            resp.status = 404;
        }
    };
    let (base, _mock) = wrong_backend("2.4.8", true, rewrite(no_accounts)).await;
    let options = Options {
        target: TargetSpec::Url(format!("{base}/graphql")),
        admin: Some(format!("{base}/__admin")),
        active: vec![roni()],
        throttle: Some(true),
        filter: Some("lifecycle/throttle-10-minutes".into()),
        ..Options::default()
    };
    let outcome = run(&options).await;
    let Verdict::Skipped(reason) = &outcome.verdict else { panic!("{outcome:?}") };
    assert!(reason.contains("by IP") && reason.contains("second account"), "{reason}");
}
