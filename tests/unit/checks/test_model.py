"""The learned signals (model.py): shipped model files, their use in findings, and the training script."""
import json
import subprocess
import sys
from pathlib import Path

from reviewq.checks import run_all
from reviewq.checks.model import story_probability, tag_people, tokenize

ROOT = Path(__file__).resolve().parents[3]


def test_story_classifier_separates_a_patient_story_from_staff_news():
    story = story_probability("happy 100th birthday to our patient edna! the whole unit sang for her 🎉")
    staff = story_probability("congratulations to our nurses on 5 west for their daisy award! #nursesweek")
    assert 0.0 <= staff < story <= 1.0


def test_tagger_marks_a_name_in_a_story():
    text = "Everybody meet Xiomara Quispe! She went home from the NICU today."
    spans = [(text[s:e], lab) for s, e, lab, p in tag_people(text)]
    assert any(lab == "NAME" and "Xiomara" in v for v, lab in spans), spans


def test_pruned_tagging_features_give_crfsuite_the_same_labels_and_marginals():
    # tag_people passes only the attributes the model knows; the labels and marginals must be those of
    # the full training features (sequence_features), on varied text: names, dates, Spanish, emoji, a lone
    # surrogate, a one-word post.
    from reviewq.checks.model import _tagger, sequence_features
    texts = ["Everybody meet Xiomara Quispe! She went home from the NICU today.",
             "Sra. María López, de 103 años, cuarto 318 🎉", "DOB 3/4/1931. Admitted 2-26. Rm 4B.",
             "congrats ifeoma r. on ringing the bell", "bad \ud800 text", "Hi", "Dr. Ada Obi, RN . . !"]
    tagger = _tagger()
    for text in texts:
        tokens = tokenize(text)
        labels = tagger.tag(sequence_features(tokens))
        want = [(tokens[i][0], lab, round(tagger.marginal(lab, i), 9)) for i, lab in enumerate(labels) if lab != "O"]
        got = []
        for s, e, lab, p in tag_people(text):
            got.extend((ts, lab) for ts, te, _ in tokens if s <= ts < e)
            assert round(p, 9) == min(m for ts, _, m in want if s <= ts < e), text
        assert [(s, lab) for s, lab, _ in want] == got, text


def test_model_findings_name_their_signal_and_rule_findings_their_rule():
    fs = run_all("SSN 123-45-6789 for Dana", ["x"])
    assert all(f.source for f in fs)
    assert any(f.source.startswith("rule:") for f in fs)


def test_tokens_keep_original_offsets():
    text = "Sra. María López, de 103 años 🎉"
    assert all(text[s:e] == t for s, e, t in tokenize(text))


def test_training_script_is_reproducible_on_a_small_set(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    cmd = [sys.executable, str(ROOT / "training" / "train.py"), "--data", str(data), "--augment", "60"]
    for out in ("a", "b"):
        subprocess.run(cmd + ["--out", str(tmp_path / out)], check=True, capture_output=True, timeout=300)
    a = json.loads((tmp_path / "a" / "story.json").read_text())
    b = json.loads((tmp_path / "b" / "story.json").read_text())
    assert a == b and a["weights"]
    assert (tmp_path / "a" / "tagger.crfsuite").stat().st_size > 0


def test_shipped_attribute_list_is_the_models():
    # tagger.attributes (written by train.py) must list exactly the attributes the shipped CRF weighs:
    # a stale list would silently drop features from tagging.
    from reviewq.checks.model import _known_attributes, _tagger
    assert _known_attributes() == {a for a, _ in _tagger().info().state_features}
