//! The suite as Rust tests: the same checks as `conformance run`, against `CONFORMANCE_TARGET`
//! (with `CONFORMANCE_INBOX`, `CONFORMANCE_ADMIN`, `CONFORMANCE_MAGENTO_VERSION`,
//! `CONFORMANCE_THROTTLE`, `CONFORMANCE_CASES`, `CONFORMANCE_SEED`) or, with none, the mock
//! started in-process. One test per area, so a deviation names its area.

use conformance::check::{Area, Verdict};
use conformance::context::Context;
use conformance::run::{Builtin, Options, TargetSpec, prepare, run_checks};

fn options() -> Options {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut options = Options::default();
    if let Some(target) = env("CONFORMANCE_TARGET").filter(|t| t != "builtin") {
        options.target = TargetSpec::Url(target);
    }
    options.inbox = env("CONFORMANCE_INBOX");
    options.admin = env("CONFORMANCE_ADMIN");
    if let Some(version) = env("CONFORMANCE_MAGENTO_VERSION") {
        options.release = version.parse().expect("CONFORMANCE_MAGENTO_VERSION");
    }
    options.throttle = env("CONFORMANCE_THROTTLE").map(|t| t == "magento");
    options.cases = env("CONFORMANCE_CASES").map_or(32, |c| c.parse().expect("CONFORMANCE_CASES"));
    options.seed = env("CONFORMANCE_SEED").map_or(0, |s| s.parse().expect("CONFORMANCE_SEED"));
    if let (Some(email), Some(password)) = (env("CONFORMANCE_ACTIVE_EMAIL"), env("CONFORMANCE_ACTIVE_PASSWORD")) {
        options.active.push(conformance::context::Account { email, password, name: None });
    }
    options.locked_email = env("CONFORMANCE_LOCKED_EMAIL");
    options
}

async fn context() -> (Context, Option<Builtin>) {
    prepare(&options()).await.expect("the target can be reached")
}

async fn area_conforms(area: Area) {
    let (ctx, _server) = context().await;
    let checks = conformance::checks::all().into_iter().filter(|c| c.area == area).collect();
    let outcomes = run_checks(&ctx, checks, None, 8).await;
    let failed = outcomes.iter().filter(|o| matches!(o.verdict, Verdict::Failed(_))).count();
    assert!(!outcomes.is_empty(), "no check in {area}");
    assert_eq!(failed, 0, "{}", conformance::report::human(&outcomes, false));
}

#[tokio::test]
async fn snapshots_conform() {
    area_conforms(Area::Snapshots).await;
}
#[tokio::test]
async fn request_properties_conform() {
    area_conforms(Area::Request).await;
}
#[tokio::test]
async fn reset_properties_conform() {
    area_conforms(Area::Reset).await;
}
#[tokio::test]
async fn transport_conforms() {
    area_conforms(Area::Transport).await;
}
#[tokio::test]
async fn email_conforms() {
    area_conforms(Area::Email).await;
}
#[tokio::test]
async fn lifecycle_conforms() {
    area_conforms(Area::Lifecycle).await;
}
#[tokio::test]
async fn general_properties_conform() {
    area_conforms(Area::Properties).await;
}

/// The email validator against the public verdict corpus.
#[tokio::test]
async fn the_email_validator_agrees_with_the_corpus() {
    area_conforms(Area::Corpus).await;
}

/// The same golden files through insta: every documented case's answer (a store not named
/// "Main Website Store" differs in `http-get-query` here, not in the normalised check).
#[tokio::test]
async fn golden_files_through_insta() {
    let (ctx, _server) = context().await;
    let family = ctx.release().family();
    for (case, _, _) in conformance::golden::FILES {
        let answer = match conformance::checks::snapshots::golden_answer(&ctx, case).await {
            Ok(answer) => answer,
            Err(conformance::check::Stop::Skip(_)) => continue,
            Err(other) => panic!("{case}: {other:?}"),
        };
        if ctx.release().hides_reset_failures() {
            continue; // 2.4.0 and 2.4.1 differ from the files in the messages of rows 7 to 13
        }
        insta::with_settings!({
            snapshot_path => format!("../../../snapshots/{family}"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(*case, answer);
        });
    }
}
