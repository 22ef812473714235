"""Every "done" key a form redirects with has its message in the one table (and the
table holds no message nobody uses)."""

from __future__ import annotations

import ast
from pathlib import Path

from pactum.web.forms import DONE_MESSAGES

SRC = Path(__file__).resolve().parents[2] / "src" / "pactum"


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "redirect" and len(node.args) > 1:
                    keys |= _strings(node.args[1])
                for kw in node.keywords:
                    if kw.arg == "done":
                        keys |= _strings(kw.value)
            if isinstance(node, ast.Assign) and any(
                getattr(t, "id", "") == "done" for t in node.targets
            ):
                keys |= _strings(node.value)
    return keys


def _strings(node: ast.AST) -> set[str]:
    """The keys an expression can be: a string, or either branch of ``a if c else b``."""
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return {node.value}
    return set()


def test_every_used_key_has_its_message() -> None:
    used = _used_keys()
    assert used, "no redirect found: the scan is broken"
    assert sorted(used - set(DONE_MESSAGES)) == []
