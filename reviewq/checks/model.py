"""The learned signals beside the rules: a token tagger and a "patient story" classifier.

* `story_probability(lower)`: logistic regression over word and word-pair features (weights in
  models/story.json), the chance that a post features one identifiable patient (consent needed).
* `tag_people(text)`: a linear-chain CRF (python-crfsuite, models/tagger.crfsuite) that marks tokens of
  names (NAME), a patient's town or street (ADDR) and care dates (DATE); returns spans with the model's
  marginal probability.

Both are trained by `training/train.py` from the data it documents; the features below are shared with
it, so training and use cannot drift. Pure: no network, files read once from the package. The rules
decide formats and explanations; these decide where context decides, and every finding they cause names
the signal (`source="model:..."`).
"""
from __future__ import annotations

import json
import math
import re
from contextlib import contextmanager
from functools import lru_cache
from itertools import chain
from importlib import resources

from reviewq.checks.names import ENGLISH, FIRST, LAST as SURNAMES

TOKEN = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*\.?|\d+(?:[:/.-]\d+)*|[#@][\w.]+|[^\w\s]", re.UNICODE)
LABELS = ("NAME", "ADDR", "DATE")
_MONTHS = frozenset("jan january feb february mar march apr april may jun june jul july aug august sep sept "
                    "september oct october nov november dec december enero febrero marzo abril mayo junio julio "
                    "agosto septiembre setiembre octubre noviembre diciembre".split())
_TITLES = frozenset("mr mrs ms miss dr sr sra srta don doña gng g bb mme mlle m herr frau sig signora ông bà "
                    "tito tita lola lolo nana papa abuela abuelo tía tío".split())
_CARE = frozenset("patient paciente pt discharged surgery cirugía room habitación bed cama icu nicu mrn dob "
                  "admitted born turns turned birthday cumpleaños years años old recovery chemo transplant "
                  "expediente cuarto ward unit".split())


def tokenize(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]


_SHAPE = str.maketrans({**{c: "A" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ"},
                        **{c: "a" for c in "abcdefghijklmnopqrstuvwxyzßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ"},
                        **{c: "9" for c in "0123456789"}})


def _shape(tok: str) -> str:
    s = tok.translate(_SHAPE)
    out = []
    for ch in s:
        if len(out) < 2 or not (out[-1] == ch and out[-2] == ch):
            out.append(ch)
    return "".join(out)[:6]


@lru_cache(maxsize=65536)
def _word_feats(tok: str) -> tuple[str, ...]:
    """The features of one word, without position prefix (cached: words repeat across posts)."""
    low = tok.lower().rstrip(".")
    f = [f"w={low}", f"sh={_shape(tok)}"]
    if low in FIRST:
        f.append("first")
    if low in SURNAMES:
        f.append("sur")
    if low in ENGLISH:
        f.append("eng")
    if low in _MONTHS:
        f.append("month")
    if low in _TITLES:
        f.append("honorific")
    if low in _CARE:
        f.append("care")
    if tok[:1].isupper():
        f.append("title" if not tok.isupper() else "upper")
    return tuple(f)


@lru_cache(maxsize=65536)
def _own_feats(tok: str) -> tuple[str, ...]:
    low = tok.lower()
    return ("bias", f"p3={low[:3]}", f"s3={low[-3:]}") + _word_feats(tok)


_PREFIXES = {d: f"{d}:" for d in (-2, -1, 1, 2)}


def sequence_features(tokens: list[tuple[int, int, str]]) -> list[list[str]]:
    """CRF features per token: the word, its shape and lists, and its neighbours'."""
    # CRFsuite takes UTF-8: a lone surrogate (bad input) becomes "?" in the features, never an error.
    words = [t[2].encode("utf-8", "replace").decode("utf-8") for t in tokens]
    base = [_word_feats(w) for w in words]
    n = len(words)
    out = []
    for i, tok in enumerate(words):
        f = list(_own_feats(tok))
        if i == 0 or words[i - 1] in ".!?":
            f.append("bos")
        for d, pre in _PREFIXES.items():
            j = i + d
            if 0 <= j < n:
                f.extend([pre + x for x in base[j]])
            else:
                f.append(pre + "pad")
        out.append(f)
    return out


# Models set by use_models() (cross-validation trains them in memory); None: the shipped files.
_override: dict = {"tagger": None, "story": None}


@contextmanager
def use_models(tagger=None, story=None):
    """Run the checks with these models instead of the shipped ones, inside the `with` block.

    `tagger`: a path to a .crfsuite file or an open pycrfsuite.Tagger; `story`: a dict like story.json
    ({"bias", "weights"}) or a path to one. Either may be None (the shipped model is kept). Not
    thread-safe: meant for training/crossval.py and tests, never the app.
    """
    saved = dict(_override)
    if isinstance(tagger, (str, bytes)) or hasattr(tagger, "__fspath__"):
        import pycrfsuite
        path, tagger = str(tagger), pycrfsuite.Tagger()
        tagger.open(path)
    if story is not None and not isinstance(story, dict):
        with open(story, encoding="utf-8") as f:
            story = json.load(f)
    _override.update({"tagger": saved["tagger"] if tagger is None else tagger,
                      "story": saved["story"] if story is None else story})
    _word_known.cache_clear()
    _story_word_known.cache_clear()
    try:
        yield
    finally:
        _override.update(saved)
        _word_known.cache_clear()
        _story_word_known.cache_clear()


def _tagger():
    t = _override["tagger"]
    return t if t is not None else _shipped_tagger()


@lru_cache(maxsize=1)
def _shipped_tagger():
    import pycrfsuite
    t = pycrfsuite.Tagger()
    with resources.as_file(resources.files("reviewq.checks") / "models" / "tagger.crfsuite") as path:
        t.open(str(path))
    return t


def _known_attributes() -> frozenset[str]:
    """The attributes the trained CRF has a weight for; CRFsuite ignores every other one.

    Written beside the model by training/train.py; without that file, read from CRFsuite's dump (slower)."""
    if _override["tagger"] is not None:
        return _attributes_of(_override["tagger"])
    return _shipped_attributes()


@lru_cache(maxsize=4)
def _attributes_of(tagger) -> frozenset[str]:
    return frozenset(attr for attr, _ in tagger.info().state_features)


@lru_cache(maxsize=1)
def _shipped_attributes() -> frozenset[str]:
    listed = resources.files("reviewq.checks") / "models" / "tagger.attributes"
    if listed.is_file():
        return frozenset(listed.read_text(encoding="utf-8").split("\n")) - {""}
    return frozenset(attr for attr, _ in _shipped_tagger().info().state_features)


@lru_cache(maxsize=65536)
def _word_known(tok: str) -> tuple[tuple[bytes, ...], ...]:
    """For one word: its own known attributes, then the known ones it gives its neighbours at -2, -1, +1, +2,
    as UTF-8 bytes (CRFsuite's own form: handed bytes, pycrfsuite copies them instead of encoding each one
    on every post)."""
    known = _known_attributes()
    base = _word_feats(tok)
    return (tuple(f.encode() for f in _own_feats(tok) if f in known),) + tuple(
        tuple((_PREFIXES[d] + x).encode() for x in base if _PREFIXES[d] + x in known) for d in (2, 1, -1, -2))


def _tagging_features(words: list[str]) -> list[tuple[bytes, ...]]:
    """`sequence_features` without the attributes the model has no weight for: the same labels and
    marginals (CRFsuite skips unknown attributes), a fraction of the strings to look up."""
    known = _known_attributes()
    pad = [((p + "pad").encode(),) if p + "pad" in known else () for p in
           (_PREFIXES[2], _PREFIXES[1], _PREFIXES[-1], _PREFIXES[-2])]
    bos = (b"bos",) if "bos" in known else ()
    per = [_word_known(w) for w in words]
    n = len(words)
    out = []
    for i in range(n):
        # the word two before me sees me at +2, so it gives me its "-2:" features (slot 4), and so on
        out.append(per[i][0] + (bos if i == 0 or words[i - 1] in ".!?" else ())
                   + (per[i - 2][4] if i >= 2 else pad[3]) + (per[i - 1][3] if i >= 1 else pad[2])
                   + (per[i + 1][2] if i + 1 < n else pad[1]) + (per[i + 2][1] if i + 2 < n else pad[0]))
    return out


def tag_people(text: str) -> list[tuple[int, int, str, float]]:
    """(start, end, label, probability) of every NAME/ADDR/DATE run the CRF finds in `text`."""
    tokens = tokenize(text)
    if not tokens:
        return []
    tagger = _tagger()
    # CRFsuite takes UTF-8: a lone surrogate (bad input) becomes "?" in the features, never an error.
    words = [t[2] if t[2].isascii() else t[2].encode("utf-8", "replace").decode("utf-8") for t in tokens]
    labels = tagger.tag(_tagging_features(words))
    return _runs(tagger, tokens, labels)


def tag_people_crfsuite(text: str) -> list[tuple[int, int, str, float]]:
    """The same as `tag_people`, by CRFsuite's own tagger (the reference the Python inference is tested on)."""
    tokens = tokenize(text)
    if not tokens:
        return []
    tagger = _tagger()
    labels = tagger.tag(sequence_features(tokens))
    return _runs(tagger, tokens, labels)


def _runs(tagger, tokens, labels) -> list[tuple[int, int, str, float]]:
    """Runs of one non-O label as (start, end, label, the run's lowest marginal probability)."""
    spans, i = [], 0
    while i < len(tokens):
        lab = labels[i]
        if lab == "O":
            i += 1
            continue
        j = i
        probs = []
        while j < len(tokens) and labels[j] == lab:
            probs.append(tagger.marginal(lab, j))
            j += 1
        spans.append((tokens[i][0], tokens[j - 1][1], lab, min(probs)))
        i = j
    return spans


_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)


def story_features(lower: str) -> list[str]:
    """Bag of words, word pairs and 4-letter word pieces, numbers collapsed, plus a few shape cues.

    The pieces ("<dis", "disc", …, "ged>") carry what a word shares with its inflections and with the
    languages the training posts seldom use ("operasyon", "operación"), which whole words cannot."""
    words = ["0" if w.isdigit() else w for w in _WORD.findall(lower)]
    feats = [f"w:{w}" for w in words]
    feats += [f"b:{a}_{b}" for a, b in zip(words, words[1:])]
    feats += [f"p:{piece}" for w in set(words) if len(w) > 3 for piece in _pieces(w)]
    if "!" in lower:
        feats.append("cue:!")
    if "@" in lower:
        feats.append("cue:@")
    return feats


def _story_weights():
    if _override["story"] is not None:
        data = _override["story"]
        return data["bias"], data["weights"]
    return _shipped_story_weights()


@lru_cache(maxsize=65536)
def _pieces(word: str) -> tuple[str, ...]:
    marked = f"<{word}>"
    return tuple(marked[i:i + 4] for i in range(len(marked) - 3))


@lru_cache(maxsize=1)
def _shipped_story_weights():
    data = json.loads((resources.files("reviewq.checks") / "models" / "story.json").read_text(encoding="utf-8"))
    return data["bias"], data["weights"]


_story_index: dict = {}  # id(weights) -> (weights, {feature: index from 1}, [0.0, weight by index ...])


def _story_ids(w: dict) -> tuple[dict, list]:
    """Each weighted feature's index and the weights as a list: the sum reads a list by small ints instead of
    hashing and comparing feature strings in a 40,000-entry dict (most of the classifier's time)."""
    got = _story_index.get(id(w))
    if got is None or got[0] is not w:
        if len(_story_index) >= 4:
            _story_index.clear()  # models swapped in by use_models() (cross-validation): keep a few
        ids = {f: i for i, f in enumerate(w, 1)}  # from 1: filter(None, ...) drops the unknown pairs
        got = _story_index[id(w)] = (w, ids, [0.0, *w.values()])
    return got[1], got[2]


@lru_cache(maxsize=65536)
def _story_word_known(word: str) -> tuple[int, ...]:
    """The indices of the features one distinct word gives `story_features` ("w:" and its "p:" pieces) that
    have a weight."""
    ids = _story_ids(_story_weights()[1])[0]
    feats = (f"w:{word}",) + (tuple(f"p:{piece}" for piece in _pieces(word)) if len(word) > 3 else ())
    return tuple(ids[f] for f in feats if f in ids)


def story_probability(lower: str) -> float:
    """P(post features an identifiable patient), from the logistic regression in models/story.json.

    The same sum as over `set(story_features(lower))`, without building the features no weight exists
    for (they add 0): a word's own features are looked up once per distinct word and process."""
    bias, w = _story_weights()
    ids, weights = _story_ids(w)
    words = ["0" if x.isdigit() else x for x in _WORD.findall(lower)]
    # map/filter/chain keep the per-word and per-pair loops in C: the post's features are built every call
    feats = set(chain.from_iterable(map(_story_word_known, set(words))))
    feats.update(filter(None, map(ids.get, map("b:{}_{}".format, words, words[1:]))))
    for cue in ("!", "@"):
        if cue in lower and f"cue:{cue}" in ids:
            feats.add(ids[f"cue:{cue}"])
    z = bias + sum(map(weights.__getitem__, feats))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
