//! Proof that the suite catches deviations: every mutation of [`mutations::all`] puts a wrong
//! backend (a proxy rewriting the mock's answers) in front of the whole suite, and must be
//! reported by the checks it names; the unmutated proxy and mock must pass.

mod account;
mod caught;
mod cli;
mod clients;
mod more_mutations;
mod mutations;
mod proxy;
mod stores;
mod vacuous;

use std::sync::Arc;

use conformance::check::Verdict;
use conformance::run::{Options, TargetSpec, prepare, run_options, start_builtin};

/// Magento's default frontend name (the store group's name), the mock's too.
pub const MAIN_WEBSITE_STORE: &str = "Main Website Store";

/// Starts the mock and a proxy with `rewrite` in front; answers the proxy's base URL.
pub async fn wrong_backend(
    release: &str,
    throttles: bool,
    rewrite: proxy::Rewrite,
) -> (String, conformance::run::Builtin) {
    let mock = start_builtin(release.parse().unwrap(), throttles).await.unwrap();
    let address = proxy::start(format!("http://{}", mock.address), rewrite).await;
    (format!("http://{address}"), mock)
}

pub fn options_for(base: &str) -> Options {
    options_expecting(base, "2.4.8")
}

/// The suite's options against `base`, expecting `release`.
pub fn options_expecting(base: &str, release: &str) -> Options {
    Options {
        release: release.parse().unwrap(),
        target: TargetSpec::Url(format!("{base}/graphql")),
        admin: Some(format!("{base}/__admin")),
        throttle: Some(true),
        cases: 48,
        mail_timeout: std::time::Duration::from_secs(2),
        seed: 1,
        // The frontend name, given as a flag: the mock does not answer storeConfig.store_group_name yet.
        store_name: Some(MAIN_WEBSITE_STORE.into()),
        // The views the in-process mock adds to its default one (run::BUILTIN_STORES).
        stores: conformance::run::BUILTIN_STORES.iter().map(|s| (*s).to_owned()).collect(),
        ..Options::default()
    }
}

/// The outcomes of a whole run of the suite against `base`, expecting `release`.
async fn outcomes(base: &str, release: &str) -> Vec<conformance::run::Outcome> {
    let options = options_expecting(base, release);
    let (ctx, _) = prepare(&options).await.unwrap();
    run_options(&ctx, conformance::checks::all(), &options).await
}

/// The failing check ids of a whole run of the suite against `base`, expecting `release`.
async fn failures(base: &str, release: &str) -> Vec<String> {
    outcomes(base, release)
        .await
        .into_iter()
        .filter(|o| matches!(o.verdict, Verdict::Failed(_)))
        .map(|o| o.id)
        .collect()
}

/// Every check runs against the reference (nothing skipped, so nothing passes vacuously) and
/// none reports a deviation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_mock_behind_a_faithful_proxy_passes_with_no_deviation() {
    let (base, _mock) = wrong_backend("2.4.8", true, Arc::new(|_, _, _| {})).await;
    let outcomes = outcomes(&base, "2.4.8").await;
    let report = conformance::report::human(&outcomes, true);
    let counts = conformance::report::counts(&outcomes);
    assert_eq!(counts.failed, 0, "{report}");
    // The account area's golden files were recorded from a real 2.4.7-p3 only (snapshots/2.4.7).
    let unrecorded = |id: &str| {
        let built_in = conformance::golden::Set::built_in("2.4.8");
        id.strip_prefix("snapshot/account-")
            .is_some_and(|case| built_in.is_none_or(|set| !set.files.contains_key(&format!("account-{case}"))))
    };
    let skipped: Vec<_> =
        outcomes.iter().filter(|o| matches!(o.verdict, Verdict::Skipped(_)) && !unrecorded(&o.id)).collect();
    assert!(skipped.is_empty(), "{report}");
    let unrecorded = outcomes.iter().filter(|o| unrecorded(&o.id)).count();
    assert_eq!(counts.passed + unrecorded, conformance::checks::all().len());
}

/// The mock imitating 2.4.7 as the real 2.4.7-p3 store answers passes every check that does not
/// need 2.4.7 golden files (none are built in until `snapshots/2.4.7` exists).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_mock_at_2_4_7_passes_with_no_deviation() {
    let (base, _mock) = wrong_backend("2.4.7", true, Arc::new(|_, _, _| {})).await;
    let outcomes = outcomes(&base, "2.4.7").await;
    let report = conformance::report::human(&outcomes, true);
    let counts = conformance::report::counts(&outcomes);
    assert_eq!(counts.failed, 0, "{report}");
    let built_in = conformance::golden::Set::built_in("2.4.7");
    for outcome in &outcomes {
        if let Verdict::Skipped(reason) = &outcome.verdict {
            // Only a snapshot check may be skipped, and only for want of its golden file.
            let case = outcome.id.strip_prefix("snapshot/").unwrap_or_else(|| panic!("{}: {reason}", outcome.id));
            let missing = built_in.as_ref().is_none_or(|set| !set.files.contains_key(case));
            assert!(missing && reason.contains("golden files"), "{}: {reason}", outcome.id);
        }
    }
}

/// The figure the README states: how many distinct deviations, all of them caught.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_deliberate_deviation_is_reported() {
    let mutations = mutations::all();
    let mut missed = Vec::new();
    let areas: std::collections::BTreeSet<_> = mutations.iter().map(|m| m.area).collect();
    // Several wrong backends at once: the runs mostly wait on each other's sockets.
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            for chunk in mutations.chunks(6) {
                let mut runs = tokio::task::JoinSet::new();
                for mutation in chunk {
                    let (release, throttles, rewrite) =
                        (mutation.upstream_release, mutation.upstream_throttles, Arc::clone(&mutation.rewrite));
                    let expect = mutation.expect_release;
                    let (name, area, caught_by) = (mutation.name, mutation.area, mutation.caught_by);
                    runs.spawn_local(async move {
                        let (base, _mock) = wrong_backend(release, throttles, rewrite).await;
                        let failed = failures(&base, expect).await;
                        let caught = caught_by.iter().any(|id| failed.iter().any(|f| f == id));
                        (!caught).then(|| {
                            format!("{name} ({area}): expected one of {caught_by:?} to fail; failed: {failed:?}")
                        })
                    });
                }
                while let Some(result) = runs.join_next().await {
                    missed.extend(result.unwrap());
                }
            }
        })
        .await;
    eprintln!("{} deliberate deviations across {} areas: {areas:?}", mutations.len(), areas.len());
    assert!(missed.is_empty(), "not reported:\n{}", missed.join("\n"));
    assert!(mutations.len() >= 100, "only {} mutations", mutations.len());
    let names: std::collections::HashSet<_> = mutations.iter().map(|m| m.name).collect();
    assert_eq!(names.len(), mutations.len(), "mutation names are distinct");
}
