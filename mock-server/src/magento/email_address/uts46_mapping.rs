//! The UTS 46 mapping and NFC of a label as ICU 72 makes it, through the `idna` crate.
//!
//! The crate always applies the BiDi and CONTEXTJ rules, which PHP's options leave off:
//! joiners are removed before it sees them (transitional processing drops them anyway), and
//! the BiDi rule is kept out of the way by wrapping the label in a strong left-to-right or
//! right-to-left letter (see [`map_label`]). Its newer Unicode also refuses two ligatures
//! ICU 72 still maps; those are mapped here first (see [`map_like_icu72`]).

use std::borrow::Cow;

use idna::uts46::{AsciiDenyList, Hyphens, Uts46};

use super::graphemes;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Processing {
    /// `idn_to_ascii` with options 0.
    Transitional,
    /// The check of decoded Punycode, where deviation characters stay.
    Nontransitional,
}

/// A letter of each direction that composes with nothing, so it can stand in front of a label.
#[derive(Clone, Copy, PartialEq)]
enum Guard {
    LeftToRight,
    RightToLeft,
}

/// The UTS 46 mapping and NFC of one label, or `None` when it holds a disallowed character.
///
/// The label goes to the `idna` crate behind a guard letter (so that a leading combining
/// mark or an `xn--` prefix is not judged there): `q`, or for right-to-left text `א…א`.
/// A label mixing directions is mapped in runs of one direction.
pub(super) fn map_label(label: &str, processing: Processing) -> Option<String> {
    if label.is_ascii() {
        return Some(label.to_ascii_lowercase());
    }
    let label = match processing {
        Processing::Transitional => map_like_icu72(label),
        Processing::Nontransitional => Cow::Borrowed(label),
    };
    let mapped = map_either_way(&label).or_else(|| map_in_runs(&label))?;
    // Newer Unicode data can map a character onto a deviation character: map it as ICU would.
    if processing == Processing::Transitional && mapped.contains(['ß', 'ς']) {
        return map_label(&mapped, processing);
    }
    Some(mapped)
}

/// The mappings ICU 72 makes before the `idna` crate's: transitional processing (`ß` and
/// `ẞ` → `ss`, final sigma → sigma, joiners removed), and the Arabic ligatures U+FDFA and
/// U+FDFB, which Unicode 15 maps to their words (spaces included) and later Unicode refuses.
fn map_like_icu72(label: &str) -> Cow<'_, str> {
    const SALLALLAHOU_ALAYHE_WASALLAM: &str = "صلى الله عليه وسلم";
    const JALLAJALALOUHOU: &str = "جل جلاله";
    if !label.contains(['ß', 'ẞ', 'ς', '\u{200C}', '\u{200D}', '\u{FDFA}', '\u{FDFB}']) {
        return Cow::Borrowed(label);
    }
    let mut mapped = String::with_capacity(label.len() + 2);
    for c in label.chars() {
        match c {
            'ß' | 'ẞ' => mapped.push_str("ss"),
            'ς' => mapped.push('σ'),
            '\u{200C}' | '\u{200D}' => {}
            '\u{FDFA}' => mapped.push_str(SALLALLAHOU_ALAYHE_WASALLAM),
            '\u{FDFB}' => mapped.push_str(JALLAJALALOUHOU),
            other => mapped.push(other),
        }
    }
    Cow::Owned(mapped)
}

fn map_guarded(text: &str, guard: Guard) -> Option<String> {
    let guarded = match guard {
        Guard::LeftToRight => format!("q{text}"),
        Guard::RightToLeft => format!("\u{5D0}{text}\u{5D0}"),
    };
    let mapped = map_unchecked(&guarded)?;
    let inner = match guard {
        Guard::LeftToRight => mapped.strip_prefix('q'),
        Guard::RightToLeft => mapped.strip_prefix('\u{5D0}').and_then(|m| m.strip_suffix('\u{5D0}')),
    };
    inner.map(str::to_owned)
}

/// Maps a label that mixes directions: characters are grouped into runs that one guard
/// accepts (a character keeps the current run when it can), and each run is mapped whole.
/// A run that still fails (an RTL run holding both kinds of digits) is mapped a character at
/// a time and then normalised a grapheme cluster at a time, since NFC only composes and
/// reorders within a cluster.
fn map_in_runs(label: &str) -> Option<String> {
    let mut mapped = String::with_capacity(label.len());
    let mut run_start = 0;
    let mut run_guard = Guard::LeftToRight;
    for (index, c) in label.char_indices() {
        let single = c.encode_utf8(&mut [0; 4]).to_owned();
        if map_guarded(&single, run_guard).is_some() {
            continue;
        }
        let other = match run_guard {
            Guard::LeftToRight => Guard::RightToLeft,
            Guard::RightToLeft => Guard::LeftToRight,
        };
        map_guarded(&single, other)?;
        mapped.push_str(&map_run(&label[run_start..index], run_guard)?);
        run_start = index;
        run_guard = other;
    }
    mapped.push_str(&map_run(&label[run_start..], run_guard)?);
    Some(mapped)
}

fn map_run(run: &str, guard: Guard) -> Option<String> {
    if let Some(mapped) = map_guarded(run, guard) {
        return Some(mapped);
    }
    // Map each character first, so that ignored ones (soft hyphens, joiners) are gone before
    // the clusters are formed, then normalise each cluster of the mapped text.
    let each_mapped: String =
        run.chars().map(|c| map_guarded(c.encode_utf8(&mut [0; 4]), guard)).collect::<Option<_>>()?;
    Some(
        graphemes::clusters(&each_mapped)
            .map(|cluster| map_guarded(cluster, guard).unwrap_or_else(|| cluster.to_owned()))
            .collect(),
    )
}

fn map_either_way(text: &str) -> Option<String> {
    map_guarded(text, Guard::LeftToRight).or_else(|| map_guarded(text, Guard::RightToLeft))
}

/// The general category M test of ICU's leading-combining-mark check, asked of the `idna`
/// crate: a mark is refused at the start of a label but accepted after a letter.
pub(super) fn starts_with_mark(label: &str) -> bool {
    let Some(first) = label.chars().next().filter(|c| !c.is_ascii()) else {
        return false;
    };
    let single = first.encode_utf8(&mut [0; 4]).to_owned();
    map_unchecked(&single).is_none() && map_guarded(&single, Guard::LeftToRight).is_some()
}

/// The `idna` crate's mapping and checks without STD3 or hyphen rules; `None` on any error.
fn map_unchecked(text: &str) -> Option<String> {
    let (mapped, result) = Uts46::new().to_unicode(text.as_bytes(), AsciiDenyList::EMPTY, Hyphens::Allow);
    (result.is_ok() && !mapped.contains('\u{FFFD}')).then(|| mapped.into_owned())
}
