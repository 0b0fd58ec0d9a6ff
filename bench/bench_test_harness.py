"""What the test harness costs per test: emptying every table (the old teardown) vs rolling back.

    python bench/bench_test_harness.py [N] [database URL]

Each "test" inserts one user and commits, as the factory does; then the table is emptied
(the `commits` fixture) or the outer transaction rolled back (every other test). Prints
milliseconds of wall-clock and CPU time per test for both.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.orm import Session  # noqa: E402

from reviewq.db import make_engine  # noqa: E402
from reviewq.migrate import upgrade  # noqa: E402
from reviewq.models import User  # noqa: E402
from tests.conftest import _empty_all_tables  # noqa: E402


def _one_test(session: Session, i: int) -> None:
    session.add(User(email=f"bench{i}@example.org", name="Bench", password_hash="x"))
    session.commit()


def emptying(engine, n: int) -> None:
    for i in range(n):
        with Session(engine) as s:
            _one_test(s, i)
        _empty_all_tables(engine)


def rolling_back(engine, n: int) -> None:
    for i in range(n):
        conn = engine.connect()
        outer = conn.begin()
        with Session(bind=conn, join_transaction_mode="create_savepoint") as s:
            _one_test(s, i)
        outer.rollback()
        conn.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    upgrade(engine)
    _empty_all_tables(engine)
    for name, run in (("empty every table", emptying), ("roll back", rolling_back)):
        wall, cpu = time.perf_counter(), time.process_time()
        run(engine, n)
        print(f"{name:>18}: {(time.perf_counter() - wall) * 1000 / n:6.1f} ms wall, "
              f"{(time.process_time() - cpu) * 1000 / n:5.1f} ms CPU per test ({engine.dialect.name}, {n} tests)")


if __name__ == "__main__":
    main()
