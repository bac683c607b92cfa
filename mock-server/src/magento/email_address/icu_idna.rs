//! `idn_to_ascii($domain, 0, INTL_IDNA_VARIANT_UTS46)` as PHP 8.2 runs it on ICU 72.
//!
//! Options 0 mean: transitional processing (`ß`→`ss`, `ς`→`σ`, joiners dropped), no STD3
//! rules (spaces, `_`, control characters pass), hyphen checks on, no BiDi or CONTEXTJ checks.
//! Any error makes PHP return `false`, and Laminas then validates the raw domain instead.
//!
//! The UTS 46 mapping of each label comes from [`super::uts46_mapping`] (the `idna` crate, kept to
//! ICU 72's behaviour); characters ICU 72 refuses outright are in [`ICU72_REFUSED`], read off
//! ICU itself because the `idna` crate's Unicode is newer. The checks ICU makes on the mapped
//! labels, and its Punycode, are done here.

use std::borrow::Cow;

use super::char_ranges;
use super::graphemes;
use super::icu72_data::ICU72_REFUSED;
use super::uts46_mapping::{Processing, map_label, starts_with_mark};

/// ICU's longest label and domain (without the root dot), in ASCII characters.
const MAX_LABEL_LEN: usize = 63;
const MAX_DOMAIN_LEN: usize = 253;
/// PHP's output buffer: a result of 255 bytes or more is `false` whatever ICU says.
const PHP_BUFFER_LEN: usize = 255;

/// The ASCII form ICU gives, or `None` where PHP's `idn_to_ascii()` returns `false`.
pub(super) fn to_ascii(domain: &str) -> Option<Cow<'_, str>> {
    let ascii = if domain.is_ascii() {
        // ICU's ASCII form is as long as the input: too long for PHP's buffer already.
        if domain.len() >= PHP_BUFFER_LEN {
            return None;
        }
        ascii_domain_to_ascii(domain)?
    } else if domain.chars().any(is_refused_by_icu72) {
        return None;
    } else {
        Cow::Owned(unicode_domain_to_ascii(domain)?)
    };
    let without_root_dot = ascii.strip_suffix('.').unwrap_or(&ascii);
    (without_root_dot.len() <= MAX_DOMAIN_LEN && ascii.len() < PHP_BUFFER_LEN).then_some(ascii)
}

/// ICU's ASCII fast path: labels are only lower-cased and checked.
fn ascii_domain_to_ascii(domain: &str) -> Option<Cow<'_, str>> {
    let label_count = domain.split('.').count();
    for (position, label) in domain.split('.').enumerate() {
        let checked = if is_ace_prefixed(label) {
            is_valid_ace_label(&label.to_ascii_lowercase())
        } else {
            is_valid_mapped_label(label, position, label_count)
        };
        if !checked {
            return None;
        }
    }
    Some(if domain.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(domain.to_ascii_lowercase())
    } else {
        Cow::Borrowed(domain)
    })
}

/// Maps every label, then checks and encodes it as ICU does.
fn unicode_domain_to_ascii(domain: &str) -> Option<String> {
    let unicode_start = unicode_path_start(domain);
    // The only characters UTS 46 (Unicode 15) maps to a full stop; others yielding one are
    // disallowed, which shows as a dot in `map_label`'s output.
    let is_dot = |c: char| matches!(c, '.' | '\u{3002}' | '\u{FF0E}' | '\u{FF61}');
    let label_count = domain.chars().filter(|c| is_dot(*c)).count() + 1;
    if !may_fit(domain.split(is_dot)) {
        return None;
    }
    let mut ascii = String::with_capacity(domain.len() + 16);
    let mut next_label_start = 0;
    for (position, raw_label) in domain.split(is_dot).enumerate() {
        let label_start = next_label_start;
        let label_end = label_start + raw_label.len();
        next_label_start = label_end + domain[label_end..].chars().next().map_or(0, char::len_utf8);
        if position > 0 {
            ascii.push('.');
        }
        let label = map_label(raw_label, Processing::Transitional)?;
        if label.contains('.') || (label.is_empty() && label_start == unicode_start) {
            return None;
        }
        if is_ace_prefixed(&label) {
            if !is_valid_ace_label(&label) {
                return None;
            }
            ascii.push_str(&label);
        } else if label.is_ascii() {
            if !is_valid_mapped_label(&label, position, label_count) {
                return None;
            }
            ascii.push_str(&label);
        } else {
            if !is_valid_mapped_label(&label, position, label_count) || starts_with_mark(&label) {
                return None;
            }
            let punycode = idna::punycode::encode_str(&label)?;
            ascii.push_str("xn--");
            ascii.push_str(&punycode);
            if punycode.len() + 4 > MAX_LABEL_LEN {
                return None;
            }
        }
    }
    Some(ascii)
}

/// False when the labels cannot map short enough for ICU, whatever the details: a cheap
/// test that spares long inputs the mapping. Each character that cannot vanish in mapping
/// leaves at least one code point, so a label keeping more than 63 is too long; and every
/// label but the last must keep one, so the ASCII form has at least `total - 2` bytes (no dot
/// after the last label, which may be empty), where PHP refuses 255 bytes or more.
fn may_fit<'a>(labels: impl Iterator<Item = &'a str>) -> bool {
    let mut total = 0;
    for label in labels {
        let kept = label.chars().filter(|c| !graphemes::may_vanish_in_mapping(*c)).count();
        if kept > MAX_LABEL_LEN {
            return false;
        }
        total += kept.max(1) + 1;
    }
    total < PHP_BUFFER_LEN + 2
}

/// Where ICU leaves its ASCII fast path: at the first label (between ASCII dots) holding a
/// non-ASCII character or `--` third and fourth, or at once for more than 256 bytes. Its
/// Unicode path counts labels from there, so that label may not end up empty even when it
/// is the last one (`a.\u{2060}` fails though `a.` passes).
fn unicode_path_start(domain: &str) -> usize {
    const FAST_PATH_MAX_BYTES: usize = 256;
    if domain.len() > FAST_PATH_MAX_BYTES {
        return 0;
    }
    let mut start = 0;
    for segment in domain.split('.') {
        let bytes = segment.as_bytes();
        if !segment.is_ascii() || bytes.get(2..4) == Some(b"--") {
            return start;
        }
        start += segment.len() + 1;
    }
    start
}

/// `xn--` in any case (the label is lower-cased before ICU looks at it).
fn is_ace_prefixed(label: &str) -> bool {
    label.len() >= 4 && label.as_bytes()[..4].eq_ignore_ascii_case(b"xn--")
}

/// ICU's checks of a mapped, non-Punycode label: no empty label but a final one after a
/// dot, no hyphen first, last, or at UTF-16 positions 3 and 4, at most 63 ASCII characters.
fn is_valid_mapped_label(label: &str, position: usize, label_count: usize) -> bool {
    if label.is_empty() {
        return position > 0 && position + 1 == label_count;
    }
    !label.starts_with('-')
        && !label.ends_with('-')
        && !has_hyphens_at_3_and_4(label)
        && (!label.is_ascii() || label.len() <= MAX_LABEL_LEN)
}

/// ICU indexes UTF-16 code units, so a supplementary character counts twice here.
fn has_hyphens_at_3_and_4(label: &str) -> bool {
    let mut units = label.encode_utf16().skip(2);
    units.next() == Some(u16::from(b'-')) && units.next() == Some(u16::from(b'-'))
}

/// A label ICU finds as `xn--…` (lower-cased): it must decode, be non-ASCII, be UTS 46
/// normalised already (deviation characters allowed), and pass the usual label checks.
fn is_valid_ace_label(label: &str) -> bool {
    if label.len() > MAX_LABEL_LEN {
        return false;
    }
    let Some(decoded) = icu_punycode_decode(&label.as_bytes()[4..]) else {
        return false;
    };
    !decoded.is_ascii()
        && !decoded.contains(['.', '\u{FFFD}'])
        && !decoded.chars().any(is_refused_by_icu72)
        && is_valid_mapped_label(&decoded, 0, 1)
        && !starts_with_mark(&decoded)
        && is_uts46_normalized(&decoded)
}

/// True when mapping changes nothing; the joiners, valid in Punycode, are set aside first.
fn is_uts46_normalized(label: &str) -> bool {
    label
        .split(['\u{200C}', '\u{200D}'])
        .all(|part| map_label(part, Processing::Nontransitional).as_deref() == Some(part))
}

/// `u_strFromPunycode()`: RFC 3492, except that a leading delimiter is a digit, not a prefix.
fn icu_punycode_decode(input: &[u8]) -> Option<String> {
    const BASE: u32 = 36;
    let basic_len = input.iter().rposition(|b| *b == b'-').unwrap_or(0);
    let basic = &input[..basic_len];
    if !basic.is_ascii() {
        return None;
    }
    let mut output: Vec<char> = basic.iter().map(|b| char::from(*b)).collect();
    let mut next = if basic_len > 0 { basic_len + 1 } else { 0 };
    let (mut code_point, mut i, mut bias) = (0x80_u32, 0_u32, 72_u32);
    while next < input.len() {
        let old_i = i;
        let mut weight = 1_u32;
        let mut k = BASE;
        loop {
            let digit = match *input.get(next)? {
                b @ b'0'..=b'9' => u32::from(b - b'0') + 26,
                b @ b'a'..=b'z' => u32::from(b - b'a'),
                b @ b'A'..=b'Z' => u32::from(b - b'A'),
                _ => return None,
            };
            next += 1;
            i = digit.checked_mul(weight).and_then(|d| i.checked_add(d)).filter(|i| *i <= 0x7fff_ffff)?;
            let threshold = k.saturating_sub(bias).clamp(1, 26);
            if digit < threshold {
                break;
            }
            weight = weight.checked_mul(BASE - threshold).filter(|w| *w <= 0x7fff_ffff)?;
            k += BASE;
        }
        let length = output.len() as u32 + 1;
        bias = adapt_bias(i - old_i, length, old_i == 0);
        code_point = code_point.checked_add(i / length)?;
        i %= length;
        output.insert(i as usize, char::from_u32(code_point)?);
        i += 1;
    }
    Some(output.into_iter().collect())
}

fn adapt_bias(delta: u32, length: u32, first_time: bool) -> u32 {
    let mut delta = if first_time { delta / 700 } else { delta / 2 };
    delta += delta / length;
    let mut k = 0;
    while delta > 455 {
        delta /= 35;
        k += 36;
    }
    k + 36 * delta / (delta + 38)
}

/// Disallowed or unassigned in ICU 72's UTS 46 data.
fn is_refused_by_icu72(c: char) -> bool {
    // Below U+0378 ICU refuses only the C1 controls.
    if c < '\u{378}' {
        return ('\u{80}'..='\u{9F}').contains(&c);
    }
    char_ranges::contains(ICU72_REFUSED, c)
}
