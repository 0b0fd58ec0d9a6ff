"""Previews and redaction: how long the preview cards take to compute, and a redaction of a 12 MP photo.

Usage: python3 bench/bench_redaction.py
Prints: reviewq.previews.build for a 1,000-character post on the four networks (median of 200, ms);
media.redact of 3 boxes on the bench's 12 MP photo, blur and box (median of 3, s). The full redaction a
request makes adds one scan of the new file (see bench_ocr.py for its cost) and a database write.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ocr_images import photo_12mp  # noqa: E402

from reviewq.checks.policy import Policy  # noqa: E402
from reviewq.media import redact  # noqa: E402
from reviewq.previews import build  # noqa: E402


def median_time(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    text = ("Flu shots at every clinic this week #FluSeason @cityhealth https://example.org/flu " * 13)[:1000]
    policy = Policy()
    build(text, ["x"], policy)
    ms = median_time(lambda: build(text, ["x", "facebook", "instagram", "linkedin"], policy), 200) * 1000
    print(f"previews.build, 1,000 characters, 4 networks: {ms:.2f} ms median")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "photo.jpg"
        photo_12mp().save(path, quality=90)
        boxes = [[200, 200, 900, 120], [200, 400, 900, 120], [2500, 1800, 600, 600]]
        for mode in ("blur", "box"):
            s = median_time(lambda: redact(path, boxes, mode), 3)
            print(f"media.redact, 12 MP JPEG, 3 areas, {mode}: {s:.2f} s median")


if __name__ == "__main__":
    main()
