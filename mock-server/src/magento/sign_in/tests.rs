//! Signing in and the questions around it as decision tables (`magento-behaviour.md` section 6):
//! each row a situation and Magento's answer, run over [`Fake`] services with no server.

use time::Duration;

use super::{current_customer, generate_customer_token, is_email_available, revoke_customer_token};
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError::{self, *};
use crate::magento::testing::{Fake, defaults, request};
use crate::scenarios::State;

const JANE: &str = "jane.doe@example.com";
const PASSWORD: &str = "Password123!";

#[derive(Clone, Copy, Debug)]
enum Given {
    Fixtures,
    /// Six wrong passwords for Jane: the sign-in throttle's limit.
    SixFailures,
    /// The same, and the throttle's half hour has passed.
    SixFailuresHalfAnHourAgo,
}

fn given(given: Given) -> RequestContext<Fake> {
    let ctx = request(defaults(), Fake::with_fixtures());
    if let Given::SixFailures | Given::SixFailuresHalfAnHourAgo = given {
        for _ in 0..6 {
            assert_eq!(generate_customer_token(&ctx, JANE, "wrong", None), Err(SignInIncorrect));
        }
    }
    if let Given::SixFailuresHalfAnHourAgo = given {
        ctx.services.clock.advance(Duration::seconds(1800));
    }
    ctx
}

#[test]
fn a_sign_in_answers_the_first_check_that_fails() {
    type Row = (&'static str, Given, [&'static str; 2], Option<State>, Result<(), MagentoError>);
    #[rustfmt::skip]
    let rows: [Row; 16] = [
        ("an empty email", Given::Fixtures, ["", PASSWORD], None, Err(SpecifyValue { field: "email" })),
        ("empty email and password", Given::Fixtures, ["", ""], None, Err(SpecifyValue { field: "email" })),
        ("\"0\" as email, empty to PHP", Given::Fixtures, ["0", PASSWORD], None, Err(SpecifyValue { field: "email" })),
        ("an empty password", Given::Fixtures, [JANE, ""], None, Err(SpecifyValue { field: "password" })),
        ("an invalid email: not checked, just unknown", Given::Fixtures, ["plainaddress", PASSWORD], None, Err(SignInIncorrect)),
        ("an unknown email", Given::Fixtures, ["nobody@example.com", PASSWORD], None, Err(SignInIncorrect)),
        ("a locked account, right password", Given::Fixtures, ["locked@example.com", "Password1!"], None, Err(SignInIncorrect)),
        ("a wrong password", Given::Fixtures, [JANE, "wrong"], None, Err(SignInIncorrect)),
        ("the right password", Given::Fixtures, [JANE, PASSWORD], None, Ok(())),
        ("the email in another case", Given::Fixtures, ["Jane.Doe@Example.com", PASSWORD], None, Ok(())),
        ("the right password after six failures", Given::SixFailures, [JANE, PASSWORD], None, Err(SignInIncorrect)),
        ("the right password half an hour after them", Given::SixFailuresHalfAnHourAgo, [JANE, PASSWORD], None, Ok(())),
        ("scripted internal error", Given::Fixtures, [JANE, PASSWORD], Some(State::InternalError), Err(Internal)),
        ("scripted locked", Given::Fixtures, [JANE, PASSWORD], Some(State::Locked), Err(SignInIncorrect)),
        ("scripted unknown, arguments checked first", Given::Fixtures, [JANE, ""], Some(State::Unknown), Err(SpecifyValue { field: "password" })),
        ("scripted success, wrong password: the account decides", Given::Fixtures, [JANE, "wrong"], Some(State::Ok), Err(SignInIncorrect)),
    ];
    for (situation, before, [email, password], scripted, expected) in rows {
        let ctx = given(before);
        let answer = generate_customer_token(&ctx, email, password, scripted).map(|_| ());
        assert_eq!(answer, expected, "{situation}");
    }
}

#[test]
fn a_token_signs_in_until_it_is_revoked() {
    let mut ctx = given(Given::Fixtures);
    assert_eq!(current_customer(&ctx).map(|c| c.id), Err(CustomerNotAuthorized), "no token");
    let token = generate_customer_token(&ctx, JANE, PASSWORD, None).expect("signed in");
    ctx.bearer_token = Some(token);
    assert_eq!(current_customer(&ctx).map(|c| c.email), Ok(JANE.to_owned()));
    assert_eq!(revoke_customer_token(&ctx), Ok(true));
    assert_eq!(current_customer(&ctx).map(|c| c.id), Err(CustomerNotAuthorized), "revoked");
    assert_eq!(revoke_customer_token(&ctx), Err(CustomerNotAuthorized));
}

#[test]
fn a_token_expires_after_its_lifetime() {
    let mut ctx = given(Given::Fixtures);
    ctx.bearer_token = Some(generate_customer_token(&ctx, JANE, PASSWORD, None).expect("signed in"));
    ctx.services.clock.advance(Duration::hours(1));
    assert_eq!(current_customer(&ctx).map(|c| c.id), Err(CustomerNotAuthorized));
}

#[test]
fn email_availability_is_revealed_only_before_2_4_7() {
    type Row = (&'static str, &'static str, &'static str, Result<bool, MagentoError>);
    #[rustfmt::skip]
    let rows: [Row; 6] = [
        ("an empty email", "2.4.8", "", Err(IsEmailAvailableEmailRequired)),
        ("an invalid email", "2.4.8", "plainaddress", Err(IsEmailAvailableEmailInvalid)),
        ("a customer's email on 2.4.8", "2.4.8", JANE, Ok(true)),
        ("a customer's email on 2.4.7", "2.4.7", JANE, Ok(true)),
        ("a customer's email on 2.4.6", "2.4.6", JANE, Ok(false)),
        ("an unknown email on 2.4.6", "2.4.6", "nobody@example.com", Ok(true)),
    ];
    for (situation, release, email, expected) in rows {
        let mut settings = defaults();
        settings.magento_version = release.parse().expect("a release");
        let ctx = request(settings, Fake::with_fixtures());
        assert_eq!(is_email_available(&ctx, email), expected, "{situation}");
    }
}
