"""The audit page's family filter reads each action's newest rows (keyset) and merges them: it must give
exactly the pages the plain filtered query gives, cursor after cursor, sign-ins hidden or not."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert

from reviewq.audit.queries import AuditFilter, _filtered, audit_page
from reviewq.models import AuditEvent

ACTIONS = ["auth.login", "decision.review.approve", "decision.legal.reject", "draft.create", "setting.change",
           "release.publish", "decision.comms.approve"]


def _seed(session, n=400):
    rnd, t0 = random.Random(7), datetime(2026, 1, 1, tzinfo=timezone.utc)
    session.execute(insert(AuditEvent), [
        {"seq": i, "at": t0 + timedelta(minutes=i), "actor_id": None, "action": rnd.choice(ACTIONS),
         "draft_id": None, "data": {}, "prev_hash": f"{i:064x}", "hash": f"{i:064x}", "mac": None}
        for i in range(1, n + 1)])
    session.flush()


def _walk(session, f, limit):
    seqs, before = [], None
    while True:
        page = audit_page(session, f, before=before, limit=limit)
        seqs += [e.seq for e in page.events]
        if page.next_before is None:
            return seqs
        before = page.next_before


def test_family_pages_match_the_plain_query(session):
    _seed(session)
    for fams, sign_ins in ((("decision",), False), (("setting",), False), (("decision", "release"), False),
                           (("signin",), False), (("draft",), True), (("audit",), False)):
        f = AuditFilter(families=fams, sign_ins=sign_ins)
        expected = [e.seq for e in session.scalars(_filtered(session, f).order_by(AuditEvent.seq.desc()))]
        assert _walk(session, f, 7) == expected, fams
    assert audit_page(session, AuditFilter(families=("decision",)), before=1).events == []
