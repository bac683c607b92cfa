#!/usr/bin/env python3
"""Every type of a Magento 2.4.x GraphQL schema, one line each, for the mock's validation.

Writes `mock-server/src/magento/validation/real_types.txt`: the kind and name of every type the
enabled modules' `etc/schema.graphqls` define (merged as `tools/extract_served_schema.py` merges
them, whose reader this script shares), then
- for object and interface types, the names of the fields the files give them (sorted; the
  fields an object type copies from its interfaces are left out);
- for input object types, every input field as `name:Type`, sorted by name: the order webonyx
  checks them in, since Magento's `GraphQl\Config::getConfigElement` ksorts every type's fields
  (a real 2.4.7-p3 store reports a missing `email` before a missing `firstname`); a list's items
  lose their `!` (`[AttributeValueInput!]` is `[AttributeValueInput]`), since Magento's
  `WrappedTypeProcessor` keeps required items only for arguments (the store runs
  `custom_attributes: [null]`).

    python3 tools/extract_real_types.py --mirror /work/.mirror/AbdelhamidYousef+vanilla-magento/repo \\
        > mock-server/src/magento/validation/real_types.txt

Another release's table names it and the commit read (the mock picks the table by release):

    python3 tools/extract_real_types.py --mirror /work/.mirror/maginium+template/repo \\
        --commit dc520e69a7e4518bf28057ceb137e31be7b12d81 --release 2.4.8-beta1 \\
        > mock-server/src/magento/validation/real_types-2.4.8.txt
"""

import argparse
import re
import sys

from graphql import parse
from graphql.language import ast

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from extract_served_schema import Tree, merge, modern_sdl, module_files, read_definition  # noqa: E402

HEADER = """\
# The types of Magento Open Source 2.4.7-p3's GraphQL schema (every enabled module's
# etc/schema.graphqls, merged): kind and name; for object and interface types the names of
# their fields (sorted), for input object types their fields with their types (name:Type,
# sorted, as Magento builds them: list items never required). Made by tools/extract_real_types.py (see fixtures/README.md).
"""

# For a release other than the store's: the same, naming the release and the tree read.
OTHER_HEADER = """\
# The types of Magento Open Source {release}'s GraphQL schema (every enabled module's
# etc/schema.graphqls, merged; read from {source}): kind and name; for object and interface
# types the names of their fields (sorted), for input object types their fields with their types
# (name:Type, sorted, as Magento builds them: list items never required). Made by
# tools/extract_real_types.py (see fixtures/README.md).
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--vendor-tree", help="a Magento install: the directory holding app/ and vendor/")
    source.add_argument("--mirror", help="a bare git mirror of a Magento install (its HEAD is read)")
    parser.add_argument("--commit", default="HEAD", help="with --mirror: the commit to read instead of HEAD")
    parser.add_argument("--release", help="the release read, named in the header (2.4.7-p3's header without it)")
    args = parser.parse_args()
    tree = Tree(root=args.vendor_tree, mirror=args.mirror, commit=args.commit)
    modules, _skipped = module_files(tree)
    types = {}
    for _module, path in modules:
        for node in parse(modern_sdl(tree.read(path)), no_location=True).definitions:
            if isinstance(node, (ast.ScalarTypeDefinitionNode, ast.ScalarTypeExtensionNode)):
                types.setdefault(node.name.value, {"kind": "SCALAR"})
                continue
            definition = read_definition(node)
            if definition is None:
                continue
            name = node.name.value
            types[name] = merge(types[name], definition) if name in types else definition
    if args.release:
        sys.stdout.write(OTHER_HEADER.format(release=args.release, source=tree.describe()))
    else:
        sys.stdout.write(HEADER)
    for name in sorted(types):
        t = types[name]
        words = [t["kind"], name]
        if t["kind"] in ("OBJECT", "INTERFACE"):
            words += sorted(t["fields"])
        elif t["kind"] == "INPUT_OBJECT":
            words += [f"{field}:{entry['type'].replace('!]', ']')}" for field, entry in sorted(t["fields"].items())]
        sys.stdout.write(" ".join(words) + "\n")


if __name__ == "__main__":
    main()
