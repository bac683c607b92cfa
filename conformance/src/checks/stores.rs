//! Multi-store and reCAPTCHA (magento-account-area.md sections 6.2 and 7): the `Store` header
//! (an unknown code refused before execution, each store view answering its own `storeConfig`),
//! accounts per website, `recaptchaV3Config`'s shape, and the mutations of each form reCAPTCHA
//! guards refused without `X-ReCaptcha`. `availableStores` lists the current website's views only,
//! so the views of other websites come from `--store`; a target with one store view skips, saying so.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::account::{INPUT, expect_failure, expect_value};
use super::expect_body;
use crate::check::{Area, Check, CheckResult, Parts, Stop, ensure};
use crate::context::{Context, Session};
use crate::messages as m;
use crate::sign_up::SignUp;
use crate::target::{Answer, Endpoint, RECAPTCHA_FAILED};

const STORE_FIELDS: &str = "store_code\n    store_name\n    store_group_code\n    store_group_name\n    website_code\n    website_name\n    locale";
const RECAPTCHA_CONFIG: &str = "{\n  recaptchaV3Config {\n    is_enabled\n    website_key\n    minimum_score\n    badge_position\n    language_code\n    failure_message\n    forms\n  }\n}";

fn store_config_document() -> String {
    format!("{{\n  storeConfig {{\n    {STORE_FIELDS}\n  }}\n}}")
}

fn available_stores_document() -> String {
    format!("{{\n  availableStores {{\n    {STORE_FIELDS}\n  }}\n}}")
}

/// `StoreValidator`'s message: 2.4.0 and 2.4.1 print the placeholder itself (a single-quoted PHP
/// string; docs/release-families.md section 2.3).
pub fn store_not_found(ctx: &Context, code: &str) -> String {
    if ctx.release().patch <= 1 {
        "Requested store is not found ({$storeCode})".to_owned()
    } else {
        format!("Requested store is not found ({code})")
    }
}

/// The answer to an unknown `Store`: refused before execution, 500 up to 2.4.7, 400 on 2.4.8
/// (docs/release-families.md section 2.4), no `locations` or `path`.
pub fn expect_store_not_found(ctx: &Context, answer: &Answer, code: &str) -> CheckResult {
    let status = if ctx.release().patch >= 8 { 400 } else { 500 };
    let message = serde_json::to_string(&store_not_found(ctx, code)).unwrap_or_default();
    expect_body(
        answer,
        status,
        &format!(r#"{{"errors":[{{"message":{message},"extensions":{{"category":"graphql-input"}}}}]}}"#),
    )
}

fn at(s: &Session, code: &str) -> Result<Endpoint, Stop> {
    s.target.with_header("store", code)
}

/// `data.<field>` of a successful answer, or a deviation.
fn data_of(answer: &Answer, field: &str) -> Result<Value, Stop> {
    let value = answer.data(field).filter(|v| !v.is_null() && answer.status == 200);
    value.ok_or_else(|| Stop::deviation(answer, format!("expected HTTP 200 and data.{field}"), None))
}

/// The store views of the current website (`availableStores`, no `Store` header).
async fn available(s: &Session) -> Result<Vec<Value>, Stop> {
    let answer = s.target.graphql(&available_stores_document()).await?;
    let stores = data_of(&answer, "availableStores")?;
    stores.as_array().cloned().ok_or_else(|| Stop::deviation(&answer, "availableStores is not a list", None))
}

/// Every store code the run knows: the current website's and `--store`'s.
async fn known_codes(s: &Session) -> Result<Vec<String>, Stop> {
    let mut codes: Vec<String> =
        available(s).await?.iter().filter_map(|v| v["store_code"].as_str().map(str::to_owned)).collect();
    for code in &s.ctx.inner().stores {
        if !codes.contains(code) {
            codes.push(code.clone());
        }
    }
    Ok(codes)
}

fn one_store_only(what: &str) -> Stop {
    Stop::skip(format!(
        "{what}: the target shows one website (availableStores lists the current website's store views only); \
         name a store view of another website with --store CODE"
    ))
}

/// `recaptchaV3Config.forms` of a store view, `None` before 2.4.7 (the query arrived then).
async fn recaptcha_forms(s: &Session, code: Option<&str>) -> Result<Option<Vec<String>>, Stop> {
    if s.ctx.release().patch < 7 {
        return Ok(None);
    }
    let target = match code {
        Some(code) => at(s, code)?,
        None => s.target.clone(),
    };
    let answer = target.graphql(RECAPTCHA_CONFIG).await?;
    let config = data_of(&answer, "recaptchaV3Config")?;
    let forms = config["forms"].as_array().map(|f| f.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
    forms.map(Some).ok_or_else(|| Stop::deviation(&answer, "recaptchaV3Config.forms is not a list", None))
}

fn check(id: &'static str, about: &'static str, body: fn(Session) -> futures_like::Boxed) -> Check {
    Check::new(id, Area::Stores, about, move |ctx| async move { ctx.clone().with_session(id, body).await })
}

/// Boxed check bodies, so the list below reads as a table.
mod futures_like {
    pub type Boxed = std::pin::Pin<Box<dyn std::future::Future<Output = crate::check::CheckResult>>>;
}

pub fn checks() -> Vec<Check> {
    vec![
        check("store/unknown-store-code", "an unknown Store header is refused before execution", |s| {
            Box::pin(async move { unknown_store(&s).await })
        }),
        check("store/each-store-answers-its-config", "Store: <code> answers storeConfig of that store view", |s| {
            Box::pin(async move { each_store(&s).await })
        }),
        check("store/accounts-per-website", "an account of one website cannot sign in on another", |s| {
            Box::pin(async move { per_website(&s).await })
        }),
        check(
            "store/property-unknown-codes-refused",
            "any store code that no store view has is refused the same way",
            |s| Box::pin(async move { unknown_codes_property(&s).await }),
        ),
        check("recaptcha/v3-config-shape", "recaptchaV3Config's fields and types on each store view", |s| {
            Box::pin(async move { config_shape(&s).await })
        }),
        check(
            "recaptcha/guarded-mutations-refused",
            "each mutation of a form reCAPTCHA guards is refused without X-ReCaptcha",
            |s| Box::pin(async move { guarded(&s).await }),
        ),
    ]
}

async fn unknown_store(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    let mut parts = Parts::new(ctx);
    let code = format!("cfnosuch{}", ctx.inner().run_id);
    let answer = at(s, &code)?.graphql(&store_config_document()).await?;
    parts.check("unknown code", expect_store_not_found(ctx, &answer, &code));
    // Codes are case-sensitive but for `default` (section 6.2).
    let mut upper_done = false;
    for code in known_codes(s).await? {
        let upper = code.to_uppercase();
        if upper == code || code.eq_ignore_ascii_case("default") {
            continue;
        }
        let answer = at(s, &upper)?.graphql(&store_config_document()).await?;
        parts.check(&format!("{upper} (upper case)"), expect_store_not_found(ctx, &answer, &upper));
        upper_done = true;
    }
    if !upper_done {
        parts.check(
            "a known code in upper case",
            Err(one_store_only("no store view but `default` to write in upper case")),
        );
    }
    parts.finish()
}

async fn each_store(s: &Session) -> CheckResult {
    let mut parts = Parts::new(&s.ctx);
    let listed = available(s).await?;
    let default = data_of(&s.target.graphql(&store_config_document()).await?, "storeConfig")?;
    let found = listed.iter().any(|store| store["store_code"] == default["store_code"]);
    let answer = s.target.graphql(&available_stores_document()).await?;
    parts.check(
        "availableStores lists the default store view",
        ensure(found, &answer, || format!("{} is not in availableStores", default["store_code"])),
    );
    for store in &listed {
        let Some(code) = store["store_code"].as_str() else { continue };
        let answer = at(s, code)?.graphql(&store_config_document()).await?;
        parts.check(code, expect_value(&answer, "storeConfig", store));
    }
    for code in &s.ctx.inner().stores {
        let answer = at(s, code)?.graphql(&store_config_document()).await?;
        let result = data_of(&answer, "storeConfig").and_then(|config| {
            ensure(config["store_code"] == json!(code), &answer, || format!("storeConfig.store_code is not {code}"))?;
            // That view's website lists it in its own availableStores.
            Ok(config)
        });
        let config = match result {
            Ok(config) => config,
            Err(stop) => {
                parts.check(code, Err(stop));
                continue;
            }
        };
        let listed_there = at(s, code)?.graphql(&available_stores_document()).await?;
        let contains = data_of(&listed_there, "availableStores")
            .map(|list| list.as_array().is_some_and(|l| l.contains(&config)))
            .unwrap_or(false);
        parts.check(
            code,
            ensure(contains, &listed_there, || format!("availableStores on {code} does not list its storeConfig")),
        );
    }
    if s.ctx.inner().stores.is_empty() {
        parts.check("other websites", Err(one_store_only("other websites' store views")));
    }
    parts.finish()
}

/// A store view of another website whose reCAPTCHA guards neither sign-up nor sign-in.
async fn other_website(s: &Session) -> Result<String, Stop> {
    if s.ctx.inner().stores.is_empty() {
        return Err(one_store_only("accounts per website"));
    }
    let default = data_of(&s.target.graphql(&store_config_document()).await?, "storeConfig")?;
    let mut guarded = Vec::new();
    for code in &s.ctx.inner().stores {
        let config = data_of(&at(s, code)?.graphql(&store_config_document()).await?, "storeConfig")?;
        if config["website_code"] == default["website_code"] {
            continue;
        }
        // Before 2.4.7 no query says which forms are guarded: --recaptcha-store does.
        let named = s.ctx.inner().recaptcha_store.as_ref() == Some(code);
        let forms = recaptcha_forms(s, Some(code)).await?.unwrap_or_default();
        if named || forms.iter().any(|f| f == "CUSTOMER_LOGIN" || f == "CUSTOMER_CREATE") {
            guarded.push(code.clone());
            continue;
        }
        return Ok(code.clone());
    }
    Err(Stop::skip(if guarded.is_empty() {
        "no --store view belongs to another website than the default store view's".to_owned()
    } else {
        format!(
            "reCAPTCHA guards sign-up or sign-in on every other website's store view named ({}): name one \
             without it with --store",
            guarded.join(", ")
        )
    }))
}

async fn per_website(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    let other = other_website(s).await?;
    let there = at(s, &other)?;
    let mut parts = Parts::new(ctx);
    let account = super::account::sign_up(s, "site").await?;
    let answer = there.sign_in(&account.email, &account.password).await?;
    parts.check("the default website's account on the other", super::lifecycle::expect_sign_in_refused(s, &answer));
    // The same address may sign up on the other website: another account, with its own password.
    let password = format!("Cf-{}-Other0ne", ctx.next_number());
    let input = SignUp::valid(&account.email, &password);
    let answer = there.graphql_as(None, super::account::SIGN_UP, json!({ "input": input.variable() })).await?;
    let customer = json!({ "email": account.email, "firstname": input.firstname, "lastname": input.lastname, "is_subscribed": false });
    parts.check(
        "the same address signs up there",
        expect_value(&answer, "createCustomerV2", &json!({ "customer": customer })),
    );
    let answer = there.sign_in(&account.email, &password).await?;
    parts.check("it signs in there", super::lifecycle::expect_signed_in(&answer));
    let answer = s.target.sign_in(&account.email, &password).await?;
    parts.check("its password is refused on the default website", super::lifecycle::expect_sign_in_refused(s, &answer));
    let answer = there.graphql_as(None, super::account::SIGN_UP, json!({ "input": input.variable() })).await?;
    parts.check(
        "a second sign-up there is a duplicate",
        expect_failure(ctx, &answer, "createCustomerV2", m::DUPLICATE_EMAIL, INPUT),
    );
    parts.finish()
}

async fn unknown_codes_property(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    let mut known = known_codes(s).await?;
    // `admin` is the admin store view's code (id 0), which no storefront selects.
    known.push("admin".into());
    let known: Vec<String> = known.iter().map(|c| c.to_ascii_lowercase()).collect();
    let strategy = "[a-z][a-z0-9_]{0,31}".prop_filter("a known code", move |c| !known.contains(c));
    crate::property::check("unknown-store-codes", ctx.seed(), ctx.cases(), strategy, |code: String| {
        let s = s.clone();
        async move {
            let answer = at(&s, &code)?.graphql(&store_config_document()).await?;
            expect_store_not_found(&s.ctx, &answer, &code)
        }
    })
    .await
}

async fn config_shape(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    if ctx.release().patch < 7 {
        return Err(Stop::skip(format!("recaptchaV3Config arrived in 2.4.7; the target is {}", ctx.release())));
    }
    let mut parts = Parts::new(ctx);
    let mut views: Vec<Option<String>> = vec![None];
    views.extend(ctx.inner().stores.iter().cloned().map(Some));
    for code in views {
        let target = match &code {
            Some(code) => at(s, code)?,
            None => s.target.clone(),
        };
        let answer = target.graphql(RECAPTCHA_CONFIG).await?;
        parts.check(code.as_deref().unwrap_or("default store view"), shape(&answer));
    }
    parts.finish()
}

/// The forms of `ReCaptchaFormEnum` (module-re-captcha-webapi-graph-ql's schema, 2.4.7).
pub(super) const FORMS: &[&str] = &[
    "PLACE_ORDER",
    "CONTACT",
    "CUSTOMER_LOGIN",
    "CUSTOMER_FORGOT_PASSWORD",
    "CUSTOMER_CREATE",
    "CUSTOMER_EDIT",
    "NEWSLETTER",
    "PRODUCT_REVIEW",
    "SENDFRIEND",
    "BRAINTREE",
];

fn shape(answer: &Answer) -> CheckResult {
    let config = data_of(answer, "recaptchaV3Config")?;
    let keys: Vec<&str> = config.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    let expected =
        ["is_enabled", "website_key", "minimum_score", "badge_position", "language_code", "failure_message", "forms"];
    ensure(keys == expected, answer, || format!("expected the fields {expected:?} in that order, got {keys:?}"))?;
    let forms = config["forms"].as_array().cloned().unwrap_or_default();
    let typed = config["is_enabled"].is_boolean()
        && config["website_key"].is_string()
        && config["minimum_score"].is_number()
        && config["badge_position"].is_string()
        && config["language_code"].is_string()
        && config["failure_message"].is_string()
        && config["forms"].is_array();
    ensure(typed, answer, || {
        "expected Boolean!, String!, Float!, String, String, String!, [ReCaptchaFormEnum]!".into()
    })?;
    let unknown: Vec<&Value> = forms.iter().filter(|f| !f.as_str().is_some_and(|f| FORMS.contains(&f))).collect();
    ensure(unknown.is_empty(), answer, || format!("not ReCaptchaFormEnum values: {unknown:?}"))?;
    // A form on needs the website key to render the widget: is_enabled follows both.
    let enabled = !forms.is_empty() && config["website_key"].as_str().is_some_and(|k| !k.is_empty());
    ensure(config["is_enabled"] == json!(enabled), answer, || {
        format!("is_enabled should be {enabled}: forms {forms:?} and a website key")
    })
}

/// The root mutations each form guards (module-re-captcha-customer's `WebapiConfigProvider`):
/// sign-in, sign-up (both versions), the forgot-password form (`requestPasswordResetEmail` from
/// 2.4.5 only), the account edit form (`changeCustomerPassword`).
fn guarded_mutations(ctx: &Context, form: &str) -> Vec<(&'static str, String, Value)> {
    let email = super::account::fresh_email(ctx, "rc");
    match form {
        "CUSTOMER_LOGIN" => vec![(
            "generateCustomerToken",
            crate::target::SIGN_IN_VARIABLES.to_owned(),
            json!({ "e": email, "p": "Wr0ng-Passw0rd!" }),
        )],
        // An invalid address: nothing is created if reCAPTCHA lets it through.
        "CUSTOMER_CREATE" => vec![
            (
                "createCustomerV2",
                super::account::SIGN_UP.to_owned(),
                json!({ "input": SignUp::valid("plainaddress", "Cf-Rc-Passw0rd").variable() }),
            ),
            (
                "createCustomer",
                "mutation signUp($input: CustomerInput!) {\n  createCustomer(input: $input) {\n    customer {\n      email\n    }\n  }\n}".to_owned(),
                json!({ "input": { "email": "plainaddress", "firstname": "Conformance", "lastname": "Check", "password": "Cf-Rc-Passw0rd" } }),
            ),
        ],
        "CUSTOMER_FORGOT_PASSWORD" => {
            let mut list = vec![(
                "resetPassword",
                crate::target::RESET_PASSWORD_VARIABLES.to_owned(),
                json!({ "e": email, "t": "abcdefghijklmnopqrstuvwxyzABCDEF", "p": "N3w-Passw0rd!" }),
            )];
            if ctx.release().patch >= 5 {
                list.push((
                    "requestPasswordResetEmail",
                    crate::target::REQUEST_RESET_VARIABLES.to_owned(),
                    json!({ "e": email }),
                ));
            }
            list
        }
        // As a guest: reCAPTCHA answers before the authorization check.
        "CUSTOMER_EDIT" => vec![(
            "changeCustomerPassword",
            "mutation change($c: String!, $n: String!) {\n  changeCustomerPassword(currentPassword: $c, newPassword: $n) {\n    email\n  }\n}".to_owned(),
            json!({ "c": "Wr0ng-Passw0rd!", "n": "N3w-Passw0rd!" }),
        )],
        _ => Vec::new(),
    }
}

/// The store view to test: `--recaptcha-store`, else the first view (default, then `--store`)
/// whose `recaptchaV3Config` lists forms.
async fn recaptcha_store(s: &Session) -> Result<(Option<String>, Vec<String>), Stop> {
    let ctx = &s.ctx;
    if ctx.release().patch < 7 {
        return Err(Stop::skip(format!(
            "recaptchaV3Config, which says which forms reCAPTCHA guards, arrived in 2.4.7; the target is {}",
            ctx.release()
        )));
    }
    let mut views: Vec<Option<String>> = Vec::new();
    match &ctx.inner().recaptcha_store {
        Some(code) => views.push(Some(code.clone())),
        None => {
            views.push(None);
            views.extend(ctx.inner().stores.iter().cloned().map(Some));
        }
    }
    for code in &views {
        let forms = recaptcha_forms(s, code.as_deref()).await?.unwrap_or_default();
        if !forms.is_empty() {
            return Ok((code.clone(), forms));
        }
    }
    let named: Vec<String> =
        views.iter().map(|v| v.clone().unwrap_or_else(|| "the default store view".into())).collect();
    Err(Stop::skip(format!(
        "reCAPTCHA guards no form on {} (recaptchaV3Config.forms is empty); name a store view with it on with \
         --recaptcha-store CODE",
        named.join(", ")
    )))
}

async fn guarded(s: &Session) -> CheckResult {
    let ctx = &s.ctx;
    let (code, forms) = recaptcha_store(s).await?;
    let target = match &code {
        Some(code) => at(s, code)?,
        None => s.target.clone(),
    }
    .expecting_recaptcha();
    let mut parts = Parts::new(ctx);
    let mut sent = 0;
    for form in &forms {
        for (field, document, variables) in guarded_mutations(ctx, form) {
            let answer = target.graphql_as(None, &document, variables.clone()).await?;
            parts.check(&format!("{form}: {field}"), expect_failure(ctx, &answer, field, RECAPTCHA_FAILED, INPUT));
            let empty = target.with_header("x-recaptcha", "")?;
            let answer = empty.graphql_as(None, &document, variables).await?;
            parts.check(
                &format!("{form}: {field} with an empty X-ReCaptcha"),
                expect_failure(ctx, &answer, field, RECAPTCHA_FAILED, INPUT),
            );
            sent += 1;
        }
    }
    // A query no form covers goes through.
    let answer = target
        .graphql_as(
            None,
            "query available($e: String!) {\n  isEmailAvailable(email: $e) {\n    is_email_available\n  }\n}",
            json!({ "e": "" }),
        )
        .await?;
    parts.check(
        "an unguarded field",
        expect_failure(ctx, &answer, "isEmailAvailable", m::EMAIL_MUST_BE_SPECIFIED, INPUT),
    );
    ctx.note(format!(
        "{sent} guarded mutations of {} on {}",
        forms.join(", "),
        code.as_deref().unwrap_or("the default store view")
    ));
    parts.finish()
}
