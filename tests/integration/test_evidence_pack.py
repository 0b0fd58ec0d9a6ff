"""The evidence pack of one post: the record, the PDF, the proof that `reviewq audit verify --pack` checks."""
from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from reviewq.audit.proof import verify_pack
from reviewq.models import AuditEvent
from tests.factories import csrf_from
from tests.integration.api_helpers import api_for


def _members(resp):
    z = zipfile.ZipFile(io.BytesIO(resp.data))
    return {n: z.read(n) for n in z.namelist()}


def test_an_auditor_downloads_a_pack_that_verifies(client, factory, session, tmp_path):
    approvers = factory.approvers()
    d = factory.approved_draft(approvers=approvers)
    session.flush()
    auditor = factory.user("auditor")
    r = api_for(client, factory, auditor).get(f"/drafts/{d.id}/evidence")
    assert r.status_code == 200 and r.mimetype == "application/zip", r.data[:300]
    files = _members(r)
    assert set(files) == {"record.json", "audit/proof.json", "evidence.pdf"}
    assert files["evidence.pdf"].startswith(b"%PDF-")
    rec = json.loads(files["record.json"])
    assert rec["draft_id"] == d.id and rec["revisions"][0]["content_hash"]
    decided = [(x["stage"], x["decision"], x["revision_hash"], x["via"]) for x in rec["decisions"]]
    assert [s for s, *_ in decided][:2] == ["review", "legal"] and all(v == "web" for *_, v in decided)
    assert all(h == rec["revisions"][0]["content_hash"] for _, _, h, _ in decided)
    assert any(e["action"].startswith("decision.") for e in rec["audit"]["events"])
    pack = tmp_path / "pack.zip"
    pack.write_bytes(r.data)
    code, line = verify_pack(session, pack)
    assert code == 0, line
    exported = session.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.export")).all()
    assert [(e.draft_id, e.actor_id) for e in exported] == [(d.id, auditor.id)]


def test_who_may_download(client, factory, session, login):
    author = factory.user("staff")
    d = factory.submit(factory.draft(author=author))
    other = factory.user("staff")
    assert api_for(client, factory, other).get(f"/drafts/{d.id}/evidence").status_code == 404
    assert api_for(client, factory, author).get(f"/drafts/{d.id}/evidence").status_code == 403
    assert api_for(client, factory, factory.user("auditor")).get("/drafts/999999/evidence").status_code == 404
    comms = api_for(client, factory, factory.user("comms"))
    assert comms.get(f"/drafts/{d.id}/evidence").status_code == 404     # not yet at comms: not theirs to see
    assert comms.get(f"/drafts/{factory.approved_draft().id}/evidence").status_code == 200
    login(factory.user("admin"))
    page = client.get(f"/drafts/{d.id}").get_data(as_text=True)
    assert "Download evidence pack" in page
    r = client.get(f"/drafts/{d.id}/evidence")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store" and "evidence.pdf" in _members(r)
