//! `resendConfirmationEmail(email)` (2.4.8): the confirmation email again, for an account a store
//! that requires confirmation made and that is still unconfirmed (2.4.8-beta1
//! `CGQL/Model/Resolver/ResendConfirmationEmail.php`, then `CUS/Model/AccountManagement.php::
//! resendConfirmation`; `docs/magento-account-area.md` section 1.5).

use std::sync::Arc;

use async_graphql::{Context, Object};

use super::confirm_email::confirmation_link;
use super::emails::{self, Kind};
use crate::magento::context::RequestContext;
use crate::magento::email_address::is_valid_email;
use crate::magento::errors::MagentoError;
use crate::magento::schema::answer;
use crate::magento::scripted::Refusals;
use crate::mail::Mailbox;
use crate::scenarios::State;

#[derive(Default)]
pub struct ResendConfirmationMutation;

#[Object]
impl ResendConfirmationMutation {
    /// Resends the confirmation email to a customer.
    async fn resend_confirmation_email(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The email address to send the confirmation email to.")] email: String,
    ) -> Option<bool> {
        answer(ctx, |request, field| {
            let message_id = resend_confirmation_email(request, &email, field.scripted)?;
            if let Some(message_id) = message_id {
                request.note_captured(field.key, message_id);
            }
            Ok(true)
        })
    }
}

/// The resolver's order: the email's validator, the account of the request's website
/// (`customerRepository->get($email)`, no website named), `Confirmation isn't needed.` for an
/// account without a key, then the email. A transport failure is logged and the answer is still
/// `true` (`resendConfirmation` returns `false`, which the resolver ignores); any other exception
/// reads as the resolver's catch-all. The id of the captured email, when one was sent.
pub fn resend_confirmation_email(
    ctx: &RequestContext,
    email: &str,
    scripted: Option<State>,
) -> Result<Option<Arc<str>>, MagentoError> {
    // Every exception of `resendConfirmation` is caught: an internal failure reads as the
    // resolver's catch-all. No lock or throttle is consulted; a mail failure is decided below.
    Refusals { unknown: Some(MagentoError::ResendNoSuchCustomer), locked: None }
        .check(scripted)
        .map_err(|error| if error == MagentoError::Internal { MagentoError::ResendFailed } else { error })?;
    if !is_valid_email(email) {
        return Err(MagentoError::ResendEmailInvalid);
    }
    let accounts = ctx.services.accounts();
    let customer = accounts.find(email).cloned().ok_or(MagentoError::ResendNoSuchCustomer)?;
    drop(accounts);
    let key = customer.profile.confirmation.as_deref().ok_or(MagentoError::ConfirmationNotNeeded)?;
    if scripted.is_some_and(State::fails_mail) {
        return Ok(None);
    }
    let confirm_link = confirmation_link(ctx.services.storefront_url(), customer.id, key);
    let recipient = Mailbox { name: customer.name(), address: customer.email.clone() };
    emails::send(ctx, Kind::Confirmation { confirm_link }, recipient).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::magento::context::Services;
    use crate::magento::errors::MagentoError::*;
    use crate::magento::testing::{Fake, defaults, request};

    const JANE: &str = "jane.doe@example.com";

    /// The fixtures, with Jane still waiting for confirmation when `unconfirmed`.
    fn given(unconfirmed: bool) -> RequestContext<Fake> {
        let ctx = request(defaults(), Fake::with_fixtures());
        if unconfirmed {
            let mut accounts = ctx.services.accounts();
            let id = accounts.find(JANE).map(|c| c.id).unwrap();
            accounts.update(id, |c| c.profile.confirmation = Some("K3Y".into()));
        }
        ctx
    }

    #[test]
    fn a_resend_answers_the_first_check_that_fails_and_mails_only_on_success() {
        type Row = (&'static str, bool, &'static str, Option<State>, Result<bool, MagentoError>, usize);
        #[rustfmt::skip]
        let rows: [Row; 10] = [
            ("not an email", true, "plainaddress", None, Err(ResendEmailInvalid), 0),
            ("no such account", true, "nobody@example.com", None, Err(ResendNoSuchCustomer), 0),
            ("an account with no key", false, JANE, None, Err(ConfirmationNotNeeded), 0),
            ("an unconfirmed account", true, JANE, None, Ok(true), 1),
            ("its email in another case", true, "Jane.Doe@Example.com", None, Ok(true), 1),
            ("scripted internal error: the resolver's catch-all", true, JANE, Some(State::InternalError), Err(ResendFailed), 0),
            ("scripted unknown", true, JANE, Some(State::Unknown), Err(ResendNoSuchCustomer), 0),
            ("scripted mail failure: still true, nothing sent", true, JANE, Some(State::MailFailure), Ok(false), 0),
            ("scripted locked: no lock is consulted", true, JANE, Some(State::Locked), Ok(true), 1),
            ("scripted mail failure on a confirmed account", false, JANE, Some(State::MailFailure), Err(ConfirmationNotNeeded), 0),
        ];
        for (situation, unconfirmed, email, scripted, expected, mails) in rows {
            let ctx = given(unconfirmed);
            let mailed = resend_confirmation_email(&ctx, email, scripted).map(|id| id.is_some());
            assert_eq!(mailed, expected, "{situation}");
            assert_eq!(ctx.services.mails(), mails, "{situation}");
        }
    }
}
