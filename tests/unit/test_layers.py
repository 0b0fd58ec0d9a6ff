"""The architecture's boundaries, read from the source (issue 9).

- Views, API handlers, Slack handlers and CLI commands parse, call one
  operation or query, and render: they import neither SQLAlchemy nor
  core.workflow, and never commit or roll back (the request's unit of work
  and the CLI's db.transaction() do).
- A draft's `state` is assigned in exactly one function:
  reviewq.drafts.transitions.apply.
Reads files only: no Flask, no database.
"""
from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "reviewq"
BOUNDARY = [*sorted((PKG / "web").rglob("*.py")), *sorted((PKG / "api").rglob("*.py")),
            *(PKG / "integrations" / "slack" / f for f in ("endpoint.py", "admin.py", "inbound.py", "blocks.py",
                                                            "client.py")),
            PKG / "cli.py"]
# The unit of work itself is the one place that commits and rolls back a request.
OWNS_THE_TRANSACTION = {PKG / "web" / "unit_of_work.py"}
FORBIDDEN_IMPORTS = ("sqlalchemy", "reviewq.core.workflow")


def _rel(path: Path) -> str:
    return str(path.relative_to(PKG.parent)) if path.is_relative_to(PKG.parent) else path.name


def _imports(tree: ast.AST) -> set[str]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def boundary_violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    if path in OWNS_THE_TRANSACTION:
        return []
    found = [f"imports {m}" for m in sorted(_imports(tree))
             if any(m == f or m.startswith(f + ".") for f in FORBIDDEN_IMPORTS)]
    found += [f"calls .{n.func.attr}() on line {n.lineno}" for n in ast.walk(tree)
                  if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                  and n.func.attr in ("commit", "rollback")]
    return found


def test_the_boundary_list_is_real():
    assert all(p.is_file() for p in BOUNDARY)
    assert len(BOUNDARY) > 10


def test_views_api_slack_and_cli_import_no_sqlalchemy_nor_workflow_and_never_commit():
    bad = {_rel(p): v for p in BOUNDARY if (v := boundary_violations(p))}
    assert bad == {}


def test_the_service_layer_catch_all_is_gone():
    assert not (PKG / "services").exists()


def test_the_checker_catches_what_it_forbids(tmp_path):
    sample = tmp_path / "view.py"
    sample.write_text("from sqlalchemy import select\nfrom reviewq.core import workflow as wf\n"
                      "def v(db):\n    db.session.commit()\n    db.session.rollback()\n")
    assert boundary_violations(sample) == ["imports reviewq.core.workflow", "imports sqlalchemy",
                                           "imports sqlalchemy.select", "calls .commit() on line 4",
                                           "calls .rollback() on line 5"]


def _state_writes(path: Path) -> list[str]:
    """Every place in `path` that assigns a draft's state, as 'file:function:line'."""
    tree = ast.parse(path.read_text(), str(path))
    out = []

    def visit(node, func="<module>"):
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else func
            where = f"{_rel(path)}:{name}:{getattr(child, 'lineno', '?')}"
            if isinstance(child, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                for t in targets:
                    for el in (t.elts if isinstance(t, ast.Tuple) else [t]):
                        if isinstance(el, ast.Attribute) and el.attr == "state":
                            out.append(where)
            if isinstance(child, ast.Call):
                f = child.func
                fname = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if fname == "setattr" and len(child.args) > 1 and (
                        (isinstance(child.args[1], ast.Constant) and child.args[1].value == "state")
                        or (not isinstance(child.args[1], ast.Constant)
                            and getattr(child.args[0], "id", "") in ("draft", "d"))):
                    out.append(where)  # a draft's columns written by name: only the transition may
                if fname in ("Draft", "values") and any(k.arg == "state" for k in child.keywords):
                    out.append(where)
                if fname == "values" and any(isinstance(a, ast.Dict) and any(
                        isinstance(k, ast.Constant) and k.value == "state" for k in a.keys) for a in child.args):
                    out.append(where)
            visit(child, name)

    visit(tree)
    return out


# Synthetic data for demos and load tests is inserted in bulk in the state it is meant to show.
STATE_WRITERS_ALLOWED = {"reviewq/seed.py"}


def test_state_is_assigned_in_exactly_one_function():
    writes = [w for p in sorted(PKG.rglob("*.py")) for w in _state_writes(p)
              if _rel(p) not in STATE_WRITERS_ALLOWED]
    assert {w.rsplit(":", 1)[0] for w in writes} == {"reviewq/drafts/transitions.py:apply"}, writes


def test_the_state_checker_catches_assignments(tmp_path):
    sample = tmp_path / "op.py"
    sample.write_text("def f(d, s):\n    d.state = 'x'\n    d.a, d.state = 1, 2\n"
                      "    s.execute(update(T).values(state='x'))\n    s.execute(update(T).values({'state': 1}))\n"
                      "    Draft(state='draft')\n    setattr(d, 'state', 1)\n    for k in 'ab':\n        setattr(d, k, 1)\n"
                      "    setattr(s, k, 1)\n")
    assert [w.rsplit(":", 2)[1:] for w in _state_writes(sample)] == [
        ["f", "2"], ["f", "3"], ["f", "4"], ["f", "5"], ["f", "6"], ["f", "7"], ["f", "9"]]


def test_only_the_workflow_itself_reads_its_transition_table():
    readers = sorted(_rel(p) for p in PKG.rglob("*.py") if p != PKG / "core" / "workflow.py"
                     and any(isinstance(n, ast.Attribute) and n.attr == "TABLE"
                             or isinstance(n, ast.alias) and n.name == "TABLE"
                             for n in ast.walk(ast.parse(p.read_text()))))
    assert readers == []
