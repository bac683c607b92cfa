//! `recaptchaV3Config` (2.4.7+, `module-re-captcha-webapi-graph-ql`): a stock store has no
//! reCAPTCHA keys and no form set to reCAPTCHA v3, so it answers "off" with the defaults; a store
//! view whose fixtures (or namespace) set forms answers them, with its website key
//! (`docs/magento-account-area.md` section 5).

use async_graphql::{Context, Object, SimpleObject};

pub use super::recaptcha_guard::ReCaptchaFormEnum;
use super::recaptcha_guard::{DEFAULT_WEBSITE_KEY, RecaptchaSettings};
use crate::magento::context::RequestContext;
use crate::magento::errors::MagentoError;
use crate::magento::schema::answer;
use crate::magento::scripted::Refusals;
use crate::scenarios::State;

#[derive(Default)]
pub struct RecaptchaQuery;

#[Object]
impl RecaptchaQuery {
    /// Returns details about Google reCAPTCHA V3-Invisible configuration.
    async fn recaptcha_v3_config(&self, ctx: &Context<'_>) -> Option<ReCaptchaConfigurationV3> {
        answer(ctx, |request, field| recaptcha_v3_config(request, field.scripted))
    }
}

/// Contains reCAPTCHA V3-Invisible configuration details.
#[derive(SimpleObject, Clone, Debug, PartialEq)]
#[graphql(rename_fields = "snake_case")]
pub struct ReCaptchaConfigurationV3 {
    /// Return whether recaptcha is enabled or not
    pub is_enabled: bool,
    /// The website key generated when the Google reCAPTCHA account was registered.
    pub website_key: String,
    /// The minimum score that identifies a user interaction as a potential risk.
    pub minimum_score: f64,
    /// The position of the invisible reCAPTCHA badge on each page.
    pub badge_position: String,
    /// A two-character code that specifies the language that is used for Google reCAPTCHA text and messaging.
    pub language_code: Option<String>,
    /// The message that appears to the user if validation fails.
    pub failure_message: String,
    /// A list of forms on the storefront that have been configured to use reCAPTCHA V3.
    pub forms: Vec<ReCaptchaFormEnum>,
}

pub fn recaptcha_v3_config(
    ctx: &RequestContext,
    scripted: Option<State>,
) -> Result<ReCaptchaConfigurationV3, MagentoError> {
    Refusals::NONE.check(scripted)?;
    Ok(configuration(&ctx.services.recaptcha()))
}

/// Magento's defaults (score 0.5, badge `inline`, no language, the default failure message) with
/// the forms set to reCAPTCHA v3; enabled, with a website key, when there are any.
pub fn configuration(settings: &RecaptchaSettings) -> ReCaptchaConfigurationV3 {
    let forms = settings.forms_in_magentos_order();
    let website_key = match forms.is_empty() {
        true => String::new(),
        false => settings.website_key.clone().unwrap_or_else(|| DEFAULT_WEBSITE_KEY.to_owned()),
    };
    ReCaptchaConfigurationV3 {
        is_enabled: !forms.is_empty(),
        website_key,
        minimum_score: 0.5,
        badge_position: "inline".into(),
        language_code: Some(String::new()),
        failure_message: "reCAPTCHA verification failed.".into(),
        forms,
    }
}
