"""The webhook publisher: POST the released post as JSON, signed with HMAC-SHA256.

Follows shared/CONTRACT.md "Released posts": X-Reviewq-Signature is
sha256=<hex HMAC of the raw body>; Idempotency-Key is the same on every retry of
one release. 2xx is success; anything else (redirects included: they are never
followed) or a timeout is a failure the worker retries with backoff. One POST
per release, never a batch body: the contract promises one post per request.

Thread-safe: the release worker publishes a batch from a few threads at once,
sharing a small pool of keep-alive connections (http.client; urllib3 cost the
worker three times the CPU per call). A call on a kept-alive connection that
the server had already closed is retried once at once on a new connection —
same body, same key; everything else is left to the worker's backoff.
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import queue
import ssl
from urllib.parse import urlsplit

from reviewq.publishers import PublishResult

MAX_ERROR_BODY = 200
MAX_REPLY = 64 * 1024
# Raised when a kept-alive connection turns out to be closed before any answer came.
STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class _Pool:
    """Idle keep-alive connections to the one webhook origin; a thread takes one and gives it back."""

    def __init__(self, url: str, timeout: float, size: int):
        parts = urlsplit(url)
        self.https, self.host, self.port = parts.scheme == "https", parts.hostname or "", parts.port
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.valid = parts.scheme in ("http", "https") and bool(self.host)
        self.timeout, self.size = timeout, max(1, size)
        self.context = ssl.create_default_context() if self.https else None
        self.idle: queue.LifoQueue = queue.LifoQueue()

    def take(self) -> tuple[http.client.HTTPConnection, bool]:
        """A connection and whether it was used before (and so may have been closed by the server)."""
        try:
            return self.idle.get_nowait(), True
        except queue.Empty:
            return self.new(), False

    def new(self) -> http.client.HTTPConnection:
        if self.https:
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout, context=self.context)
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def give_back(self, conn: http.client.HTTPConnection) -> None:
        if self.idle.qsize() < self.size:
            self.idle.put(conn)
        else:
            conn.close()

    def close(self) -> None:
        while True:
            try:
                self.idle.get_nowait().close()
            except queue.Empty:
                return


class WebhookPublisher:
    def __init__(self, url: str, secret: str, timeout: float = 10.0, concurrency: int = 1):
        self.url, self.secret, self.timeout = url, secret, timeout
        self.pool = _Pool(url, timeout, concurrency)

    def publish(self, payload: dict, key: str) -> PublishResult:
        if not self.pool.valid:
            return PublishResult(False, error="could not reach the publisher (the webhook URL is not http or https)")
        body = encode(payload)
        headers = {"Content-Type": "application/json", "User-Agent": "reviewq-publisher",
                   "X-Reviewq-Signature": sign(body, self.secret), "Idempotency-Key": key}
        try:
            conn, reused = self.pool.take()
            try:
                return self._post(conn, body, headers)
            except STALE:
                if not reused:
                    raise
                return self._post(self.pool.new(), body, headers)   # not another idle one: it may be stale too
        except TimeoutError:
            return PublishResult(False, error=f"publisher did not answer within {self.timeout:g} s")
        except (OSError, http.client.HTTPException, ValueError) as e:
            return PublishResult(False, error=f"could not reach the publisher ({type(e).__name__})")

    def _post(self, conn: http.client.HTTPConnection, body: bytes, headers: dict) -> PublishResult:
        try:
            conn.request("POST", self.pool.path, body=body, headers=headers)
            resp = conn.getresponse()
            ok = 200 <= resp.status < 300
            limit = MAX_REPLY if ok else MAX_ERROR_BODY * 4
            raw = resp.read(limit + 1)
        except BaseException:
            conn.close()
            raise
        # Reuse the connection only when the whole reply was read and the server keeps it open.
        if len(raw) <= limit and resp.isclosed() and not resp.will_close:
            self.pool.give_back(conn)
        else:
            conn.close()
        if ok:
            return PublishResult(True, ref=_reference(raw[:limit], resp.status))
        snippet = " ".join(raw[:limit].decode("utf-8", "replace").split())[:MAX_ERROR_BODY]
        return PublishResult(False, error=f"publisher answered HTTP {resp.status}{': ' + snippet if snippet else ''}")

    def close(self) -> None:
        self.pool.close()


def _reference(raw: bytes, status: int) -> str:
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        data = None
    if isinstance(data, dict):
        for k in ("id", "ref", "reference", "url"):
            if isinstance(data.get(k), (str, int)):
                return str(data[k])[:500]
    return f"HTTP {status}"
