//! Snapshot checks: every documented case of magento-behaviour.md sections 2, 3 and 8, sent as
//! `mock-server/tests/api/documented_cases.rs` sends it (field at line 2, column 3; each case in
//! its own namespace on the mock), compared with the golden file of the expected release.

use serde_json::{Value, json};

use crate::check::{Area, Check, CheckResult, Stop, diff};
use crate::context::{Context, Session};
use crate::golden;
use crate::target::{Answer, Endpoint};

const VALID_TOKEN: &str = "abcdefghijklmnopqrstuvwxyzABCDEF";
const UNKNOWN: &str = "nobody@example.com";

/// The golden file of `case`, or a skip saying why there is none.
pub fn expected(ctx: &Context, case: &str) -> Result<(String, String), Stop> {
    let release = ctx.release();
    let Some(set) = &ctx.inner().goldens else {
        return Err(Stop::skip(format!(
            "no golden files for Magento {release} are built in (snapshots/{} does not exist): record them from a \
             real {release} store with `conformance record` and pass --golden DIR",
            release.family()
        )));
    };
    let text = set
        .expected(case, release)
        .ok_or_else(|| Stop::skip(format!("the golden files {} have no {case}", set.origin)))?;
    Ok((text, set.origin.clone()))
}

/// Compares an answer with the golden file of `case`, with a diff of status and body.
pub fn compare(ctx: &Context, case: &str, answer: &Answer) -> CheckResult {
    let (expected, origin) = expected(ctx, case)?;
    let actual = golden::normalise(&answer.golden());
    if expected != actual {
        let detail =
            format!("expected ({origin}/{case}.snap) -, actual +:\n{}", diff(&pretty(&expected), &pretty(&actual)));
        return Err(Stop::deviation(answer, format!("the answer differs from the golden file {case}"), Some(detail)));
    }
    let media_type = answer.content_type.split(';').next().unwrap_or_default().trim();
    let json_expected = expected.split_once('\n').is_some_and(|(_, body)| serde_json::from_str::<Value>(body).is_ok());
    if json_expected && media_type != "application/json" {
        return Err(Stop::deviation(
            answer,
            format!("Content-Type is {:?}, Magento answers application/json", answer.content_type),
            None,
        ));
    }
    Ok(())
}

/// `HTTP <status>` and the body pretty-printed in its own key order, for a readable diff.
fn pretty(golden: &str) -> String {
    let (status, body) = golden.split_once('\n').unwrap_or((golden, ""));
    let body = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_owned());
    format!("{status}\n{body}\n")
}

/// The answer of `case` (`HTTP <status>\n<body>`) in a session of its own, for
/// `insta::assert_snapshot!` in the Rust tests (no documented case holds a run-dependent value).
pub async fn golden_answer(ctx: &Context, case: &str) -> Result<String, Stop> {
    let session = ctx.session(&format!("insta-{case}"))?;
    let answer = produce(&session, case).await;
    session.finish().await?;
    Ok(answer?.golden())
}

/// Every documented case, one check each.
pub fn checks() -> Vec<Check> {
    golden::CASES
        .iter()
        .map(|case| {
            let case: &'static str = case;
            Check::new(
                format!("snapshot/{case}"),
                Area::Snapshots,
                format!("golden file {case}"),
                move |ctx| async move {
                    let name = format!("snapshot-{case}");
                    expected(&ctx, case)?;
                    ctx.clone()
                        .with_session(&name, |s| async move {
                            let answer = produce(&s, case).await?;
                            compare(&s.ctx, case, &answer)
                        })
                        .await
                },
            )
        })
        .collect()
}

fn scenario(s: &Session, state: &str) -> Result<Endpoint, Stop> {
    s.ctx.require_mock("a scripted state (X-Mock-Scenario)")?;
    s.target.with_header("x-mock-scenario", state)
}

/// Sends the request(s) of `case`; answers the one the golden file holds.
pub async fn produce(s: &Session, case: &str) -> Result<Answer, Stop> {
    let t = &s.target;
    let var_doc = "mutation reset($e: String!) {\n  requestPasswordResetEmail(email: $e)\n}";
    Ok(match case {
        "request-empty-email" => t.request_reset("").await?,
        "request-zero-email" => t.request_reset("0").await?,
        "request-invalid-email" => t.request_reset("roni_cost@").await?,
        "request-unknown-email" => t.request_reset(UNKNOWN).await?,
        "request-locked-account" => t.request_reset(&s.locked_email().await?).await?,
        "request-success" => {
            let account = s.account().await?;
            s.make_room_for_request().await?;
            t.request_reset(&account.email).await?
        }
        "request-throttled" => return throttled(s).await,
        "request-mail-failure" => scenario(s, "mail-failure")?.request_reset(&s.account().await?.email).await?,
        "internal-error" => scenario(s, "internal-error")?.request_reset(&s.account().await?.email).await?,
        "reset-empty-email" => t.reset_password("", VALID_TOKEN, "new_password123").await?,
        "reset-zero-email" => t.reset_password("0", VALID_TOKEN, "new_password123").await?,
        "reset-invalid-email" => t.reset_password("roni cost@example.com", VALID_TOKEN, "new_password123").await?,
        "reset-empty-token" => t.reset_password(&s.account().await?.email, "", "new_password123").await?,
        "reset-zero-token" => t.reset_password(&s.account().await?.email, "0", "new_password123").await?,
        "reset-empty-password" => t.reset_password(&s.account().await?.email, VALID_TOKEN, "").await?,
        "reset-unknown-customer" => t.reset_password(UNKNOWN, VALID_TOKEN, "new_password123").await?,
        "reset-locked-account" => t.reset_password(&s.locked_email().await?, VALID_TOKEN, "new_password123").await?,
        "reset-token-mismatched" => t.reset_password(&s.account().await?.email, VALID_TOKEN, "new_password123").await?,
        "reset-password-same-as-email"
        | "reset-password-too-long"
        | "reset-password-too-short"
        | "reset-password-edge-whitespace"
        | "reset-password-too-few-classes" => {
            let account = s.account().await?;
            let password = match case {
                "reset-password-same-as-email" => flip_case(&account.email),
                "reset-password-too-long" => format!("Aa1{}", "x".repeat(254)),
                "reset-password-too-short" => "new_".to_owned(),
                "reset-password-edge-whitespace" => " new_Password123".to_owned(),
                _ => "new_password".to_owned(),
            };
            let token = s.fresh_token(&account.email).await?;
            t.reset_password(&account.email, &token, &password).await?
        }
        "reset-token-expired" => {
            let admin = s.admin("moving the clock")?.clone();
            let account = s.account().await?;
            let token = s.fresh_token(&account.email).await?;
            admin.advance_clock(2 * 3600).await?;
            t.reset_password(&account.email, &token, "new_password123").await?
        }
        "reset-success" | "reset-token-used" => {
            s.require_restorable()?;
            let account = s.account().await?;
            let token = s.fresh_token(&account.email).await?;
            let success = t.reset_password(&account.email, &token, "new_password123").await?;
            if success.data("resetPassword") == Some(Value::Bool(true)) {
                s.password_changed(&account, "new_password123");
            }
            if case == "reset-success" {
                success
            } else {
                super::expect_data(&success, "resetPassword", "true")?;
                t.reset_password(&account.email, &token, "new_password456").await?
            }
        }
        "several-fields" => {
            let account = s.account().await?;
            s.make_room_for_request().await?;
            let document = format!(
                "mutation {{\n  a: requestPasswordResetEmail(email: \"\")\n  b: requestPasswordResetEmail(email: {})\n}}",
                crate::target::literal(&account.email)
            );
            t.graphql(&document).await?
        }
        "alias-in-path" => {
            t.graphql("mutation {\n  r: resetPassword(email: \"nobody@example.com\", resetPasswordToken: \"t\", newPassword: \"p\")\n}")
                .await?
        }
        "validation-argument-missing" => t.graphql("mutation {\n  requestPasswordResetEmail\n}").await?,
        "validation-email-null" => t.graphql("mutation {\n  requestPasswordResetEmail(email: null)\n}").await?,
        "validation-email-number" => t.graphql("mutation {\n  requestPasswordResetEmail(email: 123)\n}").await?,
        "validation-unknown-argument" => {
            t.graphql("mutation {\n  requestPasswordResetEmail(email: \"a@example.com\", foo: 1)\n}").await?
        }
        "validation-sub-selection-on-boolean" => {
            t.graphql("mutation {\n  requestPasswordResetEmail(email: \"a@example.com\") { ok }\n}").await?
        }
        "validation-variable-not-provided" => t.graphql_with(var_doc, json!({})).await?,
        "validation-variable-null" => t.graphql_with(var_doc, json!({ "e": null })).await?,
        "validation-variable-wrong-type" => t.graphql_with(var_doc, json!({ "e": 5 })).await?,
        "http-get-mutation" => t.get_query("mutation { requestPasswordResetEmail(email: \"a@example.com\") }").await?,
        "http-get-query" => t.get_query("{ storeConfig { store_name } }").await?,
        "http-syntax-error" => t.graphql("mutation {\n  requestPasswordResetEmail(email: \"a@example.com\")\n").await?,
        "http-invalid-json" => t.post_raw("application/json", "{\"query\": \"mutation {".to_owned()).await?,
        "http-wrong-content-type" => {
            t.post_raw("text/plain", json!({ "query": "{ storeConfig { store_name } }" }).to_string()).await?
        }
        "http-body-too-large" => {
            let body = json!({ "query": "{ storeConfig { store_name } }", "variables": { "pad": "x".repeat(2 << 20) } });
            t.post_raw("application/json", body.to_string()).await?
        }
        "http-several-operations" => {
            t.graphql("query a { storeConfig { store_name } }\nquery b { storeConfig { store_name } }").await?
        }
        other => return Err(Stop::error(format!("the suite does not know how to send {other}"))),
    })
}

/// The second of two reset requests in a row is refused (section 5).
async fn throttled(s: &Session) -> Result<Answer, Stop> {
    if !s.ctx.throttles() {
        return Err(Stop::skip("the target does not throttle reset requests (--throttle off)"));
    }
    let account = s.account().await?;
    match s.make_room_for_request().await {
        Ok(()) => {
            let first = s.target.request_reset(&account.email).await?;
            super::expect_data(&first, "requestPasswordResetEmail", "true")?;
        }
        // A plain target whose one request of the run was spent: that request throttles this one.
        Err(Stop::Skip(_)) if s.admin.is_none() => {}
        Err(stop) => return Err(stop),
    }
    s.target.request_reset(&account.email).await
}

/// The email with the case of its ASCII letters flipped: equal to it case-insensitively only.
pub fn flip_case(email: &str) -> String {
    email
        .chars()
        .map(|c| if c.is_ascii_lowercase() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
        .collect()
}
