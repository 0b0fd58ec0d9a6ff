"""No page, file or error page is cacheable, and files on disk are the service account's only (issue 16)."""
from __future__ import annotations

import stat
import time
from urllib.parse import urlencode

from reviewq.db import make_engine
from reviewq.publishers.payload import media_signature
from reviewq.storage import store
from tests.factories import PNG


def test_attachments_are_no_store_on_web_and_api(client, factory, login):
    author = factory.user("staff")
    d = factory.draft(author, attachments=[("a.png", PNG, "A plain square")])
    att = d.attachments[0]
    token = factory.token(author)
    api = client.get(f"/api/v1/drafts/{d.id}/attachments/{att.id}", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.headers["Cache-Control"] == "no-store"
    login(author)
    web = client.get(f"/drafts/{d.id}/attachments/{att.id}")
    assert web.status_code == 200 and web.headers["Cache-Control"] == "no-store"


def test_released_media_is_private_and_not_stored(app, client, factory):
    # Submitted, so the scan has made the stripped copy the media link serves.
    att = factory.submit(factory.draft(attachments=[("a.png", PNG, "A plain square")])).attachments[0]
    exp = int(time.time()) + 3600
    sig = media_signature(app.config["REVIEWQ"].secret_key, att.id, att.sha256, exp)
    resp = client.get(f"/releases/media/{att.id}?" + urlencode({"exp": exp, "sig": sig}))
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "private, no-store" and "public" not in resp.headers["Cache-Control"]


def test_error_pages_are_no_store(client, factory, login):
    for path in ("/no-such-page", "/api/v1/no-such-thing", "/drafts/999"):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path
    login(factory.user("staff"))
    resp = client.get("/drafts/999")
    assert resp.status_code == 404 and resp.headers["Cache-Control"] == "no-store"
    assert client.post("/logout").headers["Cache-Control"] == "no-store"  # 400: no CSRF token


def test_sqlite_database_and_upload_folder_are_private(tmp_path):
    db_path = tmp_path / "inst" / "reviewq.db"
    engine = make_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
    uploads = tmp_path / "data" / "uploads"
    import io
    stored = store(io.BytesIO(PNG), uploads, 1024 * 1024)
    assert stat.S_IMODE(uploads.stat().st_mode) == 0o700
    f = uploads / stored.storage_key
    assert stat.S_IMODE(f.stat().st_mode) == 0o600 and stat.S_IMODE(f.parent.stat().st_mode) == 0o700
