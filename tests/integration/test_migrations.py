"""The Alembic migrations and the SQLAlchemy models describe the same schema."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from reviewq.db import make_engine
from reviewq.migrate import is_current, upgrade
from reviewq.models import Base


def test_models_match_migrations(migrated):
    engine = make_engine(migrated)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_upgrade_is_idempotent(migrated):
    engine = make_engine(migrated)
    upgrade(engine)
    assert is_current(engine)
    engine.dispose()
