"""Attacks on the audit record, as someone with write access to the database (but not the key) makes them."""
from __future__ import annotations

from sqlalchemy import select, text, update

from reviewq.audit.chain import GENESIS, event_hash, legacy_hash
from reviewq.models import AuditEvent, AuditHead
from tests.conftest import AUDIT_TABLES


def tamper(session, *statements) -> None:
    """Run raw writes on the audit tables and commit; on PostgreSQL the owner switches the triggers off meanwhile."""
    postgres = session.get_bind().dialect.name == "postgresql"
    for t in AUDIT_TABLES if postgres else ():
        session.execute(text(f"ALTER TABLE {t} DISABLE TRIGGER USER"))
    for statement in statements:
        session.execute(statement)
    for t in AUDIT_TABLES if postgres else ():
        session.execute(text(f"ALTER TABLE {t} ENABLE TRIGGER USER"))
    session.commit()
    session.expire_all()


def events(session) -> list[AuditEvent]:
    return session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()


def rehash_everything(session, *, legacy: bool = False) -> None:
    """Recompute every hash with the public formula (and fake seals), then point the head at the end."""
    session.expire_all()
    rows, prev, statements = events(session), GENESIS, []
    formula = legacy_hash if legacy else event_hash
    for ev in rows:
        digest = formula(prev, ev.seq, ev.at, ev.actor_id, ev.action, ev.draft_id, ev.data)
        statements.append(update(AuditEvent).where(AuditEvent.id == ev.id)
                          .values(prev_hash=prev, hash=digest, mac="0" * 64))
        prev = digest
    head = {"last_hash": prev}
    if legacy:  # claim every event predates keying, so no seal is checked
        head["keyed_from"] = rows[-1].seq + 1
    # Unique hashes: clear them first so the rewrite cannot collide with itself.
    tamper(session, update(AuditEvent).values(hash=AuditEvent.id.cast(AuditEvent.hash.type)), *statements,
           update(AuditHead).where(AuditHead.id == 1).values(**head))
