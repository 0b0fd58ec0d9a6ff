import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reviewq.checks.scan import ScanInputError, scan_stream

ROOT = Path(__file__).resolve().parents[3]


def test_scan_stream_keeps_order_and_ids():
    lines = [{"id": "a", "text": "Patient Ann Lee, SSN 512-33-9087", "channels": ["x"]},
             {"id": 2, "text": "Flu shots today! 💉", "channels": []}]
    out = io.StringIO()
    n = scan_stream(io.StringIO("\n".join(json.dumps(x) for x in lines) + "\n\n"), out)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert n == 2 and [r["id"] for r in rows] == ["a", 2]
    assert {f["category"] for f in rows[0]["findings"]} >= {"name", "ssn"}
    assert rows[1]["findings"] == []


@pytest.mark.parametrize("data, where", [
    ('{"id": 1, "text": "ok"}\n{not json}\n', "line 2"),
    ('[1, 2]\n', "line 1"),
    ('{"id": 1, "text": 5}\n', "line 1"),
    ('{"id": 1, "text": "x", "channels": "x"}\n', "line 1"),
])
def test_bad_lines_raise_scaninputerror_naming_the_line(data, where):
    with pytest.raises(ScanInputError, match=where) as e:
        scan_stream(io.StringIO(data), io.StringIO())
    assert "\n" not in str(e.value)


def test_module_cli_speaks_the_protocol_and_exits_2_on_bad_input():
    run = lambda data: subprocess.run([sys.executable, "-m", "reviewq.checks"], input=data.encode(),  # noqa: E731
                                      capture_output=True, cwd=ROOT)
    ok = run('{"id": "p1", "text": "Eat kale, it cures everything 🥬", "channels": ["x"]}\n')
    assert ok.returncode == 0
    row = json.loads(ok.stdout)
    assert row["id"] == "p1" and any(f["check"] == "sourcing" for f in row["findings"])
    bad = run("nope\n")
    assert bad.returncode == 2 and b"line 1" in bad.stderr and b"Traceback" not in bad.stderr
