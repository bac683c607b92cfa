//! `requestPasswordResetEmail` over generated inputs (section 2, rows 1 to 3): PHP-empty strings,
//! invalid emails of every class, valid unregistered emails, any Unicode string, and the
//! literal, variable and alias forms of one request.

use proptest::prelude::*;
use serde_json::json;

use super::{documented_error, expect_error};
use crate::check::{Area, Check, CheckResult, Stop, expect_text};
use crate::context::{Context, Session};
use crate::messages::{CANNOT_RESET, EMPTY_EMAIL, INVALID_EMAIL, LOCKED};
use crate::property;
use crate::strategies::{EXOTIC, NEAR_EMPTY, PHP_EMPTY, invalid_email, unregistered_email, unregistered_email_of};
use crate::target::{Answer, literal, literal_safe};

const FIELD: &str = "requestPasswordResetEmail";

pub fn checks() -> Vec<Check> {
    vec![
        Check::new(
            "request/php-empty-email",
            Area::Request,
            "\"\" and \"0\" are empty; \"00\", \" \", \"false\" are not",
            |ctx| async move {
                ctx.clone()
                    .with_session("php-empty", |s| async move {
                        for email in PHP_EMPTY {
                            expect_error(&s.ctx, &s.target.request_reset(email).await?, FIELD, EMPTY_EMAIL)?;
                        }
                        for email in NEAR_EMPTY {
                            expect_error(&s.ctx, &s.target.request_reset(email).await?, FIELD, INVALID_EMAIL)?;
                        }
                        Ok(())
                    })
                    .await
            },
        ),
        Check::new(
            "request/invalid-email-classes",
            Area::Request,
            "every class of invalid email gets the invalid-format error",
            |ctx| async move {
                property_in_session(
                    &ctx,
                    "request/invalid-email-classes",
                    invalid_email(),
                    |s, (_, email)| async move {
                        expect_error(&s.ctx, &s.target.request_reset(&email).await?, FIELD, INVALID_EMAIL)
                    },
                )
                .await
            },
        ),
        Check::new(
            "request/unregistered-valid-email-quoted-idn",
            Area::Request,
            "valid unregistered emails with quoted local parts or IDN domains cannot be reset (needs the full validator)",
            |ctx| async move {
                property_in_session(
                    &ctx,
                    "request/unregistered-valid-email-quoted-idn",
                    unregistered_email_of(EXOTIC.to_vec()),
                    |s, (_, email)| async move {
                        expect_error(&s.ctx, &s.target.request_reset(&email).await?, FIELD, CANNOT_RESET)
                    },
                )
                .await
            },
        ),
        Check::new(
            "request/unregistered-valid-email",
            Area::Request,
            "valid unregistered emails (plain, plus tags, numeric TLD) cannot be reset",
            |ctx| async move {
                property_in_session(
                    &ctx,
                    "request/unregistered-valid-email",
                    unregistered_email(),
                    |s, (_, email)| async move {
                        expect_error(&s.ctx, &s.target.request_reset(&email).await?, FIELD, CANNOT_RESET)
                    },
                )
                .await
            },
        ),
        Check::new(
            "request/control-characters-only-as-variables",
            Area::Request,
            "a control character in a string literal is a syntax error (webonyx 15); as a variable it is an invalid email",
            |ctx| async move {
                let release = ctx.release();
                let status = match release.patch {
                    6 | 7 => 500,
                    8 => 400,
                    _ => return Err(Stop::skip(format!("webonyx's answer on {release} is not pinned down"))),
                };
                ctx.clone()
                    .with_session("control-literal", |s| async move {
                        let mut parts = crate::check::Parts::new(&s.ctx);
                        let document = "mutation {\n  requestPasswordResetEmail(email: \"a\\u0001b@example.com\")\n}";
                        let literal = s.target.graphql(document).await?;
                        let body = r#"{"errors":[{"message":"Syntax Error: Invalid character within String: \"\\u0001\"","locations":[{"line":2,"column":38}]}]}"#;
                        parts.check("literal", super::expect_body(&literal, status, body));
                        let variable = s.target.graphql_with(VARIABLE_FORM, json!({ "email": "a\u{1}b@example.com" })).await?;
                        parts.check("variable", expect_error(&s.ctx, &variable, FIELD, INVALID_EMAIL));
                        parts.finish()
                    })
                    .await
            },
        ),
        Check::new(
            "request/first-error-only-outside-developer-mode",
            Area::Request,
            "two failing fields: only the first error outside developer mode (since 2.4.3-p2), every error in it",
            |ctx| async move {
                let release = ctx.release();
                if release.patch <= 3 {
                    return Err(Stop::skip(format!(
                        "the first-error cut's arrival in {release} depends on its patch level"
                    )));
                }
                let mode = ctx.inner().magento_mode.clone();
                ctx.clone()
                    .with_session("first-error", |s| async move {
                        let document = "mutation {\n  a: requestPasswordResetEmail(email: \"\")\n  b: requestPasswordResetEmail(email: \"not-an-email\")\n}";
                        let answer = s.target.graphql(document).await?;
                        let first = super::error_object(&s.ctx, "a", EMPTY_EMAIL, "graphql-input", 2);
                        let errors = if mode == "developer" {
                            format!("{first},{}", super::error_object(&s.ctx, "b", INVALID_EMAIL, "graphql-input", 3))
                        } else {
                            first
                        };
                        super::expect_body(&answer, 200, &format!(r#"{{"errors":[{errors}],"data":{{"a":null,"b":null}}}}"#))
                    })
                    .await
            },
        ),
        Check::new(
            "request/lookup-ignores-case",
            Area::Request,
            "the account is found whatever the case of its email (MySQL's collation; seen on a real store)",
            |ctx| async move {
                ctx.clone()
                    .with_session("lookup-case", |s| async move {
                        let account = s.account().await?;
                        let flipped = super::snapshots::flip_case(&account.email);
                        let before = match &s.inbox {
                            Some(inbox) => inbox.count(&account.email).await?,
                            None => 0,
                        };
                        s.make_room_for_request().await?;
                        let answer = s.target.request_reset(&flipped).await?;
                        super::expect_data(&answer, FIELD, "true")?;
                        match &s.inbox {
                            Some(inbox) => inbox.wait_for_new(&account.email, before).await.map(drop),
                            None => {
                                s.ctx.skip_part("the email goes to the account", "needs the target's inbox (--inbox)");
                                Ok(())
                            }
                        }
                    })
                    .await
            },
        ),
        Check::new(
            "request/any-unicode-is-well-formed",
            Area::Properties,
            "any string gets a documented answer, never an internal error or a 5xx",
            |ctx| async move {
                let strings = prop_oneof![any::<String>(), "[ -~]{0,30}", "\\PC{0,12}@\\PC{0,12}"];
                property_in_session(&ctx, "request/any-unicode", strings, |s, email| async move {
                    let answer = s.target.graphql_with(VARIABLE_FORM, json!({ "email": email })).await?;
                    well_formed(&s.ctx, &answer)
                })
                .await
            },
        ),
        Check::new(
            "request/literal-variable-alias-agree",
            Area::Properties,
            "inline literal, variable and alias forms give the same outcome",
            |ctx| async move {
                // Control characters cannot travel in a literal (webonyx refuses them): they are
                // replaced here, and the variable form alone carries them (any-unicode-is-well-formed).
                let strings = prop_oneof![
                    invalid_email().prop_map(|(_, e)| e),
                    unregistered_email().prop_map(|(_, e)| e),
                    "[ -~]{0,20}",
                    prop::collection::vec(any::<char>().prop_filter("BMP", |c| (*c as u32) <= 0xFFFF), 0..16)
                        .prop_map(|cs| cs.into_iter().collect::<String>()),
                ]
                .prop_map(|s| {
                    s.chars().map(|c| if literal_safe(&c.to_string()) { c } else { '?' }).collect::<String>()
                });
                property_in_session(&ctx, "request/forms-agree", strings, |s, email| async move {
                    let inline = s.target.graphql(&crate::target::request_reset_document(&email)).await?;
                    let variable = s.target.graphql_with(VARIABLE_FORM, json!({ "email": email })).await?;
                    let alias = s
                        .target
                        .graphql(&format!(
                            "mutation {{\n  r: requestPasswordResetEmail(email: {})\n}}",
                            literal(&email)
                        ))
                        .await?;
                    let unalias = alias
                        .body
                        .replace("\"path\":[\"r\"]", "\"path\":[\"requestPasswordResetEmail\"]")
                        .replacen("{\"r\":", "{\"requestPasswordResetEmail\":", 1);
                    expect_text(
                        &variable,
                        "the variable form differs from the inline literal",
                        &inline.golden(),
                        &variable.golden(),
                    )?;
                    expect_text(
                        &alias,
                        "the aliased form differs from the inline literal",
                        &inline.golden(),
                        &format!("HTTP {}\n{unalias}", alias.status),
                    )
                })
                .await
            },
        ),
    ]
}

/// The storefront's form (section 11), with the field at line 2, column 3.
pub const VARIABLE_FORM: &str =
    "mutation requestPasswordResetEmail($email: String!) {\n  requestPasswordResetEmail(email: $email)\n}";

/// One of the documented answers of section 2, byte for byte.
fn well_formed(ctx: &Context, answer: &Answer) -> CheckResult {
    let allowed_data =
        ["{\"data\":{\"requestPasswordResetEmail\":true}}", "{\"data\":{\"requestPasswordResetEmail\":false}}"];
    if answer.status == 200 && allowed_data.contains(&answer.body.as_str()) {
        return Ok(());
    }
    for message in [EMPTY_EMAIL, INVALID_EMAIL, CANNOT_RESET, LOCKED] {
        if answer.status == 200 && answer.body == documented_error(ctx, FIELD, message) {
            return Ok(());
        }
    }
    Err(Stop::deviation(
        answer,
        "not one of the documented answers of requestPasswordResetEmail (HTTP 200, section 2 and 8.1)",
        None,
    ))
}

/// A property whose cases share one session (one namespace on the mock).
pub async fn property_in_session<S, F, Fut>(ctx: &Context, name: &str, strategy: S, test: F) -> CheckResult
where
    S: Strategy,
    S::Value: std::fmt::Debug + Clone,
    F: Fn(Session, S::Value) -> Fut,
    Fut: std::future::Future<Output = CheckResult>,
{
    let (seed, cases) = (ctx.seed(), ctx.cases());
    ctx.with_session(name, |s| async move {
        property::check(name, seed, cases, strategy, |input| test(s.clone(), input)).await
    })
    .await
}
