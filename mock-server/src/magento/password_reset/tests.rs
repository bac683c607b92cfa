//! The two mutations' checks as decision tables (`magento-behaviour.md` sections 2 and 3): each
//! row a situation and Magento's answer, run over [`Fake`] services with no server.

use time::Duration;

use super::{request_reset_email, reset_password};
use crate::magento::context::{RequestContext, Services};
use crate::magento::errors::MagentoError::{self, *};
use crate::magento::settings::{Enumeration, Throttle};
use crate::magento::testing::{Fake, defaults, request};
use crate::mail::stored::Content;
use crate::scenarios::State;

const RONI: &str = "roni_cost@example.com";
const LOCKED: &str = "locked@example.com";
const NOBODY: &str = "nobody@example.com";

/// What is true before the request.
#[derive(Clone, Copy, Debug)]
enum Given {
    /// The built-in fixtures, the server's defaults.
    Fixtures,
    /// `"enumeration": "uniform"`: unknown emails answered like known ones.
    Uniform,
    /// `--throttle web-forms`, and a reset was requested for the same email a minute ago.
    WebFormsThrottleAfterARequest,
    /// `--throttle magento` (GraphQL never throttled), and a request a minute ago.
    MagentoThrottleAfterARequest,
    /// A reset token ([`STORED`]) was stored for the customer.
    StoredToken,
    /// The stored token is as old as its lifetime (2 hours by default).
    ExpiredToken,
    /// The stored token, on a 2.4.1 store (which hides why a reset failed).
    StoredTokenOn241,
}

const STORED: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";

fn given(given: Given, email: &str) -> RequestContext<Fake> {
    let mut settings = defaults();
    match given {
        Given::Uniform => settings.enumeration = Enumeration::Uniform,
        Given::WebFormsThrottleAfterARequest => settings.throttle = Throttle::WebForms,
        Given::StoredTokenOn241 => settings.magento_version = "2.4.1".parse().expect("a release"),
        Given::Fixtures | Given::MagentoThrottleAfterARequest | Given::StoredToken | Given::ExpiredToken => {}
    }
    let ctx = request(settings, Fake::with_fixtures());
    match given {
        Given::WebFormsThrottleAfterARequest | Given::MagentoThrottleAfterARequest => {
            request_reset_email(&ctx, email, None).expect("the first request is admitted");
            ctx.services.clock.advance(Duration::minutes(1));
        }
        Given::StoredToken | Given::StoredTokenOn241 => {
            ctx.services.accounts().store_reset_token(email, STORED.to_owned(), ctx.services.now());
        }
        Given::ExpiredToken => {
            ctx.services.accounts().store_reset_token(email, STORED.to_owned(), ctx.services.now());
            ctx.services.clock.advance(Duration::hours(2));
        }
        Given::Fixtures | Given::Uniform => {}
    }
    ctx
}

/// `requestPasswordResetEmail`: the answer, and how many emails it sent.
#[test]
fn a_reset_request_answers_the_first_check_that_fails() {
    type Row = (&'static str, Given, &'static str, Option<State>, Result<bool, MagentoError>, usize);
    #[rustfmt::skip]
    let rows: [Row; 18] = [
        ("an empty email", Given::Fixtures, "", None, Err(EmailRequired), 0),
        ("\"0\", empty to PHP", Given::Fixtures, "0", None, Err(EmailRequired), 0),
        ("an invalid email", Given::Fixtures, "plainaddress", None, Err(EmailInvalid), 0),
        ("an invalid email, scripted locked", Given::Fixtures, "plainaddress", Some(State::Locked), Err(EmailInvalid), 0),
        ("an unknown email", Given::Fixtures, NOBODY, None, Err(CannotResetPassword), 0),
        ("an unknown email, enumeration hidden", Given::Uniform, NOBODY, None, Ok(true), 0),
        ("a locked account", Given::Fixtures, LOCKED, None, Err(AccountLocked), 0),
        ("a second request within 10 minutes, web-forms throttle", Given::WebFormsThrottleAfterARequest, RONI, None, Err(CannotResetPassword), 0),
        ("a second request within 10 minutes, as Magento", Given::MagentoThrottleAfterARequest, RONI, None, Ok(true), 1),
        ("a known, unlocked account", Given::Fixtures, RONI, None, Ok(true), 1),
        ("scripted unknown", Given::Fixtures, RONI, Some(State::Unknown), Err(CannotResetPassword), 0),
        ("scripted unknown, enumeration hidden", Given::Uniform, RONI, Some(State::Unknown), Ok(true), 0),
        ("scripted throttled", Given::Fixtures, RONI, Some(State::Throttled), Err(CannotResetPassword), 0),
        ("scripted locked", Given::Fixtures, RONI, Some(State::Locked), Err(AccountLocked), 0),
        ("scripted internal error", Given::Fixtures, RONI, Some(State::InternalError), Err(Internal), 0),
        ("scripted mail failure: false, with no error", Given::Fixtures, RONI, Some(State::MailFailure), Ok(false), 0),
        ("scripted success for a locked account", Given::Fixtures, LOCKED, Some(State::Ok), Ok(true), 1),
        ("scripted success for an unknown email", Given::Fixtures, NOBODY, Some(State::Ok), Ok(true), 1),
    ];
    for (situation, before, email, scripted, expected, mails) in rows {
        let ctx = given(before, email);
        let sent_before = ctx.services.mails();
        let answer = request_reset_email(&ctx, email, scripted).map(|requested| requested.sent);
        assert_eq!(answer, expected, "{situation}");
        assert_eq!(ctx.services.mails() - sent_before, mails, "emails sent: {situation}");
    }
}

#[test]
fn a_failed_mail_still_replaces_the_reset_token() {
    let ctx = given(Given::StoredToken, RONI);
    request_reset_email(&ctx, RONI, Some(State::MailFailure)).expect("answered false");
    let accounts = ctx.services.accounts();
    let token = accounts.find(RONI).and_then(|customer| customer.reset_token()).expect("a token");
    assert!(!token.matches(STORED), "Magento saves the new token before it sends the email");
}

/// `resetPassword`.
#[test]
fn a_password_reset_answers_the_first_check_that_fails() {
    type Row = (&'static str, Given, [&'static str; 3], Option<State>, Result<bool, MagentoError>);
    let good = "N3w-Passw0rd!";
    #[rustfmt::skip]
    let rows: [Row; 22] = [
        ("an empty email", Given::StoredToken, ["", STORED, good], None, Err(EmailRequired)),
        ("an invalid email", Given::StoredToken, ["plainaddress", STORED, good], None, Err(EmailInvalid)),
        ("an empty token", Given::StoredToken, [RONI, "", good], None, Err(TokenRequired)),
        ("a token of \"0\"", Given::StoredToken, [RONI, "0", good], None, Err(TokenRequired)),
        ("an empty password", Given::StoredToken, [RONI, STORED, ""], None, Err(NewPasswordRequired)),
        ("an empty token for an unknown email", Given::Fixtures, [NOBODY, "", good], None, Err(TokenRequired)),
        ("an unknown email", Given::Fixtures, [NOBODY, STORED, good], None, Err(CannotSetPassword)),
        ("a locked account, wrong token", Given::Fixtures, [LOCKED, "wrong", good], None, Err(AccountLocked)),
        ("no token stored", Given::Fixtures, [RONI, STORED, good], None, Err(TokenMismatched)),
        ("another token", Given::StoredToken, [RONI, "wrong", good], None, Err(TokenMismatched)),
        ("an expired token", Given::ExpiredToken, [RONI, STORED, good], None, Err(TokenExpired)),
        ("an expired token and a weak password", Given::ExpiredToken, [RONI, STORED, "new_"], None, Err(TokenExpired)),
        ("the email as password", Given::StoredToken, [RONI, STORED, "Roni_Cost@Example.com"], None, Err(PasswordSameAsEmail)),
        ("a short password", Given::StoredToken, [RONI, STORED, "new_"], None, Err(PasswordTooShort { minimum: 8 })),
        ("a space at the end", Given::StoredToken, [RONI, STORED, "N3w-Passw0rd! "], None, Err(PasswordEdgeWhitespace)),
        ("two character classes", Given::StoredToken, [RONI, STORED, "new_password"], None, Err(PasswordTooFewClasses { required: 3 })),
        ("the stored token and a good password", Given::StoredToken, [RONI, STORED, good], None, Ok(true)),
        ("another token, on 2.4.1", Given::StoredTokenOn241, [RONI, "wrong", good], None, Err(CannotSetPassword)),
        ("scripted unknown", Given::StoredToken, [RONI, STORED, good], Some(State::Unknown), Err(CannotSetPassword)),
        ("scripted locked", Given::StoredToken, [RONI, STORED, good], Some(State::Locked), Err(AccountLocked)),
        ("scripted internal error", Given::StoredToken, [RONI, STORED, good], Some(State::InternalError), Err(Internal)),
        ("scripted success with any token", Given::Fixtures, [RONI, "anything", good], Some(State::Ok), Ok(true)),
    ];
    for (situation, before, [email, token, password], scripted, expected) in rows {
        let ctx = given(before, email);
        assert_eq!(reset_password(&ctx, email, token, password, scripted), expected, "{situation}");
    }
}

#[test]
fn a_reset_token_works_once_and_sets_the_password() {
    let ctx = given(Given::StoredToken, RONI);
    assert_eq!(reset_password(&ctx, RONI, STORED, "N3w-Passw0rd!", None), Ok(true));
    assert_eq!(reset_password(&ctx, RONI, STORED, "An0ther-Passw0rd", None), Err(TokenMismatched));
    let accounts = ctx.services.accounts();
    assert!(accounts.find(RONI).is_some_and(|customer| customer.password_matches("N3w-Passw0rd!")));
}

#[test]
fn the_reset_email_links_to_the_storefront_with_the_stored_token() {
    let ctx = given(Given::Fixtures, RONI);
    request_reset_email(&ctx, RONI, None).expect("sent");
    let outbox = ctx.services.outbox.lock().expect("not poisoned");
    let Some((_, Content::Reset(email))) = outbox.first() else { panic!("a reset email") };
    let link = &email.link;
    assert!(
        link.starts_with(
            "http://localhost:3000/customer/account/createPassword/?email=roni_cost%40example.com&id=1&token="
        ),
        "{link}"
    );
    let token = &link[link.len() - super::TOKEN_LENGTH..];
    let token = token.to_owned();
    drop(outbox);
    assert_eq!(reset_password(&ctx, RONI, &token, "N3w-Passw0rd!", None), Ok(true));
}
