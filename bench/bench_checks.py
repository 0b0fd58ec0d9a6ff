#!/usr/bin/env python3
"""Throughput and start-up of reviewq.checks on one core.

    python bench/bench_checks.py [--corpus ../shared/corpus/dev.jsonl] [--rounds 8] [--chars 1000]

Prints posts/s of run_all() in this process (start-up excluded) and the
start-up time of `python -m reviewq.checks` on one post. Uses the dev corpus
when present, else synthetic posts. On a labelled corpus it also prints the
protection figures: PHI posts caught (any phi flag), stopped (a phi or consent
block) and the share that could pass with a justification (warn only), and how
often the learned signals fired. `--chars N` times posts of exactly N characters instead (300 of them, each made of
corpus posts joined by spaces in a seeded random order and cut at N: the scan endpoint's long posts).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "dev.jsonl"
sys.path.insert(0, str(ROOT))


def synthetic(n: int = 500) -> list[dict]:
    rnd = random.Random(7)
    parts = ["Happy birthday to our patient Ella Moss, who turns 93 today! 🎈", "Call (555) 201-8876 for info.",
             "Studies show walking lowers your risk of stroke by 30%.", "Use code NURSE10 for 10% off!",
             "Congratulations to Dr. Ivan Petrov on his award 🏅", "Flu shots on 10/12 in Room 4.",
             "MRN 00123987 / john doe / bed 12B", "https://www.cdc.gov/flu/index.html", "#NursesWeek 💙"]
    return [{"id": str(i), "text": " ".join(rnd.sample(parts, rnd.randint(1, 5))),
             "channels": rnd.sample(["x", "facebook", "instagram", "linkedin"], 2)} for i in range(n)]


def long_posts(posts: list[dict], chars: int, n: int = 300) -> list[dict]:
    rnd = random.Random(1)
    out = []
    for i in range(n):
        text = ""
        while len(text) < chars:
            text += (" " if text else "") + rnd.choice(posts)["text"]
        out.append({"id": f"L{i}", "text": text[:chars], "channels": rnd.choice(posts).get("channels", [])})
    return out


def _protection(posts, run_all) -> None:
    phi_posts = caught = stopped = warn_only = model_fired = 0
    for p in posts:
        fs = run_all(p["text"], p.get("channels", []))
        # a model's own finding, or one whose severity a model decided (agreement.py: "; model agrees: …")
        model_fired += any(f.source.startswith("model:") or "; model " in f.source
                           or "no model agreement" in f.source for f in fs)
        if not p["labels"].get("phi"):
            continue
        phi_posts += 1
        flagged = any(f.check == "phi" and f.severity in ("block", "warn") for f in fs)
        blocked = any(f.check in ("phi", "consent") and f.severity == "block" for f in fs)
        caught += flagged
        stopped += blocked
        warn_only += flagged and not blocked
    if phi_posts:
        print(f"PHI posts: {phi_posts}; caught {caught / phi_posts:.3f}, stopped {stopped / phi_posts:.3f}, "
              f"could pass with a justification (warn only) {warn_only / phi_posts:.3f}")
    print(f"posts where a learned signal fired: {model_fired / len(posts):.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--chars", type=int, default=0, help="time posts of exactly this many characters")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    if Path(args.corpus).exists():
        posts = [json.loads(line) for line in open(args.corpus, encoding="utf-8") if line.strip()]
        source = args.corpus
    else:
        posts, source = synthetic(), "synthetic posts (corpus not found)"
    if args.chars > 0:
        posts, source = long_posts(posts, args.chars), f"{args.chars}-character posts joined from {source}"
    t0 = time.perf_counter()
    from reviewq.checks import run_all
    run_all("warm up", ["x"])
    import_s = time.perf_counter() - t0
    best = best_cpu = 0.0
    for _ in range(args.rounds):
        t, c = time.perf_counter(), time.process_time()
        for p in posts:
            run_all(p["text"], p.get("channels", []))
        best = max(best, len(posts) / (time.perf_counter() - t))
        best_cpu = max(best_cpu, len(posts) / max(time.process_time() - c, 1e-9))
    if posts and "labels" in posts[0]:
        _protection(posts, run_all)
    one = json.dumps(posts[0]) + "\n"
    starts = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "reviewq.checks"], input=one.encode(), capture_output=True,
                       cwd=ROOT, check=True)
        starts.append(time.perf_counter() - t)
    starts.sort()
    print(f"posts: {len(posts)} from {source}")
    print(f"import + first post in-process: {import_s:.3f}s")
    print(f"throughput (one core, start-up excluded, best of {args.rounds}): {best:,.0f} posts/s")
    # CPU time is the steadier figure on a shared machine: waiting for the core does not count.
    print(f"throughput by CPU time (best of {args.rounds}): {best_cpu:,.0f} posts/s")
    print(f"start-up (python -m reviewq.checks, 1 post, median of 3): {starts[1]:.3f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
