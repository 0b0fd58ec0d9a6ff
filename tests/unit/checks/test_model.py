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
