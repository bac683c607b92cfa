#!/usr/bin/env python3
"""Record a real 2.4.7-p3 store's Luma sign-out, the sign-in form's CAPTCHA after failures, and
sign-in for an account awaiting confirmation, as a scripted browser sends them, in the per-hop
format of tools/record_luma_posts.py (whose browser this reuses), each hop also noting the CAPTCHA
forms its page shows (`"captcha": ["user_login"]`).

The CAPTCHA's word is read from the shopper's PHP session (`--session-dir`), as a person reads the
image. The unconfirmed-account steps (`--confirmation`) need `customer/create_account/confirm` = 1
on the store while they run; the store's configuration is the operator's business:

    flock /work/store/store.lock python3 tools/record_luma_session.py http://127.0.0.1:8080/ \
        --session-dir /var/lib/php/sessions > part1.jsonl
    # confirmation on (config:set customer/create_account/confirm 1; cache:flush), then
    flock /work/store/store.lock python3 tools/record_luma_session.py http://127.0.0.1:8080/ \
        --session-dir /var/lib/php/sessions --confirmation > part2.jsonl
    # and off again as it was

It creates customers `luma-<role>-N@example.com` over GraphQL.
"""
import argparse
import base64
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_luma_posts import PASSWORD, Browser, graphql  # noqa: E402

WRONG = "Wrong-Passw0rd!"
LOGIN = "/index.php/customer/account/login/"
LOGIN_POST = "/index.php/customer/account/loginPost/"
LOGOUT = "/index.php/customer/account/logout/"
DASHBOARD = "/index.php/customer/account/"
CONFIRMATION = "/index.php/customer/account/confirmation/"
# An account of the store's that needs no confirmation (see its README).
CONFIRMED = "active1@example.com"


def referer(base, path):
    encoded = base64.b64encode(f"{base}{path}".encode()).decode()
    return encoded.replace("+", "-").replace("/", "_").replace("=", "~")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--session-dir", required=True)
    parser.add_argument("--confirmation", action="store_true",
                        help="record the unconfirmed account's sign-in (confirmation must be on)")
    args = parser.parse_args()
    run = int(time.time())
    roles = ["confirm"] if args.confirmation else ["out", "captcha", "other"]
    emails = {role: f"luma-{role}-{run}@example.com" for role in roles}
    for email in emails.values():
        created = graphql(args.base, "mutation($i: CustomerCreateInput!) { createCustomerV2(input: $i) "
                          "{ customer { email } } }",
                          {"i": {"email": email, "password": PASSWORD, "firstname": "Luma", "lastname": "Shopper"}})
        assert "errors" not in created, created
    placeholders = [(referer(args.base, f"index.php/customer/account/{page}/"),
                     f"<referer:index.php/customer/account/{page}/>") for page in ("index", "logout")]
    placeholders += [(email.replace("@", "%40"), f"<email-url:{role}>") for role, email in emails.items()]
    placeholders += [(email, f"<email:{role}>") for role, email in emails.items()]
    placeholders += [(f"nobody-{run}@example.com", "<email:nobody>"), (args.base, "<base>")]
    out = sys.stdout

    def browser(jar):
        b = Browser(args.base, jar, out, placeholders, args.session_dir)
        b.note_captcha = True
        return b

    def post(b, name, username, password, word=None):
        form = [("form_key", b.form_key()), ("login[username]", username), ("login[password]", password)]
        if word is not None:
            form.append(("captcha[user_login]", word))
        form.append(("send", ""))
        b.request(name, "POST", LOGIN_POST, form)

    if args.confirmation:
        b = browser("11")
        b.request("11a-login-page", "GET", LOGIN)
        post(b, "11b-loginPost-unconfirmed", emails["confirm"], PASSWORD)
        post(b, "11c-loginPost-unconfirmed-wrong-password", emails["confirm"], WRONG)
        # The message's link: the resend form (`confirmation/`), then its posts.
        target = f"{CONFIRMATION}?email={urllib.parse.quote_plus(emails['confirm'])}"
        b.request("11d-confirmation-page", "GET", target)
        b.request("11e-confirmation-post-unconfirmed", "POST", target,
                  [("form_key", b.form_key()), ("email", emails["confirm"])])
        b.request("11f-confirmation-post-unknown", "POST", CONFIRMATION,
                  [("form_key", b.form_key()), ("email", f"nobody-{run}@example.com")])
        b.request("11g-confirmation-post-confirmed", "POST", CONFIRMATION,
                  [("form_key", b.form_key()), ("email", CONFIRMED)])
        b.request("11h-confirmation-post-empty", "POST", CONFIRMATION, [("form_key", b.form_key()), ("email", "")])
        b.request("11i-confirmation-post-no-form-key", "POST", CONFIRMATION, [("email", emails["confirm"])])
        return

    # Sign in, then out (GET, as Luma's "Sign Out" link does), then the pages a guest gets.
    b = browser("07")
    b.request("07a-login-page", "GET", LOGIN)
    post(b, "07b-loginPost-success", emails["out"], PASSWORD)
    b.request("07c-logout", "GET", LOGOUT)
    b.request("07d-dashboard-after-logout", "GET", DASHBOARD)
    b.request("07e-logout-as-guest", "GET", LOGOUT)
    b = browser("07p")
    b.request("07p-login-page", "GET", LOGIN)
    post(b, "07q-loginPost-success", emails["out"], PASSWORD)
    b.request("07r-logout-post", "POST", LOGOUT, [("form_key", b.form_key())])

    # Three failures for one username, then the CAPTCHA: missing, wrong, right word with a wrong
    # password, right word and password.
    b = browser("08")
    b.request("08a-login-page", "GET", LOGIN)
    for n in "bcd":
        post(b, f"08{n}-loginPost-wrong-password", emails["captcha"], WRONG)
    post(b, "08e-loginPost-no-captcha", emails["captcha"], PASSWORD)
    post(b, "08f-loginPost-wrong-captcha", emails["captcha"], PASSWORD, "wxyz9")
    post(b, "08g-loginPost-captcha-wrong-password", emails["captcha"], WRONG, b.captcha_word("user_login"))
    post(b, "08h-loginPost-captcha-success", emails["captcha"], PASSWORD, b.captcha_word("user_login"))

    # The attempts are counted per username, not per browser: a fresh browser after three failures.
    b = browser("09")
    b.request("09a-login-page", "GET", LOGIN)
    for n in "bcd":
        post(b, f"09{n}-loginPost-wrong-password", emails["other"], WRONG)
    b = browser("10")
    b.request("10a-login-page-fresh-browser", "GET", LOGIN)
    post(b, "10b-loginPost-no-captcha", emails["other"], PASSWORD)
    post(b, "10c-loginPost-captcha-success", emails["other"], PASSWORD, b.captcha_word("user_login"))


if __name__ == "__main__":
    main()
