//! `recaptchaV3Config` (2.4.7+, `module-re-captcha-webapi-graph-ql`): a stock store has no
//! reCAPTCHA keys and no form set to reCAPTCHA v3, so it answers "off" with the defaults; a store
//! view whose fixtures (or namespace) set forms answers them, with its website key. And
//! `recaptchaFormConfig(formType:)` (2.4.8, security-package 1.1.7): one form's type and settings
//! (`docs/magento-account-area.md` section 5).

use async_graphql::{Context, Object, SimpleObject};

use super::recaptcha_guard::{DEFAULT_WEBSITE_KEY, RecaptchaSettings};
pub use super::recaptcha_guard::{ReCaptchaFormEnum, RecaptchaType};
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

    // No description: Magento's field has no `@doc`.
    async fn recaptcha_form_config(
        &self,
        ctx: &Context<'_>,
        form_type: ReCaptchaFormEnum,
    ) -> Option<ReCaptchaConfigOutput> {
        answer(ctx, |request, field| recaptcha_form_config(request, form_type, field.scripted))
    }
}

// No description in Magento's schema.
#[derive(SimpleObject, Clone, Debug, PartialEq)]
#[graphql(rename_fields = "snake_case")]
pub struct ReCaptchaConfigOutput {
    /// Indicates whether reCaptcha type is enabled
    pub is_enabled: bool,
    /// Configuration details for reCaptcha type
    pub configurations: Option<ReCaptchaConfiguration>,
}

/// Contains reCAPTCHA form configuration details.
#[derive(SimpleObject, Clone, Debug, PartialEq)]
#[graphql(rename_fields = "snake_case")]
pub struct ReCaptchaConfiguration {
    // No description in Magento's schema.
    pub re_captcha_type: RecaptchaType,
    /// The website key generated when the Google reCAPTCHA account was registered.
    pub website_key: String,
    /// The minimum score that identifies a user interaction as a potential risk.
    pub minimum_score: Option<f64>,
    /// The position of the invisible reCAPTCHA badge on each page.
    pub badge_position: Option<String>,
    /// Theme to be used to render reCaptcha.
    pub theme: String,
    /// A two-character code that specifies the language that is used for Google reCAPTCHA text and messaging.
    pub language_code: Option<String>,
    /// The message that appears to the user if validation fails.
    pub validation_failure_message: String,
    /// The message that appears when reCaptcha fails.
    pub technical_failure_message: String,
}

/// `recaptcha_frontend/failure_messages/*` (`module-re-captcha-frontend-ui/etc/config.xml`).
const VALIDATION_FAILURE_MESSAGE: &str = "reCAPTCHA verification failed.";
const TECHNICAL_FAILURE_MESSAGE: &str = "Something went wrong with reCAPTCHA. Please contact the store owner.";

pub fn recaptcha_form_config(
    ctx: &RequestContext,
    form: ReCaptchaFormEnum,
    scripted: Option<State>,
) -> Result<ReCaptchaConfigOutput, MagentoError> {
    Refusals::NONE.check(scripted)?;
    form_configuration(&ctx.services.recaptcha(), form)
}

/// 2.4.8-beta1's `ReCaptchaFormConfig::resolve`: the form's type (`type_for`, keys not checked),
/// then that type's settings at Magento's defaults (`module-re-captcha-version-*/etc/config.xml`:
/// theme `light`, no language; v3 score 0.5 and badge `inline`; v2 invisible's badge `inline`;
/// the checkbox has neither). `RESEND_CONFIRMATION_EMAIL` is in the enum but not in the
/// resolver's `formTypes` (`etc/graphql/di.xml`): PHP's undefined-key warning, made an exception
/// by Magento's error handler, lands in the catch-all.
pub fn form_configuration(
    settings: &RecaptchaSettings,
    form: ReCaptchaFormEnum,
) -> Result<ReCaptchaConfigOutput, MagentoError> {
    if form == ReCaptchaFormEnum::ResendConfirmationEmail {
        return Err(MagentoError::RecaptchaConfigUnavailable);
    }
    if !settings.guards(form) {
        return Ok(ReCaptchaConfigOutput { is_enabled: false, configurations: None });
    }
    let (minimum_score, badge_position) = match settings.kind {
        RecaptchaType::RecaptchaV3 => (Some(0.5), "inline"),
        RecaptchaType::Invisible => (None, "inline"),
        RecaptchaType::Recaptcha => (None, ""),
    };
    let configurations = ReCaptchaConfiguration {
        re_captcha_type: settings.kind,
        website_key: settings.website_key.clone().unwrap_or_else(|| DEFAULT_WEBSITE_KEY.to_owned()),
        minimum_score,
        badge_position: Some(badge_position.to_owned()),
        theme: "light".into(),
        language_code: Some(String::new()),
        validation_failure_message: VALIDATION_FAILURE_MESSAGE.into(),
        technical_failure_message: TECHNICAL_FAILURE_MESSAGE.into(),
    };
    Ok(ReCaptchaConfigOutput { is_enabled: true, configurations: Some(configurations) })
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
    /// Theme to be used to render reCaptcha.
    pub theme: String,
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
        failure_message: VALIDATION_FAILURE_MESSAGE.into(),
        forms,
        // `recaptcha_frontend/type_recaptcha_v3/theme`'s default; 2.4.8 only (`INTRODUCED_FIELDS`).
        theme: "light".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(kind: RecaptchaType, forms: &[ReCaptchaFormEnum]) -> RecaptchaSettings {
        RecaptchaSettings { forms: forms.to_vec(), kind, ..RecaptchaSettings::default() }
    }

    #[test]
    fn a_form_not_set_is_off_with_no_configuration() {
        let off = form_configuration(&RecaptchaSettings::default(), ReCaptchaFormEnum::CustomerLogin);
        assert_eq!(off, Ok(ReCaptchaConfigOutput { is_enabled: false, configurations: None }));
        let other = settings(RecaptchaType::RecaptchaV3, &[ReCaptchaFormEnum::CustomerCreate]);
        assert_eq!(form_configuration(&other, ReCaptchaFormEnum::CustomerLogin).map(|o| o.is_enabled), Ok(false));
    }

    #[test]
    fn each_type_has_its_own_score_and_badge() {
        let form = ReCaptchaFormEnum::CustomerLogin;
        let shown = |kind| {
            let c = form_configuration(&settings(kind, &[form]), form).unwrap().configurations.unwrap();
            (c.re_captcha_type, c.minimum_score, c.badge_position.unwrap(), c.theme)
        };
        assert_eq!(
            shown(RecaptchaType::RecaptchaV3),
            (RecaptchaType::RecaptchaV3, Some(0.5), "inline".into(), "light".into())
        );
        assert_eq!(shown(RecaptchaType::Invisible), (RecaptchaType::Invisible, None, "inline".into(), "light".into()));
        assert_eq!(shown(RecaptchaType::Recaptcha), (RecaptchaType::Recaptcha, None, String::new(), "light".into()));
    }

    #[test]
    fn the_resend_form_cannot_be_asked_for_in_2_4_8_beta1_even_when_set() {
        let form = ReCaptchaFormEnum::ResendConfirmationEmail;
        for set in [RecaptchaSettings::default(), settings(RecaptchaType::Recaptcha, &[form])] {
            assert_eq!(form_configuration(&set, form), Err(MagentoError::RecaptchaConfigUnavailable));
        }
    }

    #[test]
    fn a_v2_form_is_not_listed_by_recaptcha_v3_config() {
        let v2 = settings(RecaptchaType::Recaptcha, &[ReCaptchaFormEnum::CustomerLogin]);
        assert!(!configuration(&v2).is_enabled);
        assert!(configuration(&v2).forms.is_empty());
    }
}
