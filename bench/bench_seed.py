#!/usr/bin/env python3
"""How fast `reviewq seed` adds drafts, on SQLite (default) or the database you name.

    python bench/bench_seed.py [--drafts 100000] [--database-url postgresql://postgres@127.0.0.1:5432/reviewq_bench]

Uses a fresh SQLite file in a temporary folder, or the given database (its
`public` schema is dropped and recreated: never point it at real data).
Prints drafts/s and the total time; the contract asks for 100,000 in well under a minute.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drafts", type=int, default=100_000)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        if url.startswith("postgresql"):
            from sqlalchemy import create_engine, text
            eng = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
            with eng.begin() as c:
                c.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                c.execute(text("CREATE SCHEMA public"))
            eng.dispose()
        env = {**os.environ, "REVIEWQ_DATABASE_URL": url, "REVIEWQ_INSTANCE_DIR": tmp}
        run = lambda *a: subprocess.run([sys.executable, "-m", "reviewq", *a], env=env, check=True,  # noqa: E731
                                        capture_output=True, text=True)
        run("init-db")
        t0 = time.perf_counter()
        run("seed", "--drafts", str(args.drafts))
        elapsed = time.perf_counter() - t0
    backend = url.split(":", 1)[0]
    print(f"seed: {args.drafts} drafts on {backend} in {elapsed:.1f} s ({args.drafts / elapsed:,.0f} drafts/s, "
          "including interpreter start-up)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
