"""Real concurrent transactions: two approvers click at the same moment, exactly one wins."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reviewq.core.errors import ConflictError, ReviewqError
from reviewq.extensions import db
from reviewq.models import Decision, User
from reviewq.review import operations as decisions

pytestmark = pytest.mark.commits  # threads race on their own connections


def _race(app, draft_id, user_ids, now, rounds=1):
    barrier = threading.Barrier(len(user_ids))
    outcomes = []

    def attempt(uid):
        with Session(db.engine, expire_on_commit=False) as s:
            barrier.wait()
            try:
                decisions.decide(s, s.get(User, uid), draft_id, "approve", revision=1, now=now)
                s.commit()
                outcomes.append("won")
            except ReviewqError as e:
                s.rollback()
                outcomes.append(type(e).__name__)

    threads = [threading.Thread(target=attempt, args=(u,)) for u in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


@pytest.mark.parametrize("n", [2, 4])
def test_concurrent_approvals_of_one_stage_exactly_one_wins(app, factory, session, n):
    reviewers = [factory.user("reviewer") for _ in range(n)]
    d = factory.submit(factory.draft())
    outcomes = _race(app, d.id, [r.id for r in reviewers], factory.tick())
    assert outcomes.count("won") == 1, outcomes
    assert all(o == ConflictError.__name__ for o in outcomes if o != "won"), outcomes
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Decision).where(Decision.draft_id == d.id)) == 1


@pytest.mark.postgres
def test_postgres_row_lock_serialises_deciders(app, factory, session):
    assert db.is_postgres
    reviewers = [factory.user("reviewer") for _ in range(6)]
    d = factory.submit(factory.draft())
    outcomes = _race(app, d.id, [r.id for r in reviewers], factory.tick())
    assert outcomes.count("won") == 1, outcomes
