//! What 2.4.8 adds to the account area (magento-account-area.md sections 1.6 and 5):
//! `resendConfirmationEmail(email)` and `recaptchaFormConfig(formType:)`, checked on a 2.4.8
//! target; on an older one (webonyx 15: 2.4.6 and 2.4.7) each check makes sure instead that its
//! field does not exist. There is no real 2.4.8 store to record: the expected answers on 2.4.8 are
//! 2.4.8-beta1's source, read.

use serde_json::{Value, json};

use super::account::{INPUT, expect_failure, fresh_email, sign_up};
use super::expect_body;
// The forms 2.4.8-beta1's resolver maps (`etc/graphql/di.xml` `formTypes`) are the 2.4.7 enum's.
use super::stores::FORMS as MAPPED_FORMS;
use crate::check::{Area, Check, CheckResult, Parts, Stop, ensure};
use crate::context::Session;
use crate::target::Answer;

const RESEND: &str = "mutation resend($e: String!) {\n  resendConfirmationEmail(email: $e)\n}";
const FORM_CONFIG: &str = "query form($f: ReCaptchaFormEnum!) {\n  recaptchaFormConfig(formType: $f) {\n    is_enabled\n    configurations {\n      re_captcha_type\n      website_key\n      minimum_score\n      badge_position\n      theme\n      language_code\n      validation_failure_message\n      technical_failure_message\n    }\n  }\n}";
const V3_FORMS: &str = "{\n  recaptchaV3Config {\n    forms\n  }\n}";

pub const EMAIL_NOT_VALID: &str = "Email address is not valid";
pub const NO_USER_WITH_EMAIL: &str = "There is no user registered with that email address.";
pub const CONFIRMATION_NOT_NEEDED: &str = "Confirmation isn't needed.";
pub const CAPTCHA_CONFIG_UNAVAILABLE: &str = "Configuration for provided captcha type can not be retrieved.";

fn check<F, Fut>(id: &'static str, area: Area, about: &'static str, body: F) -> Check
where
    F: Fn(Session) -> Fut + Send + Sync + Copy + 'static,
    Fut: std::future::Future<Output = CheckResult> + 'static,
{
    Check::new(id, area, about, move |ctx| async move { ctx.clone().with_session(id, body).await })
}

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "account/resend-confirmation-email",
            Area::Account,
            "resendConfirmationEmail: on 2.4.8 its refusals in order and an account that needs no confirmation; before, an unknown field",
            |s| async move { resend(&s).await },
        ),
        check(
            "recaptcha/form-config",
            Area::Stores,
            "recaptchaFormConfig: on 2.4.8 each form off or with its type's settings, v3 as recaptchaV3Config lists; before, an unknown field",
            |s| async move { form_config(&s).await },
        ),
    ]
}

/// Before 2.4.8, the check's whole verdict: `field` of `parent` is webonyx 15's unknown field.
/// `None` on 2.4.8, which has it.
async fn absent_before_2_4_8(s: &Session, document: &str, field: &str, parent: &str) -> Option<CheckResult> {
    let release = s.ctx.release();
    if release.patch >= 8 {
        return None;
    }
    if !release.new_shape() {
        let reason = format!("{field} arrived in 2.4.8; webonyx 14's validation errors ({release}) are not documented");
        return Some(Err(Stop::skip(reason)));
    }
    Some(match s.target.graphql(document).await {
        Ok(answer) => expect_body(&answer, 200, &unknown(field, parent)),
        Err(stop) => Err(stop),
    })
}

async fn resend(s: &Session) -> CheckResult {
    let before = "mutation {\n  resendConfirmationEmail(email: \"a@example.com\")\n}";
    if let Some(verdict) = absent_before_2_4_8(s, before, "resendConfirmationEmail", "Mutation").await {
        return verdict;
    }
    let ctx = &s.ctx;
    let mut parts = Parts::new(ctx);
    let ask = |email: String| s.target.graphql_with(RESEND, json!({ "e": email }));
    let field = "resendConfirmationEmail";
    parts.check("not an email", expect_failure(ctx, &ask("plainaddress".into()).await?, field, EMAIL_NOT_VALID, INPUT));
    let nobody = fresh_email(ctx, "resend-nobody");
    parts.check("no such account", expect_failure(ctx, &ask(nobody).await?, field, NO_USER_WITH_EMAIL, INPUT));
    // A fresh account: it has a confirmation key only where the store requires confirmation.
    let config = s.target.graphql("{\n  storeConfig {\n    create_account_confirmation\n  }\n}").await?;
    let requires = config.json()?["data"]["storeConfig"]["create_account_confirmation"] == json!(true);
    let account = sign_up(s, "resend").await?;
    let answer = ask(account.email.clone()).await?;
    if requires {
        parts.check("an unconfirmed account", super::expect_data(&answer, field, "true"));
    } else {
        parts.check(
            "an account made without confirmation",
            expect_failure(ctx, &answer, field, CONFIRMATION_NOT_NEEDED, INPUT),
        );
    }
    parts.finish()
}

async fn form_config(s: &Session) -> CheckResult {
    let before = "{\n  recaptchaFormConfig(formType: CUSTOMER_LOGIN) {\n    is_enabled\n  }\n}";
    if let Some(verdict) = absent_before_2_4_8(s, before, "recaptchaFormConfig", "Query").await {
        return verdict;
    }
    let ctx = &s.ctx;
    let mut parts = Parts::new(ctx);
    // The default store view and the views named with --store (builtin: one with v3 forms on).
    let mut views: Vec<Option<String>> = vec![None];
    views.extend(ctx.inner().stores.iter().cloned().map(Some));
    for code in views {
        let target = match &code {
            Some(code) => s.target.with_header("store", code)?,
            None => s.target.clone(),
        };
        let view = code.as_deref().unwrap_or("default store view");
        let listed = target.graphql(V3_FORMS).await?;
        let v3_forms: Vec<String> = listed.json()?["data"]["recaptchaV3Config"]["forms"]
            .as_array()
            .map(|forms| forms.iter().filter_map(|f| f.as_str().map(str::to_owned)).collect())
            .ok_or_else(|| Stop::deviation(&listed, "recaptchaV3Config.forms is not a list", None))?;
        for form in MAPPED_FORMS {
            let answer = target.graphql_with(FORM_CONFIG, json!({ "f": form })).await?;
            parts.check(&format!("{view}: {form}"), one_form(&answer, v3_forms.iter().any(|f| f == form)));
        }
        // In the enum, not in the resolver's map: PHP's warning lands in the catch-all (2.4.8-beta1).
        let answer = target.graphql_with(FORM_CONFIG, json!({ "f": "RESEND_CONFIRMATION_EMAIL" })).await?;
        let error = super::error_object(ctx, "recaptchaFormConfig", CAPTCHA_CONFIG_UNAVAILABLE, INPUT, 2);
        let body = format!(r#"{{"errors":[{error}],"data":{{"recaptchaFormConfig":null}}}}"#);
        parts.check(&format!("{view}: RESEND_CONFIRMATION_EMAIL"), expect_body(&answer, 200, &body));
    }
    parts.finish()
}

/// Off is exactly `{is_enabled: false, configurations: null}`; on, the fields in the schema's
/// order with each type's constants, and `RECAPTCHA_V3` exactly for the forms recaptchaV3Config lists.
fn one_form(answer: &Answer, listed_as_v3: bool) -> CheckResult {
    let body = answer.json()?;
    let output = &body["data"]["recaptchaFormConfig"];
    if output["is_enabled"] == json!(false) {
        ensure(output == &json!({ "is_enabled": false, "configurations": null }), answer, || {
            "a form that is off has no configurations".into()
        })?;
        return ensure(!listed_as_v3, answer, || "recaptchaV3Config lists this form as v3, yet it is off".into());
    }
    let config = &output["configurations"];
    let keys: Vec<&str> = config.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    let expected = [
        "re_captcha_type",
        "website_key",
        "minimum_score",
        "badge_position",
        "theme",
        "language_code",
        "validation_failure_message",
        "technical_failure_message",
    ];
    ensure(keys == expected, answer, || format!("expected the fields {expected:?} in that order, got {keys:?}"))?;
    let kind = config["re_captcha_type"].as_str().unwrap_or_default();
    let score_ok = match kind {
        "RECAPTCHA_V3" => config["minimum_score"].is_number(),
        "RECAPTCHA" | "INVISIBLE" => config["minimum_score"] == Value::Null,
        _ => false,
    };
    ensure(score_ok, answer, || format!("{kind:?}: not a ReCaptchaTypeEmum value, or the wrong minimum_score"))?;
    ensure(kind != "RECAPTCHA" || config["badge_position"] == json!(""), answer, || {
        "the v2 checkbox has no badge: badge_position \"\"".into()
    })?;
    let typed = config["website_key"].is_string()
        && config["theme"].is_string()
        && config["validation_failure_message"].is_string()
        && config["technical_failure_message"].is_string();
    ensure(typed, answer, || "website_key, theme and the two messages are String!".into())?;
    ensure((kind == "RECAPTCHA_V3") == listed_as_v3, answer, || {
        format!("type {kind} but recaptchaV3Config {} it", if listed_as_v3 { "lists" } else { "does not list" })
    })
}

/// webonyx 15's `FieldsOnCorrectType` error for a root field on line 2, column 3 (no suggestion:
/// the document names no other field of the type).
fn unknown(field: &str, parent: &str) -> String {
    let message = json!(format!("Cannot query field \"{field}\" on type \"{parent}\"."));
    format!(r#"{{"errors":[{{"message":{message},"locations":[{{"line":2,"column":3}}]}}]}}"#)
}
