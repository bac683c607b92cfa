//! The deliberately wrong backends: each mutation changes one documented behaviour of the mock,
//! and names the checks that must report it.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::proxy::{Memory, Req, Resp, Rewrite};

pub struct Mutation {
    pub name: &'static str,
    pub area: &'static str,
    /// At least one of these checks must fail.
    pub caught_by: &'static [&'static str],
    /// The mock behind the proxy: its release and whether it throttles.
    pub upstream_release: &'static str,
    pub upstream_throttles: bool,
    /// The release the suite expects (`--magento-version`).
    pub expect_release: &'static str,
    pub rewrite: Rewrite,
}

pub fn m(
    name: &'static str,
    area: &'static str,
    caught_by: &'static [&'static str],
    rewrite: impl Fn(&Req, &mut Resp, &Memory) + Send + Sync + 'static,
) -> Mutation {
    Mutation {
        name,
        area,
        caught_by,
        upstream_release: "2.4.8",
        upstream_throttles: true,
        expect_release: "2.4.8",
        rewrite: Arc::new(rewrite),
    }
}

pub fn on_graphql(from: &'static str, to: &'static str) -> impl Fn(&Req, &mut Resp, &Memory) + Send + Sync {
    move |req, resp, _| {
        if req.is_graphql() {
            resp.replace(from, to);
        }
    }
}

pub const EMPTY: &str = "You must specify an email address.";
pub const INVALID: &str = "The email address has an invalid format.";
pub const CANNOT_RESET: &str = "Cannot reset the customer's password";
pub const CANNOT_SET: &str = "Cannot set the customer's password";
pub const LOCKED: &str = "\"The account is locked\"";
pub const MISMATCHED: &str = "The password token is mismatched. Reset and try again.";
pub const EXPIRED: &str = "The password token is expired. Reset and try again.";
pub const TOO_SHORT: &str = "The password needs at least 8 characters. Create a new password and try again.";
pub const TOO_LONG: &str = "Please enter a password with at most 256 characters.";
pub const EDGE: &str = "The password can't begin or end with a space. Verify the password and try again.";
pub const CLASSES: &str = "Minimum of different classes of characters in password is 3. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.";
pub const SIGN_IN: &str =
    "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.";

/// Rewrites every error object of a GraphQL answer.
pub fn each_error(resp: &mut Resp, change: impl Fn(&mut Map<String, Value>)) {
    let Ok(mut body) = serde_json::from_str::<Value>(&resp.body) else { return };
    if let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) {
        for error in errors {
            if let Some(object) = error.as_object_mut() {
                change(object);
            }
        }
    }
    resp.body = body.to_string();
}

/// The same object with its keys in `order` (others after).
fn reorder(object: &mut Map<String, Value>, order: &[&str]) {
    let old = std::mem::take(object);
    for key in order {
        if let Some(value) = old.get(*key) {
            object.insert((*key).to_owned(), value.clone());
        }
    }
    for (key, value) in old {
        object.entry(key).or_insert(value);
    }
}

pub fn field_of(req: &Req) -> &'static str {
    let document = req.document();
    if document.contains("resetPassword(") { "resetPassword" } else { "requestPasswordResetEmail" }
}

/// Turns an invalid-format answer into the one a validator that accepts `email` would give.
pub fn accept_email(req: &Req, resp: &mut Resp) {
    if resp.body.contains(INVALID) {
        let to = if field_of(req) == "resetPassword" { CANNOT_SET } else { CANNOT_RESET };
        resp.replace(INVALID, to);
    }
}

fn is_ipv4_domain(email: &str) -> bool {
    let domain = email.rsplit('@').next().unwrap_or_default().trim_matches(['[', ']']);
    let parts: Vec<_> = domain.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok())
}

pub fn all() -> Vec<Mutation> {
    let mut list = vec![
        // Message texts.
        m(
            "empty-email-without-period",
            "message texts",
            &["snapshot/request-empty-email", "request/php-empty-email"],
            on_graphql(EMPTY, "You must specify an email address"),
        ),
        m(
            "locked-with-final-period",
            "message texts",
            &["snapshot/request-locked-account"],
            on_graphql(LOCKED, "\"The account is locked.\""),
        ),
        m(
            "curly-apostrophe",
            "message texts",
            &["snapshot/request-unknown-email"],
            on_graphql(CANNOT_RESET, "Cannot reset the customer’s password"),
        ),
        m(
            "invalid-format-reworded",
            "message texts",
            &["snapshot/request-invalid-email", "request/invalid-email-classes"],
            on_graphql(INVALID, "Invalid email address."),
        ),
        m(
            "mismatched-reworded",
            "message texts",
            &["snapshot/reset-token-mismatched", "reset/random-token-mismatched"],
            on_graphql(MISMATCHED, "The password token is mismatched."),
        ),
        m(
            "expired-reworded",
            "message texts",
            &["snapshot/reset-token-expired", "lifecycle/token-expires-after-2-hours"],
            on_graphql(EXPIRED, "Your reset link has expired."),
        ),
        m(
            "unknown-customer-on-reset-says-cannot-reset",
            "message texts",
            &["snapshot/reset-unknown-customer"],
            on_graphql(CANNOT_SET, CANNOT_RESET),
        ),
        m(
            "classes-message-reworded",
            "message texts",
            &["snapshot/reset-password-too-few-classes", "reset/password-policy"],
            on_graphql(
                "Classes of characters: Lower Case, Upper Case, Digits, Special Characters.",
                "Use lower case, upper case, digits and special characters.",
            ),
        ),
        m(
            "sign-in-message-reworded",
            "message texts",
            &["lifecycle/new-password-signs-in"],
            on_graphql(SIGN_IN, "Invalid login or password."),
        ),
        // Error shape and key order.
        m("old-key-order", "error shape", &["snapshot/request-empty-email"], |req, resp, _| {
            if req.is_graphql() {
                each_error(resp, |e| reorder(e, &["message", "extensions", "locations", "path"]));
            }
        }),
        m("no-locations", "error shape", &["snapshot/request-unknown-email"], |req, resp, _| {
            if req.is_graphql() {
                each_error(resp, |e| {
                    e.remove("locations");
                });
            }
        }),
        m(
            "path-ignores-alias",
            "error shape",
            &["snapshot/alias-in-path"],
            on_graphql("\"path\":[\"r\"]", "\"path\":[\"resetPassword\"]"),
        ),
        m("data-before-errors", "error shape", &["snapshot/request-zero-email"], |req, resp, _| {
            if let (true, Ok(Value::Object(mut body))) = (req.is_graphql(), serde_json::from_str::<Value>(&resp.body)) {
                reorder(&mut body, &["data", "errors"]);
                resp.body = Value::Object(body).to_string();
            }
        }),
        m(
            "category-renamed",
            "error shape",
            &["snapshot/reset-empty-token"],
            on_graphql("\"category\":\"graphql-input\"", "\"category\":\"graphql-no-such-entity\""),
        ),
        m(
            "validation-errors-with-category",
            "error shape",
            &["snapshot/validation-argument-missing"],
            |req, resp, _| {
                if req.is_graphql() && !resp.body.contains("\"path\"") && resp.body.contains("\"locations\"") {
                    each_error(resp, |e| {
                        e.insert("extensions".into(), json!({ "category": "graphql" }));
                    });
                }
            },
        ),
        m(
            "internal-error-with-category",
            "error shape",
            &["snapshot/internal-error"],
            on_graphql(
                "\"message\":\"Internal server error\"",
                "\"message\":\"Internal server error\",\"extensions\":{\"category\":\"internal\"}",
            ),
        ),
        // HTTP status.
        m("syntax-error-500", "HTTP status", &["snapshot/http-syntax-error"], |req, resp, _| {
            if req.is_graphql() && resp.body.contains("Syntax Error:") {
                resp.status = 500;
            }
        }),
        m("wrong-content-type-415", "HTTP status", &["snapshot/http-wrong-content-type"], |_, resp, _| {
            if resp.body.contains("Request content type must be") {
                resp.status = 415;
            }
        }),
        m(
            "resolver-errors-400",
            "HTTP status",
            &["snapshot/request-unknown-email", "request/unregistered-valid-email"],
            |req, resp, _| {
                if req.is_graphql() && resp.body.contains("\"errors\"") && resp.body.contains("\"data\"") {
                    resp.status = 400;
                }
            },
        ),
        m("get-mutation-405", "HTTP status", &["snapshot/http-get-mutation"], |req, resp, _| {
            if req.is_graphql() && req.method == "GET" && req.document().contains("mutation") {
                resp.status = 405;
            }
        }),
        m(
            "sign-in-failure-200",
            "HTTP status",
            &["lifecycle/new-password-signs-in", "lifecycle/sign-in-throttle"],
            |_, resp, _| {
                if resp.status == 401 {
                    resp.status = 200;
                }
            },
        ),
        // Validation.
        m(
            "zero-email-not-empty",
            "validation",
            &["snapshot/request-zero-email", "request/php-empty-email"],
            |req, resp, _| {
                if req.is_graphql() && req.argument("email").as_deref() == Some("0") {
                    resp.replace(EMPTY, INVALID);
                }
            },
        ),
        m("double-dot-accepted", "validation", &["request/invalid-email-classes"], |req, resp, _| {
            if req.is_graphql() && req.argument("email").is_some_and(|e| e.contains("..")) {
                accept_email(req, resp);
            }
        }),
        m("ip-domain-accepted", "validation", &["request/invalid-email-classes"], |req, resp, _| {
            if req.is_graphql() && req.argument("email").is_some_and(|e| is_ipv4_domain(&e)) {
                accept_email(req, resp);
            }
        }),
        m("email-trimmed", "validation", &["request/invalid-email-classes"], |req, resp, _| {
            if req.is_graphql() && req.argument("email").is_some_and(|e| e.trim() != e) {
                accept_email(req, resp);
            }
        }),
        m("long-local-part-accepted", "validation", &["request/invalid-email-classes"], |req, resp, _| {
            if req.is_graphql()
                && req.argument("email").is_some_and(|e| e.split('@').next().is_some_and(|l| l.len() > 64))
            {
                accept_email(req, resp);
            }
        }),
        // Order of checks.
        m("token-checked-before-email", "order of checks", &["reset/input-checks-in-order"], |req, resp, _| {
            if req.is_graphql()
                && resp.body.contains(INVALID)
                && matches!(req.argument("resetPasswordToken").as_deref(), Some("" | "0"))
            {
                resp.replace(INVALID, "resetPasswordToken must be specified");
            }
        }),
        m("throttle-before-lock", "order of checks", &["snapshot/request-locked-account"], |req, resp, _| {
            if req.is_graphql() && field_of(req) == "requestPasswordResetEmail" {
                resp.replace(LOCKED, &format!("\"{CANNOT_RESET}\""));
            }
        }),
        m(
            "classes-before-length",
            "order of checks",
            &["snapshot/reset-password-too-short", "reset/password-policy"],
            |req, resp, _| {
                let few = |p: &str| {
                    [
                        p.chars().any(|c| c.is_ascii_lowercase()),
                        p.chars().any(|c| c.is_ascii_uppercase()),
                        p.chars().any(|c| c.is_ascii_digit()),
                        p.chars().any(|c| !c.is_ascii_alphanumeric()),
                    ]
                    .iter()
                    .filter(|x| **x)
                    .count()
                        < 3
                };
                if req.is_graphql()
                    && resp.body.contains(TOO_SHORT)
                    && req.argument("newPassword").is_some_and(|p| few(&p))
                {
                    resp.replace(TOO_SHORT, CLASSES);
                }
            },
        ),
        // Lock handling.
        m(
            "lock-ignored-on-request",
            "lock handling",
            &["snapshot/request-locked-account", "lifecycle/locked-account-cannot-reset"],
            |req, resp, _| {
                if req.is_graphql() && field_of(req) == "requestPasswordResetEmail" && resp.body.contains(LOCKED) {
                    resp.body = r#"{"data":{"requestPasswordResetEmail":true}}"#.into();
                }
            },
        ),
        m("locked-reset-says-cannot-set", "lock handling", &["snapshot/reset-locked-account"], |req, resp, _| {
            if req.is_graphql() && field_of(req) == "resetPassword" {
                resp.replace(LOCKED, &format!("\"{CANNOT_SET}\""));
            }
        }),
        // Token lifecycle.
        m(
            "token-reusable",
            "token lifecycle",
            &["snapshot/reset-token-used", "lifecycle/token-works-once"],
            |req, resp, memory| {
                if !req.is_graphql() || field_of(req) != "resetPassword" {
                    return;
                }
                let Some(token) = req.argument("resetPasswordToken") else { return };
                let mut used = memory.tokens_used.lock().unwrap();
                if resp.body.contains("\"resetPassword\":true") {
                    used.insert(token);
                } else if resp.body.contains(MISMATCHED) && used.contains(&token) {
                    resp.body = r#"{"data":{"resetPassword":true}}"#.into();
                }
            },
        ),
        m(
            "superseded-token-still-works",
            "token lifecycle",
            &["lifecycle/newer-request-supersedes"],
            |req, resp, memory| {
                if req.path.starts_with("/api/v1/message/") {
                    if let Some(token) = emailed_token(&resp.body) {
                        memory.tokens_emailed.lock().unwrap().insert(token);
                    }
                    return;
                }
                if req.is_graphql() && resp.body.contains(MISMATCHED) {
                    let token = req.argument("resetPasswordToken").unwrap_or_default();
                    if memory.tokens_emailed.lock().unwrap().contains(&token)
                        && !memory.tokens_used.lock().unwrap().contains(&token)
                    {
                        resp.body = r#"{"data":{"resetPassword":true}}"#.into();
                    }
                }
                if resp.body.contains("\"resetPassword\":true") {
                    memory.tokens_used.lock().unwrap().insert(req.argument("resetPasswordToken").unwrap_or_default());
                }
            },
        ),
        m(
            "expiry-ignored",
            "token lifecycle",
            &["snapshot/reset-token-expired", "lifecycle/token-expires-after-2-hours"],
            |req, resp, _| {
                if req.is_graphql() && resp.body.contains(EXPIRED) {
                    resp.body = r#"{"data":{"resetPassword":true}}"#.into();
                }
            },
        ),
        m("short-token-in-link", "token lifecycle", &["email/one-documented-email-per-request"], |req, resp, _| {
            if req.path.starts_with("/api/v1/message/")
                && let Some(token) = emailed_token(&resp.body)
            {
                resp.replace(&format!("token={token}"), &format!("token={}", &token[..31]));
            }
        }),
        // Email content.
        m("subject-changed", "email content", &["email/one-documented-email-per-request"], |req, resp, _| {
            if req.path.starts_with("/api/v1/") {
                resp.replace("Reset your Main Website Store password", "Password reset request");
            }
        }),
        m("recipient-changed", "email content", &["email/one-documented-email-per-request"], |req, resp, _| {
            if req.path.starts_with("/api/v1/message/") {
                each_to(resp, |to| to["Address"] = json!("someone-else@example.com"));
            }
        }),
        m(
            "two-emails-per-request",
            "email content",
            &["email/one-documented-email-per-request", "lifecycle/stateful-model"],
            |req, resp, _| {
                if req.path == "/api/v1/search"
                    && let Ok(mut body) = serde_json::from_str::<Value>(&resp.body)
                    && let Some(messages) = body["messages"].as_array_mut()
                    && let Some(first) = messages.first().cloned()
                {
                    messages.insert(0, first);
                    resp.body = body.to_string();
                }
            },
        ),
        m(
            "no-email",
            "email content",
            &["email/one-documented-email-per-request", "lifecycle/token-works-once"],
            |req, resp, _| {
                if req.path == "/api/v1/search"
                    && let Ok(mut body) = serde_json::from_str::<Value>(&resp.body)
                {
                    body["messages"] = json!([]);
                    resp.body = body.to_string();
                }
            },
        ),
        m("link-path-changed", "email content", &["email/one-documented-email-per-request"], |req, resp, _| {
            if req.path.starts_with("/api/v1/message/") {
                resp.replace("customer/account/createPassword/", "customer/account/resetpassword/");
            }
        }),
        m("button-phrase-changed", "email content", &["email/one-documented-email-per-request"], |req, resp, _| {
            if req.path.starts_with("/api/v1/message/") {
                resp.replace("Set a New Password", "Reset Password");
            }
        }),
        // Password policy.
        m("minimum-length-10", "password policy", &["reset/password-policy"], |req, resp, _| {
            let len = req.argument("newPassword").map(|p| p.chars().count());
            if req.is_graphql()
                && field_of(req) == "resetPassword"
                && matches!(len, Some(8 | 9))
                && (resp.body.contains(CLASSES) || resp.body.contains(EDGE))
            {
                resp.replace(CLASSES, TOO_SHORT);
                resp.replace(EDGE, TOO_SHORT);
            }
        }),
        m("length-counted-in-bytes", "password policy", &["reset/password-policy"], |req, resp, _| {
            let password = req.argument("newPassword").unwrap_or_default();
            if req.is_graphql() && password.len() > 256 && password.chars().count() <= 256 {
                for message in [CLASSES, EDGE, TOO_SHORT] {
                    resp.replace(message, TOO_LONG);
                }
            }
        }),
        m(
            "edge-whitespace-not-checked",
            "password policy",
            &["snapshot/reset-password-edge-whitespace", "reset/password-policy"],
            on_graphql(EDGE, CLASSES),
        ),
        m(
            "same-as-email-case-sensitive",
            "password policy",
            &["snapshot/reset-password-same-as-email"],
            |req, resp, _| {
                let (email, password) =
                    (req.argument("email").unwrap_or_default(), req.argument("newPassword").unwrap_or_default());
                if req.is_graphql() && email != password {
                    resp.replace(
                        "The password can't be the same as the email address. Create a new password and try again.",
                        CLASSES,
                    );
                }
            },
        ),
        // Transport.
        m("get-query-502", "transport", &["snapshot/http-get-query"], |req, resp, _| {
            if req.is_graphql() && req.method == "GET" && !req.document().contains("mutation") {
                resp.status = 502;
                resp.body.clear();
            }
        }),
        m(
            "truncated-json",
            "transport",
            &["snapshot/request-empty-email", "request/php-empty-email"],
            |req, resp, _| {
                if req.is_graphql() && resp.body.contains(EMPTY) {
                    resp.body.pop();
                }
            },
        ),
        m(
            "content-type-html",
            "transport",
            &["snapshot/request-success", "transport/json-whatever-accept"],
            |req, resp, _| {
                if req.is_graphql() {
                    resp.content_type = "text/html; charset=UTF-8".into();
                }
            },
        ),
        m("options-200", "transport", &["transport/options-request"], |req, resp, _| {
            if req.method == "OPTIONS" {
                resp.status = 200;
                resp.body = "{}".into();
            }
        }),
        m("operation-name-honoured", "transport", &["transport/operation-name-ignored"], |req, resp, _| {
            if let Some(name) = req.json()["operationName"].as_str()
                && !req.document().contains(name)
            {
                resp.body = format!(r#"{{"errors":[{{"message":"Unknown operation named \"{name}\"."}}]}}"#);
            }
        }),
        m("internal-error-on-non-ascii", "transport", &["request/any-unicode-is-well-formed"], |req, resp, _| {
            let email = req.argument("email").unwrap_or_default();
            if req.is_graphql() && !email.is_ascii() {
                resp.status = 500;
                resp.body = r#"{"errors":[{"message":"Internal server error"}]}"#.into();
            }
        }),
        m(
            "several-fields-stop-at-first-error",
            "transport",
            &["snapshot/several-fields"],
            on_graphql("\"data\":{\"a\":null,\"b\":true}", "\"data\":{\"a\":null,\"b\":null}"),
        ),
    ];
    // Whole backends that differ in configuration rather than in one answer.
    list.push(Mutation {
        upstream_throttles: false,
        ..m(
            "no-throttle",
            "throttling",
            &["snapshot/request-throttled", "lifecycle/throttle-10-minutes-and-5-an-hour"],
            |_, _, _| {},
        )
    });
    list.push(Mutation {
        upstream_release: "2.4.6",
        ..m(
            "release-2.4.6-shapes",
            "error shape",
            &["snapshot/request-empty-email", "snapshot/http-syntax-error"],
            |_, _, _| {},
        )
    });
    list.extend(crate::more_mutations::all());
    list
}

pub fn each_to(resp: &mut Resp, change: impl Fn(&mut Value)) {
    if let Ok(mut body) = serde_json::from_str::<Value>(&resp.body) {
        if let Some(to) = body["To"].as_array_mut() {
            to.iter_mut().for_each(&change);
        }
        resp.body = body.to_string();
    }
}

/// The token after the first `token=` of a message's JSON.
pub fn emailed_token(body: &str) -> Option<String> {
    let at = body.find("token=")? + "token=".len();
    Some(body[at..].chars().take_while(char::is_ascii_alphanumeric).collect())
}
