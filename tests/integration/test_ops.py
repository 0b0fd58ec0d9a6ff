"""Operations: /healthz, /readyz, `reviewq check-config`, JSON logs, `reviewq serve --workers`."""
from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from reviewq import create_app
from reviewq.config import ConfigError, load_settings
from reviewq.logging_setup import JsonFormatter
from reviewq.server import gunicorn_options

SECRET_TEXT = "Patient Zebulon Quarterfield loved the nurses"


@pytest.mark.commits  # /readyz opens its own connection
def test_healthz_and_readyz_answer_without_login_and_say_nothing_else(client):
    for path in ("/healthz", "/readyz"):
        resp = client.get(path)
        assert resp.status_code == 200 and resp.json["status"] == "ok"
        assert resp.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in resp.headers
    assert client.get("/readyz").json["checks"] == {"database": "ok", "migrations": "ok", "storage": "ok"}


@pytest.mark.commits  # /readyz opens its own connection
def test_readyz_is_503_when_storage_is_not_writable(settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.upload_dir = blocker
    with create_app(settings).test_client() as c:
        resp = c.get("/readyz")
    assert resp.status_code == 503 and resp.json["checks"]["storage"] == "failed"
    assert str(tmp_path) not in resp.get_data(as_text=True)


def _app_on(url, tmp_path):
    return create_app(load_settings(env={}, instance_dir=tmp_path / "inst", database_url=url,
                                    upload_dir=tmp_path / "up", secret_key="k", testing=True))


@pytest.fixture
def restore_db(migrated):
    yield
    from reviewq.extensions import db
    db.configure(migrated)


def test_readyz_is_503_with_an_unmigrated_database(tmp_path, restore_db):
    with _app_on(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path).test_client() as c:
        resp = c.get("/readyz")
    assert resp.status_code == 503
    assert resp.json["checks"] == {"database": "ok", "migrations": "behind", "storage": "ok"}


def test_readyz_is_503_without_leaking_when_the_database_is_down(tmp_path, restore_db):
    with _app_on("postgresql://reviewq:hunter2@127.0.0.1:1/nowhere", tmp_path).test_client() as c:
        resp = c.get("/readyz")
        assert c.get("/healthz").status_code == 200
    body = resp.get_data(as_text=True)
    assert resp.status_code == 503 and resp.json["checks"]["database"] == "failed"
    assert "hunter2" not in body and "127.0.0.1" not in body and "psycopg" not in body.lower()


# -- reviewq check-config -----------------------------------------------------------------------------

def _check_config(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("REVIEWQ_", "SLACK_", "AWS_"))}
    return subprocess.run([sys.executable, "-m", "reviewq", "check-config"], capture_output=True, text=True,
                          env={**base, "REVIEWQ_INSTANCE_DIR": str(tmp_path / "inst"), **env}, timeout=60)


def test_check_config_passes_a_good_environment(tmp_path):
    r = _check_config(tmp_path, REVIEWQ_TIMEZONE="Europe/Berlin", REVIEWQ_BASE_URL="https://reviewq.example.org",
                      SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", REVIEWQ_STORAGE_URL="s3://media/prod",
                      AWS_ENDPOINT_URL="http://127.0.0.1:9000", REVIEWQ_TRUSTED_PROXIES="1",
                      REVIEWQ_DATABASE_URL="postgresql://reviewq@db.example.org/reviewq")
    assert r.returncode == 0 and r.stdout.strip() == "configuration OK" and r.stderr == ""


def test_check_config_lists_every_problem_one_line_each_without_values(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    r = _check_config(tmp_path, REVIEWQ_TIMEZONE="Mars/Olympus", REVIEWQ_BASE_URL="reviewq.example.org",
                      REVIEWQ_DATABASE_URL="mysql://root:hunter2@db/reviewq", SLACK_BOT_TOKEN="xoxb-secret",
                      REVIEWQ_PUBLISH_WEBHOOK_SECRET="whsec", REVIEWQ_STORAGE_URL="s3://",
                      AWS_ACCESS_KEY_ID="AKIA", REVIEWQ_UPLOAD_DIR=str(a_file / "uploads"),
                      REVIEWQ_OUTBOX_DIR=str(a_file), REVIEWQ_TRUSTED_PROXIES="many", REVIEWQ_LOG_FORMAT="xml")
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.splitlines()
    expected = ["REVIEWQ_BASE_URL:", "REVIEWQ_DATABASE_URL:", "REVIEWQ_TIMEZONE:", "SLACK_SIGNING_SECRET:",
                "REVIEWQ_PUBLISH_WEBHOOK_URL:", "AWS_SECRET_ACCESS_KEY:", "REVIEWQ_STORAGE_URL:",
                "REVIEWQ_TRUSTED_PROXIES:", "REVIEWQ_UPLOAD_DIR:", "REVIEWQ_OUTBOX_DIR:", "REVIEWQ_LOG_FORMAT:"]
    for prefix in expected:
        assert sum(ln.startswith(prefix) for ln in lines) == 1, (prefix, r.stderr)
    assert len(lines) == len(expected)
    for secret in ("hunter2", "xoxb-secret", "whsec", "AKIA", "Mars/Olympus"):
        assert secret not in r.stderr


@pytest.mark.parametrize("env,needle", [
    ({"REVIEWQ_STORAGE_URL": "s3://"}, "bucket"),
    ({"REVIEWQ_STORAGE_URL": "gs://media"}, "s3://"),
    ({"REVIEWQ_TRUSTED_PROXIES": "-1"}, "REVIEWQ_TRUSTED_PROXIES"),
    ({"REVIEWQ_TRUSTED_PROXIES": "\u00b2"}, "REVIEWQ_TRUSTED_PROXIES"),
    ({"REVIEWQ_LOG_FORMAT": "yaml"}, "REVIEWQ_LOG_FORMAT"),
])
def test_settings_refuse_unusable_ops_values(tmp_path, env, needle):
    with pytest.raises(ConfigError, match=needle):
        load_settings(env={"REVIEWQ_INSTANCE_DIR": str(tmp_path), **env})


def test_settings_read_storage_proxies_and_log_format(tmp_path):
    s = load_settings(env={"REVIEWQ_INSTANCE_DIR": str(tmp_path), "REVIEWQ_STORAGE_URL": "s3://media/prod",
                           "AWS_ENDPOINT_URL": "http://127.0.0.1:9000", "REVIEWQ_TRUSTED_PROXIES": "2",
                           "REVIEWQ_LOG_FORMAT": "JSON"})
    assert (s.storage_url, s.s3_endpoint_url, s.trusted_proxies, s.log_format) == \
        ("s3://media/prod", "http://127.0.0.1:9000", 2, "json")
    s = load_settings(env={"REVIEWQ_INSTANCE_DIR": str(tmp_path), "REVIEWQ_STORAGE_URL": str(tmp_path / "files")})
    assert s.storage_url is None and s.upload_dir == tmp_path / "files" and s.trusted_proxies == 0


def test_the_server_believes_forwarded_headers_only_with_trusted_proxies(tmp_path):
    s = load_settings(env={"REVIEWQ_INSTANCE_DIR": str(tmp_path)})
    assert gunicorn_options("127.0.0.1", 5000, 2, 4, s)["forwarded_allow_ips"] == ""
    s.trusted_proxies = 1
    opts = gunicorn_options("::1", 5000, 2, 4, s)
    assert opts["forwarded_allow_ips"] == "*" and opts["bind"] == "[::1]:5000" and opts["workers"] == 2


# -- JSON logs ----------------------------------------------------------------------------------------

def test_json_log_lines_carry_no_exception_message():
    try:
        raise ValueError(SECRET_TEXT)
    except ValueError:
        record = logging.getLogger("reviewq").makeRecord("reviewq", logging.ERROR, __file__, 1,
                                                         "unhandled %s", ("ValueError",), sys.exc_info())
    line = JsonFormatter().format(record)
    out = json.loads(line)
    assert out["message"] == "unhandled ValueError" and out["exception"] == "ValueError" and out["where"]
    assert SECRET_TEXT not in line and "\n" not in line


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.commits  # the serve subprocess reads what the test wrote
def test_serve_with_workers_logs_json_lines_without_post_text(app, factory, settings, tmp_path):
    token = factory.token(factory.user("staff"))
    port = _free_port()
    env = {**os.environ, "REVIEWQ_DATABASE_URL": settings.database_url, "REVIEWQ_SECRET_KEY": "k",
           "REVIEWQ_INSTANCE_DIR": str(tmp_path / "inst"), "REVIEWQ_LOG_FORMAT": "json",
           "REVIEWQ_AUDIT_KEY": settings.audit_key}  # the same chain key as the events already written
    proc = subprocess.Popen([sys.executable, "-m", "reviewq", "serve", "--port", str(port), "--workers", "2"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).close()
                break
            except OSError:
                time.sleep(0.3)
        for path, body in (("/api/v1/drafts", {"body": SECRET_TEXT + " 123-45-6789", "channels": ["x"]}),
                           ("/api/v1/scan", {"text": SECRET_TEXT, "channels": ["x"]})):
            req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
            urllib.request.urlopen(req, timeout=30).close()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    records = [json.loads(ln) for ln in lines]  # every line is one JSON object
    assert SECRET_TEXT not in err and "123-45-6789" not in err
    assert {"method": "POST", "path": "/api/v1/drafts", "status": 201}.items() <= \
        next(r for r in records if r.get("path") == "/api/v1/drafts").items()
    booted = [r for r in records if r["logger"] == "gunicorn.error" and "Booting worker" in r["message"]]
    assert len(booted) == 2
