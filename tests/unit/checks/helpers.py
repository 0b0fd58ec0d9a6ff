"""Shortcuts for the checks' tests."""
from reviewq.checks import run_all


def phi(text, channels=("facebook",), **kw):
    return [f for f in run_all(text, list(channels), **kw) if f.check == "phi"]


def flags(text, check, channels=("facebook",), **kw):
    """Findings of `check` at block or warn (what the workflow and the scorer count)."""
    return [f for f in run_all(text, list(channels), **kw) if f.check == check and f.severity in ("block", "warn")]


def cats(findings):
    return {(f.category, f.text) for f in findings}


def found(text, category):
    """The texts flagged (block or warn) as PHI of `category`."""
    return {f.text for f in phi(text) if f.category == category and f.severity in ("block", "warn")}


def blocks(text):
    return [f for f in phi(text) if f.severity == "block"]
