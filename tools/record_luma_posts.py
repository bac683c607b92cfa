#!/usr/bin/env python3
"""Record a real 2.4.7-p3 store's Luma sign-in and forgot-password POSTs (`loginPost/`,
`forgotpasswordpost/`) as a scripted browser sends them, in the format of
fixtures/real-store/2.4.7-p3-luma-pages.jsonl (see tools/luma_recordings_summary.py): per hop the
request, status, `Location`, cookies set, Magento's headers, the decoded `mage-messages`, the title
and the page's input names. Redirects are followed; after each page Luma's scripts are emulated
(`form-key-provider.js` sets a `form_key` cookie, `messages.js` empties `mage-messages`).

The forgot-password form has Magento_Captcha's CAPTCHA (`user_forgotpassword`, always shown as
installed). A browser reads it from the image; this recorder reads the word the page just stored in
the shopper's PHP session (`--session-dir`, the store's `session.save_path`), so the CAPTCHA is
solved exactly as a person would type it.

    flock /work/store/store.lock python3 tools/record_luma_posts.py http://127.0.0.1:8080/ \
        --session-dir /var/lib/php/sessions > fixtures/real-store/2.4.7-p3-luma-posts.jsonl

It creates one customer (`luma-N@example.com`, over GraphQL) and signs in as
`locked1@example.com` (a locked account of the store's; see the README).
"""
import argparse
import base64
import http.client
import json
import os
import re
import secrets
import sys
import time
import urllib.parse

HEADERS = ["Pragma", "Cache-Control", "X-Magento-Tags", "X-Content-Type-Options", "X-XSS-Protection",
           "X-Frame-Options", "Content-type", "Login-Required"]
PASSWORD = "Luma-Passw0rd!13"
LOCKED = ("locked1@example.com", "Lock-Passw0rd!1")


class Browser:
    def __init__(self, base, jar_name, out, placeholders, session_dir):
        self.base = base
        self.host = urllib.parse.urlsplit(base)
        self.jar = {}
        self.jar_name = jar_name
        self.out = out
        self.placeholders = placeholders
        self.session_dir = session_dir
        self.last_html = ""
        # Whether each hop notes the CAPTCHA forms its page shows (`record_luma_session.py`).
        self.note_captcha = False
        # The words read off the session, written `<captcha>`; any other typed word is kept.
        self.words = set()

    def norm(self, text):
        if text is None:
            return None
        for value, name in self.placeholders:
            text = text.replace(value, name)
        return text

    def captcha_word(self, form_id="user_forgotpassword"):
        path = os.path.join(self.session_dir, "sess_" + self.jar["PHPSESSID"])
        data = open(path, encoding="utf-8", errors="replace").read()
        found = re.search(form_id + r'_word";a:\d+:\{s:4:"data";s:\d+:"([^"]+)"', data)
        self.words.add(found.group(1))
        return found.group(1)

    def request(self, name, method, target, form=None):
        """One hop, then its redirects."""
        hop = 1
        while True:
            connection = http.client.HTTPConnection(self.host.hostname, self.host.port or 80, timeout=60)
            headers = {"User-Agent": "Mozilla/5.0 (record_luma_posts.py)"}
            if self.jar:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
            body = None
            if method == "POST":
                body = urllib.parse.urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            html = response.read().decode("utf-8", "replace")
            pairs = response.getheaders()
            messages = None
            set_cookies = []
            for key, value in pairs:
                if key.lower() != "set-cookie":
                    continue
                cookie, _, _ = value.partition(";")
                cookie_name, _, cookie_value = cookie.partition("=")
                set_cookies.append(cookie_name)
                if cookie_name == "mage-messages" and cookie_value:
                    messages = json.loads(urllib.parse.unquote(cookie_value))
                if "expires=Thu, 01-Jan-1970" in value or cookie_value in ("", "deleted"):
                    self.jar.pop(cookie_name, None)
                else:
                    self.jar[cookie_name] = cookie_value
            location = next((v for k, v in pairs if k.lower() == "location"), None)
            title = re.search(r"<title>(.*?)</title>", html)
            fields = set(re.findall(r'<input[^>]*?name="([^"]+)"', html))
            fields = sorted(f for f in fields if f != "q" and not f.startswith("captcha") and not (f == "email" and "newsletter" in html
                                                                   and "forget" not in html))
            record = {
                "name": f"{name}.hop{hop}",
                "jar": self.jar_name,
                "method": method,
                "target": self.norm(target),
                # The CAPTCHA's word and input are left out, as in the pages' summary.
                "form": [[k, "<form_key>" if k == "form_key" else "<captcha>" if k.startswith("captcha[") and v in self.words
                          else self.norm(v)] for k, v in form or []],
                "status": response.status,
                "location": self.norm(location),
                "set_cookies": set_cookies,
                "headers": {k: v for k, v in pairs if k in HEADERS},
                "messages": [{**m, "text": self.norm(m["text"])} for m in messages] if messages else None,
                "title": title.group(1) if title else None,
                "fields": fields,
            }
            if self.note_captcha:
                record["captcha"] = sorted(set(re.findall(r'<input[^>]*?name="captcha\[([^\]]+)\]"', html)))
            print(json.dumps(record, ensure_ascii=False), file=self.out, flush=True)
            connection.close()
            if response.status == 200:
                self.last_html = html
                self.jar.setdefault("form_key", secrets.token_hex(8))
                self.jar["mage-messages"] = ""
            if response.status not in (301, 302) or not location:
                return response.status
            target = urllib.parse.urlsplit(location)
            target = target.path + ("?" + target.query if target.query else "")
            method, form, hop = "GET", None, hop + 1

    def form_key(self):
        return self.jar["form_key"]


def graphql(base, query, variables):
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
    connection.request("POST", "/graphql", body=json.dumps({"query": query, "variables": variables}),
                       headers={"Content-Type": "application/json"})
    return json.loads(connection.getresponse().read())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--session-dir", required=True)
    parser.add_argument("--dashboard-html", help="keep the signed-in dashboard's HTML here")
    args = parser.parse_args()
    email = f"luma-{int(time.time())}@example.com"
    created = graphql(args.base, "mutation($i: CustomerCreateInput!) { createCustomerV2(input: $i) "
                      "{ customer { email } } }",
                      {"i": {"email": email, "password": PASSWORD, "firstname": "Luma", "lastname": "Shopper"}})
    assert "errors" not in created, created
    # The guest dashboard's redirect carries its own URL, base64-encoded (`referer/<...>/`).
    dashboard = base64.b64encode(f"{args.base}index.php/customer/account/index/".encode()).decode()
    dashboard = dashboard.replace("+", "-").replace("/", "_").replace("=", "~")
    placeholders = [(args.base, "<base>"), (dashboard, "<referer:index.php/customer/account/index/>"),
                    (email, "<email>")]
    out = sys.stdout
    login = "/index.php/customer/account/login/"
    login_post = "/index.php/customer/account/loginPost/"

    def sign_in(jar, name, username, password, with_key=True):
        browser = Browser(args.base, jar, out, placeholders, args.session_dir)
        browser.request(f"{name}-page", "GET", login)
        form = [("form_key", browser.form_key())] if with_key else []
        form += [("login[username]", username), ("login[password]", password), ("send", "")]
        browser.request(name, "POST", login_post, form)
        return browser

    sign_in("05a", "05a-loginPost-empty-password", email, "")
    sign_in("05b", "05b-loginPost-wrong-password", email, "Wrong-Passw0rd!")
    sign_in("05c", "05c-loginPost-locked", *LOCKED)
    sign_in("05d", "05d-loginPost-no-form-key", email, PASSWORD, with_key=False)
    signed_in = sign_in("05e", "05e-loginPost-success", email, PASSWORD)
    if args.dashboard_html:
        open(args.dashboard_html, "w", encoding="utf-8").write(signed_in.last_html)
    signed_in.request("05f-login-page-when-signed-in", "GET", login)

    forgot = "/index.php/customer/account/forgotpassword/"
    post = "/index.php/customer/account/forgotpasswordpost/"
    browser = Browser(args.base, "06", out, placeholders, args.session_dir)
    browser.request("06a-forgotpassword-page", "GET", forgot)
    browser.request("06b-forgotpasswordpost-no-captcha", "POST", post,
                    [("form_key", browser.form_key()), ("email", email)])
    for name, address in [("06c-forgotpasswordpost-empty-email", ""),
                          ("06d-forgotpasswordpost-invalid-email", "not-an-email"),
                          ("06e-forgotpasswordpost-customer", email),
                          ("06f-forgotpasswordpost-again-within-10-minutes", "nobody-luma@example.com")]:
        if "06e" in name or "06f" in name:
            browser.request(f"{name}-page", "GET", forgot)
        word = browser.captcha_word()
        browser.request(name, "POST", post, [("form_key", browser.form_key()), ("email", address),
                                             ("captcha[user_forgotpassword]", word)])


if __name__ == "__main__":
    main()
