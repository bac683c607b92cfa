#!/usr/bin/env python3
"""Generate `idn_tables.rs`: the per-TLD IDN label character tables of Laminas' Hostname validator.

The tables are derived as data from laminas/laminas-validator: `$validIdns` in `src/Hostname.php`
and the big tables it includes (`src/Hostname/Biz.php`, `Com.php`, `Cn.php`, `Jp.php`). Every
table there is a PHP regular expression of the form `/^[CLASS]{1,N}$/iu`; we keep CLASS as a
sorted list of code-point ranges and N as the label's maximum number of characters.

What the PHP regex engine (PCRE2 10.42, Unicode 14, as in PHP 8.2) does, and this script
reproduces:
- `/i` with `/u` matches a character when any character case-equivalent to it (simple case
  folding, statuses C and S) is in the class, so the class is closed under case equivalence
  (`[a-z]` also accepts U+212A KELVIN SIGN and U+017F LONG S). Without `/u` only ASCII
  letters fold. Python's `unicodedata` is Unicode 14.0, the same version.
- Patterns over 100,000 characters (the Chinese table of Cn.php, also used as table 12 of
  .biz) fail to compile ("regular expression is too large"), so `preg_match` returns false
  and those tables never accept a label: they are left out (the 50,967-character Japanese
  table compiles and is kept).
- `$idnLength` caps some tables' labels, but its value is used by mistake (an array compared
  with an int), so the cap never applies; the regex quantifier is the real limit. The script
  checks that every capped table has N <= 62, so the generic 63-character rule cannot
  interfere either, and the output does not need the caps.

Usage:
    tools/gen_idn_tables.py LAMINAS_SRC_DIR OUT_FILE [--version V] [--commit SHA]
where LAMINAS_SRC_DIR is the `src/` directory of a laminas-validator 2.x checkout.
"""

import argparse
import re
import sys
import unicodedata
from pathlib import Path

# Patterns longer than this fail to compile in PHP 8.2's PCRE2 (see the module docstring).
PCRE_TOO_LARGE = 100_000
REGEX_FORM = re.compile(r"^/\^\[(?P<cls>.*)\]\{1,(?P<max>\d+)\}\$/(?P<flags>[a-z]*)$", re.S)


# --- A small reader for the PHP array literals in the Laminas sources -----------------------

TOKEN = re.compile(
    r"""\s+|//[^\n]*|/\*.*?\*/|(?P<str>'(?:[^'\\]|\\.)*')|(?P<int>\d+)|(?P<op>=>|[\[\],.;])""",
    re.S,
)


def tokens(text):
    pos = 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"unexpected PHP at: {text[pos:pos + 40]!r}")
        pos = m.end()
        if m.group("str"):
            body = m.group("str")[1:-1]
            yield ("str", re.sub(r"\\([\\'])", r"\1", body))
        elif m.group("int"):
            yield ("int", int(m.group("int")))
        elif m.group("op"):
            yield ("op", m.group("op"))


def parse_array(toks):
    """Parse `[k => v, ...]` (the opening `[` already consumed) into a list of (key, value)."""
    items = []
    while True:
        kind, val = next(toks)
        if (kind, val) == ("op", "]"):
            return items
        if (kind, val) == ("op", ","):
            continue
        key = val
        assert next(toks) == ("op", "=>"), f"expected => after {key!r}"
        value, closing = parse_value(toks)
        items.append((key, value))
        if closing == "]":
            return items


def parse_value(toks):
    """A string concatenation or a nested array; returns (value, the token that ended it)."""
    kind, val = next(toks)
    if (kind, val) == ("op", "["):
        value = parse_array(toks)
        kind, val = next(toks)
        return value, val
    if kind == "int":
        return val, next(toks)[1]
    parts = [val]
    while True:
        kind, val = next(toks)
        if (kind, val) == ("op", "."):
            parts.append(next(toks)[1])
            continue
        return "".join(parts), val


def php_array_after(text, marker):
    start = text.index(marker)
    toks = tokens(text[text.index("[", start) + 1:])
    return parse_array(toks)


# --- Regex character classes -------------------------------------------------------------------

CLASS_ITEM = re.compile(r"\\x\{(?P<long>[0-9a-fA-F]+)\}|\\x(?P<short>[0-9a-fA-F]{2})|(?P<lit>[^\\])", re.S)


def class_ranges(cls):
    """The (start, end) code-point ranges of a PCRE class body built from \\x escapes and literals."""
    atoms = []
    for m in CLASS_ITEM.finditer(cls):
        if m.group("long"):
            atoms.append(("cp", int(m.group("long"), 16)))
        elif m.group("short"):
            atoms.append(("cp", int(m.group("short"), 16)))
        elif m.group("lit") == "-":
            atoms.append(("dash", ord("-")))
        else:
            atoms.append(("cp", ord(m.group("lit"))))
    if sum(len(m.group(0)) for m in CLASS_ITEM.finditer(cls)) != len(cls):
        raise ValueError(f"unsupported class syntax: {cls[:60]!r}")
    ranges, i = [], 0
    while i < len(atoms):
        kind, cp = atoms[i]
        # A dash between two atoms makes a range; at either end it is a literal hyphen.
        if i + 2 < len(atoms) and atoms[i + 1][0] == "dash" and kind == "cp":
            ranges.append((cp, atoms[i + 2][1]))
            i += 3
        else:
            ranges.append((cp, cp))
            i += 1
    return ranges


def case_classes():
    """Map each code point to its case-equivalence class (simple folding, C and S statuses)."""
    parent = list(range(0x110000))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        folded = ch.casefold()
        if len(folded) != 1:
            # A full (F) folding; the simple (S) one, where it exists, is the lowercase mapping.
            folded = ch.lower() if len(ch.lower()) == 1 else ch
        if folded != ch:
            a, b = find(cp), find(ord(folded))
            if a != b:
                parent[a] = b
    members = {}
    for cp in range(0x110000):
        root = find(cp)
        if root != cp or cp in members:
            members.setdefault(root, set()).add(cp)
    classes = {}
    for root, group in members.items():
        group.add(root)
        if len(group) > 1:
            for cp in group:
                classes[cp] = group
    return classes


def closed_ranges(ranges, unicode_caseless, classes):
    cps = set()
    for lo, hi in ranges:
        cps.update(range(lo, hi + 1))
    for cp in list(cps):
        if unicode_caseless:
            cps.update(classes.get(cp, ()))
        elif cp < 0x80 and chr(cp).isalpha():
            cps.update((ord(chr(cp).lower()), ord(chr(cp).upper())))
    cps.discard(0x0A)  # never in a class here; kept out so the `$` rule stays separate
    merged = []
    for cp in sorted(cps):
        if merged and merged[-1][1] + 1 == cp:
            merged[-1][1] = cp
        else:
            merged.append([cp, cp])
    return [tuple(r) for r in merged]


# --- Output ------------------------------------------------------------------------------------

def rust_char(cp):
    ch = chr(cp)
    if ch.isascii() and (ch.isalnum() or ch == "-"):
        return f"'{ch}'"
    return f"'\\u{{{cp:x}}}'"


def const_stem(tld, source_name):
    """A Rust constant name for a table: the file stem, the TLD, or the TLD's punycode form."""
    if source_name != "Hostname.php":
        return Path(source_name).stem.upper()
    if tld.isascii():
        return tld
    return "XN_" + tld.encode("punycode").decode("ascii").upper().replace("-", "_")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("laminas_src", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--version", default="2.64.1")
    ap.add_argument("--commit", default="9db115056b666b7540c951b6d4477b8e0b52b9ad")
    args = ap.parse_args()

    hostname_php = (args.laminas_src / "Hostname.php").read_text(encoding="utf-8")
    valid_idns = php_array_after(hostname_php, "protected $validIdns")
    idn_length = dict(php_array_after(hostname_php, "protected $idnLength"))
    classes = case_classes()

    tables = {}  # pattern -> (const name, max, ranges) ; shared tables are emitted once
    tld_entries = []
    skipped = []
    for tld, spec in valid_idns:
        if isinstance(spec, str):
            source_name = spec
            text = (args.laminas_src / spec).read_text(encoding="utf-8")
            patterns = parse_array(tokens(text[text.index("return [") + len("return ["):]))
        else:
            source_name = "Hostname.php"
            patterns = spec
        names = []
        for key, pattern in patterns:
            m = REGEX_FORM.match(pattern)
            if not m:
                raise ValueError(f"{tld} {key}: unexpected pattern form {pattern[:50]!r}")
            maximum = int(m.group("max"))
            if tld in idn_length and key in idn_length[tld] and maximum > 62:
                raise ValueError(f"{tld} {key}: capped table allows {maximum} characters")
            if len(pattern) > PCRE_TOO_LARGE:
                skipped.append(f"{tld} {key} ({source_name}, {len(pattern)} characters)")
                continue
            if pattern not in tables:
                ranges = closed_ranges(class_ranges(m.group("cls")), "u" in m.group("flags"), classes)
                tables[pattern] = (f"{const_stem(tld, source_name)}_{key}", maximum, ranges, [])
            tables[pattern][3].append(f"{tld} {key}")
            names.append(tables[pattern][0])
        tld_entries.append((tld, names))

    names_used = [name for name, _, _, _ in tables.values()]
    assert len(names_used) == len(set(names_used)), "table constant names collide"

    out = []
    out.append("//! Generated by `tools/gen_idn_tables.py`; do not edit by hand.")
    out.append("//!")
    out.append(f"//! Source: laminas/laminas-validator {args.version} (commit {args.commit}),")
    out.append("//! `src/Hostname.php` (`$validIdns`) and `src/Hostname/{Biz,Com,Jp}.php`. Each table is")
    out.append("//! one `/^[CLASS]{1,N}$/iu` regex: CLASS as code-point ranges closed under PCRE2's Unicode")
    out.append("//! case folding (Unicode 14), N as `max_chars`.")
    out.append("//! Left out because PHP's PCRE2 cannot compile them (\"regular expression is too large\"),")
    out.append("//! so they never accept a label: " + "; ".join(skipped) + ".")
    out.append("")
    out.append("use super::hostname::LabelTable;")
    out.append("")
    for pattern, (name, maximum, ranges, origin) in tables.items():
        out.append(f"/// `$validIdns` {', '.join(origin)}")
        out.append(f"static {name}: LabelTable = LabelTable {{")
        out.append(f"    max_chars: {maximum},")
        out.append("    ranges: &[")
        line = "        "
        for lo, hi in ranges:
            item = f"({rust_char(lo)}, {rust_char(hi)}), "
            if len(line) + len(item) > 99:
                out.append(line.rstrip())
                line = "        "
            line += item
        if line.strip():
            out.append(line.rstrip())
        out.append("    ],")
        out.append("};")
        out.append("")
    out.append("/// Laminas' `$validIdns` keys (upper-case ASCII TLDs, lower-case IDN TLDs), sorted, with")
    out.append("/// their usable tables in Laminas' order.")
    out.append("pub(super) static TLD_TABLES: &[(&str, &[&LabelTable])] = &[")
    for tld, names in sorted(tld_entries, key=lambda e: e[0].encode("utf-8")):
        out.append(f"    (\"{tld}\", &[{', '.join('&' + n for n in names)}]),")
    out.append("];")
    args.out.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(tables)} tables for {len(tld_entries)} TLDs; skipped: {skipped}", file=sys.stderr)


if __name__ == "__main__":
    main()
