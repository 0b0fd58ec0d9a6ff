"""The audit log page (issue 13): filters, sentences, keyset pages, the streamed CSV and its own audit event."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from reviewq.models import AuditEvent


def _actions(html: str) -> list[str]:
    return [part.split("</code>")[0] for part in html.split("<code>")[1:]]


@pytest.fixture
def world(factory):
    author = factory.user("staff", name="Sam Staff")
    other = factory.user("staff", name="Olive Other")
    d1 = factory.submit(factory.draft(author))
    d2 = factory.draft(other)
    return author, other, d1, d2


def test_sign_ins_are_hidden_unless_asked_for(client, factory, login, world):
    login(factory.user("auditor"))
    html = client.get("/audit").get_data(as_text=True)
    assert "auth.login" not in _actions(html) and "draft.create" in _actions(html)
    html = client.get("/audit?signins=1").get_data(as_text=True)
    assert "auth.login" in _actions(html)
    only = _actions(client.get("/audit?family=signin").get_data(as_text=True))
    assert only and set(only) == {"auth.login"}


def test_filters_by_user_draft_family_and_dates(client, factory, login, world):
    author, other, d1, d2 = world
    login(factory.user("admin"))
    by_other = _actions(client.get(f"/audit?user={other.id}").get_data(as_text=True))
    assert by_other == ["draft.create"]
    by_email = _actions(client.get(f"/audit?user={author.email}").get_data(as_text=True))
    assert by_email == ["draft.submit", "draft.create"]
    assert _actions(client.get(f"/audit?draft={d2.id}").get_data(as_text=True)) == ["draft.create"]
    accounts = _actions(client.get("/audit?family=account").get_data(as_text=True))
    assert accounts and all(a.startswith("user.") for a in accounts)
    mixed = set(_actions(client.get("/audit?family=account&family=draft").get_data(as_text=True)))
    assert {"draft.create", "draft.submit"} <= mixed and any(a.startswith("user.") for a in mixed)
    day = factory.now.date()
    assert "draft.create" in _actions(client.get(f"/audit?from={day}&to={day}").get_data(as_text=True))
    html = client.get(f"/audit?from=2001-01-01&to=2001-01-02").get_data(as_text=True)
    assert _actions(html) == [] and "No events match" in html


def test_details_are_sentences_not_json(client, factory, login, world):
    login(factory.user("auditor"))
    html = client.get("/audit").get_data(as_text=True)
    assert "Submitted revision 1 for review with" in html
    assert "Created the draft revision 1 for facebook." in html
    assert "content_hash" not in html and "{&#34;" not in html and '{"' not in html


@pytest.mark.parametrize("query, message", [
    ("user=999999", "No such user"),
    ("user=nobody@example.org", "No such user"),
    ("draft=abc", "draft number"),
    ("from=2026-13-01", "is not a date"),
    ("from=yesterday", "is not a date"),
    ("from=2026-05-02&to=2026-05-01", "before the start date"),
    ("from=2015-01-01&to=2026-01-01", "longer than 5 years"),
    ("family=gossip", "Unknown kind of event"),
    ("before=xyz", "page cursor"),
])
def test_bad_filters_are_a_400_with_a_message(client, factory, login, query, message):
    login(factory.user("auditor"))
    resp = client.get(f"/audit?{query}")
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)
    if not query.startswith("before"):
        resp = client.get(f"/audit/export.csv?{query}")
        assert resp.status_code == 400 and message in resp.get_data(as_text=True)


def test_pages_follow_seq_with_the_filter_kept(client, factory, login, session):
    author = factory.user("staff")
    drafts = [factory.draft(author) for _ in range(55)]
    login(factory.user("auditor"))
    first = client.get(f"/audit?user={author.id}").get_data(as_text=True)
    assert _actions(first) == ["draft.create"] * 50
    link = first.split('Older events')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert f"user={author.id}" in link and "before=" in link
    second = client.get(link).get_data(as_text=True)
    assert _actions(second) == ["draft.create"] * 5 and "Older events" not in second
    assert f"#{drafts[0].id}<" in second and f"#{drafts[0].id}<" not in first


def test_csv_export_streams_the_filtered_view_and_is_audited(client, factory, login, session, world):
    author, other, d1, d2 = world
    auditor = login(factory.user("auditor"))
    resp = client.get(f"/audit/export.csv?user={author.id}")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.is_streamed and "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [r["action"] for r in rows] == ["draft.submit", "draft.create"]
    assert rows[0]["actor"] == "Sam Staff" and rows[0]["draft_id"] == str(d1.id)
    assert rows[0]["summary"].startswith("Submitted revision 1") and '"revision": 1' in rows[0]["data"]
    ev = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert ev.action == "audit.export" and ev.actor_id == auditor.id and ev.data["filter"] == {"user": author.id}
    html = client.get("/audit?family=audit").get_data(as_text=True)
    assert "Downloaded a CSV of the audit log (user #" in html


def test_csv_export_reads_in_batches(factory, session):
    # More events than one batch: every row arrives once, newest first, one chunk per batch.
    from reviewq.audit.queries import AuditFilter, export_rows
    author = factory.user("staff")
    for _ in range(20):
        factory.draft(author)
    chunks = list(export_rows(session, AuditFilter(actor=author), batch=7))
    assert len(chunks) == 1 + 3   # the header, then 7 + 7 + 6 rows
    rows = list(csv.DictReader(io.StringIO("".join(chunks))))
    seqs = [int(r["seq"]) for r in rows]
    assert len(seqs) == 20 and seqs == sorted(seqs, reverse=True)


@pytest.mark.parametrize("roles", [("staff",), ("reviewer",), ("legal",), ("comms",)])
def test_only_auditors_and_admins_read_or_export(client, factory, login, roles):
    login(factory.user(*roles))
    assert client.get("/audit").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
