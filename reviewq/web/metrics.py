"""GET /metrics (blueprint `metrics`): Prometheus text, behind `Authorization: Bearer $REVIEWQ_METRICS_TOKEN`.

404 while the token is unset (the endpoint does not exist then), 401 for a
missing or wrong token (compared in constant time). init_app() counts every
answered request by endpoint name and status (reviewq.metrics.requests).
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from reviewq.clock import now_utc
from reviewq.extensions import db
from reviewq.metrics.queries import system_gauges
from reviewq.metrics.requests import count_request, exposition, token_ok

bp = Blueprint("metrics", __name__)


@bp.route("/metrics", methods=["GET"])
def metrics():
    expected = current_app.config["REVIEWQ"].metrics_token
    if not expected:
        return Response("Not Found\n", 404, mimetype="text/plain")
    if not token_ok(expected, request.headers.get("Authorization")):
        return Response("Unauthorized\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'},
                        mimetype="text/plain")
    body, content_type = exposition(system_gauges(db.session, now_utc()))
    return Response(body, 200, {"Cache-Control": "no-store"}, content_type=content_type)


def init_app(app) -> None:
    @app.after_request
    def _count(response):
        count_request(request.url_rule.endpoint if request.url_rule else None, request.method,
                      response.status_code)
        return response
