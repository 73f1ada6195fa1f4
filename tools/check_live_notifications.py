"""Check the live notifications of a running Odoo end to end.

    python tools/check_live_notifications.py --url http://127.0.0.1:8069 \\
        --db sog_demo [--login admin --password admin]

Logs in, opens the websocket (``/websocket``) like the web client, creates a
discussion channel and posts a message in it through JSON-RPC, then waits for
that message on the websocket. Exits with 0 when it arrives, 1 otherwise.
Used to check ``make demo WORKERS=4``: HTTP workers, the websocket/bus
process and the proxy in front of them.
"""

import argparse
import http.cookiejar
import json
import sys
import time
import urllib.request
import uuid

import websocket


class Client:
    def __init__(self, url):
        self.url = url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def call(self, path, params):
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "params": params}
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=60) as response:
            body = json.load(response)
        if "error" in body:
            raise RuntimeError(f"{path}: {body['error']['data']['message']}")
        return body["result"]

    def call_kw(self, model, method, args, kwargs=None):
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def session_id(self):
        return next(c.value for c in self.cookies if c.name == "session_id")


def check(url, db, login, password, timeout):
    client = Client(url)
    session = client.call(
        "/web/session/authenticate", {"db": db, "login": login, "password": password}
    )
    token = f"live-check-{uuid.uuid4().hex[:12]}"
    client.call_kw("discuss.channel", "channel_create", [token, None])
    [channel_id] = client.call_kw("discuss.channel", "search", [[("name", "=", token)]])
    version = session.get("websocket_worker_version", "")
    socket = websocket.create_connection(
        f"{client.url.replace('http', 'ws', 1)}/websocket?version={version}",
        cookie=f"session_id={client.session_id()}",
        origin=client.url,
        timeout=timeout,
    )
    try:
        socket.send(
            json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}})
        )
        time.sleep(1)  # let the bus take the subscription before posting
        client.call_kw(
            "discuss.channel",
            "message_post",
            [channel_id],
            {
                "body": token,
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
            },
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if token in socket.recv():
                return True
    except websocket.WebSocketTimeoutException:
        return False
    finally:
        socket.close()
        client.call_kw("discuss.channel", "unlink", [[channel_id]])
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    if check(args.url, args.db, args.login, args.password, args.timeout):
        print(f"Live notifications work on {args.url}: the message came through.")
        return 0
    print(f"No live notification from {args.url} within {args.timeout} s.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
