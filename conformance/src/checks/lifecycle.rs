//! The token's lifecycle through the inbox (sections 4 to 6): once and not twice, superseded by a
//! newer request, the new password signs in and the old does not, throttling, expiry, locks and
//! the sign-in throttle (the last ones where the mock's clock can be moved).

use serde_json::Value;

use super::{documented_error_in, expect_body, expect_data, expect_error, reset_message};
use crate::check::{Area, Check, CheckResult, Stop, ensure};
use crate::context::{Account, Session};
use crate::messages::{CANNOT_RESET, LOCKED, SIGN_IN_FAILED, TOKEN_EXPIRED, TOKEN_MISMATCHED, TOO_SHORT};

const NEW_PASSWORD: &str = "N3w-Passw0rd!";

/// Expects the documented sign-in failure (section 6): 401 from 2.4.7, 200 before.
pub fn expect_sign_in_refused(s: &Session, answer: &crate::target::Answer) -> CheckResult {
    let body = documented_error_in(&s.ctx, "generateCustomerToken", SIGN_IN_FAILED, "graphql-authentication");
    expect_body(answer, s.ctx.release().sign_in_failure_status(), &body)
}

/// Expects a customer token.
pub fn expect_signed_in(answer: &crate::target::Answer) -> CheckResult {
    let token = answer.data("generateCustomerToken").and_then(|d| d.get("token").cloned());
    ensure(answer.status == 200 && matches!(token, Some(Value::String(ref t)) if !t.is_empty()), answer, || {
        "expected HTTP 200 and a customer token".into()
    })
}

async fn reset_ok(s: &Session, account: &Account, token: &str, password: &str) -> CheckResult {
    let answer = s.target.reset_password(&account.email, token, password).await?;
    expect_data(&answer, "resetPassword", "true")?;
    s.password_changed(account, password);
    Ok(())
}

fn lifecycle<F, Fut>(id: &'static str, about: &'static str, body: F) -> Check
where
    F: Fn(Session) -> Fut + Send + Sync + Copy + 'static,
    Fut: std::future::Future<Output = CheckResult> + 'static,
{
    Check::new(format!("lifecycle/{id}"), Area::Lifecycle, about, move |ctx| async move {
        ctx.clone().with_session(id, body).await
    })
}

pub fn checks() -> Vec<Check> {
    vec![
        lifecycle("token-works-once", "the emailed token resets the password once, not twice", |s| async move {
            s.require_restorable()?;
            let account = s.account().await?;
            let token = s.fresh_token(&account.email).await?;
            reset_ok(&s, &account, &token, NEW_PASSWORD).await?;
            let again = s.target.reset_password(&account.email, &token, "An0ther-Passw0rd!").await?;
            expect_error(&s.ctx, &again, "resetPassword", reset_message(&s.ctx, TOKEN_MISMATCHED))
        }),
        lifecycle("newer-request-supersedes", "a newer request makes the older token mismatched", |s| async move {
            s.require_restorable()?;
            let account = s.account().await?;
            let first = s.fresh_token(&account.email).await?;
            let second = s.fresh_token(&account.email).await?;
            if first == second {
                return Err(Stop::error(format!("two requests gave the same token {first}")));
            }
            let stale = s.target.reset_password(&account.email, &first, NEW_PASSWORD).await?;
            expect_error(&s.ctx, &stale, "resetPassword", reset_message(&s.ctx, TOKEN_MISMATCHED))?;
            reset_ok(&s, &account, &second, NEW_PASSWORD).await
        }),
        lifecycle("new-password-signs-in", "the new password signs in and the old one does not", |s| async move {
            s.require_restorable()?;
            let account = s.account().await?;
            expect_signed_in(&s.target.sign_in(&account.email, &account.password).await?)?;
            let token = s.fresh_token(&account.email).await?;
            reset_ok(&s, &account, &token, NEW_PASSWORD).await?;
            expect_signed_in(&s.target.sign_in(&account.email, NEW_PASSWORD).await?)?;
            expect_sign_in_refused(&s, &s.target.sign_in(&account.email, &account.password).await?)
        }),
        lifecycle(
            "throttle-10-minutes-and-5-an-hour",
            "reset requests 10 minutes apart and 5 an hour, by IP or email",
            |s| async move {
                if !s.ctx.throttles() {
                    return Err(Stop::skip("the target does not throttle reset requests (--throttle off)"));
                }
                let admin = s.admin("moving the clock")?.clone();
                let account = s.account().await?;
                let other = s.new_account().await?;
                let field = "requestPasswordResetEmail";
                expect_data(&s.target.request_reset(&account.email).await?, field, "true")?;
                admin.advance_clock(599).await?;
                expect_error(&s.ctx, &s.target.request_reset(&account.email).await?, field, CANNOT_RESET)?;
                if other.email != account.email {
                    // By IP too: another account from the same address.
                    expect_error(&s.ctx, &s.target.request_reset(&other.email).await?, field, CANNOT_RESET)?;
                } else {
                    s.ctx.skip_part(
                        "by IP (another account from the same address)",
                        "needs a second account: the control API cannot create one",
                    );
                }
                for _ in 0..4 {
                    admin.advance_clock(1).await?;
                    expect_data(&s.target.request_reset(&account.email).await?, field, "true")?;
                    admin.advance_clock(599).await?;
                }
                admin.advance_clock(1).await?;
                expect_error(&s.ctx, &s.target.request_reset(&account.email).await?, field, CANNOT_RESET)
            },
        ),
        lifecycle(
            "token-expires-after-2-hours",
            "a token is good for 1:59:59 and expired at 2:00:00",
            |s| async move {
                let admin = s.admin("moving the clock")?.clone();
                let account = s.account().await?;
                let token = s.fresh_token(&account.email).await?;
                admin.advance_clock(2 * 3600 - 1).await?;
                // A policy failure proves the token passed its checks without using it up.
                let good = s.target.reset_password(&account.email, &token, "short").await?;
                expect_error(&s.ctx, &good, "resetPassword", reset_message(&s.ctx, TOO_SHORT))?;
                admin.advance_clock(1).await?;
                let expired = s.target.reset_password(&account.email, &token, NEW_PASSWORD).await?;
                expect_error(&s.ctx, &expired, "resetPassword", reset_message(&s.ctx, TOKEN_EXPIRED))
            },
        ),
        lifecycle(
            "locked-account-cannot-reset",
            "a locked account can neither request nor reset; unlocked, it can",
            |s| async move {
                let admin = s.admin("locking an account")?.clone();
                let account = s.account().await?;
                let token = s.fresh_token(&account.email).await?;
                admin.lock(&account.email, Some(1)).await?;
                expect_error(
                    &s.ctx,
                    &s.target.request_reset(&account.email).await?,
                    "requestPasswordResetEmail",
                    LOCKED,
                )?;
                let refused = s.target.reset_password(&account.email, &token, NEW_PASSWORD).await?;
                expect_error(&s.ctx, &refused, "resetPassword", LOCKED)?;
                expect_sign_in_refused(&s, &s.target.sign_in(&account.email, &account.password).await?)?;
                admin.advance_clock(60).await?;
                reset_ok(&s, &account, &token, NEW_PASSWORD).await
            },
        ),
        lifecycle(
            "sign-in-throttle-count",
            "5 failed sign-ins still let the right password in (the throttle engages at 6); the account is restored",
            |s| async move {
                s.require_restorable()?;
                let account = s.account().await?;
                // A success first: it resets the throttle's count of earlier failures.
                expect_signed_in(&s.target.sign_in(&account.email, &account.password).await?)?;
                for _ in 0..5 {
                    expect_sign_in_refused(&s, &s.target.sign_in(&account.email, "Wr0ng-Passw0rd!").await?)?;
                }
                let result = expect_signed_in(&s.target.sign_in(&account.email, &account.password).await?);
                // Wrong passwords also count toward the account lock (10 in 10 minutes), which only
                // a successful reset clears over GraphQL: reset to the same password.
                s.password_changed(&account, &account.password);
                result
            },
        ),
        lifecycle("sign-in-throttle", "6 failed sign-ins refuse even the right password for 1800 s", |s| async move {
            let admin = s.admin("moving the clock")?.clone();
            let account = s.account().await?;
            for _ in 0..6 {
                expect_sign_in_refused(&s, &s.target.sign_in(&account.email, "Wr0ng-Passw0rd!").await?)?;
            }
            expect_sign_in_refused(&s, &s.target.sign_in(&account.email, &account.password).await?)?;
            admin.advance_clock(1799).await?;
            expect_sign_in_refused(&s, &s.target.sign_in(&account.email, &account.password).await?)?;
            admin.advance_clock(1).await?;
            expect_signed_in(&s.target.sign_in(&account.email, &account.password).await?)
        }),
    ]
}
