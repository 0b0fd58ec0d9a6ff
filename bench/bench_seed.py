#!/usr/bin/env python3
"""How fast `reviewq seed` adds drafts, on SQLite (default) or the database you name.

    python bench/bench_seed.py [--drafts 100000] [--database-url postgresql://postgres@127.0.0.1:5432/reviewq_bench]

Uses a fresh SQLite file in a temporary folder, or the given database (its
`public` schema is dropped and recreated: never point it at real data).
Prints drafts/s and the total time; the contract asks for 100,000 in well under a minute.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time

from _db import reset_schema, reviewq_env, run_reviewq  # bench/_db.py


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drafts", type=int, default=100_000)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        reset_schema(url)
        env = reviewq_env(url, tmp)
        run_reviewq(env, "init-db")
        t0 = time.perf_counter()
        run_reviewq(env, "seed", "--drafts", str(args.drafts))
        elapsed = time.perf_counter() - t0
    backend = url.split(":", 1)[0]
    print(f"seed: {args.drafts} drafts on {backend} in {elapsed:.1f} s ({args.drafts / elapsed:,.0f} drafts/s, "
          "including interpreter start-up)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
