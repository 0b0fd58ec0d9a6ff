"""`python -m reviewq.checks [--policy FILE]`: the scan protocol on stdin/stdout (see scan.py).

Exit status 0, or 2 with a one-line reason on stderr for bad input or a bad policy file.
"""
from __future__ import annotations

import argparse
import io
import json
import sys

from reviewq.checks.policy import Policy
from reviewq.checks.scan import ScanInputError, scan_stream


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m reviewq.checks", description=__doc__)
    ap.add_argument("--policy", help="JSON policy file (settings override the defaults)")
    args = ap.parse_args(argv)
    try:
        policy = None
        if args.policy:
            with open(args.policy, encoding="utf-8") as f:
                policy = Policy.from_mapping(json.load(f))
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape")
        stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="surrogatepass")
        scan_stream(stdin, stdout, policy)
    except (ScanInputError, ValueError, OSError) as e:
        print(f"reviewq.checks: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
