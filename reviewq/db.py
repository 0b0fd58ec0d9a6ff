"""Engine and session handling for plain SQLAlchemy 2.x (no Flask-SQLAlchemy).

One scoped session per request/thread, removed at teardown. Services never
commit; the request, CLI command or worker loop that called them does.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker


def make_engine(url: str, **kw) -> Engine:
    if url.startswith("sqlite"):
        from reviewq.filemodes import private_sqlite_file
        private_sqlite_file(make_url(url).database)
        # Wait for the writer instead of failing at once: web and worker share one file.
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kw)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Let SQLAlchemy, not pysqlite, open transactions so BEGIN IMMEDIATE can be issued.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        _writer_queue(engine)

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # Take the write lock at BEGIN: SQLite has no row locks, and a deferred
            # transaction that reads then writes can deadlock against another writer.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, **kw)


WRITER_WAIT_SECONDS = 30  # as long as SQLite's own busy_timeout


def _writer_queue(engine: Engine) -> None:
    """Threads of one process queue for SQLite's write lock on a Python lock, not in SQLite's busy handler.

    Every SQLite transaction is BEGIN IMMEDIATE (the one write lock). A thread
    that finds it taken sleeps in SQLite's busy handler, 1 ms, then 2, 5 … up
    to 100 ms between tries: under 8 server threads most of a request's time
    was spent asleep (p99 above a second). Waiting on a lock instead hands the
    database over the moment the holder commits. Other processes still meet
    SQLite's busy handler. The wait is bounded like busy_timeout: after it the
    thread goes on to SQLite's own wait, so nothing here can deadlock.
    """
    lock = threading.Lock()

    def _take(conn):
        if conn.info.get("reviewq_writer"):
            return
        if lock.acquire(timeout=WRITER_WAIT_SECONDS):
            conn.info["reviewq_writer"] = True

    def _give(conn, *_):
        info = conn.info if hasattr(conn, "info") else {}
        if info.pop("reviewq_writer", False):
            lock.release()

    event.listen(engine, "begin", _take)  # before the BEGIN IMMEDIATE listener: registered first
    event.listen(engine, "commit", _give)
    event.listen(engine, "rollback", _give)

    @event.listens_for(engine, "checkin")
    def _give_back(dbapi_conn, record):
        # A connection closed without commit or rollback (error paths) must not keep the lock.
        if record is not None and record.info.pop("reviewq_writer", False):
            lock.release()


class Database:
    def __init__(self):
        self.engine: Engine | None = None
        self.session = scoped_session(sessionmaker(expire_on_commit=False))

    def configure(self, url: str) -> None:
        self.session.remove()
        if self.engine is not None and self.engine.url.render_as_string(hide_password=False) == \
                make_url(url).render_as_string(hide_password=False):
            return  # same database: keep the pool (app factories called again, e.g. per test)
        if self.engine is not None:
            self.engine.dispose()
        self.engine = make_engine(url)
        self.session.configure(bind=self.engine)

    def init_app(self, app) -> None:
        self.configure(app.config["REVIEWQ"].database_url)

        @app.teardown_appcontext
        def _remove_session(exc):
            self.session.remove()

    @property
    def is_postgres(self) -> bool:
        return self.engine is not None and self.engine.dialect.name == "postgresql"

    @contextmanager
    def transaction(self):
        """Commit on success, roll back on any exception (CLI and worker units of work)."""
        s: Session = self.session()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
