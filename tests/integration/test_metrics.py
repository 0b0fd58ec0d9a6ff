"""GET /metrics: off without a token, 401 for a wrong one, and figures read from the database."""
from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from reviewq.extensions import db
from reviewq.worker import run_once

TOKEN = "metrics-token-0123456789"


def samples(resp) -> dict:
    out = {}
    for fam in text_string_to_metric_families(resp.get_data(as_text=True)):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


@pytest.fixture
def metrics_on(settings):
    settings.metrics_token = TOKEN
    return settings


def test_404_when_no_token_is_configured(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer ",
                                    "Bearer \u00e9\u00e9"])
def test_401_for_a_missing_or_wrong_token(client, metrics_on, header):
    resp = client.get("/metrics", headers={"Authorization": header} if header else {})
    assert resp.status_code == 401 and "reviewq_drafts" not in resp.get_data(as_text=True)


def test_gauges_from_the_database_and_request_counts(app, client, session, factory, metrics_on):
    author = factory.user("staff", email="secret.patient@hospital.example")
    factory.submit(factory.draft(author, body="Flu shots at every clinic."))
    factory.draft(author)
    client.get("/login")
    client.get("/drafts/999999")
    resp = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 200 and resp.content_type.startswith("text/plain")
    assert resp.headers["Cache-Control"] == "no-store"
    got = samples(resp)
    assert got[("reviewq_drafts", (("state", "pending_review"),))] == 1
    assert got[("reviewq_drafts", (("state", "draft"),))] == 1
    assert got[("reviewq_drafts", (("state", "published"),))] == 0
    assert got[("reviewq_releases_due", ())] == 0
    assert ("reviewq_audit_head_age_seconds", ()) in got
    assert ("reviewq_worker_heartbeat_age_seconds", ()) not in got  # no worker has run yet
    logins = [v for (n, labels), v in got.items() if n == "reviewq_http_requests_total"
              and dict(labels)["endpoint"] == "auth.login" and dict(labels)["status"] == "200"]
    assert logins and logins[0] >= 1
    text = resp.get_data(as_text=True)
    # Labels carry endpoint names and states, never paths, ids, addresses or text.
    assert "999999" not in text and "secret.patient" not in text and "Flu" not in text


def test_outbox_depth_failures_and_heartbeat(app, client, session, factory, metrics_on):
    from reviewq.models import OutboxMessage
    now = factory.now
    session.add_all([OutboxMessage(kind="email.notice", dedupe_key="m1", payload={}, status="pending",
                                   next_attempt_at=now, created_at=now, result={}),
                     OutboxMessage(kind="email.notice", dedupe_key="m2", payload={}, status="failed",
                                   next_attempt_at=now, created_at=now, result={})])
    session.commit()
    with app.app_context():
        run_once(db, app.config["REVIEWQ"], now - timedelta(seconds=30))
    got = samples(client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}))
    assert got[("reviewq_outbox_pending", (("kind", "email.notice"),))] == 1
    assert got[("reviewq_outbox_failed", (("kind", "email.notice"),))] == 1
    assert got[("reviewq_worker_heartbeat_age_seconds", ())] >= 30


def test_due_and_late_releases(app, client, session, factory, metrics_on):
    from reviewq.models import Draft
    d = factory.approved_draft()
    from reviewq.releases.operations import schedule_release
    comms = factory.user("comms")
    schedule_release(session, comms, d.id, release_at=factory.now + timedelta(hours=1), now=factory.now)
    session.commit()
    row = session.get(Draft, d.id)
    row.release_at = factory.now - timedelta(hours=1)  # as if its time came while the worker was down
    session.commit()
    got = samples(client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}))
    assert got[("reviewq_releases_due", ())] == 1 and got[("reviewq_releases_late", ())] == 1


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.commits  # the serve subprocess reads the migrated database
def test_request_counts_are_summed_over_gunicorn_processes(app, settings, tmp_path):
    import os
    import subprocess
    import sys
    import time
    import urllib.request
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update({"REVIEWQ_DATABASE_URL": settings.database_url, "REVIEWQ_SECRET_KEY": "k",
                "REVIEWQ_INSTANCE_DIR": str(tmp_path / "inst"), "REVIEWQ_AUDIT_KEY": settings.audit_key,
                "REVIEWQ_METRICS_TOKEN": TOKEN})
    proc = subprocess.Popen([sys.executable, "-m", "reviewq", "serve", "--port", str(port), "--workers", "3",
                             "--threads", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).close()
                break
            except OSError:
                time.sleep(0.3)
        for _ in range(30):
            urllib.request.urlopen(base + "/healthz", timeout=5).close()
        counts = set()
        for _ in range(6):  # whichever process answers, it reports every process's requests
            req = urllib.request.Request(base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            with urllib.request.urlopen(req, timeout=10) as resp:
                text = resp.read().decode()
            fams = {s.labels.get("endpoint"): s.value for f in text_string_to_metric_families(text)
                    for s in f.samples if s.name == "reviewq_http_requests_total" and s.labels["status"] == "200"}
            counts.add(fams.get("health.healthz"))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    assert counts == {31.0}  # the one start-up probe that answered, then 30; the same from every process
