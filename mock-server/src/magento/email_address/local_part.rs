//! The local part rules of Laminas' `EmailAddress::validateLocalPart()`.

/// `atext` of RFC 5322 besides letters and digits, as Laminas lists it.
const ATEXT_SPECIALS: &[u8] = b"!#$%&'*+-/=?^_`{|}~";

/// Whether each ASCII byte is `atext` or a dot: one lookup a byte (every reset request checks
/// an address) instead of a search of the specials.
const DOT_OR_ATEXT: [bool; 128] = {
    let mut table = [false; 128];
    let mut byte = 0;
    while byte < 128 {
        table[byte] = (byte as u8).is_ascii_alphanumeric() || byte == b'.' as usize;
        byte += 1;
    }
    let mut special = 0;
    while special < ATEXT_SPECIALS.len() {
        table[ATEXT_SPECIALS[special] as usize] = true;
        special += 1;
    }
    table
};

/// True when Laminas accepts `local` (which never contains a line feed: the split refuses it).
///
/// Laminas tries the ASCII dot-atom, then the RFC 6532 dot-atom (any character from U+0080 to
/// U+FFFF also counts as `atext`), then the quoted string. The Unicode dot-atom accepts
/// everything the ASCII one does, so the ASCII one needs no test of its own.
pub(super) fn is_valid(local: &str) -> bool {
    is_unicode_dot_atom(local) || is_quoted_string(local)
}

/// `^[uatext]+(\x2e+[uatext]+)*$`: atoms separated by dots, no dot at either end. Runs of
/// dots would match too, but the split already refused any `..`.
fn is_unicode_dot_atom(local: &str) -> bool {
    let dot_or_atext = |c: char| DOT_OR_ATEXT.get(c as usize).copied().unwrap_or(c <= '\u{FFFF}');
    !local.is_empty() && !local.starts_with('.') && !local.ends_with('.') && local.chars().all(dot_or_atext)
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
