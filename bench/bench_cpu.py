#!/usr/bin/env python3
"""CPU time per request of the issue 15 endpoints, in one process (the test client), optionally profiled.

    python bench/bench_cpu.py [--drafts 20000] [--keep DIR] [--repeat 200] [--profile NAME] [--only a,b]

Seeds a SQLite file (kept in --keep DIR and reused when it is already there), signs in
through the real login form and bearer tokens as bench_http.py does, and prints the
CPU milliseconds (time.process_time) per request of: draft GET, scan POST, queue page,
calendar month. CPU time, not wall time, so a busy machine moves the figures less.
--profile NAME prints the cProfile of that endpoint's requests (cumulative, top 40).
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import sys
import tempfile
import time
from datetime import datetime, timezone

from _db import seeded  # bench/_db.py (scripts run from bench/)

from bench_http import SEED_PASSWORD, _month, _prepare, _text  # noqa: E402


def _env_for(url: str, tmp: str, drafts: int) -> None:
    marker = os.path.join(tmp, "seeded.json")
    if os.path.exists(marker):
        from _db import reviewq_env
        os.environ.update(reviewq_env(url, tmp))
        return None
    return marker


def _sign_in(client, email):
    body = client.get("/login").data
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body).group(1).decode()
    r = client.post("/login", data={"email": email, "password": SEED_PASSWORD, "csrf_token": token})
    assert r.status_code == 302, r.status_code


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drafts", type=int, default=20_000)
    ap.add_argument("--keep", default=None, help="folder to keep the seeded database in and reuse")
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--profile", default="")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    tmp = args.keep or tempfile.mkdtemp()
    os.makedirs(tmp, exist_ok=True)
    url = f"sqlite:///{tmp}/bench.db"
    marker = os.path.join(tmp, "prep.json")
    if os.path.exists(marker):
        from _db import reviewq_env
        os.environ.update(reviewq_env(url, tmp))
        with open(marker) as fh:
            prep = json.load(fh)
    else:
        prep = _prepare(url, tmp, args.drafts)
        with open(marker, "w") as fh:
            json.dump(prep, fh)
    from reviewq import create_app
    app = create_app()
    tok = prep["tokens"]
    ids = prep["draft_ids"]
    h = lambda role: {"Authorization": f"Bearer {tok[role]}", "Content-Type": "application/json"}  # noqa: E731
    scan_body = json.dumps({"text": _text(1000), "channels": ["facebook"]})
    frm, to = _month(datetime.now(timezone.utc))
    reviewer = app.test_client()
    _sign_in(reviewer, prep["emails"]["reviewer"])
    api = app.test_client()
    cases = {
        "draft GET": lambda i: api.get(f"/api/v1/drafts/{ids[i % len(ids)]}", headers=h("staff")),
        "scan POST": lambda i: api.post("/api/v1/scan", data=scan_body, headers=h("staff")),
        "queue page": lambda i: reviewer.get("/review"),
        "calendar month": lambda i: api.get(f"/api/v1/calendar?from={frm}&to={to}", headers=h("comms")),
    }
    for name, call in cases.items():
        if args.only and name not in args.only.split(","):
            continue
        for i in range(10):  # warm caches
            r = call(i)
            assert r.status_code == 200, (name, r.status_code, r.data[:300])
        prof = cProfile.Profile() if args.profile == name else None
        c0, w0 = time.process_time(), time.perf_counter()
        if prof:
            prof.enable()
        for i in range(args.repeat):
            call(i)
        if prof:
            prof.disable()
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        extra = f" ({len(json.loads(r.data)['entries'])} entries)" if name == "calendar month" else ""
        print(f"{name:15s} CPU {cpu / args.repeat * 1000:6.2f} ms/request  wall {wall / args.repeat * 1000:6.2f} ms"
              f"  {len(r.data):,} bytes{extra}")
        if prof:
            prof.dump_stats(f"/tmp/perfwork/{name.replace(' ', '_')}.prof")
            pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
            pstats.Stats(prof).sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
