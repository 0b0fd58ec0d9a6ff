"""Derived media: what a media request cost before (decode + re-encode per request) and now (stream a file).

Usage: python3 bench/bench_media.py [megapixels]   (default 24: a 6000x4000 phone photo)
Each figure is measured in a fresh process: seconds and peak RSS (ru_maxrss) of one operation.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
what, folder = sys.argv[1], Path(sys.argv[2])
from reviewq.media import derive
from reviewq.storage import stripped_image
src = folder / "photo.jpg"
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
if what == "per-request-before":
    stripped_image(src, "image/jpeg")
elif what == "scan-time-derive":
    derive(folder, "photo.jpg", "image/jpeg", "0" * 64, src.stat().st_size)
else:  # per-request-now: what send_file does, stream the stored copy in chunks
    with open(src, "rb") as f:
        while f.read(65536):
            pass
print(json.dumps({"seconds": round(time.perf_counter() - t, 3),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                  "rss_added_mb": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024, 1)}))
"""


def main() -> None:
    mp = float(sys.argv[1]) if len(sys.argv) > 1 else 24.0
    from PIL import Image
    w = int((mp * 1e6 * 1.5) ** 0.5)
    h = int(mp * 1e6 / w)
    with tempfile.TemporaryDirectory() as d:
        Image.effect_noise((w, h), 40).convert("RGB").save(Path(d) / "photo.jpg", quality=90)
        print(f"image: {w}x{h} JPEG, {(Path(d) / 'photo.jpg').stat().st_size / 1e6:.1f} MB")
        for what in ("per-request-before", "scan-time-derive", "per-request-now"):
            out = subprocess.run([sys.executable, "-c", _CHILD, what, d], capture_output=True, text=True, check=True)
            print(f"{what:20s} {json.loads(out.stdout)}")


if __name__ == "__main__":
    main()
