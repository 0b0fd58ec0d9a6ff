"""Shared by the benches: a fresh database and the environment that points reviewq at it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

# The benches measure this checkout, not whichever reviewq the environment has installed.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if sys.path[:1] != [ROOT]:
    sys.path.insert(0, ROOT)


def reset_schema(url: str) -> None:
    """Drop and recreate the `public` schema of a PostgreSQL URL (never point it at real data)."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text
    eng = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with eng.begin() as c:
        c.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    eng.dispose()


def reviewq_env(url: str, instance_dir: str) -> dict:
    path = os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "REVIEWQ_DATABASE_URL": url, "REVIEWQ_INSTANCE_DIR": instance_dir, "PYTHONPATH": path}


def run_reviewq(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "reviewq", *args], env=env, check=True, capture_output=True, text=True)


def seeded(url: str, instance_dir: str, drafts: int) -> dict:
    """A fresh schema with `drafts` seeded drafts; returns the environment for reviewq."""
    reset_schema(url)
    # A fresh database: checkpoints of an earlier run's chain would read as a truncation.
    shutil.rmtree(os.path.join(instance_dir, "audit-checkpoints"), ignore_errors=True)
    env = reviewq_env(url, instance_dir)
    run_reviewq(env, "init-db")
    run_reviewq(env, "seed", "--drafts", str(drafts))
    return env
