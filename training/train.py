"""Train the two learned signals shipped in reviewq/checks/models/ (reproducible: fixed seeds).

    python3 training/train.py [--data training/data] [--augment 1500] [--out reviewq/checks/models]

Reads every `*.jsonl` in --data (labelled posts in the corpus format, written for this project) and
adds --augment generated posts (training/augment.py). Writes:
* tagger.crfsuite: CRF over sequence_features (reviewq/checks/model.py), labels NAME/ADDR/DATE/O from
  the gold PHI spans (name, address, date); c1/c2 elastic net, 80 iterations of L-BFGS.
* story.json: logistic regression on story_features, target `needs_consent`; batch gradient descent
  with L2 3e-4 (1,200 steps), features seen in fewer than 2 posts dropped, weights rounded to 4 decimals.
Prints the training figures. The held-out corpora are never read here.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

import numpy as np  # noqa: E402
import pycrfsuite  # noqa: E402
from scipy import sparse  # noqa: E402

import augment  # noqa: E402
from reviewq.checks.model import sequence_features, story_features, tokenize  # noqa: E402
from reviewq.checks.normalize import fold  # noqa: E402

CRF_LABEL = {"name": "NAME", "address": "ADDR", "date": "DATE"}


def load(data_dir: pathlib.Path, n_aug: int) -> list[dict]:
    posts = []
    for f in sorted(data_dir.glob("*.jsonl")):
        posts += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    written = len(posts)
    posts += list(augment.generate(n_aug, seed=12))
    print(f"{written} written posts, {len(posts) - written} generated")
    return posts


def crf_sequence(post: dict):
    text = post["text"]
    tokens = tokenize(text)
    labels = []
    for s, e, _ in tokens:
        lab = "O"
        for span in post["labels"].get("phi", []):
            cat = CRF_LABEL.get(span.get("category"))
            if cat and span["start"] < e and s < span["end"]:
                lab = cat
        labels.append(lab)
    return sequence_features(tokens), labels


def train_crf(posts, out: pathlib.Path) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for p in posts:
        x, y = crf_sequence(p)
        if x:
            trainer.append(x, y)
    trainer.set_params({"c1": 0.05, "c2": 0.01, "max_iterations": 80,
                        "feature.possible_transitions": True})
    trainer.train(str(out / "tagger.crfsuite"))
    print("crf trained:", trainer.logparser.last_iteration.get("loss"))
    write_attributes(out)


def write_attributes(out: pathlib.Path) -> None:
    """tagger.attributes: the attributes the CRF has a weight for, one a line (the tagger passes only these;
    read at start-up instead of parsing CRFsuite's dump, which takes a quarter of a second)."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(out / "tagger.crfsuite"))
    attrs = sorted({a for a, _ in tagger.info().state_features})
    (out / "tagger.attributes").write_text("".join(a + "\n" for a in attrs), encoding="utf-8")


def train_story(posts, out: pathlib.Path, epochs: int = 1200, lr: float = 1.0, l2: float = 3e-4) -> None:
    feats = [set(story_features(fold(p["text"]).lower)) for p in posts]
    y = np.array([1.0 if p["labels"].get("needs_consent") else 0.0 for p in posts])
    counts: dict[str, int] = {}
    for fs in feats:
        for f in fs:
            counts[f] = counts.get(f, 0) + 1
    vocab = sorted(f for f, c in counts.items() if c >= 2)
    index = {f: i for i, f in enumerate(vocab)}
    rows, cols = [], []
    for r, fs in enumerate(feats):
        for f in fs:
            if f in index:
                rows.append(r)
                cols.append(index[f])
    X = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(posts), len(vocab)))
    XT = X.T.tocsr()
    w = np.zeros(len(vocab))
    b = 0.0
    for _ in range(epochs):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        g = p - y
        w -= lr * (XT @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    p = 1 / (1 + np.exp(-(X @ w + b)))
    acc = float(((p >= 0.5) == (y == 1)).mean())
    weights = {f: round(float(v), 4) for f, v in zip(vocab, w) if abs(v) >= 1e-3}
    (out / "story.json").write_text(json.dumps({"bias": round(b, 4), "weights": weights}, sort_keys=True,
                                               ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"story classifier: {len(weights)} weights, training accuracy {acc:.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "training" / "data"))
    ap.add_argument("--augment", type=int, default=1500)
    ap.add_argument("--out", default=str(ROOT / "reviewq" / "checks" / "models"))
    ap.add_argument("--only", choices=("tagger", "story"), help="train one of the two")
    args = ap.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    posts = load(pathlib.Path(args.data), args.augment)
    if args.only != "story":
        train_crf(posts, out)
    if args.only != "tagger":
        train_story(posts, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
