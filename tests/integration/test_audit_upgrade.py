"""A database created before the chain was keyed upgrades without rewriting its history."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from alembic import command
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from reviewq.audit import keys
from reviewq.audit.chain import GENESIS, legacy_hash
from reviewq.config import load_settings
from reviewq.db import make_engine
from reviewq.migrate import alembic_config, upgrade
from reviewq.models import AuditEvent
from reviewq.models.audit import append_event
from reviewq.audit.verify import verify
from tests.conftest import AUDIT_KEY

T0 = datetime(2025, 5, 1, 9, tzinfo=timezone.utc)


def _legacy_database(url: str) -> None:
    engine = make_engine(url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004_releases")
        prev = GENESIS
        for seq in (1, 2, 3):
            at, data = T0 + timedelta(minutes=seq), {"n": seq}
            digest = legacy_hash(prev, seq, at, None, "legacy.event", None, data)
            conn.execute(insert(AuditEvent.__table__).values(
                seq=seq, at=at, actor_id=None, action="legacy.event", draft_id=None, data=data,
                prev_hash=prev, hash=digest))
            prev = digest
        conn.execute(text("UPDATE audit_head SET seq = 3, last_hash = :h WHERE id = 1"), {"h": prev})
    engine.dispose()


def test_an_unkeyed_database_upgrades_verifies_and_is_keyed_from_then_on(tmp_path, settings):
    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    _legacy_database(url)
    engine = make_engine(url)
    upgrade(engine)
    keys.configure(load_settings(env={}, instance_dir=tmp_path / "inst", database_url=url, secret_key="x",
                                 audit_key=AUDIT_KEY))
    try:
        with Session(engine) as s:
            v = verify(s)
            assert v.ok and (v.checked, v.legacy, v.keyed_from) == (3, 3, 4), v.summary()
            append_event(s, "keyed.event", data={"n": 4}, now=T0 + timedelta(hours=1))
            s.commit()
            v = verify(s)
            assert v.ok and (v.checked, v.legacy) == (4, 3) and "unkeyed" in v.summary()
            assert s.execute(text("SELECT mac FROM audit_events WHERE seq = 4")).scalar()
            s.execute(text("UPDATE audit_events SET data = '{\"n\": 22}' WHERE seq = 2"))
            s.commit()
            v = verify(s)
            assert not v.ok and v.broken.seq == 2 and "altered" in v.reason
    finally:
        keys.configure(settings)
        engine.dispose()
