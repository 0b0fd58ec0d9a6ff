"""Log output: text (the default) or one JSON object a line (REVIEWQ_LOG_FORMAT=json).

The JSON formatter writes a fixed set of fields, never arbitrary attributes, and
for an exception only its class and the code locations of the traceback: an
exception's message may quote a post, a comment or a finding, and those never go
into logs. Request lines carry the method, the path without its query string,
the status and the time taken.
"""
from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from datetime import datetime, timezone

REQUEST_FIELDS = ("method", "path", "status", "duration_ms")
_MARK = "_reviewq_json"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                out[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            etype, _, tb = record.exc_info
            out["exception"] = etype.__name__
            out["where"] = [f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_tb(tb)][-8:]
        return json.dumps(out, ensure_ascii=False, default=str)


def configure(fmt: str, stream=None) -> None:
    """Send the root logger's records to stderr as JSON lines (once per process)."""
    if fmt != "json":
        return
    root = logging.getLogger()
    if any(getattr(h, _MARK, False) for h in root.handlers):
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    setattr(handler, _MARK, True)
    for old in [h for h in root.handlers if isinstance(h, logging.StreamHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # Alembic announces its plugins and dialect on every schema check (each /readyz): noise.
    for chatty in ("alembic.runtime.plugins", "alembic.runtime.migration", "botocore.credentials"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def init_app(app) -> None:
    settings = app.config["REVIEWQ"]
    if settings.log_format != "json":
        return
    configure("json")
    from flask import g, request
    log = logging.getLogger("reviewq.request")

    @app.before_request
    def _start_clock():
        g._reviewq_started = time.perf_counter()

    @app.after_request
    def _log_request(resp):
        started = g.pop("_reviewq_started", None)
        took = round((time.perf_counter() - started) * 1000, 1) if started else None
        log.info("request", extra={"method": request.method, "path": request.path,
                                   "status": resp.status_code, "duration_ms": took})
        return resp
