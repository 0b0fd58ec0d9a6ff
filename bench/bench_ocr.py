"""Image checks on generated images (bench/ocr_images.py): how much patient text is found, how often an
innocent image is blocked, how long a 12-megapixel photo takes, and the resident memory with OCR loaded.

Usage: python3 bench/bench_ocr.py [--seed N] [--phi N] [--innocent N] [--dir FOLDER]
--dir scores a labelled folder instead of the generator: FOLDER/labels.json lists
{"file", "kind", "phi": [strings drawn in the image]} (an empty list for an innocent image), for image
sets drawn apart from this code.
Runs pinned to one core. A PHI string counts as found when a blocking attachment finding's text contains it
(letters and digits compared, case ignored). Images are made in memory and written to a temporary folder only.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _norm(s: str) -> str:
    return re.sub(r"[^0-9a-z]", "", s.lower())


class _Case:
    def __init__(self, kind: str, phi: list[str]):
        self.kind, self.phi = kind, phi


def _generated(tmp: str, args):
    import ocr_images

    for n, case in enumerate(ocr_images.cases(args.seed, args.phi, args.innocent)):
        path = Path(tmp) / f"{n}.png"
        case.image.save(path)
        yield path, case


def _labelled(folder: Path):
    import json

    try:
        labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        sys.exit(f"bench_ocr: cannot read {folder / 'labels.json'}: {e}")
    for row in labels:
        yield folder / row["file"], _Case(row.get("kind", "?"), list(row.get("phi") or ()))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--phi", type=int, default=36)
    ap.add_argument("--innocent", type=int, default=20)
    ap.add_argument("--dir", type=Path, help="a labelled folder (labels.json) instead of generated images")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import ocr_images
    from reviewq.checks.policy import default_policy
    from reviewq.drafts.scans import findings_for
    from reviewq.imaging import analyse

    policy = default_policy()
    found = total = false_blocks = innocent = 0
    by_kind: dict[str, list[int]] = {}
    missed = []
    with tempfile.TemporaryDirectory() as tmp:
        for path, case in _labelled(args.dir) if args.dir else _generated(tmp, args):
            out = findings_for(analyse(path), 1, policy)
            blocks = [f for f in out if f["severity"] == "block"]
            assert all(f.get("attachment_id") == 1 and len(f.get("box") or ()) == 4 for f in blocks)
            if not case.phi:
                innocent += 1
                false_blocks += bool(blocks)
                continue
            texts = [_norm(f.get("text", "")) for f in blocks]
            for s in case.phi:
                hit = any(_norm(s) in t for t in texts)
                found += hit
                total += 1
                k = by_kind.setdefault(case.kind, [0, 0])
                k[0] += hit
                k[1] += 1
                if not hit:
                    missed.append((case.kind, s))
        print(f"PHI strings found: {found}/{total} = {found / max(total, 1):.3f}")
        for kind, (h, t) in sorted(by_kind.items()):
            print(f"  {kind}: {h}/{t}")
        print(f"false blocks per 10 innocent images: {10 * false_blocks / max(innocent, 1):.1f} "
              f"({false_blocks}/{innocent})")
        if missed:
            print("missed kinds:", ", ".join(sorted({k for k, _ in missed})), f"({len(missed)})")
        photo = Path(tmp) / "photo.jpg"
        ocr_images.photo_12mp(args.seed).save(photo, quality=90)
        warm = Path(tmp) / "warm.png"
        ocr_images.cases(args.seed, 1, 0)[0].image.save(warm)
        analyse(warm)  # models loaded before timing, as in a running worker
        t, c = time.perf_counter(), time.process_time()
        findings_for(analyse(photo), 1, policy)
        print(f"12 MP photo fully checked: {time.perf_counter() - t:.2f} s wall, {time.process_time() - c:.2f} s CPU "
              "(one core)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory with OCR loaded: {rss:.0f} MB")


if __name__ == "__main__":
    main()
