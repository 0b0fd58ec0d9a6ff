"""The accuracy bars on the labelled dev corpus (../shared/corpus, present in CI and developers' checkouts)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.mark.corpus
def test_dev_corpus_meets_the_accuracy_targets(tmp_path):
    if not (CORPUS / "score.py").exists() or not (CORPUS / "dev.jsonl").exists():
        reason = "../shared/corpus not present (only in CI and the developers' checkout)"
        if os.environ.get("REVIEWQ_REQUIRE_CORPUS"):
            pytest.fail(reason + ", but REVIEWQ_REQUIRE_CORPUS is set")
        pytest.skip(reason)
    out = tmp_path / "score.json"
    cmd = f"{sys.executable} -m reviewq.checks"
    r = subprocess.run([sys.executable, str(CORPUS / "score.py"), "--corpus", str(CORPUS / "dev.jsonl"),
                        "--cmd", cmd, "--no-startup-probe", "--json", str(out)],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    m = json.loads(out.read_text())
    summary = r.stdout.strip().splitlines()[-1]
    assert m["text_mismatch"] == 0 and m["invalid_findings"] == 0, summary
    assert m["phi_post_recall"] >= 0.99, summary
    assert m["false_block"] <= 0.02, summary
    assert m["span_recall"] >= 0.97, summary
    assert m["span_precision"] >= 0.85, summary
    for label, d in m["checks"].items():
        assert d["recall"] >= 0.95, f"{label} recall {d['recall']}"
        assert d["false_alarm"] <= 0.05, f"{label} false alarm {d['false_alarm']}"
