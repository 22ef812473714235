"""A fast start: ``pactum --help`` lists every command without importing any of them
(nor the web framework, the database layer or the valuation engine), and each listed
summary is its command's own help."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from pactum.cli.main import COMMANDS, load

HEAVY = ("fastapi", "sqlalchemy", "numba", "numpy", "fpdf", "openpyxl", "pactum.main")


def test_the_help_lists_every_command_and_imports_none() -> None:
    code = (
        "import sys\n"
        "from pactum.cli.main import app\n"
        "try:\n"
        "    app(['--help'], prog_name='pactum')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
        "cli = [m for m in sys.modules if m.startswith('pactum.cli.')]\n"
        "print(sorted(m for m in cli if m != 'pactum.cli.main'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    *shown, heavy, loaded = done.stdout.strip().splitlines()
    assert heavy == "[]"
    assert loaded == "[]"
    text = " ".join(" ".join(shown).replace("│", " ").split())
    for name in COMMANDS:
        assert re.search(rf"\b{name}\b", text), name


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_summary_is_the_start_of_its_commands_help(name: str) -> None:
    help_text = " ".join((load(name).help or "").split())
    assert help_text.startswith(COMMANDS[name][1]), (name, help_text[:200])


def test_the_web_app_starts_without_the_heavy_libraries() -> None:
    """The app imports Numba (the valuation engine), fpdf2 (PDFs) and openpyxl
    (spreadsheets) only when one is first needed."""
    code = (
        "import sys\n"
        "import pactum.main\n"
        "print(sorted(m for m in ('numba', 'numpy', 'fpdf', 'openpyxl') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
