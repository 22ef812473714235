"""The ``pactum`` command line, run in-process against its own database (BAK-1 included)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from pactum.audit import verify as standalone
from pactum.cli.main import app
from pactum.core.db import make_engine
from pactum.ops import demo
from tests.dbutil import fresh_database

runner = CliRunner()
GOOD = "river otter lantern 7"


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty database for the CLI (it migrates by itself)."""
    monkeypatch.setenv("PACTUM_DATA_DIR", str(tmp_path))
    with fresh_database(tmp_path, "cli", migrate=False) as (url, _engine):
        monkeypatch.setenv("PACTUM_DATABASE_URL", url)
        yield url


def run(*args: str) -> tuple[int, str]:
    """Run the CLI; return exit code and combined output."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_help_is_helpful() -> None:
    """Every command group explains itself."""
    code, out = run("--help")
    assert code == 0
    for command in ("serve", "demo", "db", "admin", "user", "token", "audit", "backup", "restore"):
        assert command in out
    for group in ("audit", "token", "user", "demo", "db"):
        code, out = run(group, "--help")
        assert code == 0, out
        assert "Usage" in out


def test_people_organisations_and_tokens(cli_db: str) -> None:
    """admin create, org create, user create and token create work and validate input."""
    assert run("db", "upgrade")[0] == 0
    code, out = run(
        "admin", "create", "--email", "root@example.com", "--name", "Root", "--password", GOOD
    )
    assert code == 0, out
    code, out = run(
        "admin", "create", "--email", "weak@example.com", "--name", "Weak", "--password", "short"
    )
    assert code != 0
    assert "password" in out
    assert "12" in out
    assert run("org", "create", "Acme Bio")[0] == 0
    code, out = run("org", "create", "Acme Bio")
    assert code == 1
    assert "already exists" in out
    code, out = run(
        "user",
        "create",
        "--org",
        "Acme Bio",
        "--email",
        "ann@acme.example",
        "--name",
        "Ann",
        "--password",
        GOOD,
        "--admin",
    )
    assert code == 0, out
    code, out = run(
        "user",
        "create",
        "--org",
        "Nope Inc",
        "--email",
        "x@acme.example",
        "--name",
        "X",
        "--password",
        GOOD,
    )
    assert code == 1
    assert "not found" in out
    code, out = run("token", "create", "--user", "ann@acme.example")
    assert code == 0, out
    assert out.strip().startswith("pct_")
    code, out = run("token", "create", "--user", "ghost@acme.example")
    assert code == 1
    assert "no person" in out


def test_demo_audit_export_and_verify(cli_db: str, tmp_path: Path) -> None:
    """demo load is idempotent; the trail verifies; an export verifies standalone."""
    code, out = run("demo", "load")
    assert code == 0, out
    assert "Demo data loaded" in out
    assert demo.DEMO_PASSWORD in out
    assert "julia.brandt@meridianpharma.example" in out
    code, out = run("demo", "load")
    assert "already present" in out
    code, out = run("audit", "verify")
    assert code == 0
    assert out.startswith("ok:")
    engine = make_engine(cli_db)
    with engine.connect() as conn:
        alliance_id = conn.execute(text("SELECT id FROM alliances")).scalar_one()
    alliance = str(uuid.UUID(str(alliance_id)))
    target = tmp_path / "meridian.jsonl"
    code, out = run(
        "audit",
        "export",
        "--alliance",
        alliance,
        "--org",
        demo.MERIDIAN,
        "-o",
        str(target),
        "--csv",
        str(tmp_path / "meridian.csv"),
    )
    assert code == 0, out
    content = target.read_text()
    assert "Do not accept a profit share below 40%" not in content
    assert "Exit if the ORR at RP2D is below 20%" in content
    assert standalone.verify_file(str(target)) is None
    assert "time (UTC)" in (tmp_path / "meridian.csv").read_text()
    code, out = run(
        "audit", "export", "--alliance", "not-an-id", "--org", demo.MERIDIAN, "-o", str(target)
    )
    assert code == 2
    assert "--alliance" in out
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER audit_entries_no_update"))
        conn.execute(text("UPDATE audit_entries SET actor_name = 'Mallory' WHERE seq = 3"))
    engine.dispose()
    code, out = run("audit", "verify")
    assert code == 1
    assert "BROKEN: chain" in out
    assert "seq 3: hash mismatch" in out


def test_backup_and_restore_round_trip(cli_db: str, tmp_path: Path) -> None:
    """BAK-1: a backup restores over later changes and passes the integrity checks."""
    assert run("demo", "load")[0] == 0
    backup = tmp_path / "pactum.backup"
    code, out = run("backup", str(backup))
    assert code == 0, out
    assert backup.stat().st_size > 0
    assert run("org", "create", "Created After Backup")[0] == 0
    code, out = run("restore", str(backup), "--yes")
    assert code == 0, out
    assert "audit trail ok" in out
    code, out = run("org", "list")
    assert "Created After Backup" not in out
    assert demo.HELIX in out
    bogus = tmp_path / "bogus.backup"
    bogus.write_text("not a backup")
    code, out = run("restore", str(bogus), "--yes")
    assert code == 1
    assert "Restore failed" in out


def test_standalone_verifier_usage(tmp_path: Path) -> None:
    """verify.py explains itself and rejects a file that is not an export."""
    script = Path(standalone.__file__)
    usage = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    assert usage.returncode == 2
    assert "usage" in usage.stdout
    junk = tmp_path / "junk.jsonl"
    junk.write_text('{"hello": 1}\n')
    bad = subprocess.run(
        [sys.executable, str(script), str(junk)], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1
    assert "not a Pactum audit export" in bad.stdout
