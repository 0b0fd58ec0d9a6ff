"""Requests by endpoint and status, counted with prometheus_client, and the exposition of /metrics.

prometheus_client is imported on first use, not at import time, so that
`reviewq serve --workers N` can switch on its multiprocess mode (which it
reads from PROMETHEUS_MULTIPROC_DIR when first imported) before any forked
process counts a request. Without it (one process: `reviewq demo`, waitress,
tests) the counter lives in the process.
"""
from __future__ import annotations

import hmac
import os
import threading

_lock = threading.Lock()
_counter = None


def _requests_counter():
    global _counter
    with _lock:
        if _counter is None:
            from prometheus_client import REGISTRY, CollectorRegistry, Counter
            registry = CollectorRegistry() if _multiprocess_dir() else REGISTRY
            _counter = Counter("reviewq_http_requests", "HTTP requests answered, by endpoint and status",
                               ["endpoint", "method", "status"], registry=registry)
    return _counter


def _multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")


def count_request(endpoint: str | None, method: str, status: int) -> None:
    # The endpoint name (e.g. drafts.show), never the path: paths carry ids and search text.
    _requests_counter().labels(endpoint or "unmatched", method if method in _METHODS else "OTHER",
                               str(status)).inc()


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def token_ok(expected: str | None, header: str | None) -> bool:
    """Constant-time check of `Authorization: Bearer <token>`."""
    if not expected or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer "):].strip().encode(), expected.encode())


def exposition(gauges: dict) -> tuple[bytes, str]:
    """The Prometheus text for the request counter (every process's) plus the database gauges."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
    from prometheus_client.core import GaugeMetricFamily
    _requests_counter()
    registry = CollectorRegistry()
    if _multiprocess_dir():
        from prometheus_client import multiprocess
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_CounterOnly(REGISTRY))

    class Database:
        def collect(self):
            yield from _families(gauges, GaugeMetricFamily)

    registry.register(Database())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _CounterOnly:
    def __init__(self, source):
        self.source = source

    def collect(self):
        for family in self.source.collect():
            if family.name == "reviewq_http_requests":
                yield family


def _families(g: dict, Gauge):
    drafts = Gauge("reviewq_drafts", "Drafts by workflow state", labels=["state"])
    for state, n in sorted(g["drafts"].items()):
        drafts.add_metric([state], n)
    yield drafts
    depth = Gauge("reviewq_outbox_pending", "Outbox messages waiting to be delivered, by kind", labels=["kind"])
    failed = Gauge("reviewq_outbox_failed", "Outbox messages that failed for good, by kind", labels=["kind"])
    for (kind, status), n in sorted(g["outbox"].items()):
        (depth if status == "pending" else failed).add_metric([kind], n)
    yield depth
    yield failed
    yield Gauge("reviewq_releases_due", "Scheduled posts whose release time has come", value=g["releases_due"])
    yield Gauge("reviewq_releases_late", "Scheduled posts more than 5 minutes past their release time",
                value=g["releases_late"])
    for name, key, doc in (("reviewq_audit_head_age_seconds", "audit_head_age",
                            "Seconds since the newest audit event"),
                           ("reviewq_worker_heartbeat_age_seconds", "worker_heartbeat_age",
                            "Seconds since a worker last finished a pass")):
        if g[key] is not None:
            yield Gauge(name, doc, value=max(0.0, g[key]))
