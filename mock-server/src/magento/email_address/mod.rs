//! Magento's email validator: `Magento\Framework\Validator\EmailAddress`, which is Laminas'
//! `EmailAddress` (laminas-validator 2.x) with the TLD check off, as it runs on PHP 8.2 with
//! ICU 72. Pure: no I/O, no DNS.
//!
//! [`is_valid_email`] follows the PHP code step by step. The rules, each with an address from
//! the verdict corpus (`fixtures/email-verdicts.jsonl`):
//!
//! 1. **Split** at the last `@` (`/^(.+)@([^@]+)$/`): something before it with no line feed,
//!    something after it, and no `..` anywhere: `user#example.com`, `user..name@example.com`
//!    and `"\ncustomer@example.com\n"` are invalid.
//! 2. **IDN conversion** of the domain by `idn_to_ascii()` (UTS 46, transitional, ICU 72):
//!    case folded, `ß` → `ss`, soft hyphens and zero-width characters dropped, Unicode labels
//!    to Punycode (`icu_idna.rs`): `customer@\u{200b}example.com` is valid. When ICU reports
//!    an error the raw domain goes on instead, which keeps domains ICU finds too long alive:
//!    `user@` + `ü` × 63 + `.de` is valid.
//! 3. **Lengths**: local part at most 64 bytes, converted domain at most 255 bytes: `1` × 64 +
//!    `@example.com` is valid, `1` × 65 + `@example.com` invalid.
//! 4. **Local part** (`local_part.rs`): a dot-atom of `atext` and any character from U+0080 to
//!    U+FFFF (`ü@example.com` and `"\u{85}customer@example.com"` are valid,
//!    `user😀@example.com` is not), or a quoted string of printable ASCII with backslash
//!    pairs (`"john\"doe"@example.com` is valid, `"\"@example.com` is not).
//! 5. **Hostname** (Laminas `Hostname`, DNS names only, `hostname.rs`):
//!    - an IPv4 address is refused, but only a real one (after Laminas' conversions of
//!      `001.002.003.004`, binary and two-digit hex forms): `user@127.0.0.1` is invalid,
//!      `user@999.999.999.999` valid;
//!    - at least two labels, 4 to 254 characters, a last label of two or more characters of
//!      any kind (no TLD check): `user@example.1e5` is valid, `user@example.9` and
//!      `user@intranet` are not;
//!    - each label (`xn--` ones decoded by Laminas' own decoder, `laminas_punycode.rs`) at
//!      most 63 characters, with no hyphen first, last, or third and fourth:
//!      `user@ex--ample.com` is invalid, `user@exa--mple.com` valid;
//!    - each label made of letters, digits and hyphens (`_` too, except in the label before
//!      the TLD: `user@a.b_c.example.com` is valid, `user@x_y.z_w.com` not), or of the
//!      characters of one of the TLD's IDN tables (`idn_tables.rs`, derived from Laminas):
//!      `user@bücher.ch` is valid, `user@bücher.xyz` is not, and since ICU maps `ß` to `ss`
//!      first, `user@fußball.com` is valid while `user@xn--fuball-cta.com` is not. The tables
//!      of `.cn`, `.tw`, `.hk` and their IDN forms are too large for PHP's regex engine, so
//!      those never accept a non-ASCII label.
//!    - Characters are counted as PHP's `grapheme_strlen()` counts them (grapheme clusters,
//!      `graphemes.rs`) for the lengths and hyphen positions, as code points by the regexes.
//! 6. **PHP's `$`** also matches before a final line feed, and each label is matched on its
//!    own, so a label may end with one `\n`: `"customer@example.com\n"` is valid,
//!    `"customer@example.com\r\n\r\n"` is not.
//!
//! Where PHP throws instead of answering (Laminas' decoder divides by zero on a few
//! `xn--…\n` labels ICU has refused), this answers `false`.
//!
//! Unicode facts that differ between versions are ICU 72's, read off ICU itself into
//! `icu72_data.rs` by `tools/gen_icu72_data.py`.

mod char_ranges;
mod graphemes;
mod hostname;
#[rustfmt::skip]
mod icu72_data;
mod icu_idna;
#[rustfmt::skip]
mod idn_tables;
mod laminas_punycode;
mod local_part;
mod uts46_mapping;

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;

/// The longest local part Laminas accepts, in bytes (`strlen`).
const MAX_LOCAL_PART_BYTES: usize = 64;
/// The longest hostname Laminas accepts after IDN conversion, in bytes.
const MAX_HOSTNAME_BYTES: usize = 255;
/// Domains each thread remembers the verdict of ([`is_valid_domain`]); then it starts afresh.
const REMEMBERED_DOMAINS: usize = 256;

/// True when Magento's validator accepts `input` as an email address.
///
/// `""` and `"0"` are PHP-`empty()` and Magento refuses them before asking the validator;
/// this function only answers for the validator (it refuses both, having no `@`).
pub fn is_valid_email(input: &str) -> bool {
    verdict(input, is_valid_domain)
}

/// [`is_valid_email`] checking the domain afresh every time: what a first verdict costs
/// (`benches/email_validator.rs`).
#[doc(hidden)]
pub fn is_valid_email_unremembered(input: &str) -> bool {
    verdict(input, check_domain)
}

fn verdict(input: &str, domain_is_valid: fn(&str) -> bool) -> bool {
    let Some((local_part, domain)) = split_email_parts(input) else {
        return false;
    };
    // PHP checks the hostname first; with no side effects the cheap local part can go first.
    if local_part.len() > MAX_LOCAL_PART_BYTES || !local_part::is_valid(local_part) {
        return false;
    }
    domain_is_valid(domain)
}

/// Steps 2, 3 and 5 for the domain: [`check_domain`], remembered. The verdict depends on the
/// domain alone, a test suite sends a handful of domains over and over, and the check was
/// about 3,400 instructions of a reset request's 55,000 (callgrind, BENCHMARKS.md).
fn is_valid_domain(domain: &str) -> bool {
    use std::cell::RefCell;
    thread_local! {
        static VERDICTS: RefCell<foldhash::HashMap<Box<str>, bool>> = RefCell::new(foldhash::HashMap::default());
    }
    if domain.len() > MAX_HOSTNAME_BYTES {
        return check_domain(domain); // Rare and long: not worth keeping.
    }
    VERDICTS.with_borrow_mut(|verdicts| {
        if let Some(&valid) = verdicts.get(domain) {
            return valid;
        }
        let valid = check_domain(domain);
        if verdicts.len() >= REMEMBERED_DOMAINS {
            verdicts.clear();
        }
        verdicts.insert(domain.into(), valid);
        valid
    })
}

/// The domain's IDN conversion, its length, then Laminas' hostname rules.
fn check_domain(domain: &str) -> bool {
    let hostname = icu_idna::to_ascii(domain).unwrap_or(std::borrow::Cow::Borrowed(domain));
    hostname.len() <= MAX_HOSTNAME_BYTES && hostname::is_valid(&hostname)
}

/// `address` around its last `@`. A byte search: `@` is ASCII, so it never falls inside a
/// UTF-8 sequence, and `rsplit_once('@')` costs about 200 instructions on a short address
/// (callgrind), on every reset request twice.
pub fn split_at_last_at(address: &str) -> Option<(&str, &str)> {
    let at = address.bytes().rposition(|byte| byte == b'@')?;
    Some((&address[..at], &address[at + 1..]))
}

/// `splitEmailParts()`: no `..`, then `/^(.+)@([^@]+)$/`. `.` does not match a line feed and
/// `[^@]` does, so the local part may not contain one and the domain may.
fn split_email_parts(value: &str) -> Option<(&str, &str)> {
    if value.contains("..") {
        return None;
    }
    let (local_part, domain) = split_at_last_at(value)?;
    (!local_part.is_empty() && !domain.is_empty() && !local_part.contains('\n')).then_some((local_part, domain))
}
