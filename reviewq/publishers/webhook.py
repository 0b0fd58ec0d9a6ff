"""The webhook publisher: POST the released post as JSON, signed with HMAC-SHA256.

Follows shared/CONTRACT.md "Released posts": X-Reviewq-Signature is
sha256=<hex HMAC of the raw body>; Idempotency-Key is the same on every retry of
one release. 2xx is success; anything else (redirects included) or a timeout
is a failure the worker retries with backoff. One POST per release, never a
batch body: the contract promises the receiver one post per request.

Thread-safe: the release worker publishes a batch from a few threads at once,
sharing one urllib3 pool of keep-alive connections (`concurrency` of them).
It retries a call only when the connection was reset before any answer (once, at
once); everything else is retried by the worker's backoff, with the same key.
"""
from __future__ import annotations

import hashlib
import hmac
import json

import urllib3
from urllib3.exceptions import HTTPError, NewConnectionError, ProtocolError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from reviewq.publishers import PublishResult

MAX_ERROR_BODY = 200
MAX_REPLY = 64 * 1024


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class WebhookPublisher:
    def __init__(self, url: str, secret: str, timeout: float = 10.0, concurrency: int = 1):
        self.url, self.secret, self.timeout = url, secret, timeout
        # block=True: a thread waits for a free connection instead of opening an extra one.
        self.pool = urllib3.PoolManager(num_pools=2, maxsize=max(1, concurrency), block=True,
                                        timeout=urllib3.Timeout(connect=timeout, read=timeout),
                                        retries=False)

    def publish(self, payload: dict, key: str) -> PublishResult:
        body = encode(payload)
        headers = {"Content-Type": "application/json", "User-Agent": "reviewq-publisher",
                   "X-Reviewq-Signature": sign(body, self.secret), "Idempotency-Key": key}
        try:
            try:
                return self._post(body, headers)
            except ProtocolError:
                # Reset or closed before any answer (a busy server's full accept queue, a kept-alive
                # connection it dropped): try once more at once. Safe: same body, same Idempotency-Key.
                return self._post(body, headers)
        except NewConnectionError as e:   # a subclass of the connect timeout, so caught first
            return PublishResult(False, error=f"could not reach the publisher ({_cause(e)})")
        except Urllib3Timeout:
            return PublishResult(False, error=f"publisher did not answer within {self.timeout:g} s")
        except (HTTPError, OSError, ValueError) as e:
            return PublishResult(False, error=f"could not reach the publisher ({_cause(e)})")

    def _post(self, body: bytes, headers: dict) -> PublishResult:
        # redirect=False: a redirected POST would silently become a GET; a 3xx is a failure.
        resp = self.pool.request("POST", self.url, body=body, headers=headers, redirect=False, preload_content=False)
        try:
            raw = _read(resp, MAX_REPLY if 200 <= resp.status < 300 else MAX_ERROR_BODY * 4)
        finally:
            resp.release_conn()
        if 200 <= resp.status < 300:
            return PublishResult(True, ref=_reference(raw, resp.status))
        snippet = " ".join(raw.decode("utf-8", "replace").split())[:MAX_ERROR_BODY]
        return PublishResult(False, error=f"publisher answered HTTP {resp.status}{': ' + snippet if snippet else ''}")

    def close(self) -> None:
        self.pool.clear()


def _read(resp, limit: int) -> bytes:
    """At most `limit` bytes of the reply; a longer reply closes its connection instead of draining it."""
    try:
        raw = resp.read(limit + 1)
    except Urllib3Timeout:
        resp.close()
        raise
    if len(raw) > limit:
        resp.close()
        return raw[:limit]
    return raw


def _cause(e: Exception) -> str:
    # urllib3 wraps the socket error (ConnectionRefusedError ...): name that one, not the wrapper.
    inner = getattr(e, "reason", None) or e.__cause__ or e.__context__
    return type(inner).__name__ if isinstance(inner, Exception) else type(e).__name__


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
