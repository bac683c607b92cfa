//! Which mutations reCAPTCHA guards, and which `X-ReCaptcha` tokens pass: the rules of
//! `module-re-captcha-webapi-graph-ql/Plugin/GraphQlValidator.php` (mutations only, before the
//! resolver) and `module-re-captcha-customer/Model/WebapiConfigProvider.php` (resolver → form).
//! A real store asks Google whether a token is good; the mock takes any non-empty token but those
//! configured as failing (and, when `valid_tokens` is set, only those).

use async_graphql::Enum;
use serde::{Deserialize, Serialize};

use crate::magento::release::MagentoVersion;

// The storefront forms reCAPTCHA can protect (no description in Magento's schema). In the
// fixtures and the control API by Magento's config ids (`customer_forgot_password`, ...).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "snake_case")]
pub enum ReCaptchaFormEnum {
    PlaceOrder,
    Contact,
    CustomerLogin,
    CustomerForgotPassword,
    CustomerCreate,
    CustomerEdit,
    Newsletter,
    ProductReview,
    Sendfriend,
    Braintree,
    // 2.4.8 (security-package 1.1.7, module `ReCaptchaResendConfirmationEmail`).
    ResendConfirmationEmail,
}

// The reCAPTCHA types a form can be set to (`recaptcha_frontend/type_for/<form>`), as the
// fixtures and the control API name them; Magento's schema spells the enum "Emum".
#[derive(Enum, Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[graphql(name = "ReCaptchaTypeEmum", rename_items = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "snake_case")]
pub enum RecaptchaType {
    // reCAPTCHA v2 invisible.
    Invisible,
    // reCAPTCHA v2 "I am not a robot".
    Recaptcha,
    #[default]
    RecaptchaV3,
}

/// reCAPTCHA of a store view, or of a namespace through `PATCH /__admin/settings`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecaptchaSettings {
    /// The forms set to reCAPTCHA (of `type`); none is off.
    #[serde(default)]
    pub forms: Vec<ReCaptchaFormEnum>,
    /// The type of those forms: v3 (the default) or one of v2's.
    #[serde(default, rename = "type")]
    pub kind: RecaptchaType,
    /// When not empty, the only tokens that pass; otherwise any non-empty token passes.
    #[serde(default)]
    pub valid_tokens: Vec<String>,
    /// Tokens that fail, as Google's verdict on a bad or low-score token.
    #[serde(default)]
    pub failing_tokens: Vec<String>,
    /// `recaptchaV3Config.website_key` while a form is on.
    #[serde(default)]
    pub website_key: Option<String>,
}

/// The website key `recaptchaV3Config` shows when none is configured.
pub const DEFAULT_WEBSITE_KEY: &str = "mock-server-recaptcha-website-key";

impl RecaptchaSettings {
    pub fn guards(&self, form: ReCaptchaFormEnum) -> bool {
        self.forms.contains(&form)
    }

    /// Whether `token` (the `X-ReCaptcha` header, absent as empty) passes.
    pub fn accepts(&self, token: Option<&str>) -> bool {
        let Some(token) = token.filter(|t| !t.is_empty()) else { return false };
        let listed = |list: &[String]| list.iter().any(|t| t == token);
        !listed(&self.failing_tokens) && (self.valid_tokens.is_empty() || listed(&self.valid_tokens))
    }

    /// The forms set to v3 in the order `recaptchaV3Config` lists them
    /// (`module-re-captcha-version-3-invisible/etc/di.xml`, which has no `resend_confirmation_email`
    /// in 2.4.8-beta1 either).
    pub fn forms_in_magentos_order(&self) -> Vec<ReCaptchaFormEnum> {
        use ReCaptchaFormEnum as F;
        const ORDER: [ReCaptchaFormEnum; 10] = [
            F::PlaceOrder,
            F::Contact,
            F::CustomerForgotPassword,
            F::CustomerEdit,
            F::CustomerLogin,
            F::CustomerCreate,
            F::Newsletter,
            F::ProductReview,
            F::Sendfriend,
            F::Braintree,
        ];
        if self.kind != RecaptchaType::RecaptchaV3 {
            return Vec::new();
        }
        ORDER.into_iter().filter(|form| self.guards(*form)).collect()
    }
}

/// The form whose reCAPTCHA guards the root mutation `field` (by its name, not its alias).
pub fn form_of(field: &str, version: MagentoVersion) -> Option<ReCaptchaFormEnum> {
    match field {
        "generateCustomerToken" => Some(ReCaptchaFormEnum::CustomerLogin),
        "createCustomer" | "createCustomerV2" => Some(ReCaptchaFormEnum::CustomerCreate),
        "resetPassword" => Some(ReCaptchaFormEnum::CustomerForgotPassword),
        "requestPasswordResetEmail" if version.recaptcha_guards_reset_request() => {
            Some(ReCaptchaFormEnum::CustomerForgotPassword)
        }
        "changeCustomerPassword" => Some(ReCaptchaFormEnum::CustomerEdit),
        // `ReCaptchaResendConfirmationEmail/Model/WebapiConfigProvider.php` (2.4.8-beta1).
        "resendConfirmationEmail" => Some(ReCaptchaFormEnum::ResendConfirmationEmail),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(forms: &[ReCaptchaFormEnum]) -> RecaptchaSettings {
        RecaptchaSettings { forms: forms.to_vec(), ..RecaptchaSettings::default() }
    }

    #[test]
    fn any_non_empty_token_passes_but_the_failing_ones() {
        let mut settings = on(&[ReCaptchaFormEnum::CustomerLogin]);
        settings.failing_tokens = vec!["bad".into()];
        assert!(!settings.accepts(None));
        assert!(!settings.accepts(Some("")));
        assert!(!settings.accepts(Some("bad")));
        assert!(settings.accepts(Some("anything")));
        settings.valid_tokens = vec!["good".into()];
        assert!(!settings.accepts(Some("anything")));
        assert!(settings.accepts(Some("good")));
    }

    #[test]
    fn mutations_map_to_magentos_forms_per_release() {
        let v = |patch| MagentoVersion::from_patch(patch).unwrap();
        assert_eq!(form_of("createCustomerV2", v(7)), Some(ReCaptchaFormEnum::CustomerCreate));
        assert_eq!(form_of("changeCustomerPassword", v(7)), Some(ReCaptchaFormEnum::CustomerEdit));
        assert_eq!(form_of("requestPasswordResetEmail", v(5)), Some(ReCaptchaFormEnum::CustomerForgotPassword));
        assert_eq!(form_of("requestPasswordResetEmail", v(4)), None);
        assert_eq!(form_of("resetPassword", v(4)), Some(ReCaptchaFormEnum::CustomerForgotPassword));
        assert_eq!(form_of("updateCustomerEmail", v(7)), None);
    }

    #[test]
    fn forms_are_listed_in_magentos_order() {
        use ReCaptchaFormEnum as F;
        let settings = on(&[F::CustomerCreate, F::CustomerLogin, F::CustomerForgotPassword, F::CustomerEdit]);
        let order = [F::CustomerForgotPassword, F::CustomerEdit, F::CustomerLogin, F::CustomerCreate];
        assert_eq!(settings.forms_in_magentos_order(), order);
    }
}
