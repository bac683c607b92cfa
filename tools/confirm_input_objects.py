#!/usr/bin/env python3
"""Sends a sample of fixtures/webonyx-input-objects-2.4.7-p3.jsonl to a real Magento 2.4.7-p3 store
and says how many answers agree with the corpus: a refused request must get the corpus's first
error (the store, outside developer mode, shows only that one) on HTTP 200, an accepted one must run
(its answer has `data`).

    flock /work/store/store.lock python3 tools/confirm_input_objects.py http://127.0.0.1:8080/graphql

The sample: the hand-written lines, then one refused line per kind of first error (its
message with quoted parts and numbers blanked), then six accepted `updateCustomer`/`updateCustomerV2`
lines (sent without a token: they change nothing). No request that the store would run creates
anything.
"""

import json
import re
import sys
import urllib.request
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "fixtures/webonyx-input-objects-2.4.7-p3.jsonl"
HANDMADE = 14


def kind(message):
    return re.sub(r"\d+", "#", re.sub(r'"[^"]*"', '""', message))


def sample(lines):
    chosen, kinds, accepted = lines[:HANDMADE], {}, 0
    for line in lines[HANDMADE:]:
        if "errors" in line:
            k = kind(line["errors"][0]["message"])
            if kinds.get(k, 0) < 1:
                kinds[k] = kinds.get(k, 0) + 1
                chosen.append(line)
        elif accepted < 6 and re.search(r"\bupdateCustomer(V2)?\(", line["query"]):
            accepted += 1
            chosen.append(line)
    return chosen


def send(url, line):
    body = {"query": line["query"]}
    if "variables" in line:
        body["variables"] = line["variables"]
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def main():
    url = sys.argv[1]
    lines = [json.loads(l) for l in CORPUS.read_text().splitlines()[1:]]
    chosen = sample(lines)
    agree = 0
    for line in chosen:
        status, body = send(url, line)
        answer = json.loads(body) if body.startswith("{") else body
        if "errors" in line:
            same = status == 200 and answer == {"errors": line["errors"][:1]}
        else:
            same = isinstance(answer, dict) and "data" in answer
        agree += same
        if not same:
            print(json.dumps({"query": line["query"], "variables": line.get("variables"), "corpus": line.get("errors"),
                              "store": [status, body]}))
    refused = sum("errors" in l for l in chosen)
    print(f"{agree} of {len(chosen)} agree ({refused} refused, {len(chosen) - refused} accepted)")


if __name__ == "__main__":
    main()
