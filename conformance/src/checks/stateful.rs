//! A stateful property against the mock: random sequences of operations (request, reset with the
//! current, an old or a random token, sign-ins right and wrong, clock moves, locks) checked step by
//! step against a model of one account built from sections 2 to 6. Needs the control API.

use proptest::prelude::*;
use proptest::sample::select;

use super::lifecycle::{expect_sign_in_refused, expect_signed_in};
use super::{expect_data, expect_error, reset_message};
use crate::check::{Area, Check, CheckResult, Failure, Stop};
use crate::context::{Account, Session};
use crate::messages::{CANNOT_RESET, LOCKED, TOKEN_EXPIRED, TOKEN_MISMATCHED, TOO_SHORT};
use crate::strategies::token;

#[derive(Clone, Debug)]
pub enum Op {
    Request,
    ResetCurrent { valid_password: bool },
    ResetOld,
    ResetRandom(String),
    SignIn,
    WrongSignIn,
    Advance(i64),
    Lock(Option<u32>),
    Unlock,
}

fn op() -> impl Strategy<Value = Op> {
    let seconds =
        prop_oneof![select(vec![1i64, 59, 60, 599, 600, 601, 1799, 1800, 3599, 3600, 7199, 7200]), 1i64..8000];
    prop_oneof![
        4 => Just(Op::Request),
        3 => any::<bool>().prop_map(|valid_password| Op::ResetCurrent { valid_password }),
        1 => Just(Op::ResetOld),
        1 => token().prop_map(Op::ResetRandom),
        2 => Just(Op::SignIn),
        1 => Just(Op::WrongSignIn),
        2 => seconds.prop_map(Op::Advance),
        1 => prop_oneof![Just(None), (1u32..=30).prop_map(Some)].prop_map(Op::Lock),
        1 => Just(Op::Unlock),
    ]
}

/// What the documentation says the account is now.
#[derive(Debug, Default)]
struct Model {
    now: i64,
    password: String,
    live: Option<(String, i64)>,
    old: Vec<String>,
    lock_until: Option<i64>,
    /// Reset requests the throttle recorded.
    records: Vec<i64>,
    /// Failed sign-ins since the last success; kept under the sign-in throttle's 6.
    failed_sign_ins: u32,
    mails: usize,
    passwords_made: u32,
}

impl Model {
    fn locked(&self) -> bool {
        self.lock_until.is_some_and(|until| self.now < until)
    }
}

pub fn checks() -> Vec<Check> {
    vec![Check::new(
        "lifecycle/stateful-model",
        Area::Lifecycle,
        "random operation sequences agree with a model of the account",
        |ctx| async move {
            ctx.require_mock("moving the clock and locking accounts")?;
            let cases = (ctx.cases() / 4).max(8);
            let sequences = prop::collection::vec(op(), 1..=24);
            crate::property::check("lifecycle/stateful-model", ctx.seed(), cases, sequences, |ops| {
            let ctx = ctx.clone();
            async move { ctx.clone().with_session("stateful", |s| async move { run_sequence(&s, &ops).await }).await }
        })
        .await
        },
    )]
}

async fn run_sequence(s: &Session, ops: &[Op]) -> CheckResult {
    let account = s.account().await?;
    let mut model = Model { password: account.password.clone(), ..Model::default() };
    if let Some(inbox) = &s.inbox {
        model.mails = inbox.count(&account.email).await?;
    }
    for (step, op) in ops.iter().enumerate() {
        step_once(s, &account, &mut model, op).await.map_err(|stop| match stop {
            Stop::Deviation(f) => Stop::Deviation(Box::new(Failure {
                summary: format!("step {} ({op:?}) at +{}s: {}", step + 1, model.now, f.summary),
                ..*f
            })),
            skip => skip,
        })?;
    }
    Ok(())
}

async fn step_once(s: &Session, account: &Account, m: &mut Model, op: &Op) -> CheckResult {
    let admin = s.admin("moving the clock")?;
    let email = account.email.as_str();
    match op {
        Op::Request => {
            let answer = s.target.request_reset(email).await?;
            if m.locked() {
                return expect_error(&s.ctx, &answer, "requestPasswordResetEmail", LOCKED);
            }
            let (refused, uncertain) = if s.ctx.throttles() {
                let within = |seconds: i64| m.records.iter().filter(|r| m.now - **r < seconds).count();
                let refused = within(600) > 0 || within(3600) >= 5;
                // Exactly one hour after a recorded request the documentation does not settle.
                (refused, !refused && m.records.iter().filter(|r| m.now - **r <= 3600).count() >= 5)
            } else {
                (false, false)
            };
            if refused || (uncertain && answer.data("requestPasswordResetEmail").is_none()) {
                return expect_error(&s.ctx, &answer, "requestPasswordResetEmail", CANNOT_RESET);
            }
            expect_data(&answer, "requestPasswordResetEmail", "true")?;
            m.records.push(m.now);
            let token = match &s.inbox {
                Some(inbox) => {
                    let (mail, count) = inbox.wait_for_new(email, m.mails).await?;
                    if count != m.mails + 1 {
                        return Err(Stop::deviation(
                            &mail.answer,
                            format!("{} emails for one request", count - m.mails),
                            None,
                        ));
                    }
                    m.mails = count;
                    mail.reset_link().map(|(_, t)| t).unwrap_or_default()
                }
                None => admin.live_token(email).await?.unwrap_or_default(),
            };
            let known = m.old.contains(&token) || m.live.as_ref().is_some_and(|(t, _)| *t == token);
            if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_alphanumeric()) || known {
                return Err(Stop::error(format!("the new token {token:?} is not 32 fresh [A-Za-z0-9]")));
            }
            if let Some((previous, _)) = m.live.replace((token, m.now)) {
                m.old.push(previous);
            }
            Ok(())
        }
        Op::ResetCurrent { valid_password } => {
            let Some((token, created)) = m.live.clone() else {
                let random = Op::ResetRandom("ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ".into());
                return Box::pin(step_once(s, account, m, &random)).await;
            };
            m.passwords_made += 1;
            let password =
                if *valid_password { format!("Np{}-Passw0rd", m.passwords_made) } else { "short".to_owned() };
            let answer = s.target.reset_password(email, &token, &password).await?;
            let expected = if m.locked() {
                Some(LOCKED)
            } else if m.now - created >= 2 * 3600 {
                Some(reset_message(&s.ctx, TOKEN_EXPIRED))
            } else if !valid_password {
                Some(reset_message(&s.ctx, TOO_SHORT))
            } else {
                None
            };
            match expected {
                Some(message) => expect_error(&s.ctx, &answer, "resetPassword", message),
                None => {
                    expect_data(&answer, "resetPassword", "true")?;
                    m.password = password;
                    m.old.push(token);
                    m.live = None;
                    Ok(())
                }
            }
        }
        Op::ResetOld | Op::ResetRandom(_) => {
            let token = match op {
                Op::ResetRandom(token) => token.clone(),
                _ => m.old.last().cloned().unwrap_or_else(|| "YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY".into()),
            };
            let answer = s.target.reset_password(email, &token, "Old-T0ken-Passw0rd").await?;
            let message = if m.locked() { LOCKED } else { reset_message(&s.ctx, TOKEN_MISMATCHED) };
            expect_error(&s.ctx, &answer, "resetPassword", message)
        }
        Op::SignIn | Op::WrongSignIn => {
            let fails = m.locked() || matches!(op, Op::WrongSignIn);
            if fails && m.failed_sign_ins >= 5 {
                // A sixth failure would start the sign-in throttle, which has its own checks: this
                // step signs in as nobody instead, which is refused and counts for another name.
                let nobody = format!("nobody.{}@example.com", s.ctx.next_number());
                return expect_sign_in_refused(s, &s.target.sign_in(&nobody, "Wr0ng-Passw0rd!").await?);
            }
            let password = if matches!(op, Op::WrongSignIn) { "Wr0ng-Passw0rd!" } else { m.password.as_str() };
            let answer = s.target.sign_in(email, password).await?;
            if fails {
                m.failed_sign_ins += 1;
                expect_sign_in_refused(s, &answer)
            } else {
                m.failed_sign_ins = 0;
                expect_signed_in(&answer)
            }
        }
        Op::Advance(seconds) => {
            admin.advance_clock(*seconds).await?;
            m.now += seconds;
            Ok(())
        }
        Op::Lock(minutes) => {
            admin.lock(email, *minutes).await?;
            m.lock_until = Some(minutes.map_or(i64::MAX, |min| m.now + i64::from(min) * 60));
            Ok(())
        }
        Op::Unlock => {
            admin.unlock(email).await?;
            m.lock_until = None;
            Ok(())
        }
    }
}
