#!/usr/bin/env python3
"""Condense the real store's Luma page recordings (record_luma.py's output: one .json per hop)
into fixtures/real-store/2.4.7-p3-luma-pages.jsonl: per hop, what a replay compares (status,
redirect, cookies set, Magento's headers, the messages, the page's title and form fields), with the
install's values replaced by placeholders. The pages' HTML is not kept.

    python3 tools/luma_recordings_summary.py /work/store-recordings/luma > fixtures/real-store/2.4.7-p3-luma-pages.jsonl
"""
import base64
import glob
import json
import os
import re
import sys
import urllib.parse

HEADERS = ["Pragma", "Cache-Control", "X-Magento-Tags", "X-Content-Type-Options", "X-XSS-Protection",
           "X-Frame-Options", "Content-type", "Login-Required"]
FRESH = ("01", "02a", "02b", "02c", "02d", "03j", "04a", "04b")


def main(directory):
    summary = json.load(open(os.path.join(directory, "SUMMARY.json")))
    token, wrong, customer = summary["token"], summary["wrong_token"], summary["customer_id"]
    base = summary["link"].split("/index.php/")[0] + "/"

    def norm(text):
        if text is None:
            return None
        text = text.replace(base, "<base>").replace(token, "<token>").replace(wrong, "<wrong-token>")
        text = text.replace("active2@example.com", "<email>")
        return re.sub(r"([?&/]id[=/])" + customer + r"\b", r"\g<1><id>", text)

    for path in sorted(glob.glob(os.path.join(directory, "*.hop*.json"))):
        hop = json.load(open(path))
        name = hop["name"]
        request, response = hop["request"], hop["response"]
        headers = response["headers"]
        html = base64.b64decode(response.get("body_base64") or "").decode("utf-8", "replace")
        messages = None
        for key, value in headers:
            if key.lower() == "set-cookie" and value.startswith("mage-messages="):
                messages = json.loads(urllib.parse.unquote(value.split(";")[0].split("=", 1)[1]))
        location = next((v for k, v in headers if k.lower() == "location"), None)
        title = re.search(r"<title>(.*?)</title>", html)
        fields = re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?(?:id="([^"]+)")?', html)
        print(json.dumps({
            "name": name,
            # The cookie jar: a fresh step's own, or (03a to 03g) the jar of the step that opened the link.
            "jar": name.split("-")[0] if name.split("-")[0] in FRESH else "01",
            "method": request["method"],
            "target": norm(request["target"]),
            "form": [[k, "<form_key>" if k == "form_key" else norm(v)] for k, v in request.get("form") or []],
            "status": response["status"],
            "location": norm(location),
            "set_cookies": [v.split("=")[0] for k, v in headers if k.lower() == "set-cookie"],
            "headers": {k: v for k, v in headers if k in HEADERS},
            "messages": messages,
            "title": title.group(1) if title else None,
            "fields": sorted({f[0] for f in fields if not f[0].startswith(("captcha", "q"))} - {"email"} | (
                {"email"} if 'name="email"' in html and "forget" in html else set())),
        }, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
