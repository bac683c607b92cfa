//! Proof that each check of the account and cart areas can fail: every wrong backend below changes
//! one documented behaviour of the mock (behind the rewriting proxy), and the check it names, run
//! alone as against a real store (no control API: accounts signed up over GraphQL), must report
//! it. The faithful proxy must pass every one of them.

use std::sync::Arc;

use conformance::run::{Options, TargetSpec, prepare, run_options};
use serde_json::Value;

use crate::caught::{Wrong, assert_each_caught, wrong};
use crate::proxy::{Memory, Req, Resp};
use crate::wrong_backend;

/// A plain target: no control API, no accounts given; the checks sign up their own.
fn plain(base: &str, release: &str, check: &str) -> Options {
    Options {
        target: TargetSpec::Url(format!("{base}/graphql")),
        release: release.parse().unwrap(),
        filter: Some(check.into()),
        cases: 32,
        seed: 1,
        store_name: Some(crate::MAIN_WEBSITE_STORE.into()),
        ..Options::default()
    }
}

/// Rewrites the answers to documents that call `field`.
fn on(field: &'static str, from: &'static str, to: &'static str) -> impl Fn(&Req, &mut Resp, &Memory) + Send + Sync {
    move |req, resp, _| {
        if req.is_graphql() && req.document().contains(field) {
            resp.replace(from, to);
        }
    }
}

fn variables(req: &Req) -> Value {
    req.json()["variables"].clone()
}

fn wrong_backends() -> Vec<Wrong> {
    vec![
        wrong(
            "sign-up subscribes the customer",
            "account/sign-up-then-sign-in",
            on("createCustomerV2", "\"is_subscribed\":false", "\"is_subscribed\":true"),
        ),
        wrong("a duplicate sign-up is graphql-already-exists", "account/sign-up-duplicate-email", |req, resp, _| {
            if req.document().contains("createCustomerV2") && resp.body.contains("already exists") {
                resp.replace("graphql-input", "graphql-already-exists");
            }
        }),
        wrong(
            "missing labels in another order",
            "account/sign-up-check-order",
            on("createCustomerV2", "First Name, Last Name, Email", "Email, First Name, Last Name"),
        ),
        wrong("the duplicate check before the password policy", "account/sign-up-check-order", |req, resp, _| {
            let email = variables(req)["input"]["email"].as_str().unwrap_or_default().to_owned();
            if req.document().contains("createCustomerV2") && email.contains("-taken@") && resp.body.contains("errors")
            {
                resp.body = resp.body.replace(
                    &first_message(&resp.body),
                    "A customer with the same email address already exists in an associated website.",
                );
            }
        }),
        wrong(
            "createCustomer's empty input with another verb",
            "account/create-customer-v1",
            on("createCustomer(", "value should be specified", "value must be specified"),
        ),
        wrong(
            "isEmailAvailable looks registered addresses up on 2.4.7",
            "account/is-email-available",
            |req, resp, _| {
                let email = variables(req)["e"].as_str().unwrap_or_default().to_owned();
                if req.document().contains("isEmailAvailable") && email.contains("-taken@") {
                    resp.replace("\"is_email_available\":true", "\"is_email_available\":false");
                }
            },
        ),
        wrong(
            "a guest's customer query without the period",
            "account/customer-needs-a-customer",
            on("customer {", "The current customer isn't authorized.", "The current customer isn't authorized"),
        ),
        wrong(
            "the empty new password's message",
            "account/change-password-checks",
            on(
                "changeCustomerPassword",
                "Specify the \\\"newPassword\\\" value.",
                "Specify the \\\"newPassword\\\" value",
            ),
        ),
        wrong(
            "the account never locks",
            "account/lockout-after-10-failures",
            on("changeCustomerPassword", "The account is locked.", "Invalid login or password."),
        ),
        wrong(
            "updateCustomerV2 with 2.4.8's required-value message on 2.4.7",
            "account/update-customer",
            on(
                "updateCustomerV2",
                "Required parameters are missing: First Name",
                "\\\"First Name\\\" is a required value.",
            ),
        ),
        wrong(
            "updateCustomerEmail's taken address as graphql-input",
            "account/update-customer-email",
            on("updateCustomerEmail", "graphql-already-exists", "graphql-input"),
        ),
        wrong(
            "revokeCustomerToken answers false",
            "account/revoke-token",
            on("revokeCustomerToken", "\"result\":true", "\"result\":false"),
        ),
        wrong(
            "minimum_password_length as a number",
            "account/store-config-customer-fields",
            on("create_account_confirmation", "\"minimum_password_length\":\"8\"", "\"minimum_password_length\":8"),
        ),
        wrong(
            "the longest password counted as 255",
            "account/sign-up-invalid-by-construction",
            on("createCustomerV2", "at most 256 characters", "at most 255 characters"),
        ),
        wrong("sign-in refuses passwords with '#'", "account/valid-password-signs-up-and-in", |req, resp, _| {
            if req.document().contains("generateCustomerToken") && req.document().contains('#') {
                resp.body = r#"{"errors":[{"message":"The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.","locations":[{"line":2,"column":3}],"path":["generateCustomerToken"],"extensions":{"category":"graphql-authentication"}}],"data":{"generateCustomerToken":null}}"#.into();
            }
        }),
        wrong(
            "changeCustomerPassword compares the first 8 characters only",
            "account/change-password-wrong-current",
            |req, resp, memory| {
                let vars = variables(req);
                let document = req.document();
                let mut notes = memory.notes.lock().unwrap();
                if document.contains("createCustomerV2")
                    && let Some(password) = vars["input"]["password"].as_str()
                {
                    notes.insert("password".into(), password.to_owned());
                }
                if document.contains("changeCustomerPassword")
                    && let (Some(given), Some(right)) = (vars["c"].as_str(), notes.get("password"))
                    && given != right
                    && given.chars().take(8).eq(right.chars().take(8))
                {
                    resp.body = r#"{"data":{"changeCustomerPassword":{"email":"x@example.com"}}}"#.into();
                }
            },
        ),
        wrong(
            "customerCart as a guest with the customer's message",
            "cart/customer-cart-needs-sign-in",
            on(
                "customerCart",
                "The request is allowed for logged in customer",
                "The current customer isn't authorized.",
            ),
        ),
        wrong(
            "the cart id length message corrected",
            "cart/create-empty-cart",
            on("createEmptyCart", "should to be 32", "should be 32"),
        ),
        wrong(
            "a signed-in customer gets a new cart each time",
            "cart/signed-in-cart-is-stable",
            |req, resp, memory| {
                if !(req.document().contains("createEmptyCart") && resp.body.contains("\"data\"")) {
                    return;
                }
                let mut notes = memory.notes.lock().unwrap();
                let id: String = resp.body.split('"').nth(5).unwrap_or_default().to_owned();
                if notes.contains_key(&id) {
                    resp.replace(&id, "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ");
                }
                notes.insert(id, String::new());
            },
        ),
        wrong(
            "an inactive source cart as graphql-input",
            "cart/merge-carts",
            on("mergeCarts", "graphql-no-such-entity", "graphql-input"),
        ),
        wrong(
            "cart's empty id message with a period",
            "cart/cart-errors",
            on("cart(cart_id", "\\\"cart_id\\\" is missing", "\\\"cart_id\\\" is missing."),
        ),
        Wrong {
            name: "resendConfirmationEmail mails an account that needs no confirmation",
            release: "2.4.8",
            check: "account/resend-confirmation-email",
            rewrite: Arc::new(|req, resp, _| {
                if req.is_graphql() && resp.body.contains("Confirmation isn't needed.") {
                    resp.body = r#"{"data":{"resendConfirmationEmail":true}}"#.into();
                }
            }),
        },
        wrong("resendConfirmationEmail served on 2.4.7", "account/resend-confirmation-email", |req, resp, _| {
            if req.is_graphql() && req.document().contains("resendConfirmationEmail") {
                resp.body = r#"{"data":{"resendConfirmationEmail":true}}"#.into();
            }
        }),
        Wrong {
            name: "resendConfirmationEmail's unknown account as a period-less message",
            release: "2.4.8",
            check: "account/resend-confirmation-email",
            rewrite: Arc::new(on("resendConfirmationEmail", "with that email address.", "with that email address")),
        },
        Wrong {
            name: "2.4.8 answers a guest's customer query with 200",
            release: "2.4.8",
            check: "account/customer-needs-a-customer",
            rewrite: Arc::new(|req, resp, _| {
                if req.is_graphql() && resp.status == 403 {
                    resp.status = 200;
                }
            }),
        },
    ]
}

fn first_message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["errors"][0]["message"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Every check of the two areas passes against the faithful proxy as a plain target, at 2.4.7
/// and 2.4.8, with no part skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_and_cart_checks_pass_against_the_faithful_mock_as_a_plain_target() {
    for release in ["2.4.7", "2.4.8"] {
        let (base, _mock) = wrong_backend(release, false, Arc::new(|_, _, _| {})).await;
        for area in ["account/", "cart/"] {
            let options = Options { filter: Some(area.into()), ..plain(&base, release, area) };
            let (ctx, _server) = prepare(&options).await.unwrap();
            let outcomes = run_options(&ctx, conformance::checks::all(), &options).await;
            let report = conformance::report::human(&outcomes, true);
            let counts = conformance::report::counts(&outcomes);
            assert!(counts.passed >= 5, "{report}");
            assert_eq!((counts.failed, counts.skipped), (0, 0), "{release}: {report}");
        }
    }
}

/// Each wrong backend is reported by the check it names, and every check of the two areas has
/// one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_account_and_cart_check_reports_its_wrong_backend() {
    assert_each_caught(&wrong_backends(), &["account/", "cart/"], plain).await;
}
