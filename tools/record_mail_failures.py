#!/usr/bin/env python3
"""Records what a real Magento store answers when its SMTP server fails.

The store sends its mail through a mock-server (SMTP 127.0.0.1:1025, control API on --sink), whose
`/__admin/smtp-faults` makes the failures: each request below runs with one fault posted just for
it (`times: 1`, and deleted by id afterwards). For each answer it also notes what the store did
besides answering: whether the customer's reset token was rewritten (`customer_entity.rp_token` is
stored encrypted with a random IV, so its ciphertext changes whenever Magento saves a new token, and
`rp_token_created_at` moves), how many messages the sink captured, how often the fault struck, the
seconds the answer took, and the message Magento logged in var/log/exception.log.

Run it under the store's lock: flock /work/store/store.lock tools/record_mail_failures.py
Writes fixtures/real-store/2.4.7-p3-mail-failures.jsonl (the format of 2.4.7-p3-recaptcha.jsonl,
plus `fault` and `effects`). Fresh accounts are `chaos16-<run>-<role>@example.com`, written
`chaos16-N-<role>@example.com`; customer tokens `<jwt:ROLE>` (bound where generateCustomerToken answered).

Usage: tools/record_mail_failures.py [--store URL] [--sink URL] [--log PATH] [--out PATH]
"""

import argparse
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

FORGOT = "mutation ($email: String!) {\n  requestPasswordResetEmail(email: $email)\n}"
CREATE_V2 = "mutation ($input: CustomerCreateInput!) {\n  createCustomerV2(input: $input) {\n    customer {\n      email\n    }\n  }\n}"
SIGN_IN = "mutation ($email: String!, $password: String!) {\n  generateCustomerToken(email: $email, password: $password) {\n    token\n  }\n}"
CHANGE = "mutation ($current: String!, $new: String!) {\n  changeCustomerPassword(currentPassword: $current, newPassword: $new) {\n    email\n  }\n}"
ACTIVE = "active1@example.com"
PASSWORD = "Roni-Cost3!x"


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def http(method, url, body=None, headers=None, timeout=120):
    request = urllib.request.Request(url, data=body, method=method)
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Recorder:
    def __init__(self, store, sink, log):
        self.store = store.rstrip("/")
        self.sink = sink.rstrip("/")
        self.log = log
        self.run = str(int(time.time()) % 1000000)
        self.tokens = {}
        self.lines = []

    def email(self, role):
        return f"chaos16-{self.run}-{role}@example.com"

    def scrub(self, text):
        text = text.replace(f"chaos16-{self.run}-", "chaos16-N-")
        for role, token in self.tokens.items():
            text = text.replace(token, f"<jwt:{role}>")
        return text

    def token_row(self, email):
        out = subprocess.run(["mysql", "magento", "-N", "-B", "-e",
                              f"select rp_token, rp_token_created_at from customer_entity where email='{email}'"],
                             check=True, capture_output=True, text=True).stdout.strip()
        return out or None

    def captured(self):
        _, _, raw = http("GET", self.sink + "/api/v1/messages?limit=1")
        return json.loads(raw)["messages_count"]

    def log_size(self):
        try:
            with open(self.log, "rb") as f:
                return f.seek(0, 2)
        except FileNotFoundError:
            return 0

    def logged_since(self, offset):
        try:
            with open(self.log, "rb") as f:
                f.seek(offset)
                text = f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return []
        # "[time] main.CRITICAL: <message> {...}" : the message alone, as Magento logged it.
        return [m.group(2) for m in re.finditer(r"main\.(CRITICAL|ERROR): (.*?)(?: \{|$)", text, re.M)]

    def add_fault(self, spec):
        status, _, raw = http("POST", self.sink + "/__admin/smtp-faults", compact(spec).encode(),
                              {"content-type": "application/json"})
        if status != 201:
            raise SystemExit(f"the sink refused {spec}: {status} {raw!r}")
        return json.loads(raw)["id"]

    def fault_used(self, fault_id):
        _, _, raw = http("GET", self.sink + "/__admin/smtp-faults")
        return next((f["used"] for f in json.loads(raw) if f["id"] == fault_id), None)

    def post(self, name, query, variables, fault=None, watch=None, role=None, bind=None, note=""):
        headers = {"content-type": "application/json"}
        if role:
            headers["authorization"] = f"Bearer {self.tokens[role]}"
        body = compact({"query": query, "variables": variables})
        fault_id = self.add_fault(fault) if fault else None
        try:
            before_token = self.token_row(watch) if watch else None
            before_mail, before_log = self.captured(), self.log_size()
            started = time.monotonic()
            status, raw_headers, raw = http("POST", self.store + "/graphql", body.encode(), headers)
            seconds = round(time.monotonic() - started)
            time.sleep(0.5)  # the sink stores a message just after its 250
            after_token = self.token_row(watch) if watch else None
            effects = {
                "seconds": seconds,
                "mails_captured": self.captured() - before_mail,
                "logged": self.logged_since(before_log),
            }
            if watch:
                effects["token_rotated"] = before_token != after_token
            if fault_id:
                effects["fault_struck"] = self.fault_used(fault_id)
        finally:
            if fault_id:
                http("DELETE", f"{self.sink}/__admin/smtp-faults/{fault_id}")
        text = raw.decode("utf-8")
        if bind:
            self.tokens[bind] = json.loads(text)["data"]["generateCustomerToken"]["token"]
        kept = {k: raw_headers.get(k) for k in ["Content-Type", "Cache-Control"] if raw_headers.get(k) is not None}
        shown = dict(headers)
        if role:
            shown["authorization"] = f"Bearer <jwt:{role}>"
        line = {
            "name": name,
            "fault": fault,
            "request": {"method": "POST", "path": "/graphql", "headers": shown, "body": self.scrub(body)},
            "response": {"status": status, "headers": kept, "body": self.scrub(text)},
            "effects": effects,
            "note": note,
        }
        if bind:
            line["bind"] = bind
        self.lines.append(line)
        print(f"{status} {name}: {text[:160]} {effects}", file=sys.stderr)


def record(r):
    reset = {"email": ACTIVE}
    r.post("reset-no-fault", FORGOT, reset, watch=ACTIVE, note="the baseline: mail delivered")
    r.post("reset-connect-421", FORGOT, reset, {"stage": "connect", "code": 421, "times": 1}, watch=ACTIVE)
    r.post("reset-mail-451", FORGOT, reset, {"stage": "mail", "code": 451, "times": 1}, watch=ACTIVE)
    r.post("reset-rcpt-550", FORGOT, reset, {"stage": "rcpt", "code": 550, "recipient": ACTIVE, "times": 1},
           watch=ACTIVE)
    r.post("reset-data-554", FORGOT, reset, {"stage": "data", "code": 554, "recipient": ACTIVE, "times": 1},
           watch=ACTIVE)
    r.post("reset-data-disconnect", FORGOT, reset,
           {"stage": "data", "action": "disconnect", "recipient": ACTIVE, "times": 1}, watch=ACTIVE,
           note="the connection is dropped after the message's final dot, with no reply")
    r.post("reset-data-slow", FORGOT, reset,
           {"stage": "data", "action": "slow", "delay_ms": 10000, "recipient": ACTIVE, "times": 1}, watch=ACTIVE,
           note="laminas-mail waits 600 s for the reply to DATA's end (Protocol/Smtp.php), far beyond the sink's 60 s cap: a slow server only slows the answer")
    person = {"firstname": "Chaos", "lastname": "Sixteen", "password": PASSWORD}
    r.post("create-v2-connect-421", CREATE_V2, {"input": dict(person, email=r.email("connect"))},
           {"stage": "connect", "code": 421, "times": 1}, note="the welcome email fails")
    r.post("create-v2-data-554", CREATE_V2, {"input": dict(person, email=r.email("data"))},
           {"stage": "data", "code": 554, "recipient": r.email("data"), "times": 1}, note="the welcome email fails")
    r.post("sign-in-for-change", SIGN_IN, {"email": r.email("data"), "password": PASSWORD}, bind="pw")
    r.post("change-password-data-554", CHANGE, {"current": PASSWORD, "new": "Chaos-Passw0rd!16"},
           {"stage": "data", "code": 554, "recipient": r.email("data"), "times": 1}, role="pw",
           note="the 'password has been changed' email fails")
    r.post("sign-in-after-change", SIGN_IN, {"email": r.email("data"), "password": "Chaos-Passw0rd!16"},
           bind="pw2", note="the new password was saved")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", default="http://127.0.0.1:8080")
    parser.add_argument("--sink", default="http://127.0.0.1:4100")
    parser.add_argument("--log", default="/work/store/magento/var/log/exception.log")
    parser.add_argument("--out", default="fixtures/real-store/2.4.7-p3-mail-failures.jsonl")
    args = parser.parse_args()
    for url in (args.store, args.sink):
        if urllib.parse.urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
            sys.exit("loopback only")
    r = Recorder(args.store, args.sink, args.log)
    record(r)
    with open(args.out, "w") as out:
        for line in r.lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(r.lines)} answers written to {args.out} (run {r.run})", file=sys.stderr)


if __name__ == "__main__":
    main()
