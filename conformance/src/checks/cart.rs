//! The carts a storefront touches around sign-in (magento-account-area.md section 8):
//! `createEmptyCart`, `customerCart`, `mergeCarts` and `cart(cart_id)` with their documented errors,
//! on accounts the checks sign up themselves.

use serde_json::json;

use super::account::{
    ALREADY_EXISTS, AUTHORIZATION, INPUT, NO_SUCH_ENTITY, expect_failure, expect_failure_no_data, expect_value,
    signed_up_and_in,
};
use crate::check::{Area, Check, CheckResult, Parts, Stop, ensure};
use crate::context::Session;
use crate::messages as m;
use crate::target::Answer;

const CREATE: &str = "mutation {\n  createEmptyCart\n}";
const CREATE_WITH_ID: &str = "mutation make($id: String) {\n  createEmptyCart(input: {cart_id: $id})\n}";
const CUSTOMER_CART: &str = "query {\n  customerCart {\n    id\n  }\n}";
const MERGE: &str = "mutation merge($s: String!, $d: String) {\n  mergeCarts(source_cart_id: $s, destination_cart_id: $d) {\n    id\n  }\n}";
const CART: &str = "query cart($id: String!) {\n  cart(cart_id: $id) {\n    id\n  }\n}";
/// 32 characters, so only the lookup can refuse it.
const UNKNOWN: &str = "NoSuchCartId0000000000000000000x";

/// A new cart: the guest's own, or the customer's active cart with `token`; checks the documented
/// masked id, 32 characters of `[a-zA-Z0-9]`.
async fn new_cart(s: &Session, token: Option<&str>) -> Result<String, Stop> {
    let answer = s.target.graphql_as(token, CREATE, json!({})).await?;
    masked_id(&answer, "createEmptyCart")
}

fn masked_id(answer: &Answer, field: &str) -> Result<String, Stop> {
    let id = answer.data(field).and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    ensure(answer.status == 200 && id.len() == 32 && id.bytes().all(|b| b.is_ascii_alphanumeric()), answer, || {
        format!("expected a masked cart id (32 characters of [a-zA-Z0-9]) in data.{field}")
    })?;
    Ok(id)
}

fn cart_check<F, Fut>(id: &'static str, about: &'static str, body: F) -> Check
where
    F: Fn(Session) -> Fut + Send + Sync + Copy + 'static,
    Fut: std::future::Future<Output = CheckResult> + 'static,
{
    Check::new(
        format!("cart/{id}"),
        Area::Cart,
        about,
        move |ctx| async move { ctx.clone().with_session(id, body).await },
    )
}

pub fn checks() -> Vec<Check> {
    vec![
        cart_check(
            "customer-cart-needs-sign-in",
            "customerCart as a guest: the documented error and no data",
            |s| async move {
                let answer = s.target.graphql_as(None, CUSTOMER_CART, json!({})).await?;
                expect_failure_no_data(&s.ctx, &answer, "customerCart", m::CART_SIGNED_IN_ONLY, AUTHORIZATION)
            },
        ),
        cart_check(
            "create-empty-cart",
            "a guest cart's masked id; a given id of the wrong length or already taken",
            |s| async move {
                let ctx = &s.ctx;
                let id = new_cart(&s, None).await?;
                let mut parts = Parts::new(ctx);
                let short = s.target.graphql_as(None, CREATE_WITH_ID, json!({ "id": "short" })).await?;
                parts.check("short id", expect_failure(ctx, &short, "createEmptyCart", m::CART_ID_LENGTH, INPUT));
                let taken = s.target.graphql_as(None, CREATE_WITH_ID, json!({ "id": id })).await?;
                parts.check(
                    "taken id",
                    expect_failure(ctx, &taken, "createEmptyCart", &m::cart_exists(&id), ALREADY_EXISTS),
                );
                parts.finish()
            },
        ),
        cart_check(
            "signed-in-cart-is-stable",
            "signed in, createEmptyCart and customerCart answer the same active cart",
            |s| async move {
                let (_, token) = signed_up_and_in(&s, "cart").await?;
                let first = new_cart(&s, Some(&token)).await?;
                let mut parts = Parts::new(&s.ctx);
                let again = s.target.graphql_as(Some(&token), CREATE, json!({})).await?;
                parts.check("createEmptyCart again", expect_value(&again, "createEmptyCart", &json!(first)));
                let customer_cart = s.target.graphql_as(Some(&token), CUSTOMER_CART, json!({})).await?;
                parts.check("customerCart", expect_value(&customer_cart, "customerCart", &json!({ "id": first })));
                let cart = s.target.graphql_as(Some(&token), CART, json!({ "id": first })).await?;
                parts.check("cart", expect_value(&cart, "cart", &json!({ "id": first })));
                parts.finish()
            },
        ),
        cart_check(
            "merge-carts",
            "mergeCarts' checks in order, the merge, and a merged cart merged again",
            |s| async move { merge(&s).await },
        ),
        cart_check(
            "cart-errors",
            "cart(cart_id): empty, unknown, someone else's, and a merged guest cart",
            |s| async move { cart_errors(&s).await },
        ),
    ]
}

async fn merge(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    let field = "mergeCarts";
    let (_, token) = signed_up_and_in(s, "merge").await?;
    let (_, other_token) = signed_up_and_in(s, "merge-other").await?;
    let mine = new_cart(s, Some(&token)).await?;
    let theirs = new_cart(s, Some(&other_token)).await?;
    let guest = new_cart(s, None).await?;
    let merge = |token: Option<String>, source: &str, destination: &str| {
        let (s, variables) = (s.clone(), json!({ "s": source, "d": destination }));
        async move { s.target.graphql_as(token.as_deref(), MERGE, variables).await }
    };
    let t = Some(token.clone());
    let mut parts = Parts::new(ctx);
    let as_guest = merge(None, &guest, &mine).await?;
    parts.check("guest", expect_failure_no_data(ctx, &as_guest, field, m::NOT_AUTHORIZED, AUTHORIZATION));
    let no_source = merge(t.clone(), "", &mine).await?;
    parts.check("empty source", expect_failure_no_data(ctx, &no_source, field, m::SOURCE_CART_MISSING, INPUT));
    let no_destination = merge(t.clone(), &guest, "").await?;
    parts.check(
        "empty destination",
        expect_failure_no_data(ctx, &no_destination, field, m::DESTINATION_CART_EMPTY, INPUT),
    );
    let unknown = merge(t.clone(), UNKNOWN, &mine).await?;
    parts.check(
        "unknown source",
        expect_failure_no_data(ctx, &unknown, field, &m::no_such_cart(UNKNOWN), NO_SUCH_ENTITY),
    );
    let foreign = merge(t.clone(), &theirs, &mine).await?;
    parts.check(
        "another customer's source",
        expect_failure_no_data(ctx, &foreign, field, &m::cart_not_yours(&theirs), AUTHORIZATION),
    );
    let done = merge(t.clone(), &guest, &mine).await?;
    parts.check("merge", expect_value(&done, field, &json!({ "id": mine })));
    let again = merge(t, &guest, &mine).await?;
    parts.check("merged again", expect_failure_no_data(ctx, &again, field, m::CART_INACTIVE, NO_SUCH_ENTITY));
    parts.finish()
}

async fn cart_errors(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    let field = "cart";
    let (_, token) = signed_up_and_in(s, "cart-errors").await?;
    let mine = new_cart(s, Some(&token)).await?;
    let guest = new_cart(s, None).await?;
    let merged = s.target.graphql_as(Some(&token), MERGE, json!({ "s": guest, "d": mine })).await?;
    expect_value(&merged, "mergeCarts", &json!({ "id": mine }))?;
    let read = |token: Option<String>, id: &str| {
        let (s, variables) = (s.clone(), json!({ "id": id }));
        async move { s.target.graphql_as(token.as_deref(), CART, variables).await }
    };
    let t = Some(token);
    let mut parts = Parts::new(ctx);
    parts.check("empty id", expect_failure(ctx, &read(t.clone(), "").await?, field, m::CART_ID_MISSING, INPUT));
    let unknown = read(t.clone(), UNKNOWN).await?;
    parts.check("unknown", expect_failure(ctx, &unknown, field, &m::no_such_cart(UNKNOWN), NO_SUCH_ENTITY));
    let foreign = read(None, &mine).await?;
    parts.check(
        "a guest reads a customer's cart",
        expect_failure(ctx, &foreign, field, &m::cart_not_yours(&mine), AUTHORIZATION),
    );
    let inactive = read(None, &guest).await?;
    parts.check("a merged guest cart", expect_failure(ctx, &inactive, field, m::CART_INACTIVE, NO_SUCH_ENTITY));
    parts.finish()
}
