"""Test fixtures: one database per test session, upgraded with Alembic; each test rolled back.

The database is SQLite in a temporary folder unless REVIEWQ_TEST_DATABASE_URL
names another (CI sets it to the local PostgreSQL too).

Each test runs inside one outer transaction on one connection, and the
session joins it with a SAVEPOINT (join_transaction_mode="create_savepoint",
Warehouse's pattern): what the code under test commits - a request's unit of
work, db.transaction() in a worker job, the factory - releases a savepoint,
and the whole test is rolled back at the end. Tests whose work must really
be committed because another connection, thread or process reads it (the
CLI and demo as subprocesses, concurrent workers, PostgreSQL's SKIP LOCKED,
the e2e server) are marked `commits`: they get the engine as in production,
and the tables are emptied afterwards.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from reviewq import create_app
from reviewq.config import load_settings
from reviewq.db import make_engine
from reviewq.extensions import db as _db
from reviewq.migrate import upgrade
from reviewq.models import Base

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
NOW = datetime(2026, 11, 2, 14, 0, tzinfo=timezone.utc)
# One audit key for the suite, so in-process apps and CLI subprocesses seal the same chain.
AUDIT_KEY = "test-audit-key-0123456789abcdef"
AUDIT_TABLES = ("audit_events", "audit_head")


def pytest_configure(config):
    config.addinivalue_line("markers", "commits: the test needs real commits (other connections, threads or "
                                       "processes read its data); its tables are emptied afterwards")


def pytest_collection_modifyitems(config, items):
    if not is_postgres_url(database_url_from_env()):
        skip = pytest.mark.skip(reason="needs PostgreSQL: set REVIEWQ_TEST_DATABASE_URL=postgresql://...")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


def database_url_from_env() -> str | None:
    return os.environ.get("REVIEWQ_TEST_DATABASE_URL") or None


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and url.startswith("postgresql")


def _normalise(url: str) -> str:
    return "postgresql+psycopg://" + url[len("postgresql://"):] if url.startswith("postgresql://") else url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = database_url_from_env()
    if url is None:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    url = _normalise(url)
    engine = make_engine(url)
    with engine.begin() as conn:  # a clean schema: this database belongs to the test run
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def migrated(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    return database_url


def _empty_all_tables(engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # The audit tables refuse TRUNCATE (migration 0005): the owner switches their
            # triggers off inside this transaction only. Tests only; production never does.
            for t in AUDIT_TABLES:
                conn.execute(text(f"ALTER TABLE {t} DISABLE TRIGGER USER"))
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            for t in AUDIT_TABLES:
                conn.execute(text(f"ALTER TABLE {t} ENABLE TRIGGER USER"))
        else:
            for t in tables:
                conn.execute(text(f"DELETE FROM {t}"))
        conn.execute(text("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, :h)"), {"h": "0" * 64})


@pytest.fixture
def settings(migrated, tmp_path):
    return load_settings(env={}, instance_dir=tmp_path / "instance", database_url=migrated,
                         upload_dir=tmp_path / "uploads", outbox_dir=tmp_path / "outbox",
                         secret_key="test-secret", audit_key=AUDIT_KEY, testing=True,
                         # Cheap Argon2id parameters: the suite creates thousands of users.
                         password_hash_time_cost=1, password_hash_memory_kib=64)


@pytest.fixture
def app(settings, request):
    from flask import g
    app = create_app(settings)

    # The `session` fixture's app context outlives requests, and flask-login and Flask-WTF
    # cache the user and the CSRF token in g: forget them so each request works from its
    # own session cookie, as in production, where every request has a fresh context.
    @app.before_request
    def _request_state_from_cookie_only():
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    if request.node.get_closest_marker("commits"):
        yield app
        _db.session.remove()
        _empty_all_tables(_db.engine)
        return
    with rolled_back(_db):
        yield app


@contextmanager
def rolled_back(database):
    """Bind `database`'s sessions to one connection whose outer transaction is rolled back at the end."""
    database.session.remove()
    conn = database.engine.connect()
    outer = conn.begin()
    database.session.configure(bind=conn, join_transaction_mode="create_savepoint")
    try:
        yield conn
    finally:
        database.session.remove()
        try:
            outer.rollback()
            conn.close()
        finally:
            database.session.configure(bind=database.engine, join_transaction_mode="conditional_savepoint")


@pytest.fixture
def session(app):
    with app.app_context():
        yield _db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def factory(app, session):
    from tests.factories import Factory
    return Factory(app, session)


@pytest.fixture
def login(client, factory):
    """login(user) signs the test client in through the real form (CSRF included)."""
    def _login(user, password=None):
        from tests.factories import PASSWORD, csrf_from
        page = client.get("/login")
        resp = client.post("/login", data={"email": user.email, "password": password or PASSWORD,
                                           "csrf_token": csrf_from(page)})
        assert resp.status_code == 302, resp.data[:500]
        return user
    return _login


@pytest.fixture
def shared_corpus() -> Path:
    path = SHARED / "corpus"
    if not (path / "dev.jsonl").exists():
        reason = "../shared/corpus not present (only in CI and the developers' checkout)"
        if os.environ.get("REVIEWQ_REQUIRE_CORPUS"):
            pytest.fail(reason + ", but REVIEWQ_REQUIRE_CORPUS is set")
        pytest.skip(reason)
    return path
