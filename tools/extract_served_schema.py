#!/usr/bin/env python3
"""Magento's own definitions of the GraphQL types the mock serves, as a normalised JSON file.

Reads every enabled module's `etc/schema.graphqls` from a Magento 2.4.x install (a directory with
`app/etc/config.php` and `vendor/`, or a bare git mirror of one), merges them the way
`Magento\\Framework\\GraphQlSchemaStitching\\GraphQlReader` does, and writes, for every type named in
the mock's SDL (`mock-server schema`), the real type: its kind, `@doc` description, interfaces,
and its fields (type, `@doc` description, `@deprecated(reason:)`, arguments with their types,
defaults and descriptions), enum values and input fields. Nothing of Magento's files is copied
into this repository except what that file records of the served types.

    python3 tools/extract_served_schema.py --mirror /work/.mirror/AbdelhamidYousef+vanilla-magento/repo \\
        --release 2.4.7-p3 --served <(target/debug/mock-server schema) \\
        > fixtures/real-schema/2.4.7-p3.served.json

What Magento's reader does, and so this script (read in 2.4.7-p3's
`vendor/magento/framework/GraphQlSchemaStitching/` and `.../GraphQl/Schema/Type/`):
- files are read in module load order (`app/etc/config.php`), disabled modules skipped;
- a type defined again, or extended (`extend type`), in a later file is merged into the first
  definition field by field (`array_replace_recursive`): a later field replaces the earlier one's
  type, and its description and deprecation only where it has one; new fields are appended;
- an object type gets the fields of the interfaces it implements, its own definitions winning;
- descriptions come only from `@doc(description:)` (an empty one counts as none), except for enum
  values, where an SDL description string is read too;
- a field is deprecated only by `@deprecated(reason: "...")`: without a reason Magento's reader drops
  it. An enum value's bare `@deprecated` gets webonyx's "No longer supported";
- an argument keeps its default only for a scalar type (Int, Float, Boolean, String, ID); the
  deprecation of arguments, and the defaults and deprecations of input fields, are not read.
"""

import argparse
import datetime
import json
import re
import subprocess
import sys
from pathlib import Path

from graphql import parse, print_ast
from graphql.language import ast

# Magento's own modules this store has disabled beyond config.php (no search engine), as for
# mock-server/src/magento/validation/real_types.txt.
DISABLED = re.compile(r"^Magento_(Elasticsearch.*|OpenSearch|AdvancedSearch|InventoryElasticsearch)$")
SCALARS = {"Int", "Float", "String", "Boolean", "ID"}
BUILTIN = SCALARS | {"Query", "Mutation"}


class Tree:
    """A Magento install on disk, or a commit (HEAD unless named) of a bare git mirror of one."""

    def __init__(self, root=None, mirror=None, commit="HEAD"):
        self.root, self.mirror, self.commit = root, mirror, commit

    def files(self):
        if self.mirror:
            out = subprocess.run(["git", "--git-dir", self.mirror, "ls-tree", "-r", "--name-only", self.commit],
                                 check=True, capture_output=True, text=True).stdout
            return out.splitlines()
        return [str(p.relative_to(self.root)) for p in Path(self.root).rglob("*") if p.is_file()]

    def describe(self):
        if self.mirror:
            head = subprocess.run(["git", "--git-dir", self.mirror, "rev-parse", self.commit],
                                  check=True, capture_output=True, text=True).stdout.strip()
            return f"{Path(self.mirror).parent.name if Path(self.mirror).name == 'repo' else self.mirror} at {head}"
        return str(self.root)

    def read(self, path):
        if self.mirror:
            return subprocess.run(["git", "--git-dir", self.mirror, "show", f"{self.commit}:{path}"],
                                  check=True, capture_output=True, text=True).stdout
        return (Path(self.root) / path).read_text()


def module_files(tree):
    """(module name, schema file) of the enabled modules, in load order."""
    files = tree.files()
    order = re.findall(r"'(\w+)' => (\d)", tree.read("app/etc/config.php"))
    enabled = [name for name, on in order if on == "1" and not DISABLED.match(name)]
    by_module = {}
    for path in files:
        # Modules live in vendor/<vendor>/<package>/ (and app/code/<Vendor>/<Module>/); the test
        # modules under dev/ are not installed.
        if not path.endswith("/etc/schema.graphqls") or "/dev/tests/" in path or path.startswith("dev/"):
            continue
        base = path[: -len("etc/schema.graphqls")]
        match = re.search(r'<module\s+name="(\w+)"', tree.read(base + "etc/module.xml"))
        by_module[match.group(1)] = path
    return [(m, by_module[m]) for m in enabled if m in by_module], sorted(set(by_module) - set(enabled))


def directive(node, name):
    for d in node.directives or []:
        if d.name.value == name:
            return {a.name.value: a.value for a in d.arguments}
    return None


def doc(node):
    args = directive(node, "doc") or {}
    value = args.get("description")
    return value.value if isinstance(value, ast.StringValueNode) and value.value else None


def reason(node):
    args = directive(node, "deprecated")
    value = (args or {}).get("reason")
    return value.value if isinstance(value, ast.StringValueNode) else None


def type_ref(node):
    if isinstance(node, ast.NonNullTypeNode):
        return type_ref(node.type) + "!"
    if isinstance(node, ast.ListTypeNode):
        return "[" + type_ref(node.type) + "]"
    return node.name.value


def named(ref):
    return ref.strip("[]!")


def read_field(node):
    field = {"type": type_ref(node.type), "args": {}}
    if doc(node):
        field["description"] = doc(node)
    if reason(node) is not None:
        field["deprecationReason"] = reason(node)
    for arg in node.arguments or []:
        ref = type_ref(arg.type)
        entry = {"type": ref}
        if arg.default_value is not None and named(ref) in SCALARS:
            entry["default"] = print_ast(arg.default_value)
        if doc(arg):
            entry["description"] = doc(arg)
        field["args"][arg.name.value] = entry
    return field


def read_definition(node):
    kinds = {
        (ast.ObjectTypeDefinitionNode, ast.ObjectTypeExtensionNode): "OBJECT",
        (ast.InterfaceTypeDefinitionNode, ast.InterfaceTypeExtensionNode): "INTERFACE",
        (ast.InputObjectTypeDefinitionNode, ast.InputObjectTypeExtensionNode): "INPUT_OBJECT",
        (ast.EnumTypeDefinitionNode, ast.EnumTypeExtensionNode): "ENUM",
        (ast.UnionTypeDefinitionNode, ast.UnionTypeExtensionNode): "UNION",
    }
    kind = next((k for classes, k in kinds.items() if isinstance(node, classes)), None)
    if kind is None:
        return None
    out = {"kind": kind}
    if doc(node):
        out["description"] = doc(node)
    if kind in ("OBJECT", "INTERFACE"):
        out["interfaces"] = [i.name.value for i in node.interfaces or []]
        out["fields"] = {f.name.value: read_field(f) for f in node.fields or []}
    elif kind == "INPUT_OBJECT":
        out["fields"] = {}
        for f in node.fields or []:
            entry = {"type": type_ref(f.type)}
            if doc(f):
                entry["description"] = doc(f)
            out["fields"][f.name.value] = entry
    elif kind == "ENUM":
        out["values"] = {}
        for v in node.values or []:
            entry = {}
            description = doc(v) or (v.description.value if v.description and v.description.value else None)
            if description:
                entry["description"] = description
            if directive(v, "deprecated") is not None:
                entry["deprecationReason"] = reason(v) if reason(v) is not None else "No longer supported"
            out["values"][v.name.value] = entry
    else:
        out["types"] = [t.name.value for t in node.types or []]
    return out


def merge(base, later):
    """PHP's array_replace_recursive over the reader's arrays."""
    for key, value in later.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        elif isinstance(value, list) and isinstance(base.get(key), list):
            base[key] = base[key] + [v for v in value if v not in base[key]]
        else:
            base[key] = value
    return base


def modern_sdl(text):
    """What Magento's reader accepts and graphql-core's parser does not, rewritten."""
    # An empty body (`type Query {}`): Magento adds a placeholder field; the grammar has none.
    text = re.sub(r"\{\s*\}", "", text)
    # `implements A, B` (the old syntax): Magento's reader turns the list into a directive.
    return re.sub(
        r"\bimplements\s+([_A-Za-z]\w*(?:\s*[,&]\s*[_A-Za-z]\w*)*)",
        lambda m: "implements " + " & ".join(re.findall(r"[_A-Za-z]\w*", m.group(1))),
        text,
    )


def read_schema(tree):
    modules, skipped = module_files(tree)
    types = {}
    for _module, path in modules:
        document = parse(modern_sdl(tree.read(path)), no_location=True)
        for node in document.definitions:
            definition = read_definition(node)
            if definition is None:
                continue
            name = node.name.value
            types[name] = merge(types[name], definition) if name in types else definition
    for t in types.values():
        if t["kind"] != "OBJECT":
            continue
        for interface in t["interfaces"]:
            own = t["fields"]
            t["fields"] = dict(types[interface]["fields"])
            t["fields"].update(own)
    return types, modules, skipped


def served_names(sdl):
    sdl = re.sub(r"\A---\n.*?\n---\n", "", sdl, flags=re.S)  # an insta snapshot's header
    document = parse(sdl, no_location=True)
    return sorted(n.name.value for n in document.definitions if isinstance(n, ast.TypeDefinitionNode))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--vendor-tree", help="a Magento install: the directory holding app/ and vendor/")
    source.add_argument("--mirror", help="a bare git mirror of a Magento install (its HEAD is read)")
    parser.add_argument("--commit", default="HEAD", help="with --mirror: the commit to read instead of HEAD")
    parser.add_argument("--release", required=True, help="the Magento release the tree holds, e.g. 2.4.7-p3")
    parser.add_argument("--served", required=True, help="the mock's SDL (`mock-server schema`, or its snapshot)")
    parser.add_argument("--date", default=datetime.date.today().isoformat())
    args = parser.parse_args()

    tree = Tree(root=args.vendor_tree, mirror=args.mirror, commit=args.commit)
    types, modules, skipped = read_schema(tree)
    served = served_names(Path(args.served).read_text())
    out = {
        "about": {
            "release": args.release,
            "source": tree.describe(),
            "date": args.date,
            "made_by": "tools/extract_served_schema.py",
            "modules_read": len(modules),
            "modules_skipped": skipped,
            "types_in_schema": len(types),
        },
        "types": {name: types[name] for name in served if name in types},
        "not_in_magento": [name for name in served if name not in types],
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
