"""Every stored setting is written by reviewq.stored_settings.put_setting, and nowhere else (issue 9).

Reads the source only: no Flask, no database. A module that builds a Setting row or
assigns a row's value itself would skip the audit signal put_setting sends.
"""
from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "reviewq"
WRITER = PKG / "stored_settings.py"


def setting_writes(path: Path) -> list[str]:
    """'file:line' of each Setting(...) construction or `<x>.value = ...` / `.updated_by_id = ...` assignment."""
    tree = ast.parse(path.read_text(), str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Setting":
            out.append(f"{path.name}:{node.lineno}")
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for el in (target.elts if isinstance(target, ast.Tuple) else [target]):
                    if isinstance(el, ast.Attribute) and el.attr in ("value", "updated_by_id") \
                            and getattr(el.value, "id", "") == "row":
                        out.append(f"{path.name}:{node.lineno}")
    return sorted(set(out), key=lambda w: int(w.rsplit(":", 1)[1]))


def test_only_put_setting_writes_the_settings_table():
    writes = {str(p.relative_to(PKG)): w for p in sorted(PKG.rglob("*.py"))
              if p != WRITER and (w := setting_writes(p))}
    assert writes == {}
    assert setting_writes(WRITER), "the writer itself is found by the same check"


def test_the_checker_catches_a_hand_written_row(tmp_path):
    sample = tmp_path / "op.py"
    sample.write_text("def f(s, row):\n    s.add(Setting(key='k', value={}))\n    row.value, row.updated_by_id = {}, 1\n"
                      "    row.value = {}\n")
    assert setting_writes(sample) == ["op.py:2", "op.py:3", "op.py:4"]
