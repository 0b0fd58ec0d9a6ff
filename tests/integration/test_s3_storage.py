"""Attachments in an S3-compatible bucket (moto's server on loopback): every host sees every file."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from reviewq import create_app
from reviewq.publishers.payload import media_url
from tests.factories import PNG
from tests.integration.api_helpers import Api
from tests.s3server import s3, s3_endpoint, s3_env  # noqa: F401  (fixtures)

# serve subprocesses, /readyz and the moto server read what the test wrote: real commits.
pytestmark = pytest.mark.commits


@pytest.fixture
def settings(settings, s3):
    _, bucket = s3
    settings.storage_url = f"s3://{bucket}/media"
    settings.s3_endpoint_url = os.environ["AWS_ENDPOINT_URL"]
    return settings


def _other_host(settings, tmp_path):
    """A second app as on another web host: same database and bucket, its own empty upload folder."""
    from dataclasses import replace
    return create_app(replace(settings, upload_dir=tmp_path / "host-b-uploads"))


def test_an_upload_is_written_to_the_bucket_under_its_prefix(factory, s3, settings):
    client, bucket = s3
    d = factory.draft(attachments=[("a.png", PNG, "a grey square")])
    att = d.attachments[0]
    obj = client.get_object(Bucket=bucket, Key=f"media/{att.storage_key}")
    assert obj["Body"].read() == PNG and obj["ContentType"] == "image/png"


def test_another_host_serves_the_attachment_and_its_released_media_link(factory, settings, tmp_path):
    staff = factory.user("staff")
    d = factory.submit(factory.draft(author=staff, attachments=[("a.png", PNG, "a grey square")]))
    att = d.attachments[0]
    token = factory.token(staff)
    host_b = _other_host(settings, tmp_path)
    cache = tmp_path / "host-b-uploads" / att.storage_key
    assert not cache.exists()
    with host_b.test_client() as b:
        resp = Api(b, token).get(f"/drafts/{d.id}/attachments/{att.id}")
        assert resp.status_code == 200 and resp.data == PNG
        assert cache.read_bytes() == PNG  # fetched once, then served from this host's cache
        link = urlsplit(media_url(settings.base_url, settings.secret_key, att.id, att.sha256, datetime.now(timezone.utc)))
        resp = b.get(f"{link.path}?{link.query}")
        assert resp.status_code == 200 and resp.mimetype == "image/png"


def test_a_file_in_neither_the_cache_nor_the_bucket_is_404(factory, s3, settings, tmp_path):
    client, bucket = s3
    staff = factory.user("staff")
    d = factory.draft(author=staff, attachments=[("a.png", PNG, "a grey square")])
    att = d.attachments[0]
    client.delete_object(Bucket=bucket, Key=f"media/{att.storage_key}")
    with _other_host(settings, tmp_path).test_client() as b:
        resp = Api(b, factory.token(staff)).get(f"/drafts/{d.id}/attachments/{att.id}")
    assert resp.status_code == 404 and resp.json["error"]


def test_an_unreachable_bucket_refuses_the_upload_with_503_and_keeps_no_row(client, factory, s3, settings):
    client_s3, bucket = s3
    staff = factory.user("staff")
    api = Api(client, factory.token(staff))
    d = api.post("/drafts", json={"body": "Flu shots this week.", "channels": ["facebook"]}).json
    client_s3.delete_bucket(Bucket=bucket)
    resp = api.post(f"/drafts/{d['id']}/attachments", data={"file": (__import__("io").BytesIO(PNG), "a.png"),
                                                            "alt_text": "grey"}, content_type="multipart/form-data")
    assert resp.status_code == 503 and "shared storage" in resp.json["error"]
    assert api.get(f"/drafts/{d['id']}").json["attachments"] == []
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["storage"] == "failed"


def test_readyz_writes_to_the_bucket(client):
    resp = client.get("/readyz")
    assert resp.status_code == 200 and resp.json["checks"] == {"database": "ok", "migrations": "ok", "storage": "ok"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(port: int, proc) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("serve did not answer /healthz within 60 s")


def _request(port, path, token, data=None, content_type=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                 headers={"Authorization": f"Bearer {token}",
                                          **({"Content-Type": content_type} if content_type else {})})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.read()


def test_two_serve_processes_on_different_ports_show_the_same_attachment(app, factory, settings, s3_env, tmp_path):
    import json
    staff = factory.user("staff")
    token = factory.token(staff)
    env = {**os.environ, **s3_env, "REVIEWQ_DATABASE_URL": settings.database_url,
           "REVIEWQ_SECRET_KEY": settings.secret_key, "REVIEWQ_STORAGE_URL": settings.storage_url,
           "REVIEWQ_AUDIT_KEY": settings.audit_key}  # the same chain key as the events already written
    procs, ports = [], []
    try:
        for host in ("a", "b"):
            port = _free_port()
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "reviewq", "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
                env={**env, "REVIEWQ_INSTANCE_DIR": str(tmp_path / f"host-{host}")}, cwd=Path.cwd(),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
            ports.append(port)
        for port, proc in zip(ports, procs):
            _wait_up(port, proc)
        a, b = ports
        _, body = _request(a, "/api/v1/drafts", token, json.dumps(
            {"body": "Flu shots this week.", "channels": ["facebook"]}).encode(), "application/json")
        draft_id = json.loads(body)["id"]
        boundary = "rqboundary"
        form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"alt_text\"\r\n\r\ngrey\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
                f"Content-Type: image/png\r\n\r\n").encode() + PNG + f"\r\n--{boundary}--\r\n".encode()
        status, body = _request(a, f"/api/v1/drafts/{draft_id}/attachments", token, form,
                                f"multipart/form-data; boundary={boundary}")
        assert status == 201
        att_id = json.loads(body)["id"]
        host_b_files = lambda: [p for p in (tmp_path / "host-b" / "uploads").rglob("*") if p.is_file()]  # noqa: E731
        assert host_b_files() == []  # host b has never seen the file
        status, body = _request(b, f"/api/v1/drafts/{draft_id}/attachments/{att_id}", token)
        assert status == 200 and body == PNG
        assert [p.read_bytes() for p in host_b_files()] == [PNG]
        for port in ports:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as resp:
                assert json.loads(resp.read())["status"] == "ok"
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
