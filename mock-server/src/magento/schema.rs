//! The GraphQL schema the mock serves: Magento's types and descriptions for the password-reset
//! journey. No HTTP here: resolvers read a [`RequestContext`] and call the journey's modules.

use std::sync::Arc;

use async_graphql::{Context, EmptySubscription, Object, Schema, SimpleObject, ValidationMode};

use super::context::RequestContext;
use super::errors::MagentoError;
use super::{password_reset, sign_in};
use crate::scenarios::State;

pub type MagentoSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema. async-graphql validates only what webonyx's rules in `validation` leave to it
/// (fragment cycles): those rules already ran, with Magento's messages.
pub fn build_schema() -> MagentoSchema {
    Schema::build(Query, Mutation, EmptySubscription).validation_mode(ValidationMode::Fast).finish()
}

/// Runs a resolver's body and reports its failure Magento's way: the error is added to the
/// response and the field answers `null`, so the other fields of the document still run.
fn answer<T>(ctx: &Context<'_>, body: impl FnOnce(&RequestContext, Field<'_>) -> Result<T, MagentoError>) -> Option<T> {
    let key = ctx.item.node.response_key().node.as_str();
    let outcome = match ctx.data::<Arc<RequestContext>>() {
        Ok(request) => body(request, Field { key, scripted: request.scripted_state(key) }),
        Err(_) => Err(MagentoError::Internal),
    };
    outcome
        .map_err(|error| {
            let error = async_graphql::Error::from(error).into_server_error(ctx.item.pos);
            ctx.add_error(ctx.set_error_path(error));
        })
        .ok()
}

/// The field being answered: its response key, and the scripted state planned for it.
struct Field<'a> {
    key: &'a str,
    scripted: Option<State>,
}

pub struct Query;

#[Object]
impl Query {
    /// Return detailed information about a customer account.
    async fn customer(&self, ctx: &Context<'_>) -> Option<Customer> {
        answer(ctx, |request, _| {
            let customer = sign_in::current_customer(request)?;
            Ok(Customer {
                email: Some(customer.email),
                firstname: Some(customer.firstname),
                lastname: Some(customer.lastname),
            })
        })
    }

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

    /// Return details about the store's configuration.
    async fn store_config(&self, ctx: &Context<'_>) -> Option<StoreConfig> {
        answer(ctx, |request, _| {
            let store = &request.app.fixtures().store;
            Ok(StoreConfig {
                store_name: Some(store.view_name.clone()),
                minimum_password_length: Some(store.minimum_password_length.to_string()),
                required_character_classes_number: Some(store.required_character_classes_number.to_string()),
            })
        })
    }
}

pub struct Mutation;

#[Object]
impl Mutation {
    /// Generate a token for specified customer.
    async fn generate_customer_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer's email address.")] email: String,
        #[graphql(desc = "The customer's password.")] password: String,
    ) -> Option<CustomerToken> {
        answer(ctx, |request, field| {
            let token = sign_in::generate_customer_token(request, &email, &password, field.scripted)?;
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
        answer(ctx, |request, field| {
            let requested = password_reset::request_reset_email(request, &email, field.scripted)?;
            if let Some(message_id) = requested.message_id {
                request.note_captured(field.key, message_id);
            }
            Ok(requested.sent)
        })
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
            password_reset::reset_password(request, &email, &reset_password_token, &new_password, field.scripted)
        })
    }
}

/// Defines the customer name, addresses, and other details.
#[derive(SimpleObject)]
pub struct Customer {
    /// The customer's email address. Required.
    email: Option<String>,
    /// The customer's first name.
    firstname: Option<String>,
    /// The customer's family name.
    lastname: Option<String>,
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

/// Contains information about a store's configuration.
#[derive(SimpleObject)]
#[graphql(rename_fields = "snake_case")]
pub struct StoreConfig {
    /// The name of the store view.
    store_name: Option<String>,
    /// The minimum number of characters required for a valid password.
    minimum_password_length: Option<String>,
    /// The number of different character classes (lowercase, uppercase, digits, special characters) required in a password.
    required_character_classes_number: Option<String>,
}
