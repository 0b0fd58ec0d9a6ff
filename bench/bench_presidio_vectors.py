"""Identifier formats against Microsoft Presidio's own recognizer test vectors.

    python bench/bench_presidio_vectors.py DIR [--mode strict|context] [--show-misses N]

DIR holds Presidio's `presidio-analyzer/tests/test_*_recognizer.py` files (a checkout of
microsoft/presidio; nothing of it is copied into this repository). Each parametrised case with expected
spans is read with `ast` (no Presidio import), its text run through `run_all`, and a span counts as
found when a phi flag (block or warn) overlaps it. Cases that expect no span count as false alarms when
any phi flag fires. Prints per-recognizer and overall figures, the summary on the last line.
"""
from __future__ import annotations

import argparse
import ast
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from reviewq.checks import Policy, run_all  # noqa: E402

# The recognizers for identifiers a US hospital's posts can carry (people-tied formats); others
# (German tax numbers, Korean RRNs ...) are out of scope and not scored.
DEFAULT = ("credit_card email iban ip mac phone url us_bank us_driver_license us_itin us_mbi us_npi "
           "us_passport us_ssn aba_routing uk_nhs uk_driving_licence").split()


def _spans(node):
    """((s, e), ...) if `node` is a tuple/list of 2-int tuples, else None."""
    try:
        v = ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return None
    if isinstance(v, (tuple, list)) and all(
            isinstance(x, (tuple, list)) and len(x) == 2 and all(isinstance(i, int) for i in x) for x in v):
        return [tuple(x) for x in v]
    return None


def cases(path: pathlib.Path):
    """(text, [spans]) for every literal parametrised case in one Presidio test file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef):
            continue
        for dec in fn.decorator_list:
            if not (isinstance(dec, ast.Call) and getattr(dec.func, "attr", "") == "parametrize"):
                continue
            names = ast.literal_eval(dec.args[0])
            names = [n.strip() for n in (names.split(",") if isinstance(names, str) else names)]
            if not names or not isinstance(dec.args[1], (ast.List, ast.Tuple)):
                continue
            for row in dec.args[1].elts:
                if not isinstance(row, ast.Tuple) or len(row.elts) != len(names):
                    continue
                try:
                    text = ast.literal_eval(row.elts[0])
                except ValueError:
                    continue  # computed in the test (e.g. a checksum helper)
                if not isinstance(text, str):
                    continue
                spans = None
                for name, node in zip(names[1:], row.elts[1:]):
                    if "pos" in name or "res" in name or "span" in name:
                        spans = _spans(node)
                        if spans is not None:
                            break
                if spans is None:
                    continue
                yield text, spans


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--mode", default="strict", choices=("strict", "context"))
    ap.add_argument("--recognizers", default=",".join(DEFAULT))
    ap.add_argument("--show-misses", type=int, default=0)
    args = ap.parse_args(argv)
    try:
        policy = Policy.from_mapping({"phi": {"mode": args.mode}})
    except ValueError:  # a tree from before phi.mode: its only behaviour
        print("(this tree has no phi.mode: default policy)")
        policy = Policy()
    root = pathlib.Path(args.dir)
    tot_gold = tot_found = tot_neg = tot_fa = 0
    misses = []
    for rec in args.recognizers.split(","):
        files = list(root.rglob(f"test_{rec}_recognizer.py"))
        if not files:
            print(f"{rec:22} (no test file)")
            continue
        gold = found = neg = fa = 0
        for text, spans in cases(files[0]):
            flagged = [(f.start, f.end) for f in run_all(text, ["facebook"], policy=policy)
                       if f.check == "phi" and f.severity in ("block", "warn")]
            if not spans:
                neg += 1
                fa += bool(flagged)
            for s, e in spans:
                gold += 1
                hit = any(a < e and s < b for a, b in flagged)
                found += hit
                if not hit:
                    misses.append((rec, text[s:e], text))
        tot_gold += gold
        tot_found += found
        tot_neg += neg
        tot_fa += fa
        print(f"{rec:22} spans {gold:4}  found {found / gold if gold else 0:.2f}   "
              f"no-span cases {neg:4}  flagged {fa / neg if neg else 0:.2f}")
    for rec, span, text in misses[:args.show_misses]:
        print(f"  miss {rec}: {span!r} in {text[:80]!r}")
    recall = tot_found / tot_gold if tot_gold else 0.0
    far = tot_fa / tot_neg if tot_neg else 0.0
    print(f"mode={args.mode} spans={tot_gold} span_recall={recall:.2f} negatives={tot_neg} flagged={far:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
