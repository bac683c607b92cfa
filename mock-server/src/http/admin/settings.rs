//! Run-time settings (shared by all namespaces, but reCAPTCHA: per namespace) and putting a
//! namespace back to the fixtures.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use crate::config::Throttle;
use crate::http::scope::Scope;
use crate::magento::store::recaptcha_guard::RecaptchaSettings;
use crate::magento::{MagentoMode, MagentoVersion};
use crate::state::{AppState, Enumeration, Namespace};

use super::{AdminError, AdminJson, AdminResult};

pub async fn get(State(app): State<AppState>, Scope { namespace, .. }: Scope) -> Response {
    Json(settings_json(&app, &namespace)).into_response()
}

/// The shared settings, with the namespace's reCAPTCHA (`null`: as the fixtures set it per
/// store view).
fn settings_json(app: &AppState, namespace: &Namespace) -> Value {
    let mut settings = serde_json::to_value(app.settings()).unwrap_or_else(|_| json!({}));
    if let Some(map) = settings.as_object_mut() {
        map.insert("recaptcha".into(), json!(namespace.recaptcha()));
    }
    settings
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    magento_version: Option<MagentoVersion>,
    magento_mode: Option<MagentoMode>,
    throttle: Option<Throttle>,
    enumeration: Option<Enumeration>,
    /// Absent: unchanged; `null`: back to the fixtures'; an object: for every store view.
    #[serde(default, deserialize_with = "present")]
    recaptcha: Option<Option<RecaptchaSettings>>,
    /// Absent: unchanged; `null`: back to the fixtures'; a boolean: for every store view.
    #[serde(default, deserialize_with = "present")]
    create_account_confirmation: Option<Option<bool>>,
}

/// A field that is there, even as `null` (which `Option` alone cannot tell from absent).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(value: D) -> Result<Option<T>, D::Error> {
    T::deserialize(value).map(Some)
}

pub async fn patch(
    State(app): State<AppState>,
    Scope { namespace, .. }: Scope,
    AdminJson(change): AdminJson<SettingsChange>,
) -> Response {
    if let Some(recaptcha) = change.recaptcha {
        namespace.set_recaptcha(recaptcha);
    }
    app.update_settings(|settings| {
        if let Some(version) = change.magento_version {
            settings.magento_version = version;
        }
        if let Some(mode) = change.magento_mode {
            settings.magento_mode = mode;
        }
        if let Some(throttle) = change.throttle {
            settings.throttle = throttle;
        }
        if let Some(enumeration) = change.enumeration {
            settings.enumeration = enumeration;
        }
        if let Some(confirmation) = change.create_account_confirmation {
            settings.create_account_confirmation = confirmation;
        }
    });
    Json(settings_json(&app, &namespace)).into_response()
}

/// Accounts, tokens, inbox, journal, rules and clock of the namespace back to the start.
pub async fn reset_namespace(State(app): State<AppState>, Scope { name, .. }: Scope) -> AdminResult {
    app.reset_namespace(&name).map_err(|e| AdminError::bad_request(e.to_string()))?;
    Ok(Json(json!({ "reset": true, "namespace": name })).into_response())
}

/// Forgets a namespace ("_" names the default one), freeing its place under the limit.
pub async fn forget_namespace(State(app): State<AppState>, Path(name): Path<String>) -> AdminResult {
    let name = if name == "_" { String::new() } else { name };
    if !app.forget_namespace(&name) {
        return Err(AdminError::not_found(format!("no namespace {name:?}")));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The namespaces in use ("" is the default), for the inbox page's selector.
pub async fn namespaces(State(app): State<AppState>) -> Response {
    Json(app.namespace_names()).into_response()
}
