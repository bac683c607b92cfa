//! `resetPassword` over generated inputs (section 3): the input checks answer in the documented
//! order, passwords across the policy's classes get the policy's first broken rule, and a random
//! token of the right shape is always mismatched.

use proptest::prelude::*;
use proptest::sample::select;

use super::request::property_in_session;
use super::{expect_error, reset_message};
use crate::check::{Area, Check, CheckResult, Stop};
use crate::messages::{CANNOT_SET, EMPTY_EMAIL, EMPTY_PASSWORD, EMPTY_TOKEN, INVALID_EMAIL, LOCKED, TOKEN_MISMATCHED};
use crate::strategies::{
    NEAR_EMPTY, PHP_EMPTY, invalid_email, password, policy_failure, token, unregistered_email, valid_password,
};

const FIELD: &str = "resetPassword";

/// Whose email a generated reset names.
#[derive(Clone, Debug)]
enum Who {
    Empty(String),
    Invalid(String),
    Unregistered(String),
    Active,
    Locked,
}

pub fn checks() -> Vec<Check> {
    vec![
        Check::new(
            "reset/input-checks-in-order",
            Area::Reset,
            "rows 1 to 7 of section 3 answer in order (PHP-empty, invalid, unknown, locked, mismatched)",
            |ctx| async move {
                let probe = ctx.session("reset-order-probe")?;
                let locked = probe.locked_email_if_any().await;
                probe.finish().await?;
                let has_locked = match locked? {
                    Ok(_) => true,
                    Err(reason) => {
                        ctx.skip_part("a locked account (row 6)", &reason.0);
                        false
                    }
                };
                let mut choices = vec![
                    select(PHP_EMPTY.to_vec()).prop_map(|e| Who::Empty(e.to_owned())).boxed(),
                    select(NEAR_EMPTY.to_vec()).prop_map(|e| Who::Invalid(e.to_owned())).boxed(),
                    invalid_email().prop_map(|(_, e)| Who::Invalid(e)).boxed(),
                    unregistered_email().prop_map(|(_, e)| Who::Unregistered(e)).boxed(),
                    Just(Who::Active).boxed(),
                ];
                if has_locked {
                    choices.push(Just(Who::Locked).boxed());
                }
                let who = proptest::strategy::Union::new(choices);
                let text = |random: BoxedStrategy<String>| {
                    prop_oneof![
                        select(PHP_EMPTY.to_vec()).prop_map(str::to_owned),
                        select(NEAR_EMPTY.to_vec()).prop_map(str::to_owned),
                        random
                    ]
                };
                let inputs =
                    (who, text(token().boxed()), text(prop_oneof![valid_password(), Just("short".to_owned())].boxed()));
                property_in_session(
                    &ctx,
                    "reset/input-checks-in-order",
                    inputs,
                    move |s, (who, token, new_password)| async move {
                        let account = s.account().await?;
                        let (email, first_rule) = match &who {
                            Who::Empty(e) => (e.clone(), Some(EMPTY_EMAIL)),
                            Who::Invalid(e) => (e.clone(), Some(INVALID_EMAIL)),
                            Who::Unregistered(e) => (e.clone(), None),
                            Who::Locked => (s.locked_email().await?, None),
                            Who::Active => (account.email.clone(), None),
                        };
                        let expected = first_rule
                            .or_else(|| PHP_EMPTY.contains(&token.as_str()).then_some(EMPTY_TOKEN))
                            .or_else(|| PHP_EMPTY.contains(&new_password.as_str()).then_some(EMPTY_PASSWORD))
                            .unwrap_or(match who {
                                Who::Unregistered(_) => CANNOT_SET,
                                Who::Locked => LOCKED,
                                _ => reset_message(&s.ctx, TOKEN_MISMATCHED),
                            });
                        let answer = s.target.reset_password(&email, &token, &new_password).await?;
                        expect_error(&s.ctx, &answer, FIELD, expected)
                    },
                )
                .await
            },
        ),
        Check::new(
            "reset/password-policy",
            Area::Reset,
            "passwords across the policy's classes get exactly the first broken rule's message (rows 9 to 13)",
            |ctx| async move {
                ctx.clone()
                    .with_session("reset-password-policy", |s| async move {
                        let account = s.account().await?;
                        let live = s.fresh_token(&account.email).await?;
                        let email = account.email.clone();
                        let policy = s.ctx.inner().policy;
                        let strategy = password(email.clone())
                            .prop_filter("breaks a rule", move |p| policy_failure(p, &account.email, policy).is_some());
                        crate::property::check(
                            "reset/password-policy",
                            s.ctx.seed(),
                            s.ctx.cases(),
                            strategy,
                            |new_password| {
                                let (s, live, email) = (s.clone(), live.clone(), email.clone());
                                async move { policy_case(&s, &email, &live, &new_password).await }
                            },
                        )
                        .await
                    })
                    .await
            },
        ),
        Check::new(
            "reset/random-token-mismatched",
            Area::Reset,
            "a random 32-character token is always mismatched",
            |ctx| async move {
                property_in_session(&ctx, "reset/random-token", token(), |s, token| async move {
                    let account = s.account().await?;
                    let answer = s.target.reset_password(&account.email, &token, "N3w-Passw0rd!").await?;
                    expect_error(&s.ctx, &answer, FIELD, reset_message(&s.ctx, TOKEN_MISMATCHED))
                })
                .await
            },
        ),
    ]
}

async fn policy_case(s: &crate::context::Session, email: &str, live: &str, new_password: &str) -> CheckResult {
    let Some(message) = policy_failure(new_password, email, s.ctx.inner().policy) else {
        return Err(Stop::error(format!("the generator made {new_password:?}, which breaks no rule")));
    };
    let answer = s.target.reset_password(email, live, new_password).await?;
    expect_error(&s.ctx, &answer, FIELD, reset_message(&s.ctx, &message))
}
