//! Laminas' `Hostname` validator as `EmailAddress` sets it up for Magento: DNS names only
//! (`ALLOW_DNS`), IDN check on, TLD check off.
//!
//! Every regex here is PHP's, where `$` also matches before a final line feed: a label is
//! matched on its own, so any label may end with one `\n`. Lengths and hyphen positions are
//! counted in grapheme clusters (laminas-stdlib's Intl wrapper), the regexes count code points.

use std::borrow::Cow;

use super::char_ranges;
use super::graphemes;
use super::idn_tables::TLD_TABLES;
use super::laminas_punycode::{self, Decoded};

/// One `$validIdns` regex `/^[CLASS]{1,max_chars}$/iu`, CLASS already closed under case folding.
#[derive(Debug)]
pub(super) struct LabelTable {
    pub(super) max_chars: usize,
    pub(super) ranges: &'static [(char, char)],
}

impl LabelTable {
    fn contains(&self, c: char) -> bool {
        char_ranges::contains(self.ranges, c)
    }
}

/// The longest label Laminas accepts, in grapheme clusters (its own check, after the regex).
const MAX_LABEL_GRAPHEMES: usize = 63;

/// `Hostname::isValid($hostname)` with Magento's options.
pub(super) fn is_valid(hostname: &str) -> bool {
    if is_ipv4_address(hostname) || hostname.contains('@') {
        return false;
    }
    let Some((rest, last_label)) = hostname.rsplit_once('.') else {
        return false;
    };
    if !(4..=254).contains(&graphemes::count(hostname)) {
        return false;
    }
    let Some(tld) = tld_of(last_label) else {
        return false;
    };
    // `isset($this->validIdns[$this->tld])`, the TLD upper-cased or decoded from Punycode.
    let tables: &[&LabelTable] = match tld.strip_prefix("xn--") {
        Some(encoded) => match laminas_punycode::decode(encoded.as_bytes()) {
            Decoded::Bytes(bytes) => tables_for(&bytes, false),
            Decoded::Refused | Decoded::Threw => return false,
        },
        None => tables_for(tld.as_bytes(), true),
    };
    // Laminas compares each decoded label with the raw second-to-last one: a label that
    // differs from it counts as a subdomain and may contain `_`.
    let registrable_label = rest.rsplit('.').next().unwrap_or(rest);
    hostname.split('.').all(|label| {
        let decoded: Cow<'_, [u8]> = match label.strip_prefix("xn--") {
            None => Cow::Borrowed(label.as_bytes()),
            Some(encoded) => match laminas_punycode::decode(encoded.as_bytes()) {
                Decoded::Bytes(bytes) => Cow::Owned(bytes),
                Decoded::Refused | Decoded::Threw => return false,
            },
        };
        // Bytes that are not UTF-8 fail every `/u` regex, and the ASCII ones as well.
        std::str::from_utf8(&decoded).is_ok_and(|label_text| {
            !label_text.is_empty()
                && !has_misplaced_hyphen(label_text)
                && label_matches(label_text, label_text != registrable_label, tables)
        })
    })
}

/// `preg_match('/([^.]{2,63})$/u', $lastLabel)`: the last 63 characters at most, at least
/// two. With a final `\n` and 63 or more characters before it, the leftmost match is the
/// 63 characters before the `\n` (`$` also matches there).
fn tld_of(last_label: &str) -> Option<&str> {
    let char_count = last_label.chars().count();
    let byte_offset = |chars: usize| last_label.char_indices().nth(chars).map_or(last_label.len(), |(i, _)| i);
    if last_label.ends_with('\n') && char_count >= 64 {
        let start = byte_offset(char_count - 64);
        return Some(&last_label[start..last_label.len() - 1]);
    }
    (char_count >= 2).then(|| &last_label[byte_offset(char_count.saturating_sub(63))..])
}

/// `$validIdns[$tld]`; ASCII TLDs are looked up upper-cased (`strtoupper`).
fn tables_for(tld: &[u8], upper_case: bool) -> &'static [&'static LabelTable] {
    let normalize = |b: &u8| {
        if upper_case { b.to_ascii_uppercase() } else { *b }
    };
    TLD_TABLES
        .binary_search_by(|(key, _)| key.bytes().cmp(tld.iter().map(normalize)))
        .map_or(&[], |found| TLD_TABLES[found].1)
}

/// A hyphen first, last, or third and fourth, each a grapheme cluster of its own
/// (`grapheme_strpos()` only finds a `-` that is one; `-` plus a combining mark is not).
fn has_misplaced_hyphen(label: &str) -> bool {
    if label.is_ascii() && !label.contains("\r\n") {
        // One byte, one cluster.
        let bytes = label.as_bytes();
        return bytes.first() == Some(&b'-') || bytes.last() == Some(&b'-') || bytes.get(2..4) == Some(b"--");
    }
    let mut first_four = [""; 4];
    let mut last = "";
    for (index, cluster) in graphemes::clusters(label).enumerate() {
        if let Some(slot) = first_four.get_mut(index) {
            *slot = cluster;
        }
        last = cluster;
    }
    first_four[0] == "-" || last == "-" || (first_four[2] == "-" && first_four[3] == "-")
}

/// The label regexes in Laminas' order: letters, digits and hyphens (and `_` in a
/// subdomain), then the TLD's IDN tables; each also needs the label to be at most 63
/// grapheme clusters long.
fn label_matches(label: &str, is_subdomain: bool, tables: &[&LabelTable]) -> bool {
    let body = label.strip_suffix('\n').unwrap_or(label);
    if body.is_empty() || graphemes::count(label) > MAX_LABEL_GRAPHEMES {
        return false;
    }
    let is_ldh = |c: char| c.is_ascii_alphanumeric() || c == '-' || (is_subdomain && c == '_');
    body.chars().all(is_ldh)
        || tables.iter().any(|table| body.chars().count() <= table.max_chars && body.chars().all(|c| table.contains(c)))
}

/// Laminas' `Ip` validator, IPv4 part, on a string of digits and dots: the binary
/// (`00000001.…`), three-digit (`001.…`) and two-digit hex (`10.…`) forms are converted
/// first, then `ip2long()` must round-trip. Other IP forms never pass the label rules anyway.
fn is_ipv4_address(hostname: &str) -> bool {
    if !hostname.contains('.') || !hostname.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return false;
    }
    let groups: Vec<&str> = hostname.split('.').collect();
    if groups.len() != 4 {
        return false;
    }
    let all_of_len = |len: usize| groups.iter().all(|g| g.len() == len);
    if all_of_len(8) && groups.iter().all(|g| g.bytes().all(|b| b == b'0' || b == b'1')) {
        return true;
    }
    if all_of_len(3) {
        return groups.iter().all(|g| g.parse::<u16>().is_ok_and(|n| n <= 255));
    }
    if all_of_len(2) {
        return true;
    }
    // `ip2long()` (inet_pton): four decimal parts up to 255, no leading zeros.
    groups.iter().all(|g| {
        (1..=3).contains(&g.len()) && !(g.len() > 1 && g.starts_with('0')) && g.parse::<u16>().is_ok_and(|n| n <= 255)
    })
}
