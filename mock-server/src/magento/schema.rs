//! The GraphQL schema the mock serves: Magento's types and descriptions for the password-reset
//! journey. No HTTP here: resolvers read a [`RequestContext`] and call the journey's modules.

use std::sync::Arc;

use async_graphql::{Context, EmptySubscription, MergedObject, Object, Schema, SimpleObject, ValidationMode};

use super::context::RequestContext;
use super::errors::MagentoError;
use super::{account, cart, direct, sign_in, store};
use crate::scenarios::State;

pub type MagentoSchema = Schema<Query, Mutation, EmptySubscription>;

// Every query, one operation module each (CONTRIBUTING.md, "Adding a GraphQL operation"). Not a doc
// comment: Magento's `Query` has no description.
#[derive(MergedObject, Default)]
pub struct Query(
    CoreQuery,
    account::customer::CustomerQuery,
    cart::cart_query::CartQuery,
    cart::customer_cart::CustomerCartQuery,
    store::recaptcha::RecaptchaQuery,
    store::store_config::StoreConfigQuery,
);

// Every mutation, one operation module each (no description in Magento either).
#[derive(MergedObject, Default)]
pub struct Mutation(
    CoreMutation,
    account::create_customer::CreateCustomerMutation,
    account::change_password::ChangePasswordMutation,
    account::confirm_email::ConfirmEmailMutation,
    account::resend_confirmation::ResendConfirmationMutation,
    account::update_customer::UpdateCustomerMutation,
    account::update_customer_email::UpdateCustomerEmailMutation,
    cart::create_empty_cart::CreateEmptyCartMutation,
    cart::merge_carts::MergeCartsMutation,
);

/// The schema. async-graphql validates only what webonyx's rules in `validation` leave to it
/// (fragment cycles): those rules already ran, with Magento's messages.
pub fn build_schema() -> MagentoSchema {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .validation_mode(ValidationMode::Fast)
        .finish()
}

/// Runs a resolver's body and reports its failure Magento's way: the error is added to the
/// response and the field answers `null`, so the other fields of the document still run.
pub(crate) fn answer<T>(
    ctx: &Context<'_>,
    body: impl FnOnce(&RequestContext, Field<'_>) -> Result<T, MagentoError>,
) -> Option<T> {
    run(ctx, body)
        .map_err(|error| {
            let error = async_graphql::Error::from(error).into_server_error(ctx.item.pos);
            ctx.add_error(ctx.set_error_path(error));
        })
        .ok()
}

/// [`answer`] for a non-null field (`Cart!`): its failure nulls the whole `data`, which Magento
/// then leaves out of the answer.
pub(crate) fn answer_non_null<T>(
    ctx: &Context<'_>,
    body: impl FnOnce(&RequestContext, Field<'_>) -> Result<T, MagentoError>,
) -> async_graphql::Result<T> {
    run(ctx, body).map_err(async_graphql::Error::from)
}

fn run<T>(
    ctx: &Context<'_>,
    body: impl FnOnce(&RequestContext, Field<'_>) -> Result<T, MagentoError>,
) -> Result<T, MagentoError> {
    let key = ctx.item.node.response_key().node.as_str();
    match ctx.data::<Arc<RequestContext>>() {
        Ok(request) if !request.recaptcha_passes(ctx.item.node.name.node.as_str()) => {
            Err(MagentoError::RecaptchaFailed)
        }
        Ok(request) => body(request, Field { key, scripted: request.scripted_state(key) }),
        Err(_) => Err(MagentoError::Internal),
    }
}

/// The field being answered: its response key, and the scripted state planned for it.
pub(crate) struct Field<'a> {
    pub(crate) key: &'a str,
    pub(crate) scripted: Option<State>,
}

#[derive(Default)]
pub struct CoreQuery;

#[Object]
impl CoreQuery {
    /// Check whether the specified email has already been used to create a customer account.
    async fn is_email_available(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The email address to check.")] email: String,
    ) -> Option<IsEmailAvailableOutput> {
        answer(ctx, |request, _| {
            let available = sign_in::is_email_available(request, &email)?;
            Ok(IsEmailAvailableOutput { is_email_available: Some(available) })
        })
    }
}

#[derive(Default)]
pub struct CoreMutation;

#[Object]
impl CoreMutation {
    /// Generate a token for specified customer.
    async fn generate_customer_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer's email address.")] email: String,
        #[graphql(desc = "The customer's password.")] password: String,
    ) -> Option<CustomerToken> {
        answer(ctx, |request, field| {
            let token = direct::generate_customer_token(request, field.key, &email, &password)?;
            Ok(CustomerToken { token: Some(token) })
        })
    }

    /// Revoke the customer token.
    async fn revoke_customer_token(&self, ctx: &Context<'_>) -> Option<RevokeCustomerTokenOutput> {
        answer(ctx, |request, _| Ok(RevokeCustomerTokenOutput { result: sign_in::revoke_customer_token(request)? }))
    }

    /// Request an email with a reset password token for the registered customer identified by the specified email.
    async fn request_password_reset_email(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer's email address.")] email: String,
    ) -> Option<bool> {
        answer(ctx, |request, field| direct::request_password_reset_email(request, field.key, &email))
    }

    /// Reset a customer's password using the reset password token that the customer received in an email after requesting it using `requestPasswordResetEmail`.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer's email address.")] email: String,
        #[graphql(desc = "A runtime token generated by the `requestPasswordResetEmail` mutation.")]
        reset_password_token: String,
        #[graphql(desc = "The customer's new password.")] new_password: String,
    ) -> Option<bool> {
        answer(ctx, |request, field| {
            direct::reset_password(request, field.key, &email, &reset_password_token, &new_password)
        })
    }
}

/// Contains a customer authorization token.
#[derive(SimpleObject)]
pub struct CustomerToken {
    /// The customer authorization token.
    token: Option<String>,
}

/// Contains the result of a request to revoke a customer token.
#[derive(SimpleObject)]
pub struct RevokeCustomerTokenOutput {
    /// The result of a request to revoke a customer token.
    result: bool,
}

/// Contains the result of the `isEmailAvailable` query.
#[derive(SimpleObject)]
#[graphql(rename_fields = "snake_case")]
pub struct IsEmailAvailableOutput {
    /// Indicates whether the specified email address can be used to create a customer.
    is_email_available: Option<bool>,
}
