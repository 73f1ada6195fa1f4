"""Take screenshots of the main screens from a running Odoo (headless Chromium).

    python tools/screenshots.py --url http://127.0.0.1:8069 --db sog_demo \
        --out sale_order_governance/static/description/screenshots
    python tools/screenshots.py --url http://127.0.0.1:8069 --db sog_demo \
        --lang zh_CN --out sale_order_governance/static/description/screenshots/zh_CN

With ``--lang`` the user reads Odoo in that language (installed in the
database, e.g. ``odoo-bin -i sale_order_governance --load-language=zh_CN``;
headless Chromium needs a CJK font for it, e.g. Debian's
``fonts-wqy-microhei``); ``--debug-port`` lets several runs share a machine.

Logs in with the given user through JSON-RPC, hands the session cookie to a
headless Chromium over the DevTools protocol and captures each page in the
list below once it has rendered.
"""

import argparse
import base64
import json
import pathlib
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket

ACTION = "/odoo/action-sale_order_governance."
PAGES = [
    # (file name, URL, model and domain of the record to open, or None)
    (
        "01_quotation_in_review",
        "/odoo/action-sale.action_quotations_with_onboarding",
        "sale.order",
        [("review_state", "=", "in_review"), ("amount_total", ">", 100000)],
    ),
    ("02_my_reviews", ACTION + "sale_order_review_action", None, None),
    (
        "03_review_evidence",
        ACTION + "sale_order_review_action",
        "sale.order.review",
        [("state", "=", "pending"), ("res_model", "=", "sale.order")],
    ),
    ("04_overdue_reviews", ACTION + "sale_order_review_action_overdue", None, None),
    (
        "05_credit_blocked_order",
        "/odoo/action-sale.action_quotations_with_onboarding",
        "sale.order",
        [("partner_id.name", "ilike", "over its limit")],
    ),
    ("06_blocked_orders", ACTION + "sale_order_credit_blocked_action", None, None),
    (
        "07_change_request",
        ACTION + "sale_order_change_request_action",
        "sale.order.change.request",
        [],
    ),
    ("08_order_kpis", ACTION + "sale_governance_report_action", None, None),
    ("09_review_performance", ACTION + "sale_review_report_action", None, None),
    ("10_review_stages", ACTION + "sale_review_stage_action", None, None),
    ("11_settings", "/odoo/action-sale.action_sale_config_settings", None, None),
]
# Pages shown from an element further down (scrolled into view).
SCROLL_TO = {"11_settings": "#governance_review_sla"}


def rpc(url, path, params, cookie=None):
    request = urllib.request.Request(
        url + path,
        data=json.dumps({"jsonrpc": "2.0", "params": params}).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Cookie": cookie} if cookie else {}),
        },
    )
    with urllib.request.urlopen(request) as response:
        body = json.loads(response.read())
        return body.get("result"), response.headers.get("Set-Cookie", "")


def first_record(url, cookie, model, domain):
    result, _cookie = rpc(
        url,
        "/web/dataset/call_kw",
        {"model": model, "method": "search", "args": [domain], "kwargs": {"limit": 1}},
        cookie,
    )
    return result[0] if result else None


class Chrome:
    def __init__(self, width=1440, height=900, port=9333):
        self.profile = tempfile.mkdtemp()
        binary = shutil.which("chromium") or shutil.which("google-chrome")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--window-size={width},{height}",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        endpoint = f"http://127.0.0.1:{port}/json"
        for _attempt in range(50):
            try:
                with urllib.request.urlopen(endpoint) as response:
                    target = next(
                        t for t in json.loads(response.read()) if t["type"] == "page"
                    )
                break
            except OSError:
                time.sleep(0.2)
        self.ws = websocket.create_connection(target["webSocketDebuggerUrl"])
        self.counter = 0

    def call(self, method, **params):
        self.counter += 1
        self.ws.send(
            json.dumps({"id": self.counter, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.counter:
                return message.get("result", {})

    def wait_for(self, selector, timeout=60):
        """Wait until ``selector`` is in the page and the page is idle."""
        deadline = time.time() + timeout
        expression = f"!!document.querySelector({json.dumps(selector)})"
        while time.time() < deadline:
            result = self.call("Runtime.evaluate", expression=expression)
            if result.get("result", {}).get("value"):
                time.sleep(1.5)
                return True
            time.sleep(0.5)
        return False

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="sog_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--lang", default="en_US")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--debug-port", type=int, default=9333)
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _result, set_cookie = rpc(
        args.url,
        "/web/session/authenticate",
        {"db": args.db, "login": args.login, "password": args.password},
    )
    session_id = set_cookie.split("session_id=")[1].split(";")[0]
    cookie = f"session_id={session_id}"
    if args.lang:
        # The user's own language: the session reads it at the next login.
        rpc(
            args.url,
            "/web/dataset/call_kw",
            {
                "model": "res.users",
                "method": "write",
                "args": [[_result["uid"]], {"lang": args.lang}],
                "kwargs": {},
            },
            cookie,
        )
        _result, set_cookie = rpc(
            args.url,
            "/web/session/authenticate",
            {"db": args.db, "login": args.login, "password": args.password},
        )
        session_id = set_cookie.split("session_id=")[1].split(";")[0]
        cookie = f"session_id={session_id}"
    chrome = Chrome(port=args.debug_port)
    try:
        chrome.call("Network.enable")
        chrome.call(
            "Network.setCookie", name="session_id", value=session_id, url=args.url
        )
        for name, path, model, domain in PAGES:
            if model:
                record = first_record(args.url, cookie, model, domain)
                if not record:
                    continue
                path = f"{path}/{record}"
            chrome.call("Page.navigate", url=args.url + path)
            chrome.wait_for(".o_action_manager .o_view_controller")
            if name in SCROLL_TO:
                selector = json.dumps(SCROLL_TO[name])
                chrome.call(
                    "Runtime.evaluate",
                    expression=f"document.querySelector({selector})?.scrollIntoView()",
                )
                time.sleep(1)
            shot = chrome.call("Page.captureScreenshot", format="png")
            target = out / f"{name}.png"
            target.write_bytes(base64.b64decode(shot["data"]))
            print(target)
    finally:
        chrome.close()


if __name__ == "__main__":
    main()
