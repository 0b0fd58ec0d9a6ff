"""GET /healthz and GET /readyz for load balancers and orchestrators.

No login, no session, and nothing in the answer an outsider could use: the
checks' names and ok/failed, never an error text, a path or a version.
/healthz says the process answers; /readyz that this host can serve users now:
the database answers, its schema is at the newest migration, storage is writable.
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from reviewq.extensions import csrf, db

bp = Blueprint("health", __name__)
log = logging.getLogger("reviewq.health")


@bp.route("/healthz")
def healthz():
    return _answer(200, {"status": "ok"})


@bp.route("/readyz")
def readyz():
    from reviewq.migrate import is_current
    from reviewq.storage import check_writable
    checks = {"database": "failed", "migrations": "unknown", "storage": "failed"}
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
        checks["migrations"] = "ok" if is_current(db.engine) else "behind"
    except Exception as e:  # any driver error means "not ready"; the class alone is logged
        log.warning("readiness: database check failed: %s", type(e).__name__)
    checks["storage"] = "ok" if check_writable(current_app.config["REVIEWQ"].upload_dir) else "failed"
    ready = all(v == "ok" for v in checks.values())
    return _answer(200 if ready else 503, {"status": "ok" if ready else "unavailable", "checks": checks})


def _answer(status: int, body: dict):
    resp = jsonify(body)
    resp.status_code = status
    resp.headers["Cache-Control"] = "no-store"
    return resp


def init_app(app) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)
