#!/usr/bin/env python3
"""Generate `icu72_data.rs`: the ICU 72 (Unicode 15.0) facts the email validator needs.

Magento runs on PHP 8.2 with ICU 72, and two of its answers depend on ICU's Unicode data:
- `idn_to_ascii()`: the `idna` crate carries newer Unicode, which accepts characters
  assigned since 15.0 and a few whose status changed. ICU72_REFUSED lists the non-ASCII
  code points C for which ICU 72 fails `idn_to_ascii("a" . C . "b.com", 0,
  INTL_IDNA_VARIANT_UTS46)`; in the middle of a label nothing but C's own UTS 46 status can
  fail the conversion.
- Laminas measures hostnames and labels with `grapheme_strlen()` and friends (laminas-stdlib's
  Intl string wrapper). GRAPHEME_BREAK and EXTENDED_PICTOGRAPHIC are ICU 72's
  Grapheme_Cluster_Break and Extended_Pictographic properties (Hangul LV/LVT syllables are
  left to arithmetic; the script checks that ICU agrees). ICU 72 also keeps Indic conjuncts
  together (CLDR 42's rule, later GB9c): LinkingConsonant ExtCccZwj* Virama ExtCccZwj* x
  LinkingConsonant. Its three sets are found by asking `grapheme_strlen()` about DEVANAGARI
  KA, VIRAMA and each code point: C links when KA VIRAMA C is one cluster (C not a mark), C is
  a virama when KA C KA is, C extends when KA VIRAMA C KA and KA C VIRAMA KA are.

The Rust side also relies on this, which the script checks: a character that UTS 46 maps to
nothing, or that NFC composes onto the character before it, is a grapheme extender or control
(Extend, SpacingMark, ZWJ, Control, V or T), so the other characters of a label each leave at
least one code point after mapping.

Everything is read off ICU itself through PHP, so it needs PHP 8.2 with the intl extension
built on ICU 72 (Debian 12: apt-get install php8.2-cli php8.2-intl).

Usage: tools/gen_icu72_data.py OUT_FILE
"""

import subprocess
import sys
import unicodedata
from pathlib import Path

PHP = r"""
if (!str_starts_with(INTL_ICU_VERSION, '72.')) { fwrite(STDERR, 'need ICU 72, have ' . INTL_ICU_VERSION); exit(1); }
echo "version ", INTL_ICU_VERSION, ' ', PHP_VERSION, "\n";
for ($cp = 0; $cp <= 0x10FFFF; $cp++) {
    if ($cp >= 0xD800 && $cp <= 0xDFFF) continue;
    $ascii = $cp >= 0x80 ? idn_to_ascii('a' . mb_chr($cp, 'UTF-8') . 'b.com', 0, INTL_IDNA_VARIANT_UTS46) : null;
    $refused = $ascii === false;
    $ignored = $ascii === 'ab.com';
    $gcb = IntlChar::getIntPropertyValue($cp, IntlChar::PROPERTY_GRAPHEME_CLUSTER_BREAK);
    $pict = IntlChar::hasBinaryProperty($cp, 64 /* UCHAR_EXTENDED_PICTOGRAPHIC */);
    $c = mb_chr($cp, 'UTF-8');
    $conjunct = 0;
    if ($gcb == 0 && grapheme_strlen("\u{915}\u{94D}" . $c) == 1) $conjunct = 1;
    elseif (grapheme_strlen("\u{915}" . $c . "\u{915}") == 1) $conjunct = 2;
    elseif (($gcb == 3 || $gcb == 17) && grapheme_strlen("\u{915}\u{94D}" . $c . "\u{915}") == 1
        && grapheme_strlen("\u{915}" . $c . "\u{94D}\u{915}") == 1) $conjunct = 3;
    if ($refused || $gcb || $pict || $conjunct || $ignored) echo $cp, ' ', (int) $refused, ' ', $gcb, ' ', (int) $pict, ' ', $conjunct, ' ', (int) $ignored, "\n";
}
"""

# ICU's UGraphemeClusterBreak values, and our Rust variant names.
GCB_NAMES = {1: "Control", 2: "Cr", 3: "Extend", 4: "L", 5: "Lf", 8: "T", 9: "V",
             10: "SpacingMark", 11: "Prepend", 12: "RegionalIndicator", 17: "Zwj"}
GCB_LV, GCB_LVT = 6, 7
CONJUNCT_NAMES = {1: "LinkingConsonant", 2: "Virama", 3: "Extend"}
# Control, Extend, V, T, SpacingMark, ZWJ: the break values that may vanish or combine.
SHRINKING = {1, 3, 8, 9, 10, 17}


def composition_seconds():
    """Characters that canonical composition (Python's Unicode 14 data) joins onto a starter."""
    seconds = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V and T
    for cp in range(0x110000):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                seconds.add(int(parts[1], 16))
    return seconds
HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3


def merge(code_points):
    ranges = []
    for cp, value in code_points:
        if ranges and ranges[-1][1] + 1 == cp and ranges[-1][2] == value:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp, value])
    return ranges


def emit(name, item_type, ranges, render):
    lines = [f"pub(super) static {name}: &[{item_type}] = &["]
    line = "   "
    for r in ranges:
        item = " " + render(r) + ","
        if len(line) + len(item) > 99:
            lines.append(line)
            line = "   "
        line += item
    lines.append(line)
    lines.append("];")
    return lines


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    lines = subprocess.run(["php", "-r", PHP], check=True, capture_output=True, text=True).stdout.splitlines()
    _, icu_version, php_version = lines[0].split()
    refused, breaks, pictographic, conjunct = [], [], [], []
    gcb_of = {}
    for row in lines[1:]:
        cp, is_refused, gcb, pict, conjunct_role, ignored = map(int, row.split())
        gcb_of[cp] = gcb
        assert not ignored or gcb in SHRINKING, f"U+{cp:04X} maps to nothing but has break {gcb}"
        if conjunct_role:
            conjunct.append((cp, CONJUNCT_NAMES[conjunct_role]))
        if is_refused:
            refused.append((cp, None))
        if gcb in (GCB_LV, GCB_LVT):
            expected = GCB_LV if (cp - HANGUL_FIRST) % 28 == 0 else GCB_LVT
            assert HANGUL_FIRST <= cp <= HANGUL_LAST and gcb == expected, f"U+{cp:04X} is {gcb}"
        elif gcb:
            breaks.append((cp, GCB_NAMES[gcb]))
        if pict:
            pictographic.append((cp, None))

    for cp in composition_seconds():
        assert gcb_of.get(cp, 0) in SHRINKING, f"U+{cp:04X} composes but has break {gcb_of.get(cp, 0)}"

    def char(cp):
        return f"'\\u{{{cp:x}}}'"

    body = [
        "//! Generated by `tools/gen_icu72_data.py`; do not edit by hand.",
        "//!",
        f"//! Read off ICU {icu_version} (Unicode 15.0) through PHP {php_version}: the non-ASCII code points",
        "//! `idn_to_ascii()` refuses, and the grapheme cluster break properties (Hangul LV/LVT",
        "//! syllables excepted: they follow from arithmetic). Sorted ranges.",
        "",
        "use super::graphemes::ConjunctRole;",
        "use super::graphemes::GraphemeBreak::{self, *};",
        "",
        "/// Code points that make ICU 72's `idn_to_ascii()` fail: disallowed or unassigned.",
    ]
    body += emit("ICU72_REFUSED", "(char, char)", merge(refused), lambda r: f"({char(r[0])}, {char(r[1])})")
    body += ["", "/// Grapheme_Cluster_Break values other than Other, LV and LVT."]
    body += emit("GRAPHEME_BREAK", "(char, char, GraphemeBreak)", merge(breaks),
                 lambda r: f"({char(r[0])}, {char(r[1])}, {r[2]})")
    body += ["", "/// The parts of an Indic conjunct ICU 72 keeps in one cluster."]
    body += emit("CONJUNCT", "(char, char, ConjunctRole)", merge(conjunct),
                 lambda r: f"({char(r[0])}, {char(r[1])}, ConjunctRole::{r[2]})")
    body += ["", "/// Extended_Pictographic code points."]
    body += emit("EXTENDED_PICTOGRAPHIC", "(char, char)", merge(pictographic),
                 lambda r: f"({char(r[0])}, {char(r[1])})")
    out.write_text("\n".join(body) + "\n", encoding="utf-8")
    print(f"{len(merge(refused))} refused ranges, {len(merge(breaks))} break ranges, "
          f"{len(merge(conjunct))} conjunct ranges, "
          f"{len(merge(pictographic))} pictographic ranges", file=sys.stderr)


if __name__ == "__main__":
    main()
