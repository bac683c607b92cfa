//! Extended grapheme clusters as ICU 72 finds them (UAX #29 for Unicode 15.0).
//!
//! Laminas measures hostnames and labels through laminas-stdlib's Intl wrapper, that is
//! `grapheme_strlen()`, `grapheme_strpos()` and `grapheme_substr()`: a label of 63 code
//! points plus a `\n` is too long, unless some of its characters combine.
//!
//! Besides the UAX #29 rules, ICU 72 keeps Indic conjuncts together (CLDR 42, later GB9c):
//! `LinkingConsonant Extend* Virama Extend* × LinkingConsonant`.

use super::char_ranges;
use super::icu72_data::{CONJUNCT, EXTENDED_PICTOGRAPHIC, GRAPHEME_BREAK};

/// The Grapheme_Cluster_Break property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GraphemeBreak {
    Other,
    Cr,
    Lf,
    Control,
    Extend,
    Zwj,
    RegionalIndicator,
    Prepend,
    SpacingMark,
    L,
    V,
    T,
    Lv,
    Lvt,
}

/// A character's part in ICU 72's conjunct rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ConjunctRole {
    LinkingConsonant,
    Virama,
    /// A non-spacing mark (combining class not 0) or ZWJ, allowed around the virama.
    Extend,
}

/// How far a conjunct has got inside the current cluster.
#[derive(Clone, Copy, PartialEq)]
enum Conjunct {
    None,
    AfterConsonant,
    AfterVirama,
}

impl Conjunct {
    fn next(self, role: Option<ConjunctRole>) -> Conjunct {
        match (role, self) {
            (Some(ConjunctRole::LinkingConsonant), _) => Conjunct::AfterConsonant,
            (Some(ConjunctRole::Virama), Conjunct::AfterConsonant | Conjunct::AfterVirama) => Conjunct::AfterVirama,
            (Some(ConjunctRole::Extend), state) => state,
            _ => Conjunct::None,
        }
    }
}

const HANGUL_SYLLABLES: std::ops::RangeInclusive<char> = '\u{AC00}'..='\u{D7A3}';

fn break_property(c: char) -> GraphemeBreak {
    match c {
        '\r' => GraphemeBreak::Cr,
        '\n' => GraphemeBreak::Lf,
        '\0'..='\u{1F}' | '\u{7F}' => GraphemeBreak::Control,
        '\u{AD}' => GraphemeBreak::Control,
        // Printable ASCII, Latin-1 and the Latin extensions: no break property of their own.
        ' '..='~' | '\u{A0}'..='\u{2FF}' => GraphemeBreak::Other,
        _ if HANGUL_SYLLABLES.contains(&c) => {
            // Every 28th syllable has no final consonant.
            if (u32::from(c) - 0xAC00).is_multiple_of(28) { GraphemeBreak::Lv } else { GraphemeBreak::Lvt }
        }
        _ => char_ranges::value_of(GRAPHEME_BREAK, c).unwrap_or(GraphemeBreak::Other),
    }
}

fn conjunct_role(c: char) -> Option<ConjunctRole> {
    if c < '\u{300}' {
        return None;
    }
    char_ranges::value_of(CONJUNCT, c)
}

/// A grapheme extender or control: only such characters can vanish in UTS 46 mapping
/// (ignored characters) or merge into a neighbour under NFC (`icu72_data`'s generator checks).
pub(super) fn may_vanish_in_mapping(c: char) -> bool {
    use GraphemeBreak::*;
    matches!(break_property(c), Control | Cr | Lf | Extend | SpacingMark | Zwj | V | T)
}

fn is_extended_pictographic(c: char) -> bool {
    !c.is_ascii() && char_ranges::contains(EXTENDED_PICTOGRAPHIC, c)
}

/// The grapheme clusters of `text`, in order.
pub(super) fn clusters(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let end = first_cluster_len(rest)?;
        let (cluster, tail) = rest.split_at(end);
        rest = tail;
        Some(cluster)
    })
}

/// `grapheme_strlen()`.
pub(super) fn count(text: &str) -> usize {
    if text.is_ascii() && !text.contains("\r\n") {
        return text.len();
    }
    clusters(text).count()
}

/// The byte length of the first cluster, by the rules GB3 to GB999.
fn first_cluster_len(text: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    let (_, first) = chars.next()?;
    let mut previous = break_property(first);
    // GB11: inside `ExtPict Extend*`, and whether a ZWJ just followed that.
    let mut in_pictographic = is_extended_pictographic(first);
    let mut after_pictographic_zwj = false;
    // GB12/13: regional indicators pair up from the start of the cluster.
    let mut regional_indicators = usize::from(previous == GraphemeBreak::RegionalIndicator);
    let mut conjunct = Conjunct::None.next(conjunct_role(first));
    for (index, c) in chars {
        let current = break_property(c);
        let pictographic = is_extended_pictographic(c);
        let role = conjunct_role(c);
        let joins = (after_pictographic_zwj && pictographic)
            || (conjunct == Conjunct::AfterVirama && role == Some(ConjunctRole::LinkingConsonant));
        if is_break(previous, current, joins, regional_indicators) {
            return Some(index);
        }
        conjunct = conjunct.next(role);
        after_pictographic_zwj = in_pictographic && current == GraphemeBreak::Zwj;
        in_pictographic = pictographic || (in_pictographic && current == GraphemeBreak::Extend);
        if current == GraphemeBreak::RegionalIndicator {
            regional_indicators += 1;
        }
        previous = current;
    }
    Some(text.len())
}

/// `joined` says GB11 (emoji ZWJ sequence) or the conjunct rule holds here.
fn is_break(previous: GraphemeBreak, current: GraphemeBreak, joined: bool, regional_indicators: usize) -> bool {
    use GraphemeBreak::*;
    match (previous, current) {
        (Cr, Lf) => false,
        (Control | Cr | Lf, _) | (_, Control | Cr | Lf) => true,
        (L, L | V | Lv | Lvt) | (Lv | V, V | T) | (Lvt | T, T) => false,
        (_, Extend | Zwj | SpacingMark) | (Prepend, _) => false,
        _ if joined => false,
        (RegionalIndicator, RegionalIndicator) => regional_indicators.is_multiple_of(2),
        _ => true,
    }
}
