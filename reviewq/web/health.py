"""GET /healthz and GET /readyz for load balancers and orchestrators.

No login, no session, and nothing in the answer an outsider could use: the
checks' names and ok/failed, never an error text, a path or a version.
/healthz says the process answers; /readyz that this host can serve users now:
the database answers, its schema is at the newest migration, storage is writable.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from reviewq.extensions import csrf, db
from reviewq.readiness import readiness

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    return _answer(200, {"status": "ok"})


@bp.route("/readyz")
def readyz():
    checks = readiness(db, current_app.config["REVIEWQ"].upload_dir)
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
