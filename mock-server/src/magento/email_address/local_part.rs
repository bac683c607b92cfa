//! The local part rules of Laminas' `EmailAddress::validateLocalPart()`.

/// `atext` of RFC 5322 besides letters and digits, as Laminas lists it.
const ATEXT_SPECIALS: &[u8] = b"!#$%&'*+-/=?^_`{|}~";

/// True when Laminas accepts `local` (which never contains a line feed: the split refuses it).
///
/// Laminas tries the ASCII dot-atom, then the RFC 6532 dot-atom (any character from U+0080 to
/// U+FFFF also counts as `atext`), then the quoted string. The Unicode dot-atom accepts
/// everything the ASCII one does, so the ASCII one needs no test of its own.
pub(super) fn is_valid(local: &str) -> bool {
    is_unicode_dot_atom(local) || is_quoted_string(local)
}

fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || (c.is_ascii() && ATEXT_SPECIALS.contains(&(c as u8)))
}

/// `^[uatext]+(\x2e+[uatext]+)*$`: atoms separated by dots, no dot at either end. Runs of
/// dots would match too, but the split already refused any `..`.
fn is_unicode_dot_atom(local: &str) -> bool {
    !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local.chars().all(|c| c == '.' || is_atext(c) || ('\u{80}'..='\u{FFFF}').contains(&c))
}

/// `^"([\x20-\x21\x23-\x5b\x5d-\x7e]|\x5c[\x20-\x7e])*"$`: printable ASCII between quotes, with
/// `"` and `\` only as the second half of a backslash pair. The empty `""` matches.
fn is_quoted_string(local: &str) -> bool {
    let Some(body) = local.strip_prefix('"').and_then(|rest| rest.strip_suffix('"')) else {
        return false;
    };
    let mut bytes = body.bytes();
    while let Some(byte) = bytes.next() {
        let accepted = match byte {
            b'\\' => bytes.next().is_some_and(|escaped| (0x20..=0x7e).contains(&escaped)),
            b'"' => false,
            other => (0x20..=0x7e).contains(&other),
        };
        if !accepted {
            return false;
        }
    }
    true
}
