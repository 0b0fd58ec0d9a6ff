"""The webhook publisher: POST the released post as JSON, signed with HMAC-SHA256.

Follows shared/CONTRACT.md "Released posts": X-Reviewq-Signature is
sha256=<hex HMAC of the raw body>; Idempotency-Key is the same on every retry of
one release. 2xx is success; anything else (redirects included) or a timeout
is a failure the worker retries with backoff.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import socket
import urllib.error
import urllib.request

from reviewq.publishers import PublishResult

MAX_ERROR_BODY = 200


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirected POST would silently become a GET
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class WebhookPublisher:
    def __init__(self, url: str, secret: str, timeout: float = 10.0):
        self.url, self.secret, self.timeout = url, secret, timeout

    def publish(self, payload: dict, key: str) -> PublishResult:
        body = encode(payload)
        req = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "reviewq-publisher",
            "X-Reviewq-Signature": sign(body, self.secret), "Idempotency-Key": key})
        try:
            with _opener.open(req, timeout=self.timeout) as resp:
                return PublishResult(True, ref=_reference(resp.read(64 * 1024), resp.status))
        except urllib.error.HTTPError as e:
            snippet = _snippet(e)
            return PublishResult(False, error=f"publisher answered HTTP {e.code}{': ' + snippet if snippet else ''}")
        except (TimeoutError, socket.timeout):
            return PublishResult(False, error=f"publisher did not answer within {self.timeout:g} s")
        except urllib.error.URLError as e:
            reason = e.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                return PublishResult(False, error=f"publisher did not answer within {self.timeout:g} s")
            return PublishResult(False, error=f"could not reach the publisher ({type(reason).__name__})")
        except (OSError, ValueError) as e:
            return PublishResult(False, error=f"could not reach the publisher ({type(e).__name__})")


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


def _snippet(e: urllib.error.HTTPError) -> str:
    try:
        text = e.read(MAX_ERROR_BODY * 4).decode("utf-8", "replace")
    except OSError:
        return ""
    return " ".join(text.split())[:MAX_ERROR_BODY]
