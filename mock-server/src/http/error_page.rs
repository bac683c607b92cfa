//! Magento's "There has been an error processing your request" page (`pub/errors/`), which
//! answers what the GraphQl controller lets escape, such as a body that is not JSON, up to 2.4.7.
//! The page is the bytes a real 2.4.7-p3 store sent (fixtures/real-store/, `http-invalid-json`).

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

const PAGE: &str = include_str!("../../assets/magento/error-page.html");

/// HTTP 500 with the page, its `<base>` under the store's base URL and a fresh report number.
pub fn unhandled_exception(app: &AppState) -> Response {
    let record = app.random().hex(32).unwrap_or_else(|_| "0".repeat(64));
    let page = PAGE
        .replace("{{base_url}}", &escape_html_attr(&store_base_url(app.storefront_url())))
        .replace("{{record}}", &record);
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=UTF-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store, no-cache, must-revalidate")),
        ],
        Body::from(page),
    )
        .into_response()
}

/// A `TypeError` (PHP's strict types: a body that is not a JSON object or list, a `query` that is
/// not a string...): `Bootstrap::terminate` answers 500 in plain text, in every release.
pub fn type_error() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/plain;charset=UTF-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store, no-cache, must-revalidate")),
        ],
        Body::from("An error has happened during application run. See exception log for details.\n"),
    )
        .into_response()
}

/// The store's base URL: the link base without the `index.php/` a store without URL rewrites adds.
fn store_base_url(link_base: &str) -> String {
    link_base.strip_suffix("index.php/").unwrap_or(link_base).to_owned()
}

/// Laminas' `Escaper::escapeHtmlAttr`, which Magento's error page uses: letters, digits and
/// `,.-_` as they are, the four HTML specials by name, everything else as a hex reference.
fn escape_html_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        match c {
            c if c.is_ascii_alphanumeric() || matches!(c, ',' | '.' | '-' | '_') => out.push(c),
            '"' => out.push_str("&quot;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push_str("&#xFFFD;"),
            c if (c as u32) < 0x100 => out.push_str(&format!("&#x{:02X};", c as u32)),
            c => out.push_str(&format!("&#x{:04X};", c as u32)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_is_escaped_as_the_real_page_shows_it() {
        assert_eq!(
            escape_html_attr(&store_base_url("http://127.0.0.1:8080/index.php/")),
            "http&#x3A;&#x2F;&#x2F;127.0.0.1&#x3A;8080&#x2F;"
        );
        assert_eq!(escape_html_attr("a b\"é"), "a&#x20;b&quot;&#xE9;");
    }
}
