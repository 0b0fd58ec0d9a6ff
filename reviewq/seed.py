"""`reviewq seed`: fast synthetic drafts over every state and the next 90 days.

Bulk inserts straight through the DBAPI (one executemany per table and batch, values converted once), not the
services: 100,000 drafts must take well under a minute. One audit event
records the seeding itself.
"""
from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import JSON, func, insert, select, text

from reviewq.core import workflow as wf
from reviewq.core.permissions import REACHED
from reviewq.core.roles import CHANNELS
from reviewq.accounts.operations import hash_password
from reviewq.clock import now_utc
from reviewq.models import Decision, Draft, Revision, User, UserRole
from reviewq.models.audit import append_event

BATCH = 5000
SUBJECTS = ["flu clinic", "blood drive", "new MRI suite", "nurses week", "visiting hours", "parking changes",
            "heart health talk", "volunteer fair", "cancer screening day", "hand hygiene"]
STATES = list(wf.State)
STAGE_NAMES = [s.name for s in wf.STAGES]
APPROVED_STAGES = {"pending_legal": 1, "pending_comms": 2, "approved": 3, "scheduled": 3, "published": 3}


def _seed_users(session, rng, now) -> dict[str, list[int]]:
    pw = None  # hashed once, and only when a user is missing (Argon2 costs about a second)
    by_role: dict[str, list[int]] = {}
    for role, count in (("staff", 20), ("reviewer", 4), ("legal", 3), ("comms", 3)):
        for i in range(count):
            email = f"seed-{role}-{i}@seed.reviewq.test"
            uid = session.scalar(select(User.id).where(User.email == email))
            if uid is None:
                pw = pw or hash_password("seeded-user-password")
                u = User(email=email, name=f"Seeded {role.title()} {i}", password_hash=pw, created_at=now)
                u.role_rows = [UserRole(role=role)]
                session.add(u)
                session.flush()
                uid = u.id
            by_role.setdefault(role, []).append(uid)
    return by_role


def seed_drafts(db, n: int, seed: int = 1) -> int:
    """Add `n` synthetic drafts to the reviewq.db.Database `db`; returns how many were added."""
    rng = random.Random(seed)
    now = now_utc().replace(second=0, microsecond=0)
    with db.transaction() as s:
        users = _seed_users(s, rng, now)
        start = (s.scalar(select(func.max(Draft.id))) or 0) + 1
        rev_start = (s.scalar(select(func.max(Revision.id))) or 0) + 1
        dec_start = (s.scalar(select(func.max(Decision.id))) or 0) + 1
    for lo in range(0, n, BATCH):
        rows = _batch(rng, users, now, start + lo, min(BATCH, n - lo), rev_start + lo, dec_start + lo * 3)
        with db.transaction() as s:
            # Core executemany on the tables, not ORM bulk inserts: the ORM sent one INSERT per row
            # (the version counter and defaults it tracks), a quarter of the throughput.
            conn = s.connection()
            for model, batch in zip((Draft, Revision, Decision), rows):
                _insert_many(conn, model.__table__, batch)
    with db.transaction() as s:
        if s.bind.dialect.name == "postgresql":
            for table in ("drafts", "revisions", "decisions"):
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
        append_event(s, "seed.drafts", now=now_utc(), data={"count": n, "seed": seed})
    return n


def _insert_many(conn, table, rows: list[dict]) -> None:
    """One DBAPI executemany of `rows` into `table`, values converted here once for the dialect.

    SQLAlchemy's per-value bind processing (UTC datetimes, JSON) was half the
    seeding time; the rows come from _batch, so their types are known: aware
    UTC datetimes, lists and dicts for JSON, plain numbers and strings.
    """
    if not rows:
        return
    keys = list(rows[0])
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=keys)
    sqlite = conn.dialect.name == "sqlite"
    json_cols = {c.name for c in table.columns if isinstance(c.type, JSON)}

    def value(k, v):
        if v is None:
            return None
        if k in json_cols:
            return json.dumps(v)
        if isinstance(v, datetime):
            return v.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else v
        return v
    if conn.dialect.name == "postgresql":
        # COPY: one stream per table and batch (executemany still waited for each row's answer).
        cols = ", ".join(f'"{k}"' for k in keys)
        with conn.connection.dbapi_connection.cursor() as cur:
            with cur.copy(f'COPY {table.name} ({cols}) FROM STDIN') as copy:
                for r in rows:
                    copy.write_row([value(k, r[k]) for k in keys])
        return
    if compiled.positional:
        order = compiled.positiontup
        params = [tuple(value(k, r[k]) for k in order) for r in rows]
    else:
        params = [{k: value(k, r[k]) for k in keys} for r in rows]
    conn.exec_driver_sql(str(compiled), params)


def _batch(rng, users, now, first_id, count, first_rev, first_dec):
    drafts, revisions, decisions = [], [], []
    dec_id = first_dec
    for i in range(count):
        did = first_id + i
        state = STATES[i % len(STATES)] if rng.random() < 0.5 else rng.choice(STATES)
        author = rng.choice(users["staff"])
        channels = sorted(rng.sample(CHANNELS[:4], rng.randint(1, 3)), key=CHANNELS.index)
        when = now + timedelta(minutes=rng.randrange(0, 90 * 24 * 60, 15))
        body = f"Seeded post {did}: join us for the {rng.choice(SUBJECTS)} on {when:%B %d}. #community"
        release = published = None
        if state == wf.State.SCHEDULED:
            release = when
        elif state == wf.State.PUBLISHED:
            release = published = now - timedelta(minutes=rng.randrange(15, 30 * 24 * 60, 15))
        reached = REACHED.get(state, 4 if state in (wf.State.SCHEDULED, wf.State.PUBLISHED) else
                              (1 if state in (wf.State.CHANGES_REQUESTED, wf.State.REJECTED) else 0))
        drafts.append(dict(id=did, author_id=author, title="", channels=channels, requested_release_at=when,
                           state=state.value, current_revision=1, reached=reached,
                           stage_entered_at=now if state in wf.PENDING_STATES else None,
                           release_at=release, published_at=published, release_attempts=0,
                           created_at=now, updated_at=now, version=1))
        revisions.append(dict(id=first_rev + i, draft_id=did, number=1, body=body, channels=channels,
                              attachments=[], content_hash=hashlib.sha256(body.encode()).hexdigest(),
                              findings=[], justifications={}, created_by_id=author, created_at=now,
                              submitted_at=now if reached or state != wf.State.DRAFT else None))
        for k in range(APPROVED_STAGES.get(state.value, 0)):
            role = ("reviewer", "legal", "comms")[k]
            decisions.append(dict(id=dec_id, draft_id=did, revision_number=1, stage=STAGE_NAMES[k],
                                  user_id=users[role][k % len(users[role])], decision="approve", comment="",
                                  via="seed", voided=False, created_at=now))
            dec_id += 1
        if state in (wf.State.CHANGES_REQUESTED, wf.State.REJECTED):
            decisions.append(dict(id=dec_id, draft_id=did, revision_number=1, stage="review",
                                  user_id=users["reviewer"][0], via="seed", voided=False, created_at=now,
                                  decision="request_changes" if state == wf.State.CHANGES_REQUESTED else "reject",
                                  comment="Seeded reason: please cite a source."))
            dec_id += 1
    return drafts, revisions, decisions
