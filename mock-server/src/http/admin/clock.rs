//! The namespace's clock: read it, move it, put it back to real time.

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use time::Duration;

use crate::http::scope::Scope;
use crate::state::Namespace;

use super::{AdminError, AdminJson, AdminResult, rfc3339};

/// Ten years either way is plenty for expiry and lock tests, and keeps dates representable.
const MAX_ADVANCE_SECONDS: f64 = 315_576_000.0;

pub async fn get(Scope { namespace, .. }: Scope) -> Response {
    clock_json(&namespace)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    seconds: f64,
}

pub async fn advance(Scope { namespace, .. }: Scope, AdminJson(advance): AdminJson<Advance>) -> AdminResult {
    if !advance.seconds.is_finite() || advance.seconds.abs() > MAX_ADVANCE_SECONDS {
        return Err(AdminError::bad_request("seconds must be a number within ±315576000 (ten years)"));
    }
    namespace.clock.advance(Duration::seconds_f64(advance.seconds));
    namespace.clock_changed();
    Ok(clock_json(&namespace))
}

pub async fn back_to_real_time(Scope { namespace, .. }: Scope) -> Response {
    namespace.clock.reset();
    namespace.clock_changed();
    clock_json(&namespace)
}

fn clock_json(namespace: &Namespace) -> Response {
    let offset = namespace.clock.offset();
    Json(json!({ "now": rfc3339(namespace.clock.now()), "offset_seconds": offset.as_seconds_f64() })).into_response()
}
