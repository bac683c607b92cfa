#!/usr/bin/env python3
"""Records what a real Magento store answers when its default website requires email confirmation.

The store is the one of record_multi_store.py (websites `base` and `second`), with, for the time of the
recording only, confirmation required on the default website (`base`) and left off on `second`:

  bin/magento config:set --scope=websites --scope-code=base customer/create_account/confirm 1
  bin/magento cache:flush
  ... tools/record_confirmation.py ...
  then the row removed again (2.4.7 has no config:delete) and the cache flushed.

Sign-up (createCustomerV2 with and without a password, createCustomer, selecting confirmation_status),
what an unconfirmed account gets from sign-in, forgot and reset password, confirmEmail's error cases and
its success with the mailed key, sign-in afterwards, and Luma's confirmation link
(`customer/account/confirm/`, without following the redirect: status, Location, cookies, mage-messages).
Writes fixtures/real-store/2.4.7-p3-confirmation.jsonl (format of 2.4.7-p3-account-area.jsonl; the Luma hops
as in 2.4.7-p3-luma-pages.jsonl) and the confirmation email and the welcome email sent once confirmed
(2.4.7-p3-confirmation-email.eml, 2.4.7-p3-confirmed-welcome-email.eml), account emails `cf-N-<role>`, the
key `<KEY>`, the customer id `<ID>`.

Usage: tools/record_confirmation.py [--store http://127.0.0.1:8080] [--sink http://127.0.0.1:4100]
"""

import argparse
import http.client
import json
import quopri
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "Roni-Cost3!x"
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
LINK = re.compile(r"customer/account/confirm/\?back_url=&(?:amp;)?id=(\d+)&(?:amp;)?key=([0-9A-Za-z]+)")


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Recorder:
    def __init__(self, store, sink):
        self.store = store.rstrip("/")
        self.sink = sink.rstrip("/")
        self.run = str(int(time.time()) % 1000000)
        self.secrets = {}  # real value -> placeholder
        self.lines = []

    def email(self, role):
        return f"cf-{self.run}-{role}@example.com"

    def redact(self, text):
        text = text.replace(f"cf-{self.run}-", "cf-N-")
        text = JWT.sub("<jwt>", text)
        for value, placeholder in self.secrets.items():
            text = text.replace(value, placeholder)
        return text

    def post(self, name, query, variables=None, store="default", token=None, note=""):
        headers = {"content-type": "application/json", "store": store}
        if token:
            headers["authorization"] = f"Bearer {token}"
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
        kept = {k: raw_headers.get(k) for k in ["Content-Type", "Cache-Control", "X-Magento-Cache-Id", "X-Magento-Tags"]
                if raw_headers.get(k) is not None}
        if "X-Magento-Cache-Id" in kept:
            kept["X-Magento-Cache-Id"] = "<64 hex chars>"
        answer = json.loads(text)
        if token:
            headers["authorization"] = "Bearer <jwt>"
        self.lines.append({
            "name": name,
            "request": {"method": "POST", "path": "/graphql", "headers": headers, "body": self.redact(body)},
            "response": {"status": status, "headers": kept, "body": self.redact(text)},
            "note": note,
        })
        print(f"{status} {name}: {self.redact(text)[:220]}", file=sys.stderr)
        return answer

    def luma(self, name, target, note=""):
        """One GET of a storefront page, redirect not followed, no cookies sent."""
        parts = urllib.parse.urlsplit(self.store)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        connection.request("GET", target)
        response = connection.getresponse()
        response.read()
        cookies = response.headers.get_all("Set-Cookie") or []
        messages = None
        for cookie in cookies:
            if cookie.startswith("mage-messages="):
                messages = json.loads(urllib.parse.unquote(cookie.split(";", 1)[0].split("=", 1)[1]) or "null")
        location = response.headers.get("Location")
        self.lines.append({
            "name": name,
            "request": {"method": "GET", "target": self.redact(target)},
            "response": {"status": response.status,
                         "location": self.redact(location.replace(self.store + "/", "<base>")) if location else None,
                         "cookies": sorted({c.split("=", 1)[0] for c in cookies}),
                         "mage_messages": messages},
            "note": note,
        })
        print(f"{response.status} {name}: {location} {messages}", file=sys.stderr)

    def messages(self, email):
        url = f"{self.sink}/api/v1/search?query=" + urllib.parse.quote(f"to:{email}")
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())["messages"]

    def raw(self, message_id):
        with urllib.request.urlopen(f"{self.sink}/api/v1/message/{message_id}/raw", timeout=30) as response:
            return response.read().decode("utf-8")

    def confirmation_link(self, email):
        """The (id, key) of the newest confirmation email to this address, and its raw bytes."""
        for message in self.messages(email):
            raw = self.raw(message["ID"])
            html = quopri.decodestring(raw.replace("\r\n", "\n").split("\n\n", 1)[1].encode()).decode("utf-8")
            found = LINK.search(html)
            if found:
                return found.group(1), found.group(2), raw
        sys.exit(f"no confirmation email to {email}")


SIGN_IN = "mutation ($email: String!, $password: String!) {\n  generateCustomerToken(email: $email, password: $password) {\n    token\n  }\n}"
CREATE_V2 = "mutation ($input: CustomerCreateInput!) {\n  createCustomerV2(input: $input) {\n    customer {\n      email\n      firstname\n      lastname\n      is_subscribed\n    }\n  }\n}"
CREATE_V2_STATUS = "mutation ($input: CustomerCreateInput!) {\n  createCustomerV2(input: $input) {\n    customer {\n      email\n      confirmation_status\n    }\n  }\n}"
CREATE_V1 = "mutation ($input: CustomerInput!) {\n  createCustomer(input: $input) {\n    customer {\n      email\n    }\n  }\n}"
FORGOT = "mutation ($email: String!) {\n  requestPasswordResetEmail(email: $email)\n}"
RESET = "mutation ($email: String!) {\n  resetPassword(email: $email, resetPasswordToken: \"00000000000000000000000000000000\", newPassword: \"N3w-Passw0rd!\")\n}"
CONFIRM = "mutation ($email: String!, $key: String!) {\n  confirmEmail(input: {email: $email, confirmation_key: $key}) {\n    customer {\n      email\n      firstname\n      lastname\n    }\n  }\n}"
CONFIRM_STATUS = "mutation ($email: String!, $key: String!) {\n  confirmEmail(input: {email: $email, confirmation_key: $key}) {\n    customer {\n      email\n      confirmation_status\n    }\n  }\n}"
STORE_CONFIG = "{\n  storeConfig {\n    store_code\n    create_account_confirmation\n  }\n}"
IS_AVAILABLE = "query ($email: String!) {\n  isEmailAvailable(email: $email) {\n    is_email_available\n  }\n}"
CUSTOMER = "{\n  customer {\n    email\n    confirmation_status\n  }\n}"


def person(r, role, **extra):
    value = {"email": r.email(role), "firstname": "Con", "lastname": "Firm", "password": PASSWORD}
    value.update(extra)
    return value


def record(r):
    r.post("store-config-default", STORE_CONFIG, note="confirmation required on the default website")
    r.post("store-config-second", STORE_CONFIG, store="second_view", note="and not on the second")
    r.post("create-v2", CREATE_V2, {"input": person(r, "a")})
    r.post("create-v2-status", CREATE_V2_STATUS, {"input": person(r, "b")},
           note="confirmation_status asks about the guest's customer id 0")
    r.post("create-v1", CREATE_V1, {"input": person(r, "c")})
    no_password = person(r, "d")
    del no_password["password"]
    r.post("create-v2-no-password", CREATE_V2, {"input": no_password})
    r.post("sign-in-unconfirmed", SIGN_IN, {"email": r.email("a"), "password": PASSWORD})
    r.post("sign-in-unconfirmed-wrong-password", SIGN_IN, {"email": r.email("a"), "password": "Wrong-Passw0rd!"})
    r.post("sign-in-no-password-account", SIGN_IN, {"email": r.email("d"), "password": PASSWORD})
    r.post("is-email-available-unconfirmed", IS_AVAILABLE, {"email": r.email("a")})
    r.post("forgot-unconfirmed", FORGOT, {"email": r.email("b")})
    r.post("reset-unconfirmed-wrong-token", RESET, {"email": r.email("b")})
    time.sleep(2)
    ida, key_a, confirmation_email = r.confirmation_link(r.email("a"))
    _, key_b, _ = r.confirmation_link(r.email("b"))
    idc, key_c, _ = r.confirmation_link(r.email("c"))
    r.secrets.update({key_a: "<KEY:a>", f"id={ida}&": "id=<ID>&", f"id={idc}&": "id=<ID:c>&", key_b: "<KEY:b>", key_c: "<KEY:c>"})
    subjects = {role: [m["Subject"] for m in r.messages(r.email(role))] for role in "abcd"}
    r.post("confirm-invalid-email", CONFIRM, {"email": "not-an-email", "key": key_a})
    r.post("confirm-unknown-email", CONFIRM, {"email": r.email("nobody"), "key": key_a})
    r.post("confirm-wrong-key", CONFIRM, {"email": r.email("a"), "key": "0" * 32})
    r.post("confirm-empty-key", CONFIRM, {"email": r.email("a"), "key": ""})
    r.post("confirm-other-accounts-key", CONFIRM, {"email": r.email("a"), "key": key_b})
    r.post("confirm", CONFIRM, {"email": r.email("a"), "key": key_a})
    r.post("confirm-again", CONFIRM, {"email": r.email("a"), "key": key_a})
    r.post("confirm-status", CONFIRM_STATUS, {"email": r.email("b"), "key": key_b},
           note="confirmation_status asks about the guest's customer id 0")
    r.post("confirm-status-again", CONFIRM, {"email": r.email("b"), "key": key_b}, note="was b confirmed?")
    r.post("confirm-no-password-account", CONFIRM, {"email": r.email("d"), "key": "0" * 32})
    r.post("confirm-active-account", CONFIRM, {"email": "active1@example.com", "key": "0" * 32},
           note="an account made before confirmation was required")
    answer = r.post("sign-in-confirmed", SIGN_IN, {"email": r.email("a"), "password": PASSWORD})
    token = answer["data"]["generateCustomerToken"]["token"]
    r.post("customer-confirmed", CUSTOMER, token=token)
    r.post("forgot-confirmed", FORGOT, {"email": r.email("a")})
    r.luma("luma-confirm-wrong-key", f"/index.php/customer/account/confirm/?id={idc}&key={'0' * 32}")
    r.luma("luma-confirm", f"/index.php/customer/account/confirm/?id={idc}&key={key_c}")
    r.luma("luma-confirm-again", f"/index.php/customer/account/confirm/?id={idc}&key={key_c}")
    r.luma("luma-confirm-no-query", "/index.php/customer/account/confirm/")
    r.post("sign-in-after-luma-confirm", SIGN_IN, {"email": r.email("c"), "password": PASSWORD})
    time.sleep(2)
    subjects_after = {role: [m["Subject"] for m in r.messages(r.email(role))] for role in "abcd"}
    welcome = next(m for m in r.messages(r.email("a")) if m["Subject"].startswith("Welcome"))
    r.lines.append({"name": "mails", "before_confirm": subjects, "after": subjects_after})
    print(json.dumps(subjects_after), file=sys.stderr)
    return redact_email(r, confirmation_email), redact_email(r, r.raw(welcome["ID"]))


def redact_email(r, raw):
    """The raw message with the run tag, key and id replaced in its headers and in its decoded body
    (quoted-printable splits them across lines), the body encoded again as the store did."""
    head, body = raw.replace("\r\n", "\n").split("\n\n", 1)
    body = body.removesuffix("\n")
    html = quopri.decodestring(body.encode()).decode("utf-8")
    html = r.redact(html).replace("<KEY:a>", "<KEY>")
    html = re.sub(r"token=[0-9A-Za-z]{32}", "token=<TOKEN>", html)
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
    parser.add_argument("--out", default="fixtures/real-store/2.4.7-p3-confirmation.jsonl")
    parser.add_argument("--email-out", default="fixtures/real-store/2.4.7-p3-confirmation-email.eml")
    parser.add_argument("--welcome-out", default="fixtures/real-store/2.4.7-p3-confirmed-welcome-email.eml")
    args = parser.parse_args()
    for url in (args.store, args.sink):
        if urllib.parse.urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
            sys.exit("loopback only")
    r = Recorder(args.store, args.sink)
    confirmation, welcome = record(r)
    with open(args.out, "w") as out:
        for line in r.lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    for path, email in ((args.email_out, confirmation), (args.welcome_out, welcome)):
        with open(path, "w", newline="") as out:
            out.write(email)
    print(f"{len(r.lines)} answers written to {args.out} (run {r.run})", file=sys.stderr)


if __name__ == "__main__":
    main()
