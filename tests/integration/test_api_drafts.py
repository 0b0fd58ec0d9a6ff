"""JSON API: drafts — create, read, list, edit, attach, download, submit, withdraw, history; and refusals."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from reviewq.models import AuditEvent, Draft, Revision
from tests.integration.api_helpers import api_for

from PIL import Image

CLEAN = "Flu shots are available at every clinic this week."


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


PNG = _png()


def test_create_draft_returns_201_with_the_draft(client, factory, session):
    api = api_for(client, factory, factory.user("staff"))
    r = api.post("/drafts", {"body": CLEAN, "channels": ["facebook", "x"],
                             "requested_release_at": "2030-01-05T09:00:00+01:00"})
    assert r.status_code == 201, r.json
    d = r.json
    assert d["state"] == "draft" and d["revision"] == 1 and d["body"] == CLEAN
    assert d["channels"] == ["x", "facebook"]
    assert d["requested_release_at"] == "2030-01-05T08:00:00Z"
    assert [h["action"] for h in d["history"]] == ["draft.create"]
    assert session.scalar(select(func.count()).select_from(Draft)) == 1


def test_create_refusals_name_the_field_and_store_nothing(client, factory, session):
    api = api_for(client, factory, factory.user("staff"))
    cases = [
        ({"body": CLEAN, "channels": ["myspace"]}, "channels.0"),
        ({"body": CLEAN}, "channels"),
        ({"body": CLEAN, "channels": ["x"], "colour": "red"}, "colour"),
        ({"body": CLEAN, "channels": ["x"], "requested_release_at": "2030-01-05T09:00:00"}, "requested_release_at"),
        ({"body": CLEAN, "channels": ["x"], "requested_release_at": "next tuesday"}, "requested_release_at"),
        ({"body": "   ", "channels": ["x"]}, "body"),
        ({"body": "a\x00b", "channels": ["x"]}, "body"),
        ({"body": 5, "channels": ["x"]}, "body"),
    ]
    for payload, field in cases:
        r = api.post("/drafts", payload)
        assert r.status_code == 422, (payload, r.json)
        assert field in r.json["fields"], (payload, r.json)
        assert r.json["error"]
    assert session.scalar(select(func.count()).select_from(Draft)) == 0


def test_malformed_json_wrong_type_and_oversized_bodies(client, factory, session):
    api = api_for(client, factory, factory.user("staff"))
    r = api.post("/drafts", data=b'{"body": ', headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.json["error"]
    r = api.post("/drafts", data=b"body=hi", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    r = api.post("/drafts", data=b"[1, 2]", headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    r = api.post("/drafts", data=b"[" * 100_000, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    deep = b'{"body": "x", "channels": ["x"], "title": ' + b"[" * 900 + b"]" * 900 + b"}"
    assert api.post("/drafts", data=deep, headers={"Content-Type": "application/json"}).status_code in (400, 422)
    r = api.post("/drafts", data=b'{"body": "x", "channels": ["x"], "title": "\\ud800"}',
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json["fields"] == {"title": "invalid characters"}
    big = b'{"body": "' + b"a" * (1024 * 1024 + 10) + b'", "channels": ["x"]}'
    r = api.post("/drafts", data=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "error" in r.json
    assert session.scalar(select(func.count()).select_from(Draft)) == 0


def test_other_users_draft_is_404_without_content(client, factory):
    d = factory.draft(body="Secret plans for the new wing.")
    api = api_for(client, factory, factory.user("staff"))
    for r in (api.get(f"/drafts/{d.id}"), api.get(f"/drafts/{d.id}/history"),
              api.patch(f"/drafts/{d.id}", {"body": "mine now"}), api.post(f"/drafts/{d.id}/submit"),
              api.post(f"/drafts/{d.id}/withdraw"), api.get("/drafts/999999"), api.get("/drafts/99999999999")):
        assert r.status_code == 404, r.json
        assert b"Secret" not in r.data


def test_approvers_see_only_what_reached_their_stage(client, factory):
    d = factory.submit(factory.draft())
    legal = api_for(client, factory, factory.user("legal"))
    reviewer = api_for(client, factory, factory.user("reviewer"))
    auditor = api_for(client, factory, factory.user("auditor"))
    assert legal.get(f"/drafts/{d.id}").status_code == 404
    assert reviewer.get(f"/drafts/{d.id}").status_code == 200
    assert auditor.get(f"/drafts/{d.id}").json["state"] == "pending_review"
    assert [x["id"] for x in legal.get("/drafts").json["drafts"]] == []


def test_list_filters_and_stable_cursor_pagination(client, factory):
    staff = factory.user("staff")
    ids = [factory.draft(staff, channels=("x",) if i % 2 else ("facebook",)).id for i in range(7)]
    factory.submit(Draft_by_id(factory, ids[0]))
    api = api_for(client, factory, staff)
    seen, cursor = [], None
    while True:
        r = api.get("/drafts", query_string={"limit": 3, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200
        seen += [x["id"] for x in r.json["drafts"]]
        cursor = r.json["next_cursor"]
        if cursor is None:
            break
        factory.draft(factory.user("staff"))  # someone else's new draft must not shift my pages
    assert seen == sorted(ids, reverse=True)
    assert [x["id"] for x in api.get("/drafts?channel=x").json["drafts"]] == [i for i in sorted(ids, reverse=True)
                                                                          if ids.index(i) % 2]
    assert [x["id"] for x in api.get("/drafts?state=pending_review").json["drafts"]] == [ids[0]]
    assert [x["id"] for x in api.get("/drafts?stage=review").json["drafts"]] == [ids[0]]
    assert len(api.get("/drafts?state=draft&state=pending_review").json["drafts"]) == 7
    assert api.get("/drafts?created_from=2100-01-01T00:00:00Z").json["drafts"] == []
    assert len(api.get(f"/drafts?author={staff.id}").json["drafts"]) == 7
    for bad in ("state=nope", "limit=0", "limit=abc", "created_from=2026-01-01T00:00:00", "cursor=-4", "cursor=9999999999",
                "channel=myspace", "mine=maybe"):
        r = api.get("/drafts?" + bad)
        assert r.status_code == 422, (bad, r.json)
        assert r.json["fields"], bad


def Draft_by_id(factory, draft_id):
    return factory.session.get(Draft, draft_id)


def test_edit_makes_a_revision_and_stale_revision_is_409(client, factory, session):
    staff = factory.user("staff")
    d = factory.draft(staff)
    api = api_for(client, factory, staff)
    r = api.patch(f"/drafts/{d.id}", {"body": CLEAN + " Walk-ins welcome.", "revision": 1})
    assert r.status_code == 200 and r.json["revision"] == 2 and r.json["body"].endswith("welcome.")
    r = api.put(f"/drafts/{d.id}", {"body": CLEAN, "channels": ["linkedin"], "revision": 1})
    assert r.status_code == 409
    r = api.put(f"/drafts/{d.id}", {"body": CLEAN})
    assert r.status_code == 422 and "channels" in r.json["fields"]
    r = api.put(f"/drafts/{d.id}", {"body": CLEAN, "channels": ["linkedin"], "revision": 2})
    assert r.status_code == 200 and r.json["revision"] == 3 and r.json["channels"] == ["linkedin"]
    r = api.patch(f"/drafts/{d.id}", {"channels": ["linkedin"]})  # nothing changed: no new revision
    assert r.json["revision"] == 3
    assert session.scalar(select(func.count()).select_from(Revision)) == 3


def test_attachment_upload_download_and_refusals(client, factory, app):
    staff = factory.user("staff")
    d = factory.draft(staff)
    api = api_for(client, factory, staff)
    r = api.post(f"/drafts/{d.id}/attachments", data={"file": (io.BytesIO(PNG), "flu.png"), "alt_text": "A nurse"},
                 content_type="multipart/form-data")
    assert r.status_code == 201, r.json
    att = r.json
    assert att["content_type"] == "image/png" and att["alt_text"] == "A nurse" and att["size"] == len(PNG)
    got = api.get(att["url"][len("/api/v1"):])
    assert got.status_code == 200 and got.data == PNG and got.mimetype == "image/png"
    full = api.get(f"/drafts/{d.id}").json
    assert full["revision"] == 2 and [a["id"] for a in full["attachments"]] == [att["id"]]
    other = api_for(client, factory, factory.user("staff"))
    assert other.get(att["url"][len("/api/v1"):]).status_code == 404
    r = api.post(f"/drafts/{d.id}/attachments", data={"file": (io.BytesIO(b"MZ\x90\x00 not an image"), "x.exe")},
                 content_type="multipart/form-data")
    assert r.status_code == 422 and "file" in r.json["fields"]
    r = api.post(f"/drafts/{d.id}/attachments", data={"alt_text": "no file"}, content_type="multipart/form-data")
    assert r.status_code == 422 and r.json["fields"] == {"file": "required"}
    r = api.post(f"/drafts/{d.id}/attachments", json={"file": "aGk="})
    assert r.status_code == 415
    app.config["REVIEWQ"].max_upload_bytes = 50
    r = api.post(f"/drafts/{d.id}/attachments", data={"file": (io.BytesIO(PNG), "big.png")},
                 content_type="multipart/form-data")
    assert r.status_code == 413 and "error" in r.json
    assert api.get(f"/drafts/{d.id}").json["revision"] == 2


def test_submit_blocked_returns_findings_and_missing_justifications(client, factory):
    staff = factory.user("staff")
    d = factory.draft(staff, body="Call John Smith at 555-867-5309, SSN 123-45-6789, about his results.")
    api = api_for(client, factory, staff)
    r = api.post(f"/drafts/{d.id}/submit")
    assert r.status_code == 422
    assert r.json["findings"] and all(f["severity"] == "block" for f in r.json["findings"])
    assert "missing_justifications" in r.json
    assert any(f["check"] == "phi" and f["category"] == "ssn" for f in r.json["findings"])
    full = api.get(f"/drafts/{d.id}").json
    assert full["state"] == "draft" and full["findings"], "the findings are kept on the revision"


def test_submit_with_warning_needs_justification(client, factory):
    staff = factory.user("staff")
    d = factory.draft(staff, body="Our new treatment cures migraines in 90% of patients.")
    api = api_for(client, factory, staff)
    r = api.post(f"/drafts/{d.id}/submit", {})
    assert r.status_code == 422
    keys = r.json["missing_justifications"]
    assert keys == ["sourcing:unsourced_claim:18-23"] and all(any(f["key"] == k for f in r.json["findings"]) for k in keys)
    r = api.post(f"/drafts/{d.id}/submit", {"justifications": {keys[0]: "ok"}})  # too short to count
    assert r.status_code == 422 and r.json["missing_justifications"] == keys
    r = api.post(f"/drafts/{d.id}/submit", {"justifications": {k: "Source: our 2025 trial, NEJM." for k in keys}})
    assert r.status_code == 200 and r.json["state"] == "pending_review"
    assert set(r.json["justifications"]) == set(keys)


def test_submit_clean_then_withdraw_and_history(client, factory):
    staff = factory.user("staff")
    d = factory.draft(staff)
    api = api_for(client, factory, staff)
    r = api.post(f"/drafts/{d.id}/submit", {"revision": 1})
    assert r.status_code == 200 and r.json["state"] == "pending_review"
    assert api.post(f"/drafts/{d.id}/submit").status_code == 409
    r = api.post(f"/drafts/{d.id}/withdraw")
    assert r.status_code == 200 and r.json["state"] == "withdrawn"
    assert api.post(f"/drafts/{d.id}/withdraw").status_code == 409
    h = api.get(f"/drafts/{d.id}/history").json["history"]
    assert [e["action"] for e in h] == ["draft.create", "draft.submit", "draft.withdraw"]
    assert all(e["actor"]["id"] == staff.id for e in h)
    assert CLEAN not in str(h)


def test_scan_returns_findings_and_stores_nothing(client, factory, session):
    api = api_for(client, factory, factory.user("staff"))
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    r = api.post("/scan", {"text": "Patient SSN 123-45-6789", "channels": ["x"]})
    assert r.status_code == 200
    assert any(f["category"] == "ssn" and f["start"] == 12 and f["end"] == 23 for f in r.json["findings"])
    assert api.post("/scan", {"text": CLEAN}).json["findings"] == []  # channels are optional
    assert api.post("/scan", {"channels": ["x"]}).status_code == 422
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
