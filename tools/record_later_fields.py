#!/usr/bin/env python3
"""Records what a real Magento 2.4.7-p3 store answers for the fields 2.4.8 adds.

`resendConfirmationEmail`, `recaptchaFormConfig` and `recaptchaV3Config.theme` arrived in 2.4.8 (docs/magento-account-area.md
sections 1.6 and 5): a 2.4.7-p3 store answers them as unknown fields, with webonyx's "Did you mean"
drawn from the fields the document itself names. Nothing is created or changed on the store.
Writes fixtures/real-store/2.4.7-p3-later-fields.jsonl (format of 2.4.7-p3-account-area.jsonl).

Usage: tools/record_later_fields.py [--store http://127.0.0.1:8080]
"""

import argparse
import json
import sys
import urllib.parse

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from record_recaptcha import Recorder  # noqa: E402

FORM = "query ($f: ReCaptchaFormEnum!) {\n  recaptchaFormConfig(formType: $f) {\n    is_enabled\n    configurations {\n      re_captcha_type\n      website_key\n    }\n  }\n}"
RESEND = "mutation ($e: String!) {\n  resendConfirmationEmail(email: $e)\n}"


def record(r):
    r.post("form-config", FORM, {"f": "CUSTOMER_LOGIN"}, store="default")
    r.post("form-config-resend-form", FORM, {"f": "RESEND_CONFIRMATION_EMAIL"}, store="default",
           note="a value ReCaptchaFormEnum gains in 2.4.8: the unknown field is reported first")
    r.post("form-config-beside-v3", "{\n  recaptchaV3Config {\n    is_enabled\n  }\n  recaptchaFormConfig(formType: CUSTOMER_LOGIN) {\n    is_enabled\n  }\n}",
           store="default", note="the document names recaptchaV3Config: suggested")
    r.post("form-config-typo", "{\n  recaptchaFormConfi {\n    is_enabled\n  }\n  recaptchaFormConfig(formType: CONTACT) {\n    is_enabled\n  }\n}",
           store="default", note="neither name is a 2.4.7 field: no suggestion, the first error only")
    r.post("form-config-second", FORM, {"f": "CUSTOMER_LOGIN"}, note="the website with reCAPTCHA v3 on")
    r.post("v3-config-theme", "{\n  recaptchaV3Config {\n    is_enabled\n    theme\n  }\n}", store="default",
           note="a field ReCaptchaConfigurationV3 gains in 2.4.8 GA")
    r.post("resend", RESEND, {"e": "active1@example.com"}, store="default")
    r.post("resend-beside-confirm", "mutation ($e: String!) {\n  confirmEmail(input: {email: $e, confirmation_key: \"x\"}) {\n    customer {\n      email\n    }\n  }\n  resendConfirmationEmail(email: $e)\n}",
           {"e": "active1@example.com"}, store="default", note="validation fails first: confirmEmail does not run")
    r.post("resend-second", RESEND, {"e": "active1@example.com"},
           note="reCAPTCHA is checked when the field resolves: validation answers first")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", default="http://127.0.0.1:8080")
    parser.add_argument("--out", default="fixtures/real-store/2.4.7-p3-later-fields.jsonl")
    args = parser.parse_args()
    if urllib.parse.urlsplit(args.store).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("loopback only")
    r = Recorder(args.store)
    record(r)
    with open(args.out, "w") as out:
        for line in r.lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(r.lines)} answers written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
