"""Local fakes of the 企业微信 group robot and an HTTP SMS gateway, for tests and demos.

One small HTTP server on 127.0.0.1 speaks both request and answer formats:

- ``POST /cgi-bin/webhook/send?key=KEY`` as 企业微信's group robot: JSON
  ``{"msgtype": "markdown", "markdown": {"content": ...}}`` (or ``text`` with
  ``mentioned_mobile_list``); answers ``{"errcode": 0, "errmsg": "ok"}``, ``45009`` past 20
  messages a minute per key, ``93000`` for a key it was told is invalid, ``40058`` for content
  over 4,096 bytes (markdown) or 2,048 (text).
- ``POST /sms/send`` as a Chinese SMS gateway (Aliyun's field names): JSON with ``PhoneNumbers``,
  ``SignName``, ``TemplateCode``, ``TemplateParam`` (a JSON object as a string) and ``OutId``;
  answers ``{"Code": "OK", "RequestId": ..., "BizId": ...}`` or an ``isv.*`` error code.
  ``GET /sms/query?OutId=...`` says whether a message with that id was accepted, and its
  request id. Unlike some providers the fake does not deduplicate on ``OutId``: a client that
  sends twice is seen twice.

Told through ``FakeServer`` attributes (in the test process) or ``POST /_fake/mode`` (from
another process) to be slow, to answer an error code, or to accept a message and then drop the
connection without answering. Everything received is recorded (``GET /_fake/received``).

By hand, for a demo::

    python -m tests.fakes --port 8025

then point ``WECOM_WEBHOOK_URL`` at ``http://127.0.0.1:8025/cgi-bin/webhook/send`` and
``SMS_GATEWAY_URL`` at ``http://127.0.0.1:8025/sms``; what arrives is printed.
"""

import argparse
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ROBOT_LIMIT_PER_MINUTE = 20
MARKDOWN_MAX_BYTES = 4096
TEXT_MAX_BYTES = 2048


class FakeServer:
    """The fake robot + gateway. ``start()`` binds a spare port; ``url`` is its base."""

    def __init__(self, port=0, verbose=False):
        self.lock = threading.Lock()
        self.verbose = verbose
        self.reset()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.fake = self
        self.thread = None

    # --- modes ----------------------------------------------------------------------

    def reset(self):
        with self.lock:
            self.robot_received = []  # every well-formed robot request, accepted or not
            self.sms_received = []
            #: "ok", "slow" (sleep ``delay`` seconds after recording, then answer),
            #: "drop" (record as accepted, then close without an answer) or an errcode.
            self.robot_mode = "ok"
            self.sms_mode = "ok"
            self.delay = 0.0
            #: Answer 45009 (robot) / isv.BUSINESS_LIMIT_CONTROL (SMS) until this time.
            self.rate_limited_until = 0.0
            self.invalid_keys = set()
            self._robot_times = {}

    def set_mode(self, **modes):
        with self.lock:
            for name, value in modes.items():
                if name == "invalid_keys":
                    value = set(value)
                elif name == "rate_limited_for":
                    name, value = "rate_limited_until", time.time() + float(value)
                setattr(self, name, value)

    @property
    def robot_accepted(self):
        return [r for r in self.robot_received if r["accepted"]]

    @property
    def sms_accepted(self):
        return [r for r in self.sms_received if r["accepted"]]

    # --- lifecycle ------------------------------------------------------------------

    @property
    def port(self):
        return self.httpd.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- the two services -------------------------------------------------------------

    def robot(self, key, body):
        """(answer dict, or None to drop the connection) for one robot request."""
        msgtype = body.get("msgtype")
        content = (body.get(msgtype) or {}).get("content", "") if msgtype else ""
        record = {"key": key, "body": body, "content": content, "at": time.time(), "accepted": False}
        with self.lock:
            self.robot_received.append(record)
            mode = self.robot_mode
            if key in self.invalid_keys:
                return {"errcode": 93000, "errmsg": "invalid webhook url"}
            if msgtype not in ("text", "markdown"):
                return {"errcode": 40008, "errmsg": "invalid message type"}
            limit = MARKDOWN_MAX_BYTES if msgtype == "markdown" else TEXT_MAX_BYTES
            if len(content.encode()) > limit:
                return {"errcode": 40058, "errmsg": f"{msgtype}.content exceed max length {limit}"}
            now = time.time()
            recent = [t for t in self._robot_times.get(key, []) if t > now - 60]
            if now < self.rate_limited_until or len(recent) >= ROBOT_LIMIT_PER_MINUTE:
                return {"errcode": 45009, "errmsg": "api freq out of limit"}
            if isinstance(mode, int):
                return {"errcode": mode, "errmsg": "fake error"}
            self._robot_times[key] = [*recent, now]
            record["accepted"] = True
        if self.verbose:
            print(f"robot {key[:4]}…: {content}\n", flush=True)
        if mode == "drop":
            return None
        if mode == "slow":
            time.sleep(self.delay)
        return {"errcode": 0, "errmsg": "ok"}

    def sms(self, body):
        record = {"body": body, "out_id": body.get("OutId", ""), "at": time.time(), "accepted": False}
        with self.lock:
            self.sms_received.append(record)
            mode = self.sms_mode
            phone = str(body.get("PhoneNumbers", ""))
            if not (len(phone) == 11 and phone.isascii() and phone.isdigit() and phone[0] == "1"):
                return {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "invalid mobile"}
            if not body.get("SignName"):
                return {"Code": "isv.SMS_SIGNATURE_ILLEGAL", "Message": "no signature"}
            if not str(body.get("TemplateCode", "")).startswith("SMS_"):
                return {"Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "unknown template"}
            try:
                params = json.loads(body.get("TemplateParam") or "{}")
            except ValueError:
                params = None
            if not isinstance(params, dict):
                return {"Code": "isv.INVALID_JSON_PARAM", "Message": "TemplateParam"}
            if time.time() < self.rate_limited_until:
                return {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "rate limited"}
            if isinstance(mode, str) and mode.startswith("isv."):
                return {"Code": mode, "Message": "fake error"}
            record["accepted"] = True
            record["request_id"] = str(uuid.uuid4()).upper()
        if self.verbose:
            print(f"SMS to {phone} [{body.get('TemplateCode')}] {params}\n", flush=True)
        if mode == "drop":
            return None
        if mode == "slow":
            time.sleep(self.delay)
        return {"Code": "OK", "Message": "OK", "RequestId": record["request_id"],
                "BizId": record["request_id"][:18]}

    def sms_query(self, out_id):
        with self.lock:
            for record in self.sms_received:
                if record["accepted"] and out_id and record["out_id"] == out_id:
                    return {"Code": "OK", "Found": True, "RequestId": record["request_id"]}
        return {"Code": "OK", "Found": False}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: the records say what arrived
        pass

    def _json(self):
        length = int(self.headers.get("Content-Length") or 0)
        try:
            return json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return {}

    def _answer(self, payload, status=200):
        if payload is None:  # accepted, then the connection drops without an answer
            self.close_connection = True
            self.connection.close()
            return
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        fake = self.server.fake
        url = urlsplit(self.path)
        body = self._json()
        if url.path == "/cgi-bin/webhook/send":
            key = parse_qs(url.query).get("key", [""])[0]
            return self._answer(fake.robot(key, body))
        if url.path == "/sms/send":
            return self._answer(fake.sms(body))
        if url.path == "/_fake/mode":
            fake.set_mode(**body)
            return self._answer({"ok": True})
        if url.path == "/_fake/reset":
            fake.reset()
            return self._answer({"ok": True})
        return self._answer({"error": "not found"}, status=404)

    def do_GET(self):
        fake = self.server.fake
        url = urlsplit(self.path)
        if url.path == "/sms/query":
            return self._answer(fake.sms_query(parse_qs(url.query).get("OutId", [""])[0]))
        if url.path == "/_fake/received":
            with fake.lock:
                return self._answer({"robot": fake.robot_received, "sms": fake.sms_received})
        return self._answer({"error": "not found"}, status=404)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--robot-mode", default="ok", help="ok, slow, drop or an errcode (45009, 93000...)")
    parser.add_argument("--sms-mode", default="ok", help="ok, slow, drop or an isv.* code")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds, for the slow mode")
    args = parser.parse_args(argv)
    fake = FakeServer(port=args.port, verbose=True)
    robot_mode = int(args.robot_mode) if args.robot_mode.lstrip("-").isdigit() else args.robot_mode
    fake.set_mode(robot_mode=robot_mode, sms_mode=args.sms_mode, delay=args.delay)
    print(f"fake 企业微信 robot: {fake.url}/cgi-bin/webhook/send\nfake SMS gateway: {fake.url}/sms",
          flush=True)
    try:
        fake.httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
