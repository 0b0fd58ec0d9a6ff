"""A fake Slack Web API: a real HTTP server on 127.0.0.1 that records every call.

The real slack_sdk WebClient talks to it through SLACK_API_URL. Faults are
queued per method: `fail("chat.postMessage", status=429, retry_after=30)`,
`fail(..., status=500)` or `fail(..., error="channel_not_found")`; each queued
fault answers one call, then the method behaves normally again.
"""
from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

TOKEN = "xoxb-test-token"


@dataclass
class Call:
    method: str
    params: dict
    token: str | None


@dataclass
class Fault:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, method: str, *, status: int = 200, error: str | None = None, retry_after: int | None = None,
             times: int = 1) -> None:
        with self.lock:
            self.faults.setdefault(method, []).extend(Fault(status, error, retry_after) for _ in range(times))

    def called(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def answer(self, method: str, params: dict, token: str | None) -> tuple[int, dict, dict]:
        with self.lock:
            self.calls.append(Call(method, params, token))
            queued = self.faults.get(method)
            fault = queued.pop(0) if queued else None
        if token != f"Bearer {TOKEN}":
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        if fault is not None:
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            if fault.status != 200:
                return fault.status, headers, {"ok": False, "error": "ratelimited" if fault.status == 429
                                               else "internal_error"}
            return 200, headers, {"ok": False, "error": fault.error}
        return 200, {}, self._ok(method, params)

    def _ok(self, method: str, params: dict) -> dict:
        if method == "auth.test":
            return {"ok": True, "url": "https://hospital.slack.com/", "team": "Hospital", "user": "reviewq",
                    "team_id": "T0001", "user_id": "U0BOT", "bot_id": "B0001"}
        if method == "chat.postMessage":
            channel = params.get("channel", "")
            if not channel:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": channel, "ts": f"1700000000.{next(self._ts):06d}",
                    "message": {"text": params.get("text", "")}}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000001.{next(self._ts):06d}"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "X"))[1:]}}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V0001", **(params.get("view") or {})}}
        if method == "users.info":
            return {"ok": True, "user": {"id": params.get("user"), "name": "someone"}}
        return {"ok": False, "error": "unknown_method"}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSlack

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        if (self.headers.get("Content-Type") or "").startswith("application/json"):
            params = json.loads(raw or "{}")
        else:
            params = {k: v[0] for k, v in parse_qs(raw).items()}
            for key in ("blocks", "view"):
                if isinstance(params.get(key), str):
                    params[key] = json.loads(params[key])
        method = self.path.rsplit("/", 1)[-1]
        status, headers, body = self.server.fake.answer(method, params, self.headers.get("Authorization"))
        data = json.dumps(body).encode() if status < 500 else b"<html>upstream error</html>"
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if status < 500 else "text/html")
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep test output quiet
        pass


class FakeSlackServer:
    """Context manager: `with FakeSlackServer() as srv: srv.url, srv.fake`."""

    def __init__(self):
        self.fake = FakeSlack()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.fake = self.fake
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
