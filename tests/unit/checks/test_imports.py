import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# reviewq/__init__.py (the app factory) imports Flask itself; this test is about reviewq.checks,
# so it stands in an empty parent package and imports the checks package alone.
CODE = """
import sys, types
pkg = types.ModuleType("reviewq"); pkg.__path__ = [%r]; sys.modules["reviewq"] = pkg
import reviewq.checks, reviewq.checks.scan, reviewq.checks.__main__
reviewq.checks.run_all("Patient Ann Lee, SSN 512-33-9087 https://cdc.gov #ad", ["x"])
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("flask", "sqlalchemy", "slack_sdk"))
print(",".join(bad)); sys.exit(1 if bad else 0)
""" % str(ROOT / "reviewq")


def test_checks_import_no_flask_sqlalchemy_or_slack():
    r = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, f"reviewq.checks imported: {r.stdout} {r.stderr}"
