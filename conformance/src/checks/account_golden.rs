//! Golden files of the account area (`snapshots/<release>/account-*.snap`, recorded from a real
//! store with `conformance record`): sign-up's answers and errors, sign-in, `customer`,
//! `changeCustomerPassword`, `updateCustomerV2`, `updateCustomerEmail`, `revokeCustomerToken`, a
//! guest's carts, `storeConfig`, `availableStores` and `recaptchaV3Config`. Each case signs up its
//! own fresh account; its address is written `new@example.com` in the answer (and a masked cart
//! id `[cart]`), so that the answers of two stores or two runs compare.

use serde_json::{Value, json};

use super::account::{CUSTOMER, SIGN_UP, fresh_email, signed_up_and_in};
use super::snapshots::{compare, expected};
use crate::check::{Area, Check, Stop};
use crate::context::Session;
use crate::golden::ACCOUNT_CASES;
use crate::sign_up::SignUp;
use crate::target::Answer;

/// One check per account case, compared with its golden file as the documented cases are.
pub fn checks() -> Vec<Check> {
    ACCOUNT_CASES
        .iter()
        .map(|case| {
            let case: &'static str = case;
            Check::new(
                format!("snapshot/{case}"),
                Area::Snapshots,
                format!("golden file {case}"),
                move |ctx| async move {
                    expected(&ctx, case)?;
                    ctx.clone()
                        .with_session(&format!("snapshot-{case}"), |s| async move {
                            let answer = produce(&s, case).await?;
                            compare(&s.ctx, case, &answer)
                        })
                        .await
                },
            )
        })
        .collect()
}

/// Where a fresh account's address stands in the golden files.
pub const NEW_EMAIL: &str = "new@example.com";

const CUSTOMER_FIELDS: &str = "query {\n  customer {\n    firstname\n    lastname\n    email\n    is_subscribed\n    date_of_birth\n    gender\n    addresses {\n      id\n    }\n  }\n}";
const CHANGE: &str = "mutation change($c: String!, $n: String!) {\n  changeCustomerPassword(currentPassword: $c, newPassword: $n) {\n    email\n    firstname\n  }\n}";
const UPDATE: &str = "mutation update($input: CustomerUpdateInput!) {\n  updateCustomerV2(input: $input) {\n    customer {\n      firstname\n      lastname\n      email\n    }\n  }\n}";
const UPDATE_EMAIL: &str = "mutation updateEmail($e: String!, $p: String!) {\n  updateCustomerEmail(email: $e, password: $p) {\n    customer {\n      email\n    }\n  }\n}";
const REVOKE: &str = "mutation {\n  revokeCustomerToken {\n    result\n  }\n}";
const CREATE_EMPTY_CART: &str = "mutation {\n  cartId: createEmptyCart\n}";
const CUSTOMER_CART: &str = "query {\n  customerCart {\n    id\n  }\n}";
const STORE_CONFIG: &str = "{\n  storeConfig {\n    store_code\n    store_group_code\n    website_code\n    locale\n    minimum_password_length\n    required_character_classes_number\n    customer_access_token_lifetime\n    create_account_confirmation\n    autocomplete_on_storefront\n  }\n}";
const AVAILABLE_STORES: &str = "{\n  availableStores {\n    store_code\n    store_group_code\n    website_code\n    locale\n    is_default_store\n    is_default_store_group\n  }\n}";
const RECAPTCHA: &str = "{\n  recaptchaV3Config {\n    is_enabled\n    website_key\n    minimum_score\n    badge_position\n    language_code\n    failure_message\n    forms\n  }\n}";
const NEW_PASSWORD: &str = "N3w-Passw0rd!";

/// The answer with the fresh address written [`NEW_EMAIL`].
fn placed(mut answer: Answer, email: &str) -> Answer {
    answer.body = answer.body.replace(email, NEW_EMAIL);
    answer
}

/// Sends the request(s) of account `case`; answers the one the golden file holds.
pub async fn produce(s: &Session, case: &str) -> Result<Answer, Stop> {
    let t = &s.target;
    let sign_up =
        |input: SignUp| async move { t.graphql_as(None, SIGN_UP, json!({ "input": input.variable() })).await };
    let email = fresh_email(&s.ctx, "golden");
    let valid = SignUp::valid(&email, "Cf-Golden-Passw0rd");
    let answer = match case {
        "account-sign-up" => sign_up(valid).await?,
        "account-sign-up-duplicate" => {
            super::account::expect_value(
                &sign_up(valid.clone()).await?,
                "createCustomerV2",
                &json!({ "customer": { "email": email, "firstname": "Conformance", "lastname": "Check", "is_subscribed": false } }),
            )?;
            sign_up(valid).await?
        }
        "account-sign-up-required-fields" => {
            sign_up(SignUp { firstname: String::new(), lastname: String::new(), email: String::new(), ..valid }).await?
        }
        "account-sign-up-invalid-email" => sign_up(SignUp { email: "plainaddress".into(), ..valid }).await?,
        "account-sign-up-invalid-gender" => sign_up(SignUp { gender: Some(9), ..valid }).await?,
        "account-sign-up-password-too-short" => sign_up(SignUp { password: Some("Ab1!".into()), ..valid }).await?,
        "account-sign-in" => {
            let account = super::account::sign_up(s, "golden-in").await?;
            let answer = t.sign_in(&account.email, &account.password).await?;
            return Ok(placed(answer, &account.email));
        }
        "account-customer-guest" => t.graphql_as(None, CUSTOMER, json!({})).await?,
        "account-customer-cart-guest" => t.graphql_as(None, CUSTOMER_CART, json!({})).await?,
        "account-create-empty-cart-guest" => {
            let mut answer = t.graphql_as(None, CREATE_EMPTY_CART, json!({})).await?;
            if let Some(Value::String(id)) = answer.data("cartId") {
                answer.body = answer.body.replace(&id, "[cart]");
            }
            answer
        }
        "account-store-config" => t.graphql(STORE_CONFIG).await?,
        "account-available-stores" => t.graphql(AVAILABLE_STORES).await?,
        "account-recaptcha-v3-config" => t.graphql(RECAPTCHA).await?,
        _ => return signed_in_case(s, case).await,
    };
    Ok(placed(answer, &email))
}

/// The cases of a signed-in customer.
async fn signed_in_case(s: &Session, case: &str) -> Result<Answer, Stop> {
    let t = &s.target;
    let (account, token) = signed_up_and_in(s, "golden").await?;
    let as_customer = |document: &'static str, variables: Value| {
        let token = token.clone();
        async move { t.graphql_as(Some(&token), document, variables).await }
    };
    let answer = match case {
        "account-customer" => as_customer(CUSTOMER_FIELDS, json!({})).await?,
        "account-change-password-wrong-current" => {
            as_customer(CHANGE, json!({ "c": "Wr0ng-Passw0rd!", "n": NEW_PASSWORD })).await?
        }
        // A fresh account of the run: nothing to restore afterwards.
        "account-change-password" => as_customer(CHANGE, json!({ "c": account.password, "n": NEW_PASSWORD })).await?,
        "account-update-customer" => {
            as_customer(UPDATE, json!({ "input": { "firstname": "Renamed", "lastname": "Customer" } })).await?
        }
        "account-update-customer-email-wrong-password" => {
            let other = fresh_email(&s.ctx, "golden-other");
            let answer = as_customer(UPDATE_EMAIL, json!({ "e": other, "p": "Wr0ng-Passw0rd!" })).await?;
            placed(answer, &other)
        }
        "account-revoke-token" => as_customer(REVOKE, json!({})).await?,
        other => return Err(Stop::error(format!("the suite does not know how to send {other}"))),
    };
    Ok(placed(answer, &account.email))
}
