//! Proof that each multi-store, reCAPTCHA and account golden-file check can fail: every wrong
//! backend below changes one behaviour of the mock (behind the rewriting proxy), and the check it
//! names, run alone as against a real store (no control API, `--store` naming the mock's other
//! views), must report it. The faithful proxy must pass every one of them.

use std::sync::Arc;

use conformance::check::Verdict;
use conformance::run::{BUILTIN_RECAPTCHA_STORE, BUILTIN_STORES, Options, TargetSpec, prepare, run_options};

use crate::caught::{Wrong, assert_each_caught, wrong};
use crate::wrong_backend;

fn plain(base: &str, release: &str, filter: &str, recaptcha_store: Option<&str>) -> Options {
    Options {
        target: TargetSpec::Url(format!("{base}/graphql")),
        release: release.parse().unwrap(),
        filter: Some(filter.into()),
        cases: 16,
        seed: 1,
        store_name: Some(crate::MAIN_WEBSITE_STORE.into()),
        stores: BUILTIN_STORES.iter().map(|s| (*s).to_owned()).collect(),
        recaptcha_store: recaptcha_store.map(str::to_owned),
        ..Options::default()
    }
}

const NOT_FOUND: &str = "Requested store is not found";

fn wrong_backends() -> Vec<Wrong> {
    vec![
        wrong("an unknown store code answered with 200", "store/unknown-store-code", |_, resp, _| {
            if resp.body.contains(NOT_FOUND) {
                resp.status = 200;
            }
        }),
        wrong("store codes compared without case", "store/unknown-store-code", |req, resp, _| {
            if req.store == "SECOND_VIEW" && resp.body.contains(NOT_FOUND) {
                resp.status = 200;
                resp.body = r#"{"data":{"storeConfig":{"store_code":"second_view"}}}"#.into();
            }
        }),
        wrong("storeConfig ignores the Store header", "store/each-store-answers-its-config", |req, resp, _| {
            if req.store == "third_view" && req.document().contains("storeConfig") {
                resp.replace("\"third_view\"", "\"default\"");
            }
        }),
        wrong("accounts shared by every website", "store/accounts-per-website", |req, resp, _| {
            if req.store == "third_view" && resp.body.contains("sign-in was incorrect") {
                resp.status = 200;
                resp.body = r#"{"data":{"generateCustomerToken":{"token":"shared"}}}"#.into();
            }
        }),
        wrong(
            "the old message without the code, for long codes",
            "store/property-unknown-codes-refused",
            |req, resp, _| {
                if req.store.len() > 12 {
                    resp.replace(&format!("{NOT_FOUND} ({})", req.store), NOT_FOUND);
                }
            },
        ),
        wrong("recaptchaV3Config's score as a string", "recaptcha/v3-config-shape", |req, resp, _| {
            if req.document().contains("recaptchaV3Config") {
                resp.replace("\"minimum_score\":0.5", "\"minimum_score\":\"0.5\"");
            }
        }),
        wrong("changeCustomerPassword not guarded", "recaptcha/guarded-mutations-refused", |req, resp, _| {
            if req.document().contains("changeCustomerPassword") {
                resp.replace("ReCaptcha validation failed, please try again", "The current customer isn't authorized.");
                resp.replace("\"graphql-input\"", "\"graphql-authorization\"");
            }
        }),
        wrong("the reCAPTCHA message with a period", "recaptcha/guarded-mutations-refused", |req, resp, _| {
            if req.document().contains("generateCustomerToken") {
                resp.replace("please try again\"", "please try again.\"");
            }
        }),
        Wrong {
            name: "recaptchaFormConfig calls a v3 form the v2 checkbox",
            release: "2.4.8",
            check: "recaptcha/form-config",
            rewrite: Arc::new(|req, resp, _| {
                if req.document().contains("recaptchaFormConfig") {
                    resp.replace("\"RECAPTCHA_V3\"", "\"RECAPTCHA\"");
                }
            }),
        },
        Wrong {
            name: "recaptchaFormConfig answers RESEND_CONFIRMATION_EMAIL as off",
            release: "2.4.8",
            check: "recaptcha/form-config",
            rewrite: Arc::new(|req, resp, _| {
                if req.document().contains("recaptchaFormConfig") && resp.body.contains("can not be retrieved") {
                    resp.body = r#"{"data":{"recaptchaFormConfig":{"is_enabled":false,"configurations":null}}}"#.into();
                }
            }),
        },
        wrong("recaptchaFormConfig served on 2.4.7", "recaptcha/form-config", |req, resp, _| {
            if req.document().contains("recaptchaFormConfig") {
                resp.body = r#"{"data":{"recaptchaFormConfig":{"is_enabled":false}}}"#.into();
            }
        }),
        wrong("sign-up's required labels reordered", "snapshot/account-sign-up-required-fields", |_, resp, _| {
            resp.replace("First Name, Last Name, Email", "Email, First Name, Last Name");
        }),
        wrong("customer without its addresses", "snapshot/account-customer", |req, resp, _| {
            if req.document().contains("addresses") {
                resp.replace(",\"addresses\":[]", "");
            }
        }),
        wrong("storeConfig's password length as a number", "snapshot/account-store-config", |_, resp, _| {
            resp.replace("\"minimum_password_length\":\"8\"", "\"minimum_password_length\":8");
        }),
        wrong("a guest's customerCart with data", "snapshot/account-customer-cart-guest", |req, resp, _| {
            if req.document().contains("customerCart") && resp.body.contains("logged in customer") {
                resp.body = resp.body.replace("}]}", "}],\"data\":{\"customerCart\":null}}");
            }
        }),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_and_recaptcha_checks_pass_against_the_faithful_mock_as_a_plain_target() {
    for release in ["2.4.7", "2.4.8"] {
        let (base, _mock) = wrong_backend(release, false, Arc::new(|_, _, _| {})).await;
        // Discovered from recaptchaV3Config: no --recaptcha-store.
        let options = plain(&base, release, "", None);
        let (ctx, _server) = prepare(&options).await.unwrap();
        let checks = conformance::checks::all()
            .into_iter()
            .filter(|c| c.id.starts_with("store/") || c.id.starts_with("recaptcha/"))
            .collect();
        let outcomes = run_options(&ctx, checks, &options).await;
        let report = conformance::report::human(&outcomes, true);
        let counts = conformance::report::counts(&outcomes);
        assert_eq!((counts.passed, counts.failed, counts.skipped), (7, 0, 0), "{release}: {report}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_store_recaptcha_and_account_golden_check_reports_its_wrong_backend() {
    assert_each_caught(&wrong_backends(), &["store/", "recaptcha/"], |base, release, check| {
        let recaptcha = check.starts_with("recaptcha/").then_some(BUILTIN_RECAPTCHA_STORE);
        plain(base, release, check, recaptcha)
    })
    .await;
}

/// Without other websites named, the multi-store checks skip with the reason, never pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_with_one_website_skips_the_multi_store_checks_saying_why() {
    let (base, _mock) = wrong_backend("2.4.7", false, Arc::new(|_, _, _| {})).await;
    let options = Options { stores: Vec::new(), ..plain(&base, "2.4.7", "", None) };
    let (ctx, _server) = prepare(&options).await.unwrap();
    let checks = conformance::checks::all().into_iter().filter(|c| c.id.starts_with("store/")).collect();
    let outcomes = run_options(&ctx, checks, &options).await;
    for id in ["store/accounts-per-website", "store/each-store-answers-its-config", "store/unknown-store-code"] {
        let outcome = outcomes.iter().find(|o| o.id == id).unwrap();
        let Verdict::Skipped(reason) = &outcome.verdict else { panic!("{id}: {:?}", outcome.verdict) };
        assert!(reason.contains("--store"), "{id}: {reason}");
    }
    let guarded = {
        let options = Options { stores: Vec::new(), ..plain(&base, "2.4.7", "recaptcha/guarded", None) };
        let (ctx, _server) = prepare(&options).await.unwrap();
        run_options(&ctx, conformance::checks::all(), &options).await
    };
    let Verdict::Skipped(reason) = &guarded[0].verdict else { panic!("{:?}", guarded[0].verdict) };
    assert!(reason.contains("--recaptcha-store"), "{reason}");
}
