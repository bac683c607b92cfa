//! Run-time settings (shared by all namespaces) and putting a namespace back to the fixtures.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::config::Throttle;
use crate::http::scope::Scope;
use crate::magento::MagentoVersion;
use crate::state::{AppState, Enumeration};

use super::AdminJson;

pub async fn get(State(app): State<AppState>) -> Response {
    Json(app.settings()).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    magento_version: Option<MagentoVersion>,
    throttle: Option<Throttle>,
    enumeration: Option<Enumeration>,
}

pub async fn patch(State(app): State<AppState>, AdminJson(change): AdminJson<SettingsChange>) -> Response {
    let settings = app.update_settings(|settings| {
        if let Some(version) = change.magento_version {
            settings.magento_version = version;
        }
        if let Some(throttle) = change.throttle {
            settings.throttle = throttle;
        }
        if let Some(enumeration) = change.enumeration {
            settings.enumeration = enumeration;
        }
    });
    Json(settings).into_response()
}

/// Accounts, tokens, inbox, journal, rules and clock of the namespace back to the start.
pub async fn reset_namespace(State(app): State<AppState>, Scope { name, .. }: Scope) -> Response {
    app.reset_namespace(&name);
    Json(json!({ "reset": true, "namespace": name })).into_response()
}

/// The namespaces in use ("" is the default), for the inbox page's selector.
pub async fn namespaces(State(app): State<AppState>) -> Response {
    Json(app.namespace_names()).into_response()
}
