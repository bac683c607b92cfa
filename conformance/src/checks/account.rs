//! The account area around the reset flow (magento-account-area.md sections 1 to 4 and 6): sign-up
//! with `createCustomerV2` and its checks in order, sign-in, `customer`, `changeCustomerPassword`
//! and its lockout, `updateCustomerV2`, `updateCustomerEmail`, `revokeCustomerToken`,
//! `isEmailAvailable` and the customer fields of `storeConfig`. Every check signs up accounts of
//! its own over GraphQL (fresh addresses, so a real store's accounts are never touched); expected
//! answers come from the documentation and the generators in [`crate::sign_up`].

use proptest::prelude::*;
use serde_json::{Value, json};

use super::{error_object, expect_body};
use crate::check::{Area, Check, CheckResult, Parts, Stop, ensure};
use crate::context::{Account, Context, Session};
use crate::messages::{self as m};
use crate::sign_up::{SignUp, expected, invalid_sign_up, valid_password};
use crate::target::{Answer, customer_token};

pub const INPUT: &str = "graphql-input";
pub const AUTHENTICATION: &str = "graphql-authentication";
pub const AUTHORIZATION: &str = "graphql-authorization";
pub const NO_SUCH_ENTITY: &str = "graphql-no-such-entity";
pub const ALREADY_EXISTS: &str = "graphql-already-exists";

pub const SIGN_UP: &str = "mutation signUp($input: CustomerCreateInput!) {\n  createCustomerV2(input: $input) {\n    customer {\n      email\n      firstname\n      lastname\n      is_subscribed\n    }\n  }\n}";
pub const CUSTOMER: &str = "query {\n  customer {\n    email\n    firstname\n    lastname\n  }\n}";
const CHANGE: &str = "mutation change($c: String!, $n: String!) {\n  changeCustomerPassword(currentPassword: $c, newPassword: $n) {\n    email\n  }\n}";
const UPDATE: &str = "mutation update($input: CustomerUpdateInput!) {\n  updateCustomerV2(input: $input) {\n    customer {\n      firstname\n      lastname\n    }\n  }\n}";
const UPDATE_EMAIL: &str = "mutation updateEmail($e: String!, $p: String!) {\n  updateCustomerEmail(email: $e, password: $p) {\n    customer {\n      email\n    }\n  }\n}";
const REVOKE: &str = "mutation {\n  revokeCustomerToken {\n    result\n  }\n}";
const AVAILABLE: &str =
    "query available($e: String!) {\n  isEmailAvailable(email: $e) {\n    is_email_available\n  }\n}";
const NEW_PASSWORD: &str = "N3w-Passw0rd!";

/// The HTTP status of a resolver error of `category`: 2.4.8 answers 401 for authentication and
/// 403 for authorization (docs/release-families.md section 2.5), earlier releases 200.
pub fn status_of(ctx: &Context, category: &str) -> u16 {
    match category {
        AUTHENTICATION if ctx.release().patch >= 8 => 401,
        AUTHORIZATION if ctx.release().patch >= 8 => 403,
        _ => 200,
    }
}

/// Fails unless the answer is exactly the documented resolver error on `field` (line 2, column 3):
/// `data.<field>` null for a nullable field, `data` left out for a non-null one (section 0).
pub fn expect_failure(ctx: &Context, answer: &Answer, field: &str, message: &str, category: &str) -> CheckResult {
    let error = error_object(ctx, field, message, category, 2);
    let body = format!(r#"{{"errors":[{error}],"data":{{{}:null}}}}"#, json!(field));
    expect_body(answer, status_of(ctx, category), &body)
}

/// The same for a non-null root field (`customerCart: Cart!`, `mergeCarts: Cart!`): no `data`.
pub fn expect_failure_no_data(
    ctx: &Context,
    answer: &Answer,
    field: &str,
    message: &str,
    category: &str,
) -> CheckResult {
    let error = error_object(ctx, field, message, category, 2);
    expect_body(answer, status_of(ctx, category), &format!(r#"{{"errors":[{error}]}}"#))
}

/// Fails unless the answer is exactly `{"data":{"<field>":<value>}}` with `value` as JSON.
pub fn expect_value(answer: &Answer, field: &str, value: &Value) -> CheckResult {
    expect_body(answer, 200, &json!({ "data": { field: value.clone() } }).to_string())
}

/// A fresh address of the run, lower case.
pub fn fresh_email(ctx: &Context, role: &str) -> String {
    format!("cf-{}-{}-{role}@example.com", ctx.inner().run_id, ctx.next_number())
}

/// Signs up a fresh account over GraphQL and checks the documented success answer (section 1.3).
pub async fn sign_up(s: &Session, role: &str) -> Result<Account, Stop> {
    let email = fresh_email(&s.ctx, role);
    let password = format!("Cf-{}-Passw0rd", s.ctx.next_number());
    let input = SignUp::valid(&email, &password);
    let answer = s.target.graphql_as(None, SIGN_UP, json!({ "input": input.variable() })).await?;
    let customer =
        json!({ "email": email, "firstname": input.firstname, "lastname": input.lastname, "is_subscribed": false });
    expect_value(&answer, "createCustomerV2", &json!({ "customer": customer }))?;
    Ok(Account { email, password, name: Some(format!("{} {}", input.firstname, input.lastname)) })
}

/// Signs in and answers the customer token.
pub async fn token_of(s: &Session, account: &Account) -> Result<String, Stop> {
    let answer = s.target.sign_in(&account.email, &account.password).await?;
    customer_token(&answer)
        .ok_or_else(|| Stop::deviation(&answer, format!("{} could not sign in with its password", account.email), None))
}

/// A fresh account, signed in.
pub async fn signed_up_and_in(s: &Session, role: &str) -> Result<(Account, String), Stop> {
    let account = sign_up(s, role).await?;
    let token = token_of(s, &account).await?;
    Ok((account, token))
}

fn account_check<F, Fut>(id: &'static str, about: &'static str, body: F) -> Check
where
    F: Fn(Session) -> Fut + Send + Sync + Copy + 'static,
    Fut: std::future::Future<Output = CheckResult> + 'static,
{
    Check::new(format!("account/{id}"), Area::Account, about, move |ctx| async move {
        ctx.clone().with_session(id, body).await
    })
}

pub fn checks() -> Vec<Check> {
    let mut checks = vec![
        account_check(
            "sign-up-then-sign-in",
            "a new account answers as documented, signs in and reads itself",
            |s| async move {
                let (account, token) = signed_up_and_in(&s, "new").await?;
                let answer = s.target.graphql_as(Some(&token), CUSTOMER, json!({})).await?;
                let customer = json!({ "email": account.email, "firstname": "Conformance", "lastname": "Check" });
                expect_value(&answer, "customer", &customer)
            },
        ),
        account_check(
            "sign-up-duplicate-email",
            "the same address twice: the documented graphql-input error",
            |s| async move {
                let account = sign_up(&s, "dup").await?;
                let again = SignUp::valid(&account.email, &account.password);
                let answer = s.target.graphql_as(None, SIGN_UP, json!({ "input": again.variable() })).await?;
                expect_failure(&s.ctx, &answer, "createCustomerV2", m::DUPLICATE_EMAIL, INPUT)
            },
        ),
        account_check(
            "create-customer-v1",
            "createCustomer (V1): empty input, no email (the release's message), then a sign-up",
            |s| async move { create_customer_v1(&s).await },
        ),
        account_check(
            "sign-up-check-order",
            "inputs that break several rules get the first in the documented order",
            |s| async move { sign_up_order(&s).await },
        ),
        account_check(
            "is-email-available",
            "isEmailAvailable: its two errors, and the 2.4.7 answer for a registered address",
            |s| async move {
                let mut parts = Parts::new(&s.ctx);
                let ask = |email: String| {
                    let s = s.clone();
                    async move { s.target.graphql_as(None, AVAILABLE, json!({ "e": email })).await }
                };
                let field = "isEmailAvailable";
                parts.check(
                    "empty",
                    expect_failure(&s.ctx, &ask(String::new()).await?, field, m::EMAIL_MUST_BE_SPECIFIED, INPUT),
                );
                parts.check(
                    "invalid",
                    expect_failure(&s.ctx, &ask("plainaddress".into()).await?, field, m::EMAIL_IS_INVALID, INPUT),
                );
                let fresh = fresh_email(&s.ctx, "free");
                parts.check(
                    "unregistered",
                    expect_value(&ask(fresh).await?, field, &json!({ "is_email_available": true })),
                );
                let account = sign_up(&s, "taken").await?;
                // 2.4.7 answers true for every address unless guest-checkout login is enabled (default
                // off); 2.4.6 and earlier look the address up (section 4.2).
                let registered = s.ctx.release().patch >= 7;
                let answer = ask(account.email).await?;
                parts.check("registered", expect_value(&answer, field, &json!({ "is_email_available": registered })));
                parts.finish()
            },
        ),
        account_check(
            "customer-needs-a-customer",
            "customer as a guest (and, up to 2.4.7, with a token that is no token) is not authorized",
            |s| async move {
                let mut parts = Parts::new(&s.ctx);
                let guest = s.target.graphql_as(None, CUSTOMER, json!({})).await?;
                parts.check("guest", expect_failure(&s.ctx, &guest, "customer", m::NOT_AUTHORIZED, AUTHORIZATION));
                if s.ctx.release().patch <= 7 {
                    let bogus = s.target.graphql_as(Some("not-a-token"), CUSTOMER, json!({})).await?;
                    parts.check(
                        "bad token",
                        expect_failure(&s.ctx, &bogus, "customer", m::NOT_AUTHORIZED, AUTHORIZATION),
                    );
                } else {
                    s.ctx.note("a bad token on 2.4.8 not checked: its answer is UNVERIFIED (magento-account-area.md section 0)");
                }
                parts.finish()
            },
        ),
        account_check(
            "change-password-checks",
            "changeCustomerPassword's checks in order, then the change, old and new passwords",
            |s| async move { change_password(&s).await },
        ),
        account_check(
            "lockout-after-10-failures",
            "10 wrong current passwords, then the account is locked for every customer operation",
            |s| async move { lockout(&s).await },
        ),
        account_check(
            "update-customer",
            "updateCustomerV2: guest, empty input, empty name, bad gender, then the update",
            |s| async move { update_customer(&s).await },
        ),
        account_check(
            "update-customer-email",
            "updateCustomerEmail: guest, wrong password, taken, invalid, same, then the new address signs in",
            |s| async move { update_email(&s).await },
        ),
        account_check(
            "revoke-token",
            "revokeCustomerToken answers true once; the token then makes a guest",
            |s| async move { revoke(&s).await },
        ),
        Check::new(
            "account/store-config-customer-fields",
            Area::Account,
            "storeConfig's customer fields have their documented types",
            |ctx| async move { ctx.clone().with_session("store-config", |s| async move { store_config(&s).await }).await },
        ),
    ];
    checks.extend(properties());
    checks
}

const CREATE_V1: &str = "mutation signUp($input: CustomerInput!) {\n  createCustomer(input: $input) {\n    customer {\n      email\n    }\n  }\n}";

async fn create_customer_v1(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    let field = "createCustomer";
    let send = |input: Value| {
        let s = s.clone();
        async move { s.target.graphql_as(None, CREATE_V1, json!({ "input": input })).await }
    };
    let mut parts = Parts::new(ctx);
    parts.check("empty input", expect_failure(ctx, &send(json!({})).await?, field, m::INPUT_REQUIRED, INPUT));
    let password = format!("Cf-{}-Passw0rd", ctx.next_number());
    let no_email = json!({ "firstname": "Conformance", "lastname": "Check", "password": password });
    // 2.4.8 checks the address first thing in AccountManagement::createAccount (section 1.4).
    let message = if ctx.release().patch >= 8 {
        "The email address is required to create a customer account.".to_owned()
    } else {
        m::required_missing(&["Email"])
    };
    parts.check("no email", expect_failure(ctx, &send(no_email).await?, field, &message, INPUT));
    let email = fresh_email(ctx, "v1");
    let input = json!({ "email": email, "firstname": "Conformance", "lastname": "Check", "password": password });
    parts.check("sign-up", expect_value(&send(input).await?, field, &json!({ "customer": { "email": email } })));
    parts.finish()
}

async fn sign_up_order(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    let policy = ctx.inner().policy;
    let mut parts = Parts::new(ctx);
    let field = "createCustomerV2";
    let send = |input: SignUp| {
        let s = s.clone();
        async move { s.target.graphql_as(None, SIGN_UP, json!({ "input": input.variable() })).await }
    };
    let valid = SignUp::valid(&fresh_email(ctx, "order"), "Cf-0rder-Passw0rd");
    // Empty names and email together: every label, in the attributes' order (seen on 2.4.7-p3).
    let empty = SignUp { firstname: String::new(), lastname: String::new(), email: String::new(), ..valid.clone() };
    if ctx.release().patch <= 7 {
        let message = m::required_missing(&["First Name", "Last Name", "Email"]);
        parts.check("all empty", expect_failure(ctx, &send(empty).await?, field, &message, INPUT));
    }
    // Required arguments before the email; 2.4.8 checks names only when saving, after the email.
    let no_name_bad_email = SignUp { firstname: String::new(), email: "plainaddress".into(), ..valid.clone() };
    let message = if ctx.release().patch <= 7 {
        m::required_missing(&["First Name"])
    } else {
        m::not_a_valid_email("plainaddress")
    };
    parts.check("empty name, bad email", expect_failure(ctx, &send(no_name_bad_email).await?, field, &message, INPUT));
    let bad_email_gender = SignUp { email: "plainaddress".into(), gender: Some(9), ..valid.clone() };
    let message = m::not_a_valid_email("plainaddress");
    parts.check("bad email, bad gender", expect_failure(ctx, &send(bad_email_gender).await?, field, &message, INPUT));
    let gender_short = SignUp { gender: Some(9), password: Some("Ab1!".into()), ..valid.clone() };
    parts.check(
        "bad gender, short password",
        expect_failure(ctx, &send(gender_short).await?, field, &m::not_a_valid_gender(9), INPUT),
    );
    // Strength before the password = email rule (the reverse of resetPassword's order).
    // An address of lower case and specials only: as a password it has 2 classes.
    let address: String = fresh_email(ctx, "weak")
        .chars()
        .map(|c| if c.is_ascii_digit() { char::from(b'g' + (c as u8 - b'0')) } else { c })
        .collect();
    let weak_same = SignUp { email: address.clone(), password: Some(address.clone()), ..valid.clone() };
    let message = crate::strategies::policy_failure(&address, "", policy).unwrap_or_else(|| m::SAME_AS_EMAIL.into());
    parts.check("weak password = email", expect_failure(ctx, &send(weak_same).await?, field, &message, INPUT));
    // The duplicate address last.
    let account = sign_up(s, "taken").await?;
    let taken_short = SignUp { email: account.email.clone(), password: Some("Ab1!".into()), ..valid.clone() };
    let message = m::too_short(policy.0);
    parts.check("taken, short password", expect_failure(ctx, &send(taken_short).await?, field, &message, INPUT));
    let taken_gender = SignUp { email: account.email, gender: Some(9), ..valid };
    parts.check(
        "taken, bad gender",
        expect_failure(ctx, &send(taken_gender).await?, field, &m::not_a_valid_gender(9), INPUT),
    );
    parts.finish()
}

async fn change_password(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    let field = "changeCustomerPassword";
    let (account, token) = signed_up_and_in(s, "change").await?;
    let change = |token: Option<String>, current: String, new: String| {
        let s = s.clone();
        async move { s.target.graphql_as(token.as_deref(), CHANGE, json!({ "c": current, "n": new })).await }
    };
    let t = Some(token.clone());
    let right = account.password.clone();
    let mut parts = Parts::new(ctx);
    let guest = change(None, right.clone(), NEW_PASSWORD.into()).await?;
    parts.check("guest", expect_failure(ctx, &guest, field, m::NOT_AUTHORIZED, AUTHORIZATION));
    let blank = change(t.clone(), "  ".into(), NEW_PASSWORD.into()).await?;
    parts.check("blank current", expect_failure(ctx, &blank, field, m::SPECIFY_CURRENT, INPUT));
    let empty_new = change(t.clone(), right.clone(), String::new()).await?;
    parts.check("empty new", expect_failure(ctx, &empty_new, field, m::SPECIFY_NEW, INPUT));
    // Both blank: the current password's check comes first.
    let both = change(t.clone(), String::new(), " ".into()).await?;
    parts.check("both blank", expect_failure(ctx, &both, field, m::SPECIFY_CURRENT, INPUT));
    // A wrong current password before the new password's policy.
    let wrong = change(t.clone(), "Wr0ng-Passw0rd!".into(), "weak".into()).await?;
    parts.check("wrong current, weak new", expect_failure(ctx, &wrong, field, m::INVALID_LOGIN, AUTHENTICATION));
    // Password = email before strength here (section 2.2 row 5).
    let upper = account.email.to_uppercase();
    let same = change(t.clone(), right.clone(), upper).await?;
    parts.check("new = email", expect_failure(ctx, &same, field, m::SAME_AS_EMAIL, INPUT));
    let weak = change(t.clone(), right.clone(), "weakpass".into()).await?;
    let expected = crate::strategies::policy_failure("weakpass", &account.email, ctx.inner().policy);
    if let Some(message) = expected {
        parts.check("weak new", expect_failure(ctx, &weak, field, &message, INPUT));
    }
    let done = change(t.clone(), right.clone(), NEW_PASSWORD.into()).await?;
    parts.check("change", expect_value(&done, field, &json!({ "email": account.email })));
    if !parts.failed() {
        let old = s.target.sign_in(&account.email, &right).await?;
        parts.check("old password refused", super::lifecycle::expect_sign_in_refused(s, &old));
        let new = s.target.sign_in(&account.email, NEW_PASSWORD).await?;
        parts.check("new password signs in", super::lifecycle::expect_signed_in(&new));
    }
    parts.finish()
}

async fn lockout(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    let field = "changeCustomerPassword";
    let (account, token) = signed_up_and_in(s, "lock").await?;
    let change = |current: String| {
        let (s, token) = (s.clone(), token.clone());
        async move { s.target.graphql_as(Some(&token), CHANGE, json!({ "c": current, "n": NEW_PASSWORD })).await }
    };
    for n in 1..=10 {
        let answer = change(format!("Wr0ng-{n}-Pass!")).await?;
        expect_failure(ctx, &answer, field, m::INVALID_LOGIN, AUTHENTICATION)
            .map_err(|stop| prefix(stop, &format!("wrong current password {n} of 10")))?;
    }
    let mut parts = Parts::new(ctx);
    parts.check(
        "11th",
        expect_failure(ctx, &change("Wr0ng-11-Pass!".into()).await?, field, m::ACCOUNT_LOCKED, AUTHENTICATION),
    );
    let right = change(account.password.clone()).await?;
    parts.check("right password while locked", expect_failure(ctx, &right, field, m::ACCOUNT_LOCKED, AUTHENTICATION));
    let customer = s.target.graphql_as(Some(&token), CUSTOMER, json!({})).await?;
    parts.check("customer", expect_failure(ctx, &customer, "customer", m::ACCOUNT_LOCKED, AUTHENTICATION));
    let update = s.target.graphql_as(Some(&token), UPDATE, json!({ "input": { "firstname": "Locked" } })).await?;
    parts
        .check("updateCustomerV2", expect_failure(ctx, &update, "updateCustomerV2", m::ACCOUNT_LOCKED, AUTHENTICATION));
    let request = s.target.request_reset(&account.email).await?;
    parts.check("reset request", expect_failure(ctx, &request, "requestPasswordResetEmail", m::LOCKED, INPUT));
    parts.finish()
}

fn prefix(stop: Stop, what: &str) -> Stop {
    match stop {
        Stop::Deviation(f) => {
            Stop::Deviation(Box::new(crate::check::Failure { summary: format!("{what}: {}", f.summary), ..*f }))
        }
        skip => skip,
    }
}

async fn update_customer(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    let field = "updateCustomerV2";
    let (_, token) = signed_up_and_in(s, "update").await?;
    let update = |token: Option<String>, input: Value| {
        let s = s.clone();
        async move { s.target.graphql_as(token.as_deref(), UPDATE, json!({ "input": input })).await }
    };
    let t = Some(token);
    let mut parts = Parts::new(ctx);
    let guest = update(None, json!({ "firstname": "Guest" })).await?;
    parts.check("guest", expect_failure(ctx, &guest, field, m::NOT_AUTHORIZED, AUTHORIZATION));
    parts.check(
        "empty input",
        expect_failure(ctx, &update(t.clone(), json!({})).await?, field, m::INPUT_REQUIRED, INPUT),
    );
    let message =
        if ctx.release().patch >= 8 { m::required_value("First Name") } else { m::required_missing(&["First Name"]) };
    let empty = update(t.clone(), json!({ "firstname": "" })).await?;
    parts.check("empty first name", expect_failure(ctx, &empty, field, &message, INPUT));
    let gender = update(t.clone(), json!({ "gender": 7 })).await?;
    parts.check("bad gender", expect_failure(ctx, &gender, field, &m::not_a_valid_gender(7), INPUT));
    let done = update(t, json!({ "firstname": "Ronnie", "lastname": "Costello-Smith" })).await?;
    let customer = json!({ "customer": { "firstname": "Ronnie", "lastname": "Costello-Smith" } });
    parts.check("update", expect_value(&done, field, &customer));
    parts.finish()
}

async fn update_email(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    let field = "updateCustomerEmail";
    let other = sign_up(s, "other").await?;
    let (account, token) = signed_up_and_in(s, "email").await?;
    let update = |token: Option<String>, email: String, password: String| {
        let s = s.clone();
        async move { s.target.graphql_as(token.as_deref(), UPDATE_EMAIL, json!({ "e": email, "p": password })).await }
    };
    let t = Some(token);
    let right = account.password.clone();
    let new_email = fresh_email(ctx, "moved");
    let mut parts = Parts::new(ctx);
    let guest = update(None, new_email.clone(), right.clone()).await?;
    parts.check("guest", expect_failure(ctx, &guest, field, m::NOT_AUTHORIZED, AUTHORIZATION));
    let wrong = update(t.clone(), new_email.clone(), "Wr0ng-Passw0rd!".into()).await?;
    parts.check("wrong password", expect_failure(ctx, &wrong, field, m::INVALID_LOGIN, AUTHENTICATION));
    let taken = update(t.clone(), other.email.clone(), right.clone()).await?;
    parts.check("taken", expect_failure(ctx, &taken, field, m::DUPLICATE_EMAIL, ALREADY_EXISTS));
    let invalid = update(t.clone(), "not-an-email".into(), right.clone()).await?;
    parts.check("invalid", expect_failure(ctx, &invalid, field, &m::not_a_valid_email("not-an-email"), INPUT));
    // The same address needs no password at all.
    let same = update(t.clone(), account.email.clone(), "Wr0ng-Passw0rd!".into()).await?;
    parts.check("same address", expect_value(&same, field, &json!({ "customer": { "email": account.email } })));
    let moved = update(t, new_email.clone(), right.clone()).await?;
    parts.check("new address", expect_value(&moved, field, &json!({ "customer": { "email": new_email } })));
    if !parts.failed() {
        let answer = s.target.sign_in(&new_email, &right).await?;
        parts.check("the new address signs in", super::lifecycle::expect_signed_in(&answer));
    }
    parts.finish()
}

async fn revoke(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    let (_, token) = signed_up_and_in(s, "revoke").await?;
    let mut parts = Parts::new(ctx);
    let guest = s.target.graphql_as(None, REVOKE, json!({})).await?;
    parts.check("guest", expect_failure(ctx, &guest, "revokeCustomerToken", m::NOT_AUTHORIZED, AUTHORIZATION));
    let first = s.target.graphql_as(Some(&token), REVOKE, json!({})).await?;
    parts.check("revoke", expect_value(&first, "revokeCustomerToken", &json!({ "result": true })));
    if ctx.release().patch <= 7 {
        // A revoked token makes a guest (section 0).
        let again = s.target.graphql_as(Some(&token), REVOKE, json!({})).await?;
        parts.check("again", expect_failure(ctx, &again, "revokeCustomerToken", m::NOT_AUTHORIZED, AUTHORIZATION));
        let customer = s.target.graphql_as(Some(&token), CUSTOMER, json!({})).await?;
        parts.check("customer", expect_failure(ctx, &customer, "customer", m::NOT_AUTHORIZED, AUTHORIZATION));
    } else {
        let customer = s.target.graphql_as(Some(&token), CUSTOMER, json!({})).await?;
        parts.check(
            "customer",
            ensure(
                customer.data("customer").is_none_or(|c| c.is_null()) && customer.message().is_some(),
                &customer,
                || "a revoked token still reads the customer".into(),
            ),
        );
        ctx.note("the exact answer to a revoked token on 2.4.8 is UNVERIFIED (magento-account-area.md section 0): only its refusal is checked");
    }
    parts.finish()
}

async fn store_config(s: &Session) -> CheckResult {
    let lifetime = if s.ctx.release().patch >= 7 { " customer_access_token_lifetime" } else { "" };
    let document = format!(
        "{{ storeConfig {{ minimum_password_length required_character_classes_number autocomplete_on_storefront create_account_confirmation{lifetime} }} }}"
    );
    let answer = s.target.graphql_as(None, &document, json!({})).await?;
    let body = answer.json()?;
    let config = &body["data"]["storeConfig"];
    let digits = |v: &Value| v.as_str().is_some_and(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()));
    let mut problems = Vec::new();
    for field in ["minimum_password_length", "required_character_classes_number"] {
        if !digits(&config[field]) {
            problems.push(format!("{field} is not a string of digits (String in the schema)"));
        }
    }
    for field in ["autocomplete_on_storefront", "create_account_confirmation"] {
        if !config[field].is_boolean() {
            problems.push(format!("{field} is not a Boolean"));
        }
    }
    let lifetime_value = &config["customer_access_token_lifetime"];
    if !(lifetime.is_empty() || lifetime_value.is_number() || lifetime_value.is_null()) {
        problems.push("customer_access_token_lifetime is not a Float".into());
    }
    ensure(answer.status == 200 && body.get("errors").is_none() && problems.is_empty(), &answer, || {
        format!(
            "storeConfig's customer fields: {}",
            if problems.is_empty() { "an error".into() } else { problems.join("; ") }
        )
    })
}

fn properties() -> Vec<Check> {
    vec![
        Check::new(
            "account/sign-up-invalid-by-construction",
            Area::Account,
            "sign-up inputs that break one documented rule get that rule's error",
            |ctx| async move {
                let (policy, release) = (ctx.inner().policy, ctx.release());
                let email = fresh_email(&ctx, "never");
                let strategy = invalid_sign_up(email, policy, release);
                let session = ctx.session("sign-up-invalid")?;
                // How many inputs broke each rule, for the report.
                let seen = std::rc::Rc::new(std::cell::RefCell::new(std::collections::BTreeMap::new()));
                let result = crate::property::check(
                    "account/sign-up-invalid-by-construction",
                    ctx.seed(),
                    ctx.cases(),
                    strategy,
                    |(rule, input)| {
                        let s = session.clone();
                        *seen.borrow_mut().entry(format!("{rule:?}")).or_insert(0usize) += 1;
                        async move {
                            let Some(message) = expected(rule, &input, release, policy) else { return Ok(()) };
                            let answer =
                                s.target.graphql_as(None, SIGN_UP, json!({ "input": input.variable() })).await?;
                            expect_failure(&s.ctx, &answer, "createCustomerV2", &message, INPUT)
                        }
                    },
                )
                .await;
                let counts: Vec<String> = seen.borrow().iter().map(|(rule, n)| format!("{rule} {n}")).collect();
                ctx.note(format!("inputs by rule broken: {}", counts.join(", ")));
                result.and(session.finish().await)
            },
        ),
        Check::new(
            "account/valid-password-signs-up-and-in",
            Area::Account,
            "a password valid by construction signs up, and then signs in",
            |ctx| async move {
                let cases = (ctx.cases() / 8).clamp(2, 8);
                let session = ctx.session("valid-password")?;
                let strategy = valid_password(ctx.inner().policy);
                let result = crate::property::check("account/valid-password-signs-up-and-in", ctx.seed(), cases, strategy, |password| {
                    let s = session.clone();
                    async move {
                        let email = fresh_email(&s.ctx, "valid");
                        let input = SignUp::valid(&email, &password);
                        let answer = s.target.graphql_as(None, SIGN_UP, json!({ "input": input.variable() })).await?;
                        let customer = json!({ "email": email, "firstname": "Conformance", "lastname": "Check", "is_subscribed": false });
                        expect_value(&answer, "createCustomerV2", &json!({ "customer": customer }))?;
                        super::lifecycle::expect_signed_in(&s.target.sign_in(&email, &password).await?)
                    }
                })
                .await;
                result.and(session.finish().await)
            },
        ),
        Check::new(
            "account/change-password-wrong-current",
            Area::Account,
            "changeCustomerPassword with generated wrong current passwords: Invalid login or password.",
            |ctx| async move {
                // Fewer than 10 failures on one account, which would lock it (section 2.3).
                let cases = (ctx.cases() / 4).clamp(3, 9);
                ctx.clone()
                    .with_session("wrong-current", |s| async move {
                        let (account, token) = signed_up_and_in(&s, "wrong").await?;
                        let right = account.password.clone();
                        let strategy = wrong_password(right.clone());
                        crate::property::check(
                            "account/change-password-wrong-current",
                            s.ctx.seed(),
                            cases,
                            strategy,
                            |wrong| {
                                let (s, token) = (s.clone(), token.clone());
                                async move {
                                    let answer = s
                                        .target
                                        .graphql_as(Some(&token), CHANGE, json!({ "c": wrong, "n": NEW_PASSWORD }))
                                        .await?;
                                    expect_failure(
                                        &s.ctx,
                                        &answer,
                                        "changeCustomerPassword",
                                        m::INVALID_LOGIN,
                                        AUTHENTICATION,
                                    )
                                }
                            },
                        )
                        .await?;
                        // The account still works with its password.
                        super::lifecycle::expect_signed_in(&s.target.sign_in(&account.email, &right).await?)
                    })
                    .await
            },
        ),
    ]
}

/// Wrong current passwords: near misses of `right` (one character changed, case flipped, an edge
/// space, cut short) and unrelated printable text; never blank after `trim`, never `right`.
pub fn wrong_password(right: String) -> impl Strategy<Value = String> {
    let near = (0usize..64, any::<char>().prop_filter("printable", |c| !c.is_control()), 0u8..4).prop_map({
        let right = right.clone();
        move |(at, c, how)| {
            let mut chars: Vec<char> = right.chars().collect();
            let at = at % chars.len();
            match how {
                0 => chars[at] = c,
                1 => {
                    chars[at] = if chars[at].is_ascii_uppercase() {
                        chars[at].to_ascii_lowercase()
                    } else {
                        chars[at].to_ascii_uppercase()
                    }
                }
                2 => chars.push(' '),
                _ => chars.truncate(at.max(1)),
            }
            chars.into_iter().collect::<String>()
        }
    });
    prop_oneof![near, "[ -~]{1,40}"].prop_filter("wrong and not blank", move |p| *p != right && !p.trim().is_empty())
}
