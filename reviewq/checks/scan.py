"""The scan protocol: JSON Lines {"id","text","channels"} in, {"id","findings"} out, same order.

Used by `python -m reviewq.checks` and the app's `reviewq scan` command. Bad
input raises ScanInputError with a one-line reason naming the line; printing
it and choosing the exit status belong to the caller.
"""
from __future__ import annotations

import json
from typing import IO

from reviewq.checks.policy import Policy
from reviewq.checks.registry import run_all


class ScanInputError(ValueError):
    """A line of scan input is not a JSON object with a string `text` (message names the line)."""


def _parse(line: str, lineno: int) -> tuple[object, str, list[str]]:
    try:
        obj = json.loads(line)
    except ValueError as e:
        raise ScanInputError(f"line {lineno}: not valid JSON ({e.msg} at column {e.colno})") from None
    if not isinstance(obj, dict):
        raise ScanInputError(f"line {lineno}: expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text", "")
    if not isinstance(text, str):
        raise ScanInputError(f"line {lineno}: \"text\" must be a string")
    channels = obj.get("channels") or []
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise ScanInputError(f"line {lineno}: \"channels\" must be a list of strings")
    return obj.get("id"), text, channels


def scan_stream(infile: IO[str], outfile: IO[str], policy: Policy | None = None) -> int:
    """Scan every line of `infile`, write one result line per input line; returns the number scanned.

    Blank lines are skipped. Raises ScanInputError on the first bad line
    (lines before it have already been written).
    """
    count = 0
    for lineno, line in enumerate(infile, 1):
        if not line.strip():
            continue
        rid, text, channels = _parse(line, lineno)
        findings = [f.to_dict() for f in run_all(text, channels, policy=policy)]
        outfile.write(json.dumps({"id": rid, "findings": findings}, ensure_ascii=False) + "\n")
        count += 1
    outfile.flush()
    return count
