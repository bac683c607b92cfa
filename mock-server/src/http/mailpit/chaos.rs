//! `/api/v1/chaos`: Mailpit's chaos triggers (`server/apiv1/chaos.go`), answered as Mailpit
//! answers them and carried out by the SMTP faults of the default namespace (Mailpit's chaos is
//! server-wide, and mail before DATA belongs to the default namespace).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::mail::smtp_faults::{ChaosConfig, ChaosTrigger, ChaosTriggers};
use crate::state::AppState;

pub async fn get_chaos(State(app): State<AppState>) -> Response {
    if !app.chaos_enabled() {
        return error("Chaos is not enabled");
    }
    match app.namespace("") {
        Ok(namespace) => triggers(&namespace.smtp_faults().chaos()),
        Err(e) => error(&e.to_string()),
    }
}

/// Omitted triggers go back to their defaults at 0 %; `{}` resets all (Mailpit's rule).
pub async fn set_chaos(State(app): State<AppState>, body: Bytes) -> Response {
    if !app.chaos_enabled() {
        return error("Chaos is not enabled");
    }
    let wanted = match decode(&body) {
        Ok(wanted) => wanted,
        Err(message) => return error(&message),
    };
    let namespace = match app.namespace("") {
        Ok(namespace) => namespace,
        Err(e) => return error(&e.to_string()),
    };
    for (which, config) in wanted {
        let Ok(seed) = app.random().hex(8) else { return error("no random seed") };
        let seed = u64::from_str_radix(&seed, 16).unwrap_or_default();
        // Set one by one, as Mailpit does: a refused trigger leaves the earlier ones set.
        if let Err(e) = namespace.smtp_faults().set_chaos(which, config, seed) {
            return error(&e.to_string());
        }
    }
    triggers(&namespace.smtp_faults().chaos())
}

/// Go's `json.Encoder`: the object and a newline.
fn triggers(triggers: &ChaosTriggers) -> Response {
    let mut body = serde_json::to_vec(triggers).unwrap_or_default();
    body.push(b'\n');
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Mailpit's `httpError`: a 400 in plain text, with no newline.
fn error(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, "text/plain")], message.to_owned()).into_response()
}

/// The body as Go's `json.Decoder` reads it into `chaos.Triggers`: keys matched ignoring case,
/// unknown keys and `null` ignored, a missing code taken as the trigger's default. Type errors
/// use Go's wording.
fn decode(body: &[u8]) -> Result<[(ChaosTrigger, ChaosConfig); 3], String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err("EOF".to_owned());
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let top = match value {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => return Err(format!("json: cannot unmarshal {} into Go value of type chaos.Triggers", kind(&other))),
    };
    let mut out = [ChaosTrigger::Sender, ChaosTrigger::Recipient, ChaosTrigger::Authentication]
        .map(|which| (which, ChaosConfig { error_code: 0, probability: 0 }));
    for (which, config) in &mut out {
        let name = match which {
            ChaosTrigger::Sender => "Sender",
            ChaosTrigger::Recipient => "Recipient",
            ChaosTrigger::Authentication => "Authentication",
        };
        match field(&top, name) {
            None | Some(Value::Null) => {}
            Some(Value::Object(trigger)) => {
                config.error_code = int(trigger, name, "ErrorCode")?;
                config.probability = int(trigger, name, "Probability")?;
            }
            Some(other) => {
                return Err(format!(
                    "json: cannot unmarshal {} into Go struct field Triggers.{name} of type chaos.Trigger",
                    kind(other)
                ));
            }
        }
        if config.error_code == 0 {
            config.error_code = which.default_config().error_code;
        }
    }
    Ok(out)
}

/// Go matches a key exactly first, then ignoring case; the last duplicate wins either way.
fn field<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    map.get(name).or_else(|| map.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

fn int(trigger: &Map<String, Value>, parent: &str, name: &str) -> Result<i64, String> {
    match field(trigger, name) {
        None | Some(Value::Null) => Ok(0),
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| {
            format!("json: cannot unmarshal number {n} into Go struct field Triggers.{parent}.{name} of type int")
        }),
        Some(other) => Err(format!(
            "json: cannot unmarshal {} into Go struct field Triggers.{parent}.{name} of type int",
            kind(other)
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_read_as_go_reads_them() {
        let [sender, recipient, auth] =
            decode(br#"{"sender":{"errorcode":450,"PROBABILITY":5},"Authentication":null}"#).expect("decoded");
        assert_eq!(sender.1, ChaosConfig { error_code: 450, probability: 5 });
        assert_eq!(recipient.1, ChaosConfig { error_code: 451, probability: 0 });
        assert_eq!(auth.1, ChaosConfig { error_code: 535, probability: 0 });
        assert_eq!(decode(b"").unwrap_err(), "EOF");
        assert_eq!(decode(b"[]").unwrap_err(), "json: cannot unmarshal array into Go value of type chaos.Triggers");
        assert_eq!(
            decode(br#"{"Recipient":{"Probability":"5"}}"#).unwrap_err(),
            "json: cannot unmarshal string into Go struct field Triggers.Recipient.Probability of type int"
        );
        assert_eq!(
            decode(br#"{"Sender":{"Probability":2.5}}"#).unwrap_err(),
            "json: cannot unmarshal number 2.5 into Go struct field Triggers.Sender.Probability of type int"
        );
        assert_eq!(
            decode(br#"{"Sender":5}"#).unwrap_err(),
            "json: cannot unmarshal number into Go struct field Triggers.Sender of type chaos.Trigger"
        );
    }
}
