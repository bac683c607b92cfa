#!/usr/bin/env python3
"""webonyx's verdicts on input objects, for fixtures/webonyx-input-objects-2.4.7-p3.jsonl.

Generates (seeded) requests that give the account area's input objects (CustomerCreateInput,
CustomerInput, CustomerUpdateInput, createEmptyCartInput, and AttributeValueInput inside them) as
variables and as literals: valid ones, and ones with required fields missing or null, unknown
fields (typos of real ones and others), wrong values in fields, nested objects and lists, and
values that are no object at all; several problems at once. Each request is given to
webonyx/graphql-php as Magento runs it (tools/webonyx_input_objects.php: validation, then the
variables, with Magento's Int, Float and String), read from a Magento vendor tree (a bare git
mirror's HEAD), against the served schema with the real input types:
- the mock's SDL (snapshots/schema.graphql.snap) for everything but input objects,
- every input object the served fields reach, with Magento's fields in Magento's order, from
  mock-server/src/magento/validation/real_types.txt (tools/extract_real_types.py).

    python3 tools/gen_input_object_corpus.py --mirror /work/.mirror/AbdelhamidYousef+vanilla-magento/repo \\
        > fixtures/webonyx-input-objects-2.4.7-p3.jsonl

Needs PHP 8.1+ and graphql-core. Nothing of the mirror is written outside a temporary directory.
"""

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from graphql import parse, print_ast
from graphql.language import ast

ROOT = Path(__file__).resolve().parent.parent
SEED = 13
MAGENTO_TYPES = "vendor/magento/framework/GraphQl/Type/Definition"
WEBONYX = "vendor/webonyx/graphql-php/src"

# The operations: root field, argument type, selection.
OPERATIONS = [
    ("createCustomerV2", "CustomerCreateInput!", "customer { email }"),
    ("createCustomer", "CustomerInput!", "customer { email }"),
    ("updateCustomerV2", "CustomerUpdateInput!", "customer { email }"),
    ("updateCustomer", "CustomerInput!", "customer { email }"),
    ("createEmptyCart", "createEmptyCartInput", None),
]


def real_inputs():
    types = {}
    for line in (ROOT / "mock-server/src/magento/validation/real_types.txt").read_text().splitlines():
        words = line.split()
        if words and words[0] == "INPUT_OBJECT":
            types[words[1]] = [tuple(w.split(":", 1)) for w in words[2:]]
    return types


def oracle_schema(inputs):
    """The served SDL, its input objects replaced by the real ones (and those they reach)."""
    sdl = (ROOT / "snapshots/schema.graphql.snap").read_text()
    sdl = re.sub(r"\A---\n.*?\n---\n", "", sdl, flags=re.S)
    document = parse(sdl, no_location=True)
    kept = [d for d in document.definitions if not isinstance(d, ast.InputObjectTypeDefinitionNode)]
    wanted = [d.name.value for d in document.definitions if isinstance(d, ast.InputObjectTypeDefinitionNode)]
    done = []
    while wanted:
        name = wanted.pop()
        if name in done:
            continue
        done.append(name)
        for _, ty in inputs[name]:
            if ty.strip("[]!") in inputs:
                wanted.append(ty.strip("[]!"))
    out = print_ast(ast.DocumentNode(definitions=kept))
    for name in sorted(done):
        out += "\ninput %s {\n%s\n}\n" % (name, "\n".join(f"  {f}: {t}" for f, t in inputs[name]))
    return out


class Gen:
    def __init__(self, inputs, rng):
        self.inputs, self.rng, self.n = inputs, rng, 0

    def email(self):
        self.n += 1
        return f"inputobj13-{self.n}@example.com"

    def good(self, ty, depth=0):
        """A valid value of type `ty` (JSON)."""
        base = ty.rstrip("!")
        if base.startswith("["):
            return [self.good(base[1:-1], depth + 1) for _ in range(self.rng.randint(1, 2))]
        if base in self.inputs:
            out = {}
            for field, fty in self.inputs[base]:
                if fty.endswith("!") or self.rng.random() < 0.3:
                    out[field] = self.good(fty, depth + 1)
            return out
        return {"String": None, "Int": self.rng.choice([1, 2, 0]), "Boolean": self.rng.choice([True, False])}.get(
            base, "x") if base != "String" else self.string()

    def string(self):
        return self.rng.choice(["Veronica", "Costello", self.email(), "Roni-Cost3!x", "1990-01-01"])

    def bad(self, ty):
        """A value webonyx refuses for `ty` (JSON)."""
        base = ty.rstrip("!")
        choices = {
            "String": [[], ["a"], {"a": 1}, [1, 2]],
            "Int": ["abc", 1.5, "", [1], {"x": 1}, 2147483648, "1e3x"],
            "Boolean": ["yes", 1, 0, "true", [True]],
        }
        if base.startswith("["):
            inner = base[1:-1]
            return self.rng.choice([[self.bad(inner)], [self.good(inner), self.bad(inner)], self.bad(inner), [None] if inner.endswith("!") else "x"])
        if base in self.inputs:
            return self.rng.choice(["x", 5, True, self.broken(base)])
        return self.rng.choice(choices.get(base, ["x"]))

    def unknown_name(self, base):
        fields = [f for f, _ in self.inputs[base]]
        f = self.rng.choice(fields)
        return self.rng.choice([
            f[:-1], f + "s", f.replace("_", ""), f.upper(), f[1:], "nickname", "email_address", "x", "0",
            "customer_" + f, f[:2] + f[3:] if len(f) > 3 else f + "x",
        ])

    def broken(self, base):
        """An object of input type `base` with one to three problems."""
        value = self.good(base)
        fields = self.inputs[base]
        for _ in range(self.rng.choice([1, 1, 1, 2, 3])):
            kind = self.rng.choice(["drop", "unknown", "wrong", "null", "nested"])
            required = [f for f, t in fields if t.endswith("!")]
            if kind == "drop" and required:
                value.pop(self.rng.choice(required), None)
            elif kind == "unknown":
                value[self.unknown_name(base)] = self.rng.choice(["x", 1, None, {"a": 1}])
            elif kind == "wrong":
                f, t = self.rng.choice(fields)
                value[f] = self.bad(t)
            elif kind == "null":
                f, t = self.rng.choice(fields)
                value[f] = None
            elif kind == "nested":
                nested = [(f, t) for f, t in fields if t.strip("[]!") in self.inputs]
                if nested:
                    f, t = self.rng.choice(nested)
                    inner = t.strip("[]!")
                    value[f] = self.rng.choice([[self.broken(inner)], self.broken(inner), [self.good(inner), self.broken(inner)]])
        # Keys in a shuffled order: webonyx reports unknown keys in the value's order.
        items = list(value.items())
        if self.rng.random() < 0.5:
            self.rng.shuffle(items)
        return dict(items)


def literal(value):
    """A JSON value as a GraphQL literal (strings quoted, objects and lists as written)."""
    if isinstance(value, dict):
        # A key that is no GraphQL name ("0") gets a leading underscore.
        names = (k if re.fullmatch(r"[_A-Za-z]\w*", k) else "_" + k for k in value)
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in zip(names, value.values())) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    return json.dumps(value)


# Written by hand: which of several problems comes first, as the real store (which shows only the
# first error) can tell: a field Magento merges in from another module (allow_remote_shopping_assistance,
# first in CustomerCreateInput's order) against the required ones, and a list field against them.
CREATE = "mutation M($input: CustomerCreateInput!) {\n  createCustomerV2(input: $input) { customer { email } }\n}"
UPDATE = "mutation M($input: CustomerUpdateInput!) {\n  updateCustomerV2(input: $input) { customer { email } }\n}"
HANDMADE = [
    {"query": CREATE, "variables": {"input": {"allow_remote_shopping_assistance": "x"}}},
    {"query": CREATE, "variables": {"input": {"lastname": "C", "email": "e", "allow_remote_shopping_assistance": []}}},
    {"query": CREATE, "variables": {"input": {"custom_attributes": [{"value": "v"}], "firstname": None}}},
    {"query": CREATE, "variables": {"input": {"nickname": "x", "firstname": "V", "lastname": "C", "email": 5}}},
    {"query": CREATE, "variables": {"input": {}}},
    {"query": CREATE, "variables": {"input": []}},
    {"query": CREATE, "variables": {"input": "x"}},
    {"query": UPDATE, "variables": {"input": {"gender": "abc", "is_subscribed": "yes"}}},
    {"query": UPDATE, "variables": {"input": {"custom_attributes": {"attribute_code": "a"}}}},
    {"query": "mutation {\n  createCustomerV2(input: {allow_remote_shopping_assistance: \"x\"}) { customer { email } }\n}"},
    {"query": "mutation {\n  createCustomerV2(input: {email: \"e\", nickname: 1}) { customer { email } }\n}"},
    {"query": "mutation {\n  updateCustomerV2(input: {custom_attributes: [{value: \"v\", code: 1}]}) { customer { email } }\n}"},
    {"query": "mutation M($f: Int) {\n  updateCustomerV2(input: {firstname: $f}) { customer { email } }\n}", "variables": {"f": 1}},
    {"query": "mutation M($c: String) {\n  updateCustomerV2(input: {custom_attributes: [{attribute_code: $c}]}) { customer { email } }\n}",
     "variables": {"c": "a"}},
]


def requests(gen, rng, count):
    out = list(HANDMADE)
    names = {f for fields in gen.inputs.values() for f, _ in fields}
    while len(out) < count:
        field, arg_type, selection = rng.choice(OPERATIONS)
        base = arg_type.rstrip("!")
        select = f" {{ {selection} }}" if selection else ""
        value = gen.good(base) if rng.random() < 0.15 else gen.broken(base) if rng.random() < 0.9 else gen.bad(arg_type)
        style = rng.choice(["variable", "variable", "literal", "literal", "literal-with-variable"])
        if style == "variable":
            declared = arg_type if rng.random() < 0.9 else base
            query = f"mutation M($input: {declared}) {{\n  {field}(input: $input){select}\n}}"
            out.append({"query": query, "variables": {"input": value}})
        elif style == "literal":
            if not isinstance(value, dict):
                value = gen.broken(base)
            query = f"mutation {{\n  {field}(input: {literal(value)}){select}\n}}"
            out.append({"query": query})
        else:
            value = gen.good(base) if rng.random() < 0.5 else gen.broken(base)
            if not value:
                continue
            key = rng.choice(list(value))
            ftype = dict(gen.inputs[base]).get(key, "String")
            declared = rng.choice([ftype, ftype.rstrip("!"), "Int", "String!", "Boolean"])
            if declared.strip("[]!") not in ("String", "Int", "Boolean", "Float") and declared.strip("[]!") not in gen.inputs:
                declared = "String"
            given = value.pop(key)
            rest = literal(value)[1:-1]
            key = key if re.fullmatch(r"[_A-Za-z]\w*", key) else "_" + key
            body = f"{key}: $v" + (f", {rest}" if rest else "")
            query = f"mutation M($v: {declared}) {{\n  {field}(input: {{{body}}}){select}\n}}"
            variables = {"v": given} if rng.random() < 0.8 else {}
            out.append({"query": query, "variables": variables})
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirror", required=True, help="a bare git mirror of a Magento 2.4.7-p3 install")
    parser.add_argument("--count", type=int, default=1500)
    args = parser.parse_args()
    rng = random.Random(SEED)
    gen = Gen(real_inputs(), rng)
    lines = requests(gen, rng, args.count)
    with tempfile.TemporaryDirectory() as tmp:
        extract(args.mirror, [WEBONYX, MAGENTO_TYPES], Path(tmp))
        schema = Path(tmp) / "schema.graphql"
        schema.write_text(oracle_schema(gen.inputs))
        verdicts = subprocess.run(
            ["php", str(ROOT / "tools/webonyx_input_objects.php"), f"{tmp}/{WEBONYX}", f"{tmp}/{MAGENTO_TYPES}", str(schema)],
            input="".join(json.dumps(r) + "\n" for r in lines), check=True, capture_output=True, text=True,
        ).stdout.splitlines()
    head = git_head(args.mirror)
    print(json.dumps({"about": f"webonyx/graphql-php v15.22.0 with Magento 2.4.7-p3's Int, Float and String, from {head}, "
                      "made by tools/gen_input_object_corpus.py (see fixtures/README.md)"}))
    for request, verdict in zip(lines, verdicts, strict=True):
        print(json.dumps({**request, **json.loads(verdict)}, ensure_ascii=False))


def extract(mirror, folders, into):
    """The files under `folders` at the mirror's HEAD, written below `into` (read one by one: the
    mirror lacks some unrelated large blobs, which makes `git archive` stop)."""
    git = ["git", "--git-dir", mirror]
    names = subprocess.run(git + ["ls-tree", "-r", "--name-only", "HEAD", "--", *folders],
                           check=True, capture_output=True, text=True).stdout.splitlines()
    for name in names:
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(subprocess.run(git + ["show", f"HEAD:{name}"], check=True, capture_output=True).stdout)


def git_head(mirror):
    return subprocess.run(["git", "--git-dir", mirror, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
