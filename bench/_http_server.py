#!/usr/bin/env python3
"""bench_http.py's servers: reviewq or a bare Flask app, under gunicorn (as `reviewq serve`) or waitress.

    python bench/_http_server.py {reviewq,bare} {gunicorn,waitress} PORT WORKERS THREADS

Both apps go through reviewq.server (the same gunicorn options, the same
waitress call), so the only difference measured is the application.
"""
from __future__ import annotations

import sys


def bare_app():
    """The ceiling: Flask routing, a JSON or HTML body of the same shape, nothing else."""
    from flask import Flask, jsonify, request
    app = Flask("bare")

    @app.get("/api/v1/drafts/<int:draft_id>")
    def draft(draft_id):
        return jsonify(id=draft_id, state="scheduled", channels=["facebook"], text="Seeded post " * 8)

    @app.post("/api/v1/scan")
    def scan():
        data = request.get_json()
        return jsonify(findings=[], length=len(data.get("text", "")))

    @app.get("/review")
    def page():
        return "<!doctype html><title>Review</title><h1>Review queue</h1>" + "<p>row</p>" * 50

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")
    return app


def main(which: str, server: str, port: int, workers: int, threads: int) -> None:
    from reviewq import server as srv
    from reviewq.config import load_settings
    settings = load_settings()
    if which == "reviewq":
        from reviewq import create_app
        app = create_app(settings)
    else:
        app = bare_app()
        app.config["REVIEWQ"] = settings
    if server == "waitress":
        srv._waitress(app, "127.0.0.1", port, threads * workers, settings)
    else:
        srv._gunicorn(app, "127.0.0.1", port, workers, threads, settings)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
