//! The link of the reset email's "Set a New Password" button, as each release builds it.

use super::release::ResetLink;

/// The link of the email's "Set a New Password" button. Magento builds its query with `ksort`
/// and `http_build_query` (docs/release-families.md, section 9).
pub fn reset_link(link_base: &str, style: ResetLink, customer_id: u32, email: &str, token: &str) -> String {
    // Written into one buffer: the link is built on every reset request.
    let mut link = String::with_capacity(link_base.len() + 64 + email.len() * 3 + token.len());
    link.push_str(link_base);
    link.push_str("customer/account/createPassword/");
    match style {
        ResetLink::Token => link.push_str("?token="),
        ResetLink::IdToken => {
            link.push_str("?id=");
            link.push_str(itoa::Buffer::new().format(customer_id));
            link.push_str("&token=");
        }
        ResetLink::EmailIdToken => {
            link.push_str("?email=");
            push_php_urlencoded(&mut link, email);
            link.push_str("&id=");
            link.push_str(itoa::Buffer::new().format(customer_id));
            link.push_str("&token=");
        }
    }
    link.push_str(token);
    link
}

/// PHP's `urlencode` (RFC 1738, as `http_build_query` uses it): letters, digits and `-_.` kept,
/// a space as `+`, everything else `%XX`.
fn push_php_urlencoded(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    // Runs of kept characters are copied whole (an address is two or three runs). A run that is
    // not empty is ASCII, so it is a whole `str` slice; an empty one may sit inside a multi-byte
    // character, where `get` answers `None`, which is as good as empty.
    let mut run_start = 0;
    for (at, byte) in text.bytes().enumerate() {
        if URLENCODE_KEEPS[usize::from(byte)] {
            continue;
        }
        out.push_str(text.get(run_start..at).unwrap_or_default());
        run_start = at + 1;
        if byte == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out.push_str(text.get(run_start..).unwrap_or_default());
}

/// The bytes `urlencode` keeps: letters, digits and `-_.`. A lookup a byte instead of three
/// range tests and a match (every reset link of releases that put the email in it).
const URLENCODE_KEEPS: [bool; 256] = {
    let mut keeps = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        keeps[byte] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
        byte += 1;
    }
    keeps
};

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

    #[test]
    fn urlencoding_keeps_phps_set_and_escapes_every_other_byte() {
        let mut out = String::new();
        push_php_urlencoded(&mut out, "a b+\u{e9}~@x-_.Z9");
        assert_eq!(out, "a+b%2B%C3%A9%7E%40x-_.Z9");
    }
}
