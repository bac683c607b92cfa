//! More deliberately wrong backends: the email validator's boundaries (the corpus and IDN checks),
//! messages and shapes, statuses, the email, the lifecycle, and every kind of difference seen
//! between the mock and a real 2.4.7-p3 store.

use serde_json::{Value, json};

use crate::mutations::{
    CANNOT_RESET, CLASSES, EMPTY, INVALID, LOCKED, Mutation, SIGN_IN, TOO_LONG, TOO_SHORT, accept_email, each_error,
    each_to, emailed_token, field_of, m, on_graphql,
};
use crate::proxy::{Memory, Req, Resp};

/// The email argument of a GraphQL request.
fn email(req: &Req) -> Option<String> {
    if req.is_graphql() { req.argument("email") } else { None }
}

fn domain(email: &str) -> &str {
    email.rsplit_once('@').map_or("", |(_, d)| d)
}

fn local(email: &str) -> &str {
    email.rsplit_once('@').map_or(email, |(l, _)| l)
}

/// A validator that refuses `email` although Magento's accepts it.
fn refuse(resp: &mut Resp) {
    for from in [CANNOT_RESET, "Cannot set the customer's password"] {
        resp.replace(from, INVALID);
    }
}

/// A validator mutation: `accept` (or refuse) the emails `which` picks.
fn validator(
    name: &'static str,
    caught_by: &'static [&'static str],
    accept: bool,
    which: fn(&str) -> bool,
) -> Mutation {
    m(name, "validation", caught_by, move |req, resp, _| {
        if let Some(e) = email(req)
            && which(&e)
        {
            if accept { accept_email(req, resp) } else { refuse(resp) }
        }
    })
}

const CORPUS: &str = "corpus/email-verdicts";
const CLASSES_CHECK: &str = "request/invalid-email-classes";
const EXOTIC: &str = "request/unregistered-valid-email-quoted-idn";

fn sign_in_refusal(resp: &mut Resp, status: u16) {
    resp.status = status;
    resp.body = format!(
        r#"{{"errors":[{{"message":"{SIGN_IN}","locations":[{{"line":2,"column":3}}],"path":["generateCustomerToken"],"extensions":{{"category":"graphql-authentication"}}}}],"data":{{"generateCustomerToken":null}}}}"#
    );
}

fn sign_in_success(resp: &mut Resp) {
    resp.status = 200;
    resp.body = r#"{"data":{"generateCustomerToken":{"token":"eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"}}}"#.into();
}

fn note(memory: &Memory, key: &str) -> Option<String> {
    memory.notes.lock().unwrap().get(key).cloned()
}

fn set_note(memory: &Memory, key: &str, value: &str) {
    memory.notes.lock().unwrap().insert(key.to_owned(), value.to_owned());
}

/// Replaces `Conformance Check<digits>,` (the suite's accounts' greeting) in a message's JSON.
fn drop_greeting(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(at) = rest.find("Conformance Check") {
        let after = &rest[at + "Conformance Check".len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if after[digits..].starts_with(',') && digits > 0 {
            out.push_str(&rest[..at]);
            out.push_str("Dear customer,");
            rest = &after[digits + 1..];
        } else {
            out.push_str(&rest[..at + "Conformance Check".len()]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn on_message(rewrite: fn(&mut Resp)) -> impl Fn(&Req, &mut Resp, &Memory) + Send + Sync {
    move |req, resp, _| {
        if req.path.starts_with("/api/v1/message/") {
            rewrite(resp);
        }
    }
}

fn email_mutation(name: &'static str, rewrite: fn(&mut Resp)) -> Mutation {
    m(name, "email content", &["email/one-documented-email-per-request"], on_message(rewrite))
}

/// A backend of `upstream` release that the suite checks against `expect`.
fn release(mutation: Mutation, upstream: &'static str, expect: &'static str) -> Mutation {
    Mutation { upstream_release: upstream, expect_release: expect, ..mutation }
}

pub fn all() -> Vec<Mutation> {
    let mut list = vec![
        // The validator, at the corpus's boundaries.
        validator("idn-domain-refused", &[EXOTIC, CORPUS], false, |e| !domain(e).is_ascii()),
        validator("quoted-local-part-refused", &[EXOTIC, CORPUS], false, |e| e.starts_with('"')),
        validator("trailing-line-feed-refused", &[CORPUS], false, |e| e.ends_with('\n')),
        validator("numeric-tld-refused", &["request/unregistered-valid-email", CORPUS], false, |e| {
            domain(e).rsplit('.').next().is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
        }),
        validator("one-letter-tld-accepted", &[CLASSES_CHECK, CORPUS], true, |e| {
            domain(e).contains('.') && domain(e).rsplit('.').next().is_some_and(|l| l.len() == 1)
        }),
        validator("ip-literal-accepted", &[CLASSES_CHECK, CORPUS], true, |e| domain(e).starts_with('[')),
        validator("single-label-domain-accepted", &[CLASSES_CHECK, CORPUS], true, |e| {
            e.contains('@') && !domain(e).contains('.') && !domain(e).is_empty()
        }),
        validator("leading-dot-accepted", &[CLASSES_CHECK, CORPUS], true, |e| e.starts_with('.')),
        validator("trailing-dot-accepted", &[CLASSES_CHECK, CORPUS], true, |e| {
            local(e).ends_with('.') || domain(e).ends_with('.')
        }),
        validator("two-ats-accepted", &[CLASSES_CHECK, CORPUS], true, |e| e.matches('@').count() == 2),
        validator("control-character-accepted", &[CLASSES_CHECK, CORPUS], true, |e| {
            e.chars().any(|c| c.is_ascii_control() && c != '\n')
        }),
        validator("long-label-accepted", &[CLASSES_CHECK, CORPUS], true, |e| {
            domain(e).split('.').any(|l| l.len() > 63)
        }),
        validator("inner-space-accepted", &[CLASSES_CHECK, CORPUS], true, |e| e.trim() == e && e.contains(' ')),
        validator("no-at-accepted", &[CLASSES_CHECK, CORPUS, "request/php-empty-email"], true, |e| {
            !e.contains('@') && !e.is_empty()
        }),
        validator("astral-plane-accepted", &[CORPUS], true, |e| e.chars().any(|c| u32::from(c) > 0xFFFF)),
        validator("zero-width-domain-refused", &[CORPUS], false, |e| domain(e).contains('\u{200b}')),
        validator("raw-punycode-accepted", &[CORPUS], true, |e| domain(e).contains("xn--")),
        validator("idn-under-any-tld-accepted", &[CORPUS], true, |e| !domain(e).is_ascii()),
        validator("non-ip-dotted-quad-refused", &[CORPUS], false, |e| {
            let labels: Vec<_> = domain(e).split('.').collect();
            labels.len() == 4
                && labels.iter().all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
                && labels.iter().any(|l| l.parse::<u32>().is_ok_and(|n| n > 255))
        }),
        validator("blank-quoted-local-part-refused", &[CORPUS], false, |e| local(e) == "\" \""),
        validator("c1-control-in-local-part-refused", &[CORPUS], false, |e| {
            local(e).chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c))
        }),
        m(
            "double-zero-is-empty",
            "validation",
            &["request/php-empty-email", "reset/input-checks-in-order"],
            |req, resp, _| {
                if email(req).as_deref() == Some("00") {
                    resp.replace(INVALID, EMPTY);
                }
            },
        ),
        m("space-is-empty", "validation", &["request/php-empty-email"], |req, resp, _| {
            if email(req).as_deref() == Some(" ") {
                resp.replace(INVALID, EMPTY);
            }
        }),
        m("false-is-empty", "validation", &["request/php-empty-email"], |req, resp, _| {
            if email(req).as_deref() == Some("false") {
                resp.replace(INVALID, EMPTY);
            }
        }),
        // Message texts and shapes.
        m(
            "empty-token-with-period",
            "message texts",
            &["snapshot/reset-empty-token", "reset/input-checks-in-order"],
            on_graphql("resetPasswordToken must be specified", "resetPasswordToken must be specified."),
        ),
        m(
            "empty-password-reworded",
            "message texts",
            &["snapshot/reset-empty-password", "reset/input-checks-in-order"],
            on_graphql("newPassword must be specified", "newPassword is required"),
        ),
        m(
            "too-long-says-255",
            "message texts",
            &["snapshot/reset-password-too-long", "reset/password-policy"],
            on_graphql(TOO_LONG, "Please enter a password with at most 255 characters."),
        ),
        m(
            "same-as-email-reworded",
            "message texts",
            &["snapshot/reset-password-same-as-email"],
            on_graphql("can't be the same as the email address", "must differ from the email address"),
        ),
        m(
            "too-short-says-10",
            "message texts",
            &["snapshot/reset-password-too-short", "reset/password-policy"],
            on_graphql(TOO_SHORT, "The password needs at least 10 characters. Create a new password and try again."),
        ),
        m("locked-category-authorization", "error shape", &["snapshot/request-locked-account"], |req, resp, _| {
            if req.is_graphql() && resp.body.contains(LOCKED) {
                resp.replace("graphql-input", "graphql-authorization");
            }
        }),
        m(
            "sign-in-category-input",
            "error shape",
            &["lifecycle/new-password-signs-in"],
            on_graphql("graphql-authentication", "graphql-input"),
        ),
        m(
            "path-as-string",
            "error shape",
            &["snapshot/request-unknown-email"],
            on_graphql("\"path\":[\"requestPasswordResetEmail\"]", "\"path\":\"requestPasswordResetEmail\""),
        ),
        m(
            "column-off-by-one",
            "error shape",
            &["snapshot/request-unknown-email"],
            on_graphql("\"column\":3}", "\"column\":4}"),
        ),
        m("debug-message-added", "error shape", &["snapshot/request-empty-email"], |req, resp, _| {
            if req.is_graphql() {
                each_error(resp, |e| {
                    e.insert("debugMessage".into(), json!("stack trace"));
                });
            }
        }),
        m("data-dropped-on-error", "error shape", &["snapshot/request-unknown-email"], |req, resp, _| {
            if let (true, Ok(Value::Object(mut body))) = (req.is_graphql(), serde_json::from_str::<Value>(&resp.body))
                && body.contains_key("errors")
            {
                body.remove("data");
                resp.body = Value::Object(body).to_string();
            }
        }),
        m(
            "false-instead-of-null",
            "error shape",
            &["snapshot/request-unknown-email"],
            on_graphql(
                "\"data\":{\"requestPasswordResetEmail\":null}",
                "\"data\":{\"requestPasswordResetEmail\":false}",
            ),
        ),
        m(
            "success-as-string",
            "error shape",
            &["snapshot/request-success", "email/one-documented-email-per-request"],
            on_graphql("{\"requestPasswordResetEmail\":true}", "{\"requestPasswordResetEmail\":\"true\"}"),
        ),
        m("error-duplicated", "error shape", &["snapshot/request-empty-email"], |req, resp, _| {
            if let (true, Ok(mut body)) = (req.is_graphql(), serde_json::from_str::<Value>(&resp.body))
                && let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut)
                && errors.len() == 1
            {
                let first = errors[0].clone();
                errors.push(first);
                resp.body = body.to_string();
            }
        }),
        m("every-field-its-error", "error shape", &["snapshot/several-fields"], |req, resp, _| {
            if req.is_graphql() && req.document().contains("b: requestPasswordResetEmail") {
                resp.body = resp.body.replace("\"b\":true", "\"b\":null").replace(
                    "}],\"data\"",
                    &format!(
                        "}},{{\"message\":\"{CANNOT_RESET}\",\"locations\":[{{\"line\":3,\"column\":3}}],\"path\":[\"b\"],\"extensions\":{{\"category\":\"graphql-input\"}}}}],\"data\""
                    ),
                );
            }
        }),
        m(
            "every-error-in-default-mode",
            "error shape",
            &["request/first-error-only-outside-developer-mode"],
            |req, resp, _| {
                if req.is_graphql() && req.document().contains("b: requestPasswordResetEmail(email: \"not-an-email\")")
                {
                    resp.replace(
                        "}],\"data\"",
                        &format!(
                            "}},{{\"message\":\"{INVALID}\",\"locations\":[{{\"line\":3,\"column\":3}}],\"path\":[\"b\"],\"extensions\":{{\"category\":\"graphql-input\"}}}}],\"data\""
                        ),
                    );
                }
            },
        ),
        m(
            "slash-not-escaped",
            "error shape",
            &["snapshot/http-wrong-content-type"],
            on_graphql("application\\/json", "application/json"),
        ),
        // HTTP statuses.
        m("validation-errors-400", "HTTP status", &["snapshot/validation-argument-missing"], |req, resp, _| {
            if req.is_graphql() && resp.status == 200 && resp.body.contains("is required but not provided") {
                resp.status = 400;
            }
        }),
        m("several-operations-500", "HTTP status", &["snapshot/http-several-operations"], |req, resp, _| {
            if req.is_graphql() && resp.body.contains("Must provide operation name") {
                resp.status = 500;
            }
        }),
        m("invalid-json-html-500", "HTTP status", &["snapshot/http-invalid-json"], |req, resp, _| {
            if req.is_graphql() && resp.body.contains("Unable to parse the request.") {
                resp.status = 500;
                resp.content_type = "text/html; charset=UTF-8".into();
                resp.body = "<h1>There has been an error processing your request</h1>".into();
            }
        }),
        m("body-too-large-413", "HTTP status", &["snapshot/http-body-too-large"], |req, resp, _| {
            // A front server's limit (nginx's 1m by default) where Magento has none.
            if req.is_graphql() && req.body.len() > 1 << 20 {
                resp.status = 413;
                resp.content_type = "text/html".into();
                resp.body = "<html><head><title>413 Request Entity Too Large</title></head></html>".into();
            }
        }),
        m("get-query-refused", "HTTP status", &["snapshot/http-get-query"], |req, resp, _| {
            if req.is_graphql() && req.method == "GET" && !req.document().contains("mutation") {
                resp.status = 400;
                resp.body = r#"{"errors":[{"message":"Queries allowed only for POST requests","extensions":{"category":"graphql-input"}}]}"#.into();
            }
        }),
        m("internal-error-500", "HTTP status", &["snapshot/internal-error"], |req, resp, _| {
            if req.is_graphql() && resp.body.contains("Internal server error") {
                resp.status = 500;
            }
        }),
        m(
            "mail-failure-answers-true",
            "HTTP status",
            &["snapshot/request-mail-failure", "email/none-when-transport-fails"],
            on_graphql("{\"requestPasswordResetEmail\":false}", "{\"requestPasswordResetEmail\":true}"),
        ),
        m("options-500-syntax-error", "transport", &["transport/options-request"], |req, resp, _| {
            if req.method == "OPTIONS" {
                resp.status = 500;
                resp.content_type = "application/json".into();
                resp.body =
                    r#"{"errors":[{"message":"Syntax Error: Unexpected <EOF>","locations":[{"line":1,"column":1}]}]}"#
                        .into();
            }
        }),
        // The email.
        m("mail-to-unknown-address", "email content", &["email/none-when-refused"], |req, resp, memory| {
            if field_of(req) == "requestPasswordResetEmail"
                && resp.body.contains(CANNOT_RESET)
                && let Some(e) = email(req)
            {
                set_note(memory, &format!("sent:{e}"), "now");
            }
            if let Some(to) = req.search_to()
                && note(memory, &format!("sent:{to}")).is_some()
            {
                resp.body =
                    json!({ "messages": [{ "ID": "x", "To": [{ "Address": to }] }], "messages_count": 1 }).to_string();
            }
        }),
        // Mail to the unknown address sits in a queue and arrives once a later message has: a
        // check that reads the inbox right after the refused request sees nothing.
        m("mail-to-unknown-address-queued", "email content", &["email/none-when-refused"], |req, resp, memory| {
            if req.is_graphql() && field_of(req) == "requestPasswordResetEmail" && resp.body.contains(CANNOT_RESET) {
                if let Some(e) = email(req) {
                    set_note(memory, &format!("queued:{e}"), "pending");
                }
                return;
            }
            let Some(to) = req.search_to() else { return };
            let key = format!("queued:{to}");
            match note(memory, &key).as_deref() {
                Some("delivered") => {
                    resp.body =
                        json!({ "messages": [{ "ID": "late", "To": [{ "Address": to }] }], "messages_count": 1 })
                            .to_string();
                }
                Some(_) => {}
                None => {
                    // Another address's mail arrived: the queue has moved past the refused one.
                    let delivered = serde_json::from_str::<Value>(&resp.body)
                        .is_ok_and(|b| b["messages"].as_array().is_some_and(|m| !m.is_empty()));
                    if delivered {
                        for value in memory.notes.lock().unwrap().iter_mut() {
                            if value.0.starts_with("queued:") {
                                *value.1 = "delivered".into();
                            }
                        }
                    }
                }
            }
        }),
        email_mutation("subject-names-the-store-view", |resp| {
            resp.replace("Reset your Main Website Store password", "Reset your Default Store View password");
        }),
        email_mutation("greeting-dropped", |resp| resp.body = drop_greeting(&resp.body)),
        email_mutation("recipient-name-dropped", |resp| each_to(resp, |to| to["Name"] = json!(""))),
        email_mutation("recipient-uppercased", |resp| {
            each_to(resp, |to| {
                let upper = to["Address"].as_str().unwrap_or_default().to_uppercase();
                to["Address"] = json!(upper);
            });
        }),
        email_mutation("second-recipient", |resp| {
            if let Ok(mut body) = serde_json::from_str::<Value>(&resp.body)
                && let Some(to) = body["To"].as_array_mut()
            {
                to.push(json!({ "Name": "", "Address": "audit@example.com" }));
                resp.body = body.to_string();
            }
        }),
        email_mutation("ignore-phrase-dropped", |resp| {
            resp.replace("If you did not make this request, you can ignore this email", "Ignore this email");
        }),
        email_mutation("link-base-without-slash", |resp| {
            resp.replace("/customer/account/createPassword/", "customer/account/createPassword/");
        }),
        email_mutation("link-without-email-on-2.4.8", |resp| {
            while let Some(at) = resp.body.find("createPassword/?email=") {
                let start = at + "createPassword/?".len();
                let Some(len) = resp.body[start..].find("&id=") else { break };
                resp.body.replace_range(start..start + len + 1, "");
            }
        }),
        email_mutation("emailed-token-not-live", |resp| {
            if let Some(token) = emailed_token(&resp.body)
                && token.len() == 32
            {
                let other: String = token.chars().rev().collect();
                resp.replace(&format!("token={token}"), &format!("token={other}"));
            }
        }),
        email_mutation("html-links-another-token", |resp| {
            if let Ok(mut body) = serde_json::from_str::<Value>(&resp.body)
                && let Some(html) = body["HTML"].as_str().map(str::to_owned)
                && let Some(token) = emailed_token(&html)
                && !body["Text"].as_str().unwrap_or_default().is_empty()
            {
                body["HTML"] = json!(html.replace(&token, &"Z".repeat(token.len())));
                resp.body = body.to_string();
            }
        }),
        // The lifecycle and sign-in.
        m("lookup-case-sensitive", "lifecycle", &["request/lookup-ignores-case"], |req, resp, _| {
            if field_of(req) == "requestPasswordResetEmail"
                && email(req).is_some_and(|e| e.chars().any(|c| c.is_ascii_uppercase()))
                && resp.body.contains("\"requestPasswordResetEmail\":true")
            {
                resp.body = format!(
                    r#"{{"errors":[{{"message":"{CANNOT_RESET}","locations":[{{"line":2,"column":3}}],"path":["requestPasswordResetEmail"],"extensions":{{"category":"graphql-input"}}}}],"data":{{"requestPasswordResetEmail":null}}}}"#
                );
            }
        }),
        m("sign-in-locks-after-5-failures", "lifecycle", &["lifecycle/sign-in-throttle-count"], |req, resp, memory| {
            if !req.is_graphql() || req.field() != "generateCustomerToken" {
                return;
            }
            let key = format!("failures:{}", email(req).unwrap_or_default().to_lowercase());
            let failures: u32 = note(memory, &key).and_then(|n| n.parse().ok()).unwrap_or(0);
            if resp.body.contains(SIGN_IN) {
                set_note(memory, &key, &(failures + 1).to_string());
            } else if failures >= 5 {
                sign_in_refusal(resp, 401);
            } else {
                set_note(memory, &key, "0");
            }
        }),
        m("sign-in-throttle-never-engages", "lifecycle", &["lifecycle/sign-in-throttle"], |req, resp, _| {
            if req.is_graphql()
                && req.field() == "generateCustomerToken"
                && resp.body.contains(SIGN_IN)
                && req.argument("password").is_some_and(|p| p != "Wr0ng-Passw0rd!")
            {
                sign_in_success(resp);
            }
        }),
        m("new-password-refused", "lifecycle", &["lifecycle/new-password-signs-in"], |req, resp, memory| {
            if !req.is_graphql() {
                return;
            }
            let who = email(req).unwrap_or_default().to_lowercase();
            if req.field() == "resetPassword" && resp.body.contains("\"resetPassword\":true") {
                set_note(memory, &format!("new:{who}"), &req.argument("newPassword").unwrap_or_default());
            }
            if req.field() == "generateCustomerToken"
                && note(memory, &format!("new:{who}")).is_some_and(|p| Some(p) == req.argument("password"))
            {
                sign_in_refusal(resp, 401);
            }
        }),
        m("old-password-still-signs-in", "lifecycle", &["lifecycle/new-password-signs-in"], |req, resp, memory| {
            if !req.is_graphql() {
                return;
            }
            let who = email(req).unwrap_or_default().to_lowercase();
            if req.field() == "resetPassword" && resp.body.contains("\"resetPassword\":true") {
                set_note(memory, &format!("reset:{who}"), "yes");
            }
            if req.field() == "generateCustomerToken"
                && resp.body.contains(SIGN_IN)
                && note(memory, &format!("reset:{who}")).is_some()
                && req.argument("password").is_some_and(|p| p != "Wr0ng-Passw0rd!")
            {
                sign_in_success(resp);
            }
        }),
        m(
            "reset-answers-false",
            "lifecycle",
            &["snapshot/reset-success", "lifecycle/token-works-once"],
            on_graphql("{\"resetPassword\":true}", "{\"resetPassword\":false}"),
        ),
        m(
            "store-config-policy-differs",
            "password policy",
            &["reset/password-policy", "email/one-documented-email-per-request"],
            on_graphql("\"minimum_password_length\":\"8\"", "\"minimum_password_length\":\"10\""),
        ),
        // Transport.
        m("html-for-html-accept", "transport", &["transport/json-whatever-accept"], |req, resp, _| {
            if req.is_graphql() && req.method == "POST" && req.accept.contains("text/html") {
                resp.content_type = "text/html; charset=UTF-8".into();
            }
        }),
        m("named-operation-refused", "transport", &["transport/storefront-named-operation"], |req, resp, _| {
            if req.is_graphql() && req.document().starts_with("mutation resetPassword(") {
                resp.body = r#"{"errors":[{"message":"Unknown operation named \"resetPassword\"."}]}"#.into();
            }
        }),
        m("store-config-503", "transport", &["transport/no-5xx-on-documented-requests"], |req, resp, _| {
            if req.is_graphql() && req.method == "POST" && req.document() == "{ storeConfig { store_name } }" {
                resp.status = 503;
            }
        }),
        m("variables-ignored", "transport", &["request/literal-variable-alias-agree", CORPUS], |req, resp, _| {
            let variable = req.json()["variables"]["email"].as_str().map(str::to_owned);
            if req.is_graphql()
                && field_of(req) == "requestPasswordResetEmail"
                && variable.is_some_and(|v| !v.is_empty())
            {
                resp.body = format!(
                    r#"{{"errors":[{{"message":"{EMPTY}","locations":[{{"line":2,"column":3}}],"path":["requestPasswordResetEmail"],"extensions":{{"category":"graphql-input"}}}}],"data":{{"requestPasswordResetEmail":null}}}}"#
                );
            }
        }),
        m(
            "alias-ignored-in-data",
            "error shape",
            &["snapshot/alias-in-path", "request/literal-variable-alias-agree"],
            |req, resp, _| {
                if req.is_graphql() && req.document().contains("r: ") {
                    resp.replace("\"data\":{\"r\":", &format!("\"data\":{{\"{}\":", field_of(req)));
                }
            },
        ),
        m(
            "control-character-literal-accepted",
            "validation",
            &["request/control-characters-only-as-variables"],
            |req, resp, _| {
                if req.is_graphql() && req.document().contains("\\u0001") {
                    resp.status = 200;
                    resp.body = format!(
                        r#"{{"errors":[{{"message":"{INVALID}","locations":[{{"line":2,"column":3}}],"path":["requestPasswordResetEmail"],"extensions":{{"category":"graphql-input"}}}}],"data":{{"requestPasswordResetEmail":null}}}}"#
                    );
                }
            },
        ),
    ];
    // Differences between the mock and a real 2.4.7-p3 store, against a mock imitating 2.4.7.
    list.extend([
        release(
            m("sign-in-401-on-2.4.7", "real store", &["lifecycle/new-password-signs-in"], |req, resp, _| {
                if req.is_graphql() && resp.body.contains(SIGN_IN) {
                    resp.status = 401;
                }
            }),
            "2.4.7",
            "2.4.7",
        ),
        release(
            m("options-204-on-2.4.7", "real store", &["transport/options-request"], |req, resp, _| {
                if req.method == "OPTIONS" {
                    resp.status = 204;
                    resp.body.clear();
                }
            }),
            "2.4.7",
            "2.4.7",
        ),
        release(
            email_mutation("link-without-id-on-2.4.7", |resp| {
                while let Some(at) = resp.body.find("createPassword/?id=") {
                    let start = at + "createPassword/?".len();
                    let Some(len) = resp.body[start..].find("token=") else { break };
                    resp.body.replace_range(start..start + len, "");
                }
            }),
            "2.4.7",
            "2.4.7",
        ),
        release(
            email_mutation("subject-store-view-on-2.4.7", |resp| {
                resp.replace("Reset your Main Website Store password", "Reset your Default Store View password");
            }),
            "2.4.7",
            "2.4.7",
        ),
        release(
            m(
                "control-literal-accepted-on-2.4.7",
                "real store",
                &["request/control-characters-only-as-variables"],
                |req, resp, _| {
                    if req.is_graphql() && req.document().contains("\\u0001") {
                        resp.status = 200;
                        resp.body = format!(
                            r#"{{"errors":[{{"message":"{INVALID}","locations":[{{"line":2,"column":3}}],"path":["requestPasswordResetEmail"],"extensions":{{"category":"graphql-input"}}}}],"data":{{"requestPasswordResetEmail":null}}}}"#
                        );
                    }
                },
            ),
            "2.4.7",
            "2.4.7",
        ),
        release(
            m("classes-message-on-2.4.7", "real store", &["reset/password-policy"], on_graphql(CLASSES, "Use more kinds of characters.")),
            "2.4.7",
            "2.4.7",
        ),
        release(m("release-2.4.7-under-2.4.8", "release", &["transport/options-request", "lifecycle/new-password-signs-in"], |_, _, _| {}), "2.4.7", "2.4.8"),
        release(m("release-2.4.1-under-2.4.8", "release", &["snapshot/reset-token-mismatched"], |_, _, _| {}), "2.4.1", "2.4.8"),
    ]);
    list
}

#[test]
fn the_greeting_of_a_suite_account_is_found() {
    assert_eq!(drop_greeting(r#"{"Text":"Conformance Check12,\nThere"}"#), r#"{"Text":"Dear customer,\nThere"}"#);
    assert_eq!(drop_greeting("Conformance Checks"), "Conformance Checks");
}
