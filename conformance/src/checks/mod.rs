//! The checks, one module per area. [`all`] lists them in report order.

pub mod snapshots;

use crate::check::Check;

/// Every check of the suite.
pub fn all() -> Vec<Check> {
    let mut checks = snapshots::checks();
    for more in [
        account_golden::checks(),
        request::checks(),
        reset::checks(),
        transport::checks(),
        email::checks(),
        lifecycle::checks(),
        stateful::checks(),
        corpus::checks(),
        account::checks(),
        cart::checks(),
        stores::checks(),
        release_2_4_8::checks(),
    ] {
        checks.extend(more);
    }
    checks.sort_by_key(|c| c.area);
    checks
}

pub mod account;
pub mod account_golden;
pub mod cart;
pub mod corpus;
pub mod email;
pub mod lifecycle;
pub mod release_2_4_8;
pub mod request;
pub mod reset;
pub mod stateful;
pub mod stores;
pub mod transport;

use crate::check::{CheckResult, Stop};
use crate::context::Context;
use crate::target::{Answer, literal};

/// The documented resolver error (section 8.1) for `message` on `path`, built from the
/// documentation's template for the expected release.
pub fn documented_error(ctx: &Context, path: &str, message: &str) -> String {
    documented_error_in(ctx, path, message, "graphql-input")
}

/// [`documented_error`] with another category (`graphql-authentication` for sign-in).
pub fn documented_error_in(ctx: &Context, path: &str, message: &str, category: &str) -> String {
    let error = error_object(ctx, path, message, category, 2);
    format!(r#"{{"errors":[{error}],"data":{{{}:null}}}}"#, literal_json(path))
}

/// One resolver error object of the release's shape, for the field at `line`, column 3.
pub fn error_object(ctx: &Context, path: &str, message: &str, category: &str, line: u32) -> String {
    let message = literal_json(message);
    let ext = format!(r#""extensions":{{"category":"{category}"}}"#);
    let locations = format!(r#""locations":[{{"line":{line},"column":3}}]"#);
    let path_key = format!(r#""path":[{}]"#, literal_json(path));
    if ctx.release().new_shape() {
        format!("{{\"message\":{message},{locations},{path_key},{ext}}}")
    } else {
        format!("{{\"message\":{message},{ext},{locations},{path_key}}}")
    }
}

fn literal_json(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| literal(text))
}

/// What the release reports for a reset failure of rows 7 to 13 (2.4.0 and 2.4.1 hide them).
pub fn reset_message<'a>(ctx: &Context, message: &'a str) -> &'a str {
    if ctx.release().hides_reset_failures() { crate::messages::CANNOT_SET } else { message }
}

/// Fails unless the answer is exactly the documented error, on HTTP 200.
pub fn expect_error(ctx: &Context, answer: &Answer, path: &str, message: &str) -> CheckResult {
    expect_body(answer, 200, &documented_error(ctx, path, message))
}

/// Fails unless the answer is exactly `{"data":{"<field>":<value>}}` on HTTP 200.
pub fn expect_data(answer: &Answer, field: &str, value: &str) -> CheckResult {
    expect_body(answer, 200, &format!("{{\"data\":{{{}:{value}}}}}", literal_json(field)))
}

pub fn expect_body(answer: &Answer, status: u16, body: &str) -> CheckResult {
    let expected = format!("HTTP {status}\n{body}");
    let actual = answer.golden();
    if expected == actual {
        return Ok(());
    }
    let what = match crate::check::first_message(body) {
        Some(message) => format!("expected the documented error {message:?}"),
        None => format!("expected {body}"),
    };
    Err(Stop::deviation(answer, what, Some(crate::check::diff(&expected, &actual))))
}
