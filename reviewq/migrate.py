"""Schema upgrades through Alembic (the only way the schema changes)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from reviewq.resources import resource_dir


def alembic_config(url: str | None = None) -> Config:
    where = resource_dir("migrations")
    cfg = Config(str(where / "alembic.ini"))
    cfg.set_main_option("script_location", str(where))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine) -> None:
    """Upgrade to every head; idempotent."""
    if engine.dialect.name == "sqlite":
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True) if engine.url.database else None
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def is_current(engine) -> bool:
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) == heads
