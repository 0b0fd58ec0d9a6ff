"""K-fold cross-validation of the checks with their two learned signals, by training FILE.

    python3 training/crossval.py [--folds 4] [--data training/data] [--augment 1500] [--json OUT]
                                 [--shipped] [--show N] [--models DIR] [--save-predictions OUT]

Splits the `*.jsonl` files of --data into --folds groups (file i goes to fold i mod k, files in name
order), trains the tagger and the story classifier on the other folds (+ the generated posts) with
train.py's own functions, runs every check on the held-out fold in-process with those models
(model.use_models) and scores it with /work/shared/corpus/score.py's own functions. Prints the pooled
figures over all held-out posts, per-fold figures, and where the false blocks come from (check, rule
and model signal behind each `block` on a clean post or a phi block on a post without PHI).

--shipped scores every file with the shipped models instead (no training): their figures are optimistic
(the models saw these posts) but show the rules' own false-block sources. Files are split by writing
style, so a fold never sees the style it is scored on: the figures estimate blind corpora, not dev.
"""
from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import pathlib
import re
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

import augment  # noqa: E402
import train  # noqa: E402
from reviewq.checks import agreement, model, run_all  # noqa: E402

SCORE_PY = ROOT.parent / "shared" / "corpus" / "score.py"
FLAG = {"block", "warn"}


def load_score():
    """score.py as a module (standard library only), so the figures are the scorer's own."""
    spec = importlib.util.spec_from_file_location("corpus_score", SCORE_PY)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read(path: pathlib.Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def predict(recs: list[dict]) -> dict:
    return {r["id"]: [f.to_dict() for f in run_all(r["text"], r.get("channels", []))] for r in recs}


def train_fold(posts: list[dict], out: pathlib.Path) -> None:
    train.train_crf(posts, out)
    train.train_story(posts, out)


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def source_key(f: dict) -> str:
    """The rule and model signal behind a finding, numbers dropped ("model:story p=0.93" → "model:story p=")."""
    return f"{f['check']}/{f['category']} {_NUMBER.sub('', f.get('source', '')).strip()}"


def false_block_sources(recs, preds) -> tuple[collections.Counter, collections.Counter]:
    clean, nophi = collections.Counter(), collections.Counter()
    for r in recs:
        fs = preds[r["id"]]
        if r.get("kind") == "clean":
            for k in {source_key(f) for f in fs if f["severity"] == "block"}:
                clean[k] += 1
        if not r["labels"]["phi"]:
            for k in {source_key(f) for f in fs if f["check"] == "phi" and f["severity"] == "block"}:
                nophi[k] += 1
    return clean, nophi


def summary(m: dict) -> dict:
    c = m["checks"]
    return {"posts": m["posts"], "stopped": m["phi_post_stopped"], "caught": m["phi_post_recall"],
            "false_block": m["false_block"], "clean_any_block": m["clean_any_block"],
            "span_recall": m["span_recall"], "span_precision": m["span_precision"],
            "consent_recall": c["needs_consent"]["recall"], "consent_false_alarm": c["needs_consent"]["false_alarm"],
            "source_recall": c["needs_source"]["recall"], "source_false_alarm": c["needs_source"]["false_alarm"],
            "disclosure_recall": c["needs_disclosure"]["recall"],
            "disclosure_false_alarm": c["needs_disclosure"]["false_alarm"]}


def line(name: str, s: dict) -> str:
    keys = [k for k in s if k != "posts"]
    return f"{name:<8} n={s['posts']:<5} " + " ".join(f"{k}={s[k]:.3f}" if s[k] is not None else f"{k}=n/a"
                                                     for k in keys)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "training" / "data"))
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--augment", type=int, default=1500)
    ap.add_argument("--shipped", action="store_true", help="score with the shipped models, no training")
    ap.add_argument("--show", type=int, default=15, help="false-block sources to list")
    ap.add_argument("--examples", type=int, default=0, help="print N false-block post ids per top source")
    ap.add_argument("--rules-alone", action="store_true",
                    help="without the models' agreement on context findings (the figures before it)")
    ap.add_argument("--models", help="keep the fold models in DIR/fold<k> and reuse them when there "
                    "(only while training and features are unchanged: delete DIR after changing them)")
    ap.add_argument("--save-predictions", help="write the held-out findings here (JSON Lines {id, findings})")
    ap.add_argument("--json", help="write the pooled and per-fold figures here")
    args = ap.parse_args(argv)
    score = load_score()
    agreement.ENABLED = not args.rules_alone
    files = sorted(pathlib.Path(args.data).glob("*.jsonl"), key=lambda p: [int(t) if t.isdigit() else t
                                                                          for t in re.split(r"(\d+)", p.name)])
    folds = [[f for i, f in enumerate(files) if i % args.folds == k] for k in range(args.folds)]
    generated = list(augment.generate(args.augment, seed=12))
    all_recs, all_preds, per_fold = [], {}, []
    t0 = time.process_time()
    for k, held in enumerate(folds):
        recs = [r for f in held for r in read(f)]
        if args.shipped:
            preds = predict(recs)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                where = pathlib.Path(args.models) / f"fold{k}" if args.models else pathlib.Path(tmp)
                if not (where / "story.json").is_file():
                    where.mkdir(parents=True, exist_ok=True)
                    train_fold([r for f in files if f not in held for r in read(f)] + generated, where)
                with model.use_models(tagger=where / "tagger.crfsuite", story=where / "story.json"):
                    preds = predict(recs)
        s = summary(score.score_corpus(recs, preds, FLAG))
        per_fold.append(s)
        print(line(f"fold {k}", s), flush=True)
        all_recs += recs
        all_preds.update(preds)
    pooled = summary(score.score_corpus(all_recs, all_preds, FLAG))
    print(line("pooled", pooled))
    print(f"cpu {time.process_time() - t0:.0f} s")
    clean, nophi = false_block_sources(all_recs, all_preds)
    for title, counter in (("blocks on clean posts", clean), ("phi blocks on posts without PHI", nophi)):
        print(f"-- {title}, by source (posts):")
        for key, n in counter.most_common(args.show):
            print(f"  {n:5d}  {key}")
            if args.examples:
                ids = [r["id"] for r in all_recs if (r.get("kind") == "clean" if counter is clean
                                                      else not r["labels"]["phi"])
                       and key in {source_key(f) for f in all_preds[r["id"]] if f["severity"] == "block"}]
                print("         " + " ".join(ids[:args.examples]))
    if args.save_predictions:
        with open(args.save_predictions, "w", encoding="utf-8") as f:
            for r in all_recs:
                f.write(json.dumps({"id": r["id"], "findings": all_preds[r["id"]]}, ensure_ascii=False) + "\n")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"pooled": pooled, "folds": per_fold,
                                                       "clean_block_sources": dict(clean),
                                                       "nophi_block_sources": dict(nophi)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
