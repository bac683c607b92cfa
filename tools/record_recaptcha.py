#!/usr/bin/env python3
"""Records what a real Magento store answers when reCAPTCHA guards the customer forms.

The store is the one of record_multi_store.py (a second website `second`, view `second_view`),
with reCAPTCHA v3 set on that website only, with made-up keys:

  bin/magento config:set --scope=websites --scope-code=second recaptcha_frontend/type_for/<form> recaptcha_v3
      for customer_login, customer_forgot_password, customer_create, customer_edit
  bin/magento config:set --scope=websites --scope-code=second recaptcha_frontend/type_recaptcha_v3/public_key <key>
  bin/magento config:set --scope=websites --scope-code=second recaptcha_frontend/type_recaptcha_v3/private_key <key>

A missing token fails before any network call. With a token the store asks Google, which this
loopback machine cannot reach: that answer is recorded too (`with-token-*`), as the store gave it.
Writes fixtures/real-store/2.4.7-p3-recaptcha.jsonl (format of 2.4.7-p3-account-area.jsonl).

Usage: tools/record_recaptcha.py [--store http://127.0.0.1:8080]
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SITE_KEY = "6LcFakeSiteKeyForLoopbackTestsOnly000000"


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Recorder:
    def __init__(self, store):
        self.store = store.rstrip("/")
        self.run = str(int(time.time()) % 1000000)
        self.lines = []

    def email(self, role):
        return f"rc-{self.run}-{role}@example.com"

    def post(self, name, query, variables=None, store="second_view", recaptcha=None, note=""):
        headers = {"content-type": "application/json", "store": store}
        if recaptcha is not None:
            headers["x-recaptcha"] = recaptcha
        body = compact({"variables": variables, "query": query} if variables is not None else {"query": query})
        request = urllib.request.Request(self.store + "/graphql", data=body.encode(), method="POST")
        for key, value in headers.items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, raw_headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, raw_headers, raw = error.code, error.headers, error.read()
        text = raw.decode("utf-8").replace(f"rc-{self.run}-", "rc-N-")
        kept = {k: raw_headers.get(k) for k in ["Content-Type", "Cache-Control", "X-Magento-Cache-Id", "X-Magento-Tags"]
                if raw_headers.get(k) is not None}
        if "X-Magento-Cache-Id" in kept:
            kept["X-Magento-Cache-Id"] = "<64 hex chars>"
        self.lines.append({
            "name": name,
            "request": {"method": "POST", "path": "/graphql", "headers": headers,
                        "body": body.replace(f"rc-{self.run}-", "rc-N-")},
            "response": {"status": status, "headers": kept, "body": text},
            "note": note,
        })
        print(f"{status} {name}: {text[:200]}", file=sys.stderr)


CONFIG = "{\n  recaptchaV3Config {\n    is_enabled\n    website_key\n    minimum_score\n    badge_position\n    language_code\n    failure_message\n    forms\n  }\n}"
SIGN_IN = "mutation ($email: String!, $password: String!) {\n  generateCustomerToken(email: $email, password: $password) {\n    token\n  }\n}"
CREATE_V2 = "mutation ($input: CustomerCreateInput!) {\n  createCustomerV2(input: $input) {\n    customer {\n      email\n    }\n  }\n}"
CREATE_V1 = "mutation ($input: CustomerInput!) {\n  createCustomer(input: $input) {\n    customer {\n      email\n    }\n  }\n}"
FORGOT = "mutation ($email: String!) {\n  requestPasswordResetEmail(email: $email)\n}"
RESET = "mutation {\n  resetPassword(email: \"nobody@example.com\", resetPasswordToken: \"x\", newPassword: \"N3w-Passw0rd!\")\n}"
CHANGE = "mutation {\n  changeCustomerPassword(currentPassword: \"a\", newPassword: \"b\") {\n    email\n  }\n}"
UPDATE_EMAIL = "mutation {\n  updateCustomerEmail(email: \"x@example.com\", password: \"y\") {\n    customer {\n      email\n    }\n  }\n}"
IS_AVAILABLE = "{\n  isEmailAvailable(email: \"nobody@example.com\") {\n    is_email_available\n  }\n}"


def record(r):
    r.post("config-second", CONFIG, note="reCAPTCHA v3 on four customer forms of this website")
    r.post("config-default", CONFIG, store="default", note="the default website has none")
    person = {"email": r.email("new"), "firstname": "Re", "lastname": "Captcha", "password": "Roni-Cost3!x"}
    r.post("sign-in-no-token", SIGN_IN, {"email": r.email("new"), "password": "Roni-Cost3!x"})
    r.post("sign-in-empty-token", SIGN_IN, {"email": r.email("new"), "password": "Roni-Cost3!x"}, recaptcha="")
    r.post("create-v2-no-token", CREATE_V2, {"input": person})
    r.post("create-v1-no-token", CREATE_V1, {"input": person})
    r.post("create-v2-invalid-input-no-token", CREATE_V2, {"input": dict(person, email="not-an-email")},
           note="reCAPTCHA runs before the resolver's own checks")
    r.post("forgot-no-token", FORGOT, {"email": r.email("new")})
    r.post("forgot-empty-email-no-token", FORGOT, {"email": ""})
    r.post("reset-no-token", RESET)
    r.post("change-password-guest-no-token", CHANGE, note="before the authorization check")
    r.post("update-email-guest-no-token", UPDATE_EMAIL, note="updateCustomerEmail is not guarded")
    r.post("is-email-available-no-token", IS_AVAILABLE, note="queries are never guarded")
    r.post("two-guarded-fields-no-token",
           "mutation ($email: String!) {\n  a: requestPasswordResetEmail(email: $email)\n  b: requestPasswordResetEmail(email: $email)\n}",
           {"email": r.email("new")}, note="each field fails on its own")
    r.post("forgot-on-default-no-token", FORGOT, {"email": r.email("new")}, store="default")
    r.post("with-token-forgot", FORGOT, {"email": r.email("new")}, recaptcha="any-token",
           note="the store asks www.google.com, which this loopback machine cannot resolve: a PHP warning, Internal server error")
    r.post("with-token-sign-in", SIGN_IN, {"email": r.email("new"), "password": "Roni-Cost3!x"}, recaptcha="any-token",
           note="as with-token-forgot")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", default="http://127.0.0.1:8080")
    parser.add_argument("--out", default="fixtures/real-store/2.4.7-p3-recaptcha.jsonl")
    args = parser.parse_args()
    if urllib.parse.urlsplit(args.store).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("loopback only")
    r = Recorder(args.store)
    record(r)
    with open(args.out, "w") as out:
        for line in r.lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(r.lines)} answers written to {args.out} (run {r.run})", file=sys.stderr)


if __name__ == "__main__":
    main()
