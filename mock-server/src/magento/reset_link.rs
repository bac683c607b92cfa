//! The link of the reset email's "Set a New Password" button, as each release builds it.

use super::release::ResetLink;

/// The link of the email's "Set a New Password" button. Magento builds its query with `ksort`
/// and `http_build_query` (docs/release-families.md, section 9).
pub fn reset_link(link_base: &str, style: ResetLink, customer_id: u32, email: &str, token: &str) -> String {
    let page = format!("{link_base}customer/account/createPassword/");
    match style {
        ResetLink::Token => format!("{page}?token={token}"),
        ResetLink::IdToken => format!("{page}?id={customer_id}&token={token}"),
        ResetLink::EmailIdToken => format!("{page}?email={}&id={customer_id}&token={token}", php_urlencode(email)),
    }
}

/// PHP's `urlencode` (RFC 1738, as `http_build_query` uses it): letters, digits and `-_.` kept,
/// a space as `+`, everything else `%XX`.
fn php_urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(char::from(byte)),
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_the_release() {
        let link = |style| reset_link("https://shop.test/", style, 7, "a+b@example.com", "T");
        assert_eq!(link(ResetLink::Token), "https://shop.test/customer/account/createPassword/?token=T");
        assert_eq!(link(ResetLink::IdToken), "https://shop.test/customer/account/createPassword/?id=7&token=T");
        assert_eq!(
            link(ResetLink::EmailIdToken),
            "https://shop.test/customer/account/createPassword/?email=a%2Bb%40example.com&id=7&token=T"
        );
    }
}
