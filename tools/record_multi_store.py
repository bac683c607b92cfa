#!/usr/bin/env python3
"""Records what a real Magento store with two websites answers for the `Store` header.

The store must have, besides a fresh install's `default` view (website `base`), a second website
`second` ("Second Website") with the group `second_store` ("Second Store") and the view
`second_view` ("Second Store View", locale en_GB), whose base URL is http://127.0.0.1:8081/
(URL rewrites off), with Magento's default account sharing scope (per website) and no
reCAPTCHA on that website (record_recaptcha.py needs it on). Sends the
requests below in order to a store on 127.0.0.1 only, with fresh accounts, and writes
fixtures/real-store/2.4.7-p3-multi-store.jsonl in the format of 2.4.7-p3-account-area.jsonl,
plus the reset email the second website sent (2.4.7-p3-reset-email-second-store.eml).

Placeholders: ms-<run>-<role>@example.com -> ms-N-<role>@example.com; customer tokens ->
<jwt:ROLE> (bound where generateCustomerToken answered it); the emailed reset token ->
<reset-token:ROLE> in requests and <TOKEN> in the email.

Usage: tools/record_multi_store.py [--store http://127.0.0.1:8080] [--sink http://127.0.0.1:4100]
"""

import argparse
import json
import quopri
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SECOND_PASSWORD = "Second-Passw0rd!"
DEFAULT_PASSWORD = "Default-Passw0rd!"
NEW_PASSWORD = "N3w-Passw0rd!"
STORE_FIELDS = ("store_code store_name store_group_code store_group_name website_code website_name locale "
                "base_media_url is_default_store is_default_store_group store_sort_order")


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Recorder:
    def __init__(self, store, sink):
        self.store = store.rstrip("/")
        self.sink = sink.rstrip("/")
        self.run = str(int(time.time()) % 1000000)
        self.tokens = {}
        self.reset_tokens = {}
        self.lines = []

    def email(self, role):
        return f"ms-{self.run}-{role}@example.com"

    def redact(self, text):
        text = text.replace(f"ms-{self.run}-", "ms-N-")
        for role, token in self.tokens.items():
            text = text.replace(token, f"<jwt:{role}>")
        for role, token in self.reset_tokens.items():
            text = text.replace(token, f"<reset-token:{role}>")
        return text

    def post(self, name, query, variables=None, store=None, role=None, note="", bind=None):
        headers = {"content-type": "application/json"}
        if role:
            headers["authorization"] = f"Bearer {self.tokens[role]}"
        if store is not None:
            headers["store"] = store
        body = compact({"variables": variables, "query": query} if variables is not None else {"query": query})
        request = urllib.request.Request(self.store + "/graphql", data=body.encode(), method="POST")
        for key, value in headers.items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, raw_headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, raw_headers, raw = error.code, error.headers, error.read()
        text = raw.decode("utf-8")
        if bind:
            value = json.loads(text)["data"]["generateCustomerToken"]["token"]
            self.tokens[bind] = value
        kept = {k: raw_headers.get(k) for k in ["Content-Type", "Cache-Control", "X-Magento-Cache-Id", "X-Magento-Tags"]
                if raw_headers.get(k) is not None}
        if "X-Magento-Cache-Id" in kept:
            kept["X-Magento-Cache-Id"] = "<64 hex chars>"
        self.lines.append({
            "name": name,
            "request": {"method": "POST", "path": "/graphql", "headers": {k: self.redact(v) for k, v in headers.items()},
                        "body": self.redact(body)},
            "response": {"status": status, "headers": kept, "body": self.redact(text)},
            "note": note,
        })
        print(f"{status} {name}: {self.redact(text)[:200]}", file=sys.stderr)

    def latest_raw(self, email):
        url = f"{self.sink}/api/v1/message/latest?query=" + urllib.parse.quote(f"to:{email}")
        with urllib.request.urlopen(url, timeout=30) as response:
            message = json.loads(response.read())
        with urllib.request.urlopen(f"{self.sink}/api/v1/message/{message['ID']}/raw", timeout=30) as response:
            return response.read().decode("utf-8"), message


CREATE = "mutation ($input: CustomerCreateInput!) {\n  createCustomerV2(input: $input) {\n    customer {\n      email\n      firstname\n    }\n  }\n}"
SIGN_IN = "mutation ($email: String!, $password: String!) {\n  generateCustomerToken(email: $email, password: $password) {\n    token\n  }\n}"
FORGOT = "mutation ($email: String!) {\n  requestPasswordResetEmail(email: $email)\n}"
RESET = "mutation ($email: String!, $token: String!, $password: String!) {\n  resetPassword(email: $email, resetPasswordToken: $token, newPassword: $password)\n}"


def record(r):
    config = "{\n  storeConfig {\n    " + STORE_FIELDS.replace(" ", "\n    ") + "\n  }\n}"
    r.post("store-config-no-header", config)
    r.post("store-config-default", config, store="default")
    r.post("store-config-default-upper-case", config, store="DEFAULT", note="'default' in any case is the default store")
    r.post("store-config-second", config, store="second_view")
    r.post("store-config-second-padded", config, store=" second_view ", note="the header is trimmed")
    r.post("store-config-second-upper-case", config, store="SECOND_VIEW", note="other codes are compared exactly")
    r.post("store-config-unknown", config, store="nosuch")
    available = "{\n  availableStores {\n    " + STORE_FIELDS.replace(" ", "\n    ") + "\n  }\n}"
    r.post("available-stores-default", available)
    r.post("available-stores-second", available, store="second_view")
    r.post("available-stores-second-current-group", available.replace("availableStores", "availableStores(useCurrentGroup: true)"),
           store="second_view")

    # The same email on both websites: two accounts.
    both = r.email("both")
    r.post("create-on-second", CREATE, {"input": {"email": both, "firstname": "Second", "lastname": "Site",
                                                  "password": SECOND_PASSWORD}}, store="second_view")
    r.post("create-on-second-again", CREATE, {"input": {"email": both, "firstname": "Again", "lastname": "Site",
                                                        "password": SECOND_PASSWORD}}, store="second_view")
    r.post("create-on-default", CREATE, {"input": {"email": both, "firstname": "Default", "lastname": "Site",
                                                   "password": DEFAULT_PASSWORD}}, store="default")
    r.post("sign-in-default-with-second-password", SIGN_IN, {"email": both, "password": SECOND_PASSWORD})
    r.post("sign-in-second", SIGN_IN, {"email": both, "password": SECOND_PASSWORD}, store="second_view", bind="second")
    r.post("sign-in-default", SIGN_IN, {"email": both, "password": DEFAULT_PASSWORD}, store="default", bind="default")
    who = "{\n  customer {\n    email\n    firstname\n  }\n}"
    r.post("customer-second-token-on-second", who, store="second_view", role="second")
    r.post("customer-second-token-on-default", who, store="default", role="second",
           note="a customer token is not bound to its website")
    r.post("customer-default-token-on-second", who, store="second_view", role="default")

    # An account on the second website only: reset within that website.
    only = r.email("only-second")
    r.post("create-only-on-second", CREATE, {"input": {"email": only, "firstname": "Only", "lastname": "Second",
                                                       "password": SECOND_PASSWORD}}, store="second_view")
    r.post("forgot-on-default", FORGOT, {"email": only})
    r.post("forgot-on-second", FORGOT, {"email": only}, store="second_view", note="the email uses the second store")
    time.sleep(2)
    raw, message = r.latest_raw(only)
    html = message["HTML"]
    start = html.index("token=") + len("token=")
    token = html[start:start + 32]
    r.reset_tokens["only-second"] = token
    r.post("reset-on-default", RESET, {"email": only, "token": token, "password": NEW_PASSWORD})
    r.post("reset-on-second", RESET, {"email": only, "token": token, "password": NEW_PASSWORD}, store="second_view")
    r.post("sign-in-second-new-password", SIGN_IN, {"email": only, "password": NEW_PASSWORD}, store="second_view",
           bind="new")
    return redact_email(r, raw, token)


def redact_email(r, raw, token):
    """The raw message with the run tag and the token replaced in its headers and in its decoded
    body (quoted-printable splits them across lines), the body encoded again as the store did."""
    head, body = raw.replace("\r\n", "\n").split("\n\n", 1)
    body = body.removesuffix("\n")  # the MIME body's closing line break
    html = quopri.decodestring(body.encode()).decode("utf-8")
    html = r.redact(html).replace("<reset-token:only-second>", "<TOKEN>")
    return r.redact(head).replace("\n", "\r\n") + "\r\n\r\n" + quoted_printable(html.encode("utf-8"))


def quoted_printable(data):
    """As the store's mailer encodes: line breaks as =0A, soft breaks before 76 columns, CRLF."""
    lines, line = [], ""
    for byte in data:
        char = chr(byte) if (33 <= byte <= 126 and byte != 61) or byte == 32 else f"={byte:02X}"
        if len(line) + len(char) > 75:
            lines.append(line + "=")
            line = ""
        line += char
    lines.append(line)
    return "\r\n".join(lines) + "\r\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", default="http://127.0.0.1:8080")
    parser.add_argument("--sink", default="http://127.0.0.1:4100")
    parser.add_argument("--out", default="fixtures/real-store/2.4.7-p3-multi-store.jsonl")
    parser.add_argument("--email-out", default="fixtures/real-store/2.4.7-p3-reset-email-second-store.eml")
    args = parser.parse_args()
    for url in (args.store, args.sink):
        host = urllib.parse.urlsplit(url).hostname
        if host not in ("127.0.0.1", "localhost"):
            sys.exit(f"refusing to send anything to {host}: loopback only")
    r = Recorder(args.store, args.sink)
    email = record(r)
    with open(args.out, "w") as out:
        for line in r.lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    with open(args.email_out, "w", newline="") as out:
        out.write(email)
    print(f"{len(r.lines)} answers written to {args.out} (run {r.run})", file=sys.stderr)


if __name__ == "__main__":
    main()
