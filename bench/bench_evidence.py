#!/usr/bin/env python3
"""Evidence pack time: one post with 10 revisions and 5 attachments (issue 13's target: < 2 s).

    python bench/bench_evidence.py [--repeat 5] [--database-url postgresql://...]

Seeds a small fresh database (SQLite in a temporary folder by default), builds the post through the
JSON API (5 PNG attachments, edits up to revision 10, a submit), then times GET /api/v1/drafts/{id}/evidence as an
admin: the checkpoint, the proof, the record, the WeasyPrint PDF and the ZIP. Prints median and max.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)   # this tree's reviewq, here and in the `reviewq seed` subprocess
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [REPO, os.environ.get("PYTHONPATH")]))
from _db import seeded  # noqa: E402  bench/_db.py (scripts run from bench/)


def _png(i: int) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (40 * i % 255, 90, 160)).save(buf, "PNG")
    return buf.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        os.environ.update(seeded(url, tmp, 100))
        from reviewq import create_app
        from reviewq.accounts.operations import create_token, create_user
        from reviewq.clock import now_utc
        from reviewq.extensions import db
        app = create_app()
        with app.app_context(), db.transaction() as s:
            staff = create_user(s, email="bench-staff@example.org", name="Bench Staff", roles=["staff"], now=now_utc())
            admin = create_user(s, email="bench-admin2@example.org", name="Bench Admin", roles=["admin"], now=now_utc())
            hs = {"Authorization": f"Bearer {create_token(s, staff, name='bench', now=now_utc())[1]}"}
            ha = {"Authorization": f"Bearer {create_token(s, admin, name='bench', now=now_utc())[1]}"}
        c = app.test_client()
        d = c.post("/api/v1/drafts", json={"body": "Flu shots at every clinic this week.", "channels": ["x"]},
                   headers=hs).get_json()
        assert "id" in d, d
        for i in range(5):
            r = c.post(f"/api/v1/drafts/{d['id']}/attachments", headers=hs,
                       data={"file": (io.BytesIO(_png(i)), f"photo{i}.png"), "alt_text": f"Clinic photo {i}"})
            assert r.status_code == 201, r.data[:200]
        for i in range(10 - c.get(f"/api/v1/drafts/{d['id']}", headers=hs).get_json()["revision"]):
            r = c.patch(f"/api/v1/drafts/{d['id']}", headers=hs,
                        json={"body": f"Flu shots at every clinic this week (edit {i + 1})."})
            assert r.status_code == 200, r.data[:200]
        c.post(f"/api/v1/drafts/{d['id']}/submit", headers=hs, json={})
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            r = c.get(f"/api/v1/drafts/{d['id']}/evidence", headers=ha)
            times.append(time.perf_counter() - t0)
            assert r.status_code == 200, r.data[:200]
        z = zipfile.ZipFile(io.BytesIO(r.data))
        import json
        rec = json.loads(z.read("record.json"))
        print(f"draft #{d['id']}: {len(rec['revisions'])} revisions, {len(rec['revisions'][-1]['attachments'])} "
              f"attachments; pack {len(r.data)} bytes (PDF {z.getinfo('evidence.pdf').file_size} bytes)")
        print(f"evidence pack: {statistics.median(times) * 1000:.0f} ms median, {max(times) * 1000:.0f} ms max "
              f"over {args.repeat} ({url.split(':')[0]}; target < 2000 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
