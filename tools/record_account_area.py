#!/usr/bin/env python3
"""Records what a real Magento store answers to the storefront's account-area requests.

Sends the documents of /work/shared/fixtures/storefront-documents/ (Venia and Alokai, wire-exact:
method, URL, body, headers) and their error cases, in one fixed order, with fresh accounts, to a
store on 127.0.0.1 only, and writes fixtures/real-store/2.4.7-p3-account-area.jsonl in the format
of 2.4.7-p3-answers.jsonl. What changes on every run is replaced by placeholders:

  acct-<run>-<role>@example.com  ->  acct-N-<role>@example.com
  customer tokens (JWTs)          ->  <jwt:ROLE>    (bound where generateCustomerToken answered it)
  masked cart ids                 ->  <cart:ROLE>   (bound where createEmptyCart answered it)

Usage: tools/record_account_area.py [--store http://127.0.0.1:8080] [--out PATH] [--sink http://127.0.0.1:4100]
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

DOCS = "/work/shared/fixtures/storefront-documents/"
UNKNOWN_CART = "NoSuchCartId0000000000000000000x"
ORIGINAL_PASSWORD = "Roni-Cost3!x"
NEW_PASSWORD = "N3w-Passw0rd!"

INDEX = {}
for line in open(DOCS + "index.jsonl"):
    entry = json.loads(line)
    INDEX[entry["file"].removesuffix(".graphql")] = entry


def compact(value):
    """JSON.stringify: no spaces, non-ASCII as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Recorder:
    def __init__(self, store, sink):
        self.store = store.rstrip("/")
        self.sink = sink.rstrip("/")
        self.run = str(int(time.time()) % 1000000)
        self.tokens = {}  # role -> real token
        self.carts = {}  # role -> real masked id
        self.lines = []

    def email(self, role):
        return f"acct-{self.run}-{role}@example.com"

    def redact(self, text):
        text = text.replace(f"acct-{self.run}-", "acct-N-").replace(f"ACCT-{self.run}-", "ACCT-N-")
        for role, token in self.tokens.items():
            text = text.replace(token, f"<jwt:{role}>")
        for role, cart in self.carts.items():
            text = text.replace(cart, f"<cart:{role}>")
        return text

    def substitute(self, text):
        return text.replace("{run}", self.run)

    def send(self, name, method, path, headers, body, note="", bind=None):
        url = self.store + path
        data = body.encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        for key, value in headers.items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, raw_headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, raw_headers, raw = error.code, error.headers, error.read()
        text = raw.decode("utf-8")
        if bind:
            kind, role, path_keys = bind
            value = json.loads(text)
            for key in path_keys:
                value = value[key] if value is not None else None
            if not isinstance(value, str):
                sys.exit(f"{name}: nothing to bind at {path_keys}: {text}")
            (self.tokens if kind == "jwt" else self.carts)[role] = value
        kept = {}
        for key in ["Content-Type", "Cache-Control", "X-Magento-Cache-Id", "X-Magento-Tags"]:
            if raw_headers.get(key) is not None:
                kept[key] = raw_headers.get(key)
        if "X-Magento-Cache-Id" in kept:
            kept["X-Magento-Cache-Id"] = "<64 hex chars>"
        record = {
            "name": name,
            "request": {
                "method": method,
                "path": self.redact(path),
                "headers": {k: self.redact(v) for k, v in headers.items()},
                "body": self.redact(body) if body is not None else None,
            },
            "response": {"status": status, "headers": kept, "body": self.redact(text)},
            "note": note,
        }
        if body is None:
            del record["request"]["body"]
        self.lines.append(record)
        print(f"{status} {name}: {self.redact(text)[:200]}", file=sys.stderr)
        return json.loads(text) if text.startswith("{") else None

    def headers(self, source, role):
        """The document's headers; `role` None is a guest."""
        if source == "pwa-studio":
            auth = f"Bearer {self.tokens[role]}" if role else ""
            return {"accept": "*/*", "content-type": "application/json", "authorization": auth,
                    "x-magento-cache-id": "null", "store": "default"}
        headers = {"accept": "*/*", "content-type": "application/json"}
        if role:
            headers["authorization"] = f"Bearer {self.tokens[role]}"
        headers["store"] = "default"
        return headers

    def document(self, name, doc, variables=None, role=None, note="", bind=None):
        """A storefront document as its client sends it, with these variables."""
        entry = INDEX[doc]
        source = doc.split("__")[0]
        query = open(DOCS + entry["file"]).read()
        if source == "pwa-studio" and entry["transport"] == "POST":
            query = query  # graphql-js print() output, ends with a newline
        operation = entry["operation"]
        variables = variables if variables is not None else {}
        headers = self.headers(source, role)
        if entry["transport"] == "GET":
            params = urllib.parse.urlencode(
                {"query": query, "operationName": operation, "variables": compact(variables)},
                quote_via=urllib.parse.quote_plus, safe="")
            # Check the encoding against the recorded wire request for documents without variables.
            recorded = entry["request"]["url"].split("/graphql", 1)[1]
            if not entry["variables_example"] and recorded != "?" + params:
                sys.exit(f"{doc}: URL differs from the recorded one")
            return self.send(name, "GET", "/graphql?" + params, headers, None, note, bind)
        body = compact({"operationName": operation, "variables": variables, "query": query})
        if not entry["variables_example"] and compact(json.loads(entry["request"]["body"])) != body:
            sys.exit(f"{doc}: body differs from the recorded one")
        return self.send(name, "POST", "/graphql", headers, body, note, bind)

    def raw(self, name, query, variables=None, role=None, note="", bind=None, source="alokai-magento2"):
        """A hand-written request (error cases), POSTed the way the client posts mutations."""
        body = {"query": query}
        if variables is not None:
            body = {"variables": variables, "query": query}
        return self.send(name, "POST", "/graphql", self.headers(source, role), compact(body), note, bind)

    def latest_token(self, email):
        url = f"{self.sink}/api/v1/message/latest?query=" + urllib.parse.quote(f"to:{email}")
        with urllib.request.urlopen(url, timeout=30) as response:
            message = json.loads(response.read())
        html = message["HTML"]
        start = html.index("token=") + len("token=")
        return html[start:start + 32]


def create_input(r, role, **extra):
    value = {"email": r.email(role), "firstname": "Veronica", "lastname": "Costello",
             "password": ORIGINAL_PASSWORD, "is_subscribed": False}
    value.update(extra)
    return value


CREATE_V2 = "mutation createCustomer($input: CustomerCreateInput!) {\n  createCustomerV2(input: $input) {\n    customer {\n      email\n      firstname\n      lastname\n      gender\n      is_subscribed\n    }\n  }\n}"
CHANGE = "mutation ChangeCustomerPassword($currentPassword: String!, $newPassword: String!) {\n  changeCustomerPassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n    email\n  }\n}"


def record(r):
    # Guest: the store's settings, reCAPTCHA, a guest cart.
    r.document("venia-store-config", "pwa-studio__GetStoreConfigData")
    r.document("venia-recaptcha-config", "pwa-studio__GetReCaptchaV3Config")
    r.document("alokai-store-config", "alokai-magento2__storeConfig")
    r.document("venia-guest-cart", "pwa-studio__CreateCartAfterSignIn", role=None, note="a guest's cart",
               bind=("cart", "guest1", ["data", "cartId"]))
    r.document("alokai-guest-cart", "alokai-magento2__createEmptyCart", role=None,
               bind=("cart", "guest2", ["data", "createEmptyCart"]))

    # Venia's sign-up: its CreateAccount selects is_confirmed, which 2.4.7 does not have.
    r.document("venia-create-account", "pwa-studio__CreateAccount", create_input(r, "venia"),
               note="Venia 15.7.3 selects Customer.is_confirmed")
    r.document("venia-create-account-after-checkout", "pwa-studio__CreateAccountAfterCheckout",
               create_input(r, "venia"), note="account made; a welcome email is sent")
    r.document("venia-sign-in-after-create", "pwa-studio__SignInAfterCreate",
               {"email": r.email("venia"), "password": ORIGINAL_PASSWORD},
               bind=("jwt", "venia", ["data", "generateCustomerToken", "token"]))
    r.document("venia-create-cart-after-create", "pwa-studio__CreateCartAfterAccountCreation", role="venia",
               bind=("cart", "venia", ["data", "cartId"]))
    r.document("venia-merge-carts-after-create", "pwa-studio__MergeCartsAfterAccountCreation",
               {"destinationCartId": r.carts["venia"], "sourceCartId": r.carts["guest1"]}, role="venia")
    r.document("venia-customer-after-create", "pwa-studio__GetCustomerAfterCreate", role="venia")
    r.document("venia-cart-details-after-create", "pwa-studio__GetCartDetailsAfterAccountCreation",
               {"cartId": r.carts["venia"]}, role="venia")
    r.document("venia-cart-details-after-sign-in", "pwa-studio__GetCartDetailsAfterSignIn",
               {"cartId": r.carts["venia"]}, role="venia")
    r.document("venia-cart-details-after-checkout", "pwa-studio__GetCartDetailsAfterCheckout",
               {"cartId": r.carts["venia"]}, role="venia")
    r.document("venia-customer-information", "pwa-studio__GetCustomerInformation", role="venia")
    r.document("venia-account-chip", "pwa-studio__accountChipQuery", role="venia")
    r.document("venia-customer-left-nav", "pwa-studio__GetCustomerForLeftNav", role="venia")
    r.document("venia-customer-after-sign-in", "pwa-studio__GetCustomerAfterSignIn", role="venia")
    r.document("venia-customer-after-checkout", "pwa-studio__GetCustomerAfterCheckout", role="venia")
    r.document("venia-create-cart-again", "pwa-studio__CreateCartAfterCheckout", role="venia",
               note="the customer's cart again")
    r.document("venia-set-customer-information", "pwa-studio__SetCustomerInformation",
               {"customerInput": {"email": r.email("venia"), "firstname": "Ronnie", "lastname": "Costello",
                                  "password": ORIGINAL_PASSWORD}}, role="venia")
    r.document("venia-change-password-wrong-current", "pwa-studio__ChangeCustomerPassword",
               {"currentPassword": "Wrong-Passw0rd!", "newPassword": NEW_PASSWORD}, role="venia")
    r.document("venia-change-password", "pwa-studio__ChangeCustomerPassword",
               {"currentPassword": ORIGINAL_PASSWORD, "newPassword": NEW_PASSWORD}, role="venia")
    r.document("venia-sign-out-from-menu", "pwa-studio__SignOutFromMenu", role="venia")
    r.document("venia-customer-after-sign-out", "pwa-studio__GetCustomerForLeftNav", role="venia",
               note="the revoked token is a guest's")
    r.document("venia-sign-out-again", "pwa-studio__SignOutFromModal", role="venia")
    r.document("venia-guest-cart-2", "pwa-studio__CreateCartAfterSignIn", role=None,
               bind=("cart", "guest3", ["data", "cartId"]))
    r.document("venia-sign-in-old-password", "pwa-studio__SignIn",
               {"email": r.email("venia"), "password": ORIGINAL_PASSWORD})
    r.document("venia-sign-in", "pwa-studio__SignIn", {"email": r.email("venia"), "password": NEW_PASSWORD},
               bind=("jwt", "venia2", ["data", "generateCustomerToken", "token"]))
    r.document("venia-create-cart-after-sign-in", "pwa-studio__CreateCartAfterSignIn", role="venia2",
               note="the same cart as before")
    r.document("venia-merge-carts-after-sign-in", "pwa-studio__MergeCartsAfterSignIn",
               {"destinationCartId": r.carts["venia"], "sourceCartId": r.carts["guest3"]}, role="venia2")
    r.document("venia-merge-merged-cart-again", "pwa-studio__MergeCartsAfterSignIn",
               {"destinationCartId": r.carts["venia"], "sourceCartId": r.carts["guest3"]}, role="venia2",
               note="the source cart is no longer active")
    r.document("venia-sign-out-from-modal", "pwa-studio__SignOutFromModal", role="venia2")
    r.document("venia-forgot-password", "pwa-studio__requestPasswordResetEmail", {"email": r.email("venia")})
    r.document("venia-reset-password-wrong-token", "pwa-studio__resetPassword",
               {"email": r.email("venia"), "token": "0123456789abcdef0123456789abcdef", "newPassword": NEW_PASSWORD})

    # Alokai's account pages.
    r.document("alokai-create-customer", "alokai-magento2__createCustomer",
               {"input": create_input(r, "alokai")})
    r.document("alokai-create-customer-duplicate", "alokai-magento2__createCustomer",
               {"input": create_input(r, "alokai")})
    r.document("alokai-sign-in", "alokai-magento2__generateCustomerToken",
               {"email": r.email("alokai"), "password": ORIGINAL_PASSWORD},
               bind=("jwt", "alokai", ["data", "generateCustomerToken", "token"]))
    r.document("alokai-customer", "alokai-magento2__customer", role="alokai")
    r.document("alokai-create-empty-cart", "alokai-magento2__createEmptyCart", role="alokai",
               bind=("cart", "alokai", ["data", "createEmptyCart"]))
    r.document("alokai-customer-cart", "alokai-magento2__customerCart", role="alokai")
    r.document("alokai-merge-carts", "alokai-magento2__mergeCarts",
               {"sourceCartId": r.carts["guest2"], "destinationCartId": r.carts["alokai"]}, role="alokai")
    r.document("alokai-update-customer", "alokai-magento2__updateCustomer",
               {"input": {"firstname": "Veronika", "lastname": "Costello-Smith"}}, role="alokai")
    r.document("alokai-update-customer-email-wrong-password", "alokai-magento2__updateCustomerEmail",
               {"email": r.email("alokai-new"), "password": "Wrong-Passw0rd!"}, role="alokai")
    r.document("alokai-update-customer-email-taken", "alokai-magento2__updateCustomerEmail",
               {"email": r.email("venia"), "password": ORIGINAL_PASSWORD}, role="alokai")
    r.document("alokai-update-customer-email-invalid", "alokai-magento2__updateCustomerEmail",
               {"email": "not-an-email", "password": ORIGINAL_PASSWORD}, role="alokai")
    r.document("alokai-update-customer-email", "alokai-magento2__updateCustomerEmail",
               {"email": r.email("alokai-new"), "password": ORIGINAL_PASSWORD}, role="alokai")
    r.document("alokai-change-password", "alokai-magento2__changeCustomerPassword",
               {"currentPassword": ORIGINAL_PASSWORD, "newPassword": NEW_PASSWORD}, role="alokai")
    r.document("alokai-customer-cart-guest", "alokai-magento2__customerCart", role=None)
    r.document("alokai-customer-guest", "alokai-magento2__customer", role=None)
    r.document("alokai-revoke-customer-token", "alokai-magento2__revokeCustomerToken", role="alokai")
    r.document("alokai-revoke-customer-token-again", "alokai-magento2__revokeCustomerToken", role="alokai")
    r.document("alokai-forgot-password", "alokai-magento2__requestPasswordResetEmail", {"email": r.email("alokai-new")})
    r.document("alokai-reset-password-wrong-token", "alokai-magento2__resetPassword",
               {"email": r.email("alokai-new"), "newPassword": NEW_PASSWORD,
                "resetPasswordToken": "0123456789abcdef0123456789abcdef"})
    r.document("alokai-sign-in-new-email", "alokai-magento2__generateCustomerToken",
               {"email": r.email("alokai-new"), "password": NEW_PASSWORD},
               bind=("jwt", "alokai2", ["data", "generateCustomerToken", "token"]))

    # Carts: guests, unknown and foreign carts.
    r.document("cart-details-unknown", "pwa-studio__GetCartDetailsAfterAccountCreation",
               {"cartId": UNKNOWN_CART}, role="alokai2")
    r.document("cart-details-guest-reads-customer-cart", "pwa-studio__GetCartDetailsAfterAccountCreation",
               {"cartId": r.carts["alokai"]}, role=None)
    r.document("cart-details-other-customer", "pwa-studio__GetCartDetailsAfterAccountCreation",
               {"cartId": r.carts["venia"]}, role="alokai2")
    r.document("cart-details-guest-cart", "pwa-studio__GetCartDetailsAfterAccountCreation",
               {"cartId": r.carts["guest2"]}, role=None, note="merged into alokai's cart: no longer active")
    r.document("merge-carts-guest", "pwa-studio__MergeCartsAfterSignIn",
               {"destinationCartId": r.carts["alokai"], "sourceCartId": r.carts["guest1"]}, role=None)
    r.document("merge-carts-unknown-source", "pwa-studio__MergeCartsAfterSignIn",
               {"destinationCartId": r.carts["alokai"], "sourceCartId": UNKNOWN_CART}, role="alokai2")
    r.document("merge-carts-empty-source", "pwa-studio__MergeCartsAfterSignIn",
               {"destinationCartId": r.carts["alokai"], "sourceCartId": ""}, role="alokai2")
    r.document("merge-carts-empty-destination", "pwa-studio__MergeCartsAfterSignIn",
               {"destinationCartId": "", "sourceCartId": r.carts["guest1"]}, role="alokai2")
    r.document("merge-carts-foreign-destination", "pwa-studio__MergeCartsAfterSignIn",
               {"destinationCartId": r.carts["venia"], "sourceCartId": UNKNOWN_CART}, role="alokai2")
    r.document("merge-carts-customer-source", "pwa-studio__MergeCartsAfterSignIn",
               {"destinationCartId": r.carts["alokai"], "sourceCartId": r.carts["venia"]}, role="alokai2")
    r.raw("create-empty-cart-short-id", "mutation {\n  createEmptyCart(input: {cart_id: \"abc\"})\n}", role=None)
    r.raw("create-empty-cart-taken-id", "mutation ($id: String) {\n  createEmptyCart(input: {cart_id: $id})\n}",
          {"id": r.carts["venia"]}, role=None)

    # Sign-up: the checks in order.
    r.raw("create-v2-missing-firstname", CREATE_V2,
          {"input": {"email": r.email("c1"), "lastname": "Costello", "password": ORIGINAL_PASSWORD}})
    r.raw("create-v2-empty-firstname", CREATE_V2, {"input": create_input(r, "c1", firstname="")})
    r.raw("create-v2-empty-everything", CREATE_V2, {"input": create_input(r, "c1", firstname="", lastname="", email="")})
    r.raw("create-v2-invalid-email", CREATE_V2, {"input": create_input(r, "c1", email="plainaddress")})
    r.raw("create-v2-invalid-gender", CREATE_V2, {"input": create_input(r, "c1", gender=9)})
    r.raw("create-v2-short-password", CREATE_V2, {"input": create_input(r, "c1", password="Ab1!")})
    r.raw("create-v2-weak-password", CREATE_V2, {"input": create_input(r, "c1", password="weakpassword")})
    r.raw("create-v2-space-password", CREATE_V2, {"input": create_input(r, "c1", password=" Roni-Cost3!x")})
    r.raw("create-v2-password-is-email", CREATE_V2,
          {"input": create_input(r, "c1", email="Acct-1-Same@Example.com", password="acct-1-same@example.com")})
    r.raw("create-v2-long-password", CREATE_V2, {"input": create_input(r, "c1", password="Aa1!" * 65)})
    r.raw("create-v2-duplicate", CREATE_V2, {"input": create_input(r, "venia")})
    r.raw("create-v2-bad-name", CREATE_V2, {"input": create_input(r, "c1", firstname="Veronica<script>")})
    r.raw("create-v1-empty-input", "mutation {\n  createCustomer(input: {}) {\n    customer {\n      email\n    }\n  }\n}")
    r.raw("create-v1-no-email", "mutation {\n  createCustomer(input: {firstname: \"A\", lastname: \"B\"}) {\n    customer {\n      email\n    }\n  }\n}")
    r.raw("create-v2-no-password-gender", CREATE_V2,
          {"input": {"email": r.email("c2"), "firstname": "Nopass", "lastname": "Customer", "gender": 2,
                     "is_subscribed": True}}, note="no password; gender and subscription echoed")
    r.raw("create-v2-unknown-field", CREATE_V2, {"input": create_input(r, "c3", nickname="x")})

    # changeCustomerPassword: the checks in order, then the lockout (10 wrong, the 11th locked).
    r.document("locked-create", "alokai-magento2__createCustomer", {"input": create_input(r, "lock")})
    r.document("locked-sign-in", "alokai-magento2__generateCustomerToken",
               {"email": r.email("lock"), "password": ORIGINAL_PASSWORD},
               bind=("jwt", "lock", ["data", "generateCustomerToken", "token"]))
    r.raw("change-guest", CHANGE, {"currentPassword": ORIGINAL_PASSWORD, "newPassword": NEW_PASSWORD})
    r.raw("change-empty-current", CHANGE, {"currentPassword": "  ", "newPassword": NEW_PASSWORD}, role="lock")
    r.raw("change-empty-new", CHANGE, {"currentPassword": ORIGINAL_PASSWORD, "newPassword": ""}, role="lock")
    r.raw("change-new-is-email", CHANGE, {"currentPassword": ORIGINAL_PASSWORD, "newPassword": r.email("lock").upper()},
          role="lock")
    r.raw("change-weak-new", CHANGE, {"currentPassword": ORIGINAL_PASSWORD, "newPassword": "weakpass"}, role="lock")
    for attempt in range(1, 12):
        r.raw(f"change-wrong-current-{attempt}", CHANGE,
              {"currentPassword": f"Wrong-{attempt}-Pass!", "newPassword": NEW_PASSWORD}, role="lock",
              note="the 10th failure locks the account for 10 minutes" if attempt == 10 else "")
    r.raw("change-right-current-while-locked", CHANGE,
          {"currentPassword": ORIGINAL_PASSWORD, "newPassword": NEW_PASSWORD}, role="lock")
    r.document("locked-customer", "alokai-magento2__customer", role="lock")
    r.document("locked-sign-in-again", "alokai-magento2__generateCustomerToken",
               {"email": r.email("lock"), "password": NEW_PASSWORD})
    r.document("locked-update-customer", "alokai-magento2__updateCustomer",
               {"input": {"firstname": "Locked"}}, role="lock")
    r.document("locked-forgot-password", "alokai-magento2__requestPasswordResetEmail", {"email": r.email("lock")})

    # updateCustomerV2 / updateCustomer: the checks.
    r.raw("update-v2-guest", "mutation {\n  updateCustomerV2(input: {firstname: \"X\"}) {\n    customer {\n      firstname\n    }\n  }\n}")
    r.raw("update-v2-empty-input", "mutation {\n  updateCustomerV2(input: {}) {\n    customer {\n      firstname\n    }\n  }\n}",
          role="alokai2")
    r.raw("update-v2-empty-firstname", "mutation {\n  updateCustomerV2(input: {firstname: \"\"}) {\n    customer {\n      firstname\n    }\n  }\n}",
          role="alokai2")
    r.raw("update-v2-bad-gender", "mutation {\n  updateCustomerV2(input: {gender: 7}) {\n    customer {\n      gender\n    }\n  }\n}",
          role="alokai2")
    r.raw("update-v2-gender-dob", "mutation {\n  updateCustomerV2(input: {gender: 1, date_of_birth: \"1990-02-03\", middlename: \"Q\", prefix: \"Ms\", suffix: \"Jr\", taxvat: \"GB123\"}) {\n    customer {\n      gender\n      date_of_birth\n      middlename\n      prefix\n      suffix\n      taxvat\n      is_subscribed\n      addresses {\n        id\n      }\n      default_billing\n      default_shipping\n    }\n  }\n}",
          role="alokai2")
    r.raw("update-v2-subscribe", "mutation {\n  updateCustomerV2(input: {is_subscribed: true}) {\n    customer {\n      is_subscribed\n    }\n  }\n}",
          role="alokai2")
    r.raw("update-v2-email-field", "mutation {\n  updateCustomerV2(input: {email: \"x@example.com\"}) {\n    customer {\n      email\n    }\n  }\n}",
          role="alokai2")
    r.raw("update-v1-email-no-password", "mutation ($e: String) {\n  updateCustomer(input: {email: $e}) {\n    customer {\n      email\n    }\n  }\n}",
          {"e": r.email("alokai-other")}, role="alokai2")
    r.raw("update-customer-email-same", "mutation ($e: String!) {\n  updateCustomerEmail(email: $e, password: \"\") {\n    customer {\n      email\n    }\n  }\n}",
          {"e": r.email("alokai-new")}, role="alokai2", note="the current email: no password needed")
    r.raw("update-customer-email-guest", "mutation {\n  updateCustomerEmail(email: \"x@example.com\", password: \"y\") {\n    customer {\n      email\n    }\n  }\n}")
    r.raw("customer-full", "{\n  customer {\n    id\n    group_id\n    firstname\n    lastname\n    email\n    gender\n    date_of_birth\n    dob\n    is_subscribed\n    confirmation_status\n    addresses {\n      id\n    }\n  }\n}",
          role="alokai2")
    r.raw("customer-cart-after-sign-in", "{\n  customerCart {\n    id\n    total_quantity\n    items {\n      uid\n    }\n  }\n}",
          role="alokai2")
    r.raw("cart-empty-id", "{\n  cart(cart_id: \"\") {\n    id\n  }\n}", role="alokai2")
    r.raw("cart-prices", "query ($id: String!) {\n  cart(cart_id: $id) {\n    id\n    email\n    is_virtual\n    total_quantity\n    items {\n      uid\n    }\n    applied_coupons {\n      code\n    }\n    shipping_addresses {\n      firstname\n    }\n    billing_address {\n      firstname\n    }\n    available_payment_methods {\n      code\n      title\n    }\n    prices {\n      grand_total {\n        value\n        currency\n      }\n      subtotal_excluding_tax {\n        value\n        currency\n      }\n      subtotal_including_tax {\n        value\n        currency\n      }\n      subtotal_with_discount_excluding_tax {\n        value\n        currency\n      }\n      applied_taxes {\n        label\n      }\n      discounts {\n        label\n      }\n    }\n  }\n}",
          {"id": r.carts["alokai"]}, role="alokai2")
    r.raw("recaptcha-v3-config-all", "{\n  recaptchaV3Config {\n    is_enabled\n    website_key\n    minimum_score\n    badge_position\n    language_code\n    failure_message\n    forms\n  }\n}")
    r.raw("store-config-customer", "{\n  storeConfig {\n    store_code\n    minimum_password_length\n    required_character_classes_number\n    customer_access_token_lifetime\n    autocomplete_on_storefront\n    create_account_confirmation\n  }\n}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", default="http://127.0.0.1:8080")
    parser.add_argument("--sink", default="http://127.0.0.1:4100")
    parser.add_argument("--out", default="fixtures/real-store/2.4.7-p3-account-area.jsonl")
    args = parser.parse_args()
    for url in (args.store, args.sink):
        host = urllib.parse.urlsplit(url).hostname
        if host not in ("127.0.0.1", "localhost"):
            sys.exit(f"refusing to send anything to {host}: loopback only")
    r = Recorder(args.store, args.sink)
    record(r)
    with open(args.out, "w") as out:
        for line in r.lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(r.lines)} answers written to {args.out} (run {r.run})", file=sys.stderr)


if __name__ == "__main__":
    main()
