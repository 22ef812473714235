"""AUD-1..AUD-5: the trail is written with the change, chained, tamper-evident, exportable."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from pactum.access import open_alliance
from pactum.audit import verify as standalone
from pactum.audit.service import (
    Actor,
    export_csv,
    export_lines,
    record,
    shared_chain,
    verify_trail,
)
from pactum.core.db import make_sessionmaker, transaction
from pactum.models import AuditEntry
from pactum.objectives.schemas import ObjectiveCreate
from pactum.objectives.service import create_objective
from pactum.settings import Settings
from tests.conftest import World
from tests.support import private_objective, shared_objective

VERIFY_PY = Path(standalone.__file__)


def _allow_tampering(db: Session) -> None:
    """Act as someone with direct database access: switch the append-only wall off."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only"))
    else:
        db.execute(text("DROP TRIGGER audit_entries_no_update"))
        db.execute(text("DROP TRIGGER audit_entries_no_delete"))


def _entries(db: Session, chain: str) -> list[AuditEntry]:
    return list(
        db.execute(
            select(AuditEntry).where(AuditEntry.chain == chain).order_by(AuditEntry.seq)
        ).scalars()
    )


def test_untouched_trail_verifies(db: Session, world: World) -> None:
    """The seeded trail verifies end to end."""
    result = verify_trail(db)
    assert result.ok, result.problem
    assert result.entries > 20


def test_the_application_cannot_update_or_delete_entries(db: Session, world: World) -> None:
    """AUD-2: the database itself refuses UPDATE and DELETE on audit entries."""
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text("UPDATE audit_entries SET actor_name = 'x'"))
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text("DELETE FROM audit_entries"))


def test_changed_content_is_detected_at_the_exact_entry(db: Session, world: World) -> None:
    """AUD-3: editing one row's values in SQL is reported as that chain's entry."""
    chain = shared_chain(world.alliance_id)
    target = _entries(db, chain)[2]
    _allow_tampering(db)
    db.execute(
        text("UPDATE audit_entries SET new_values = :v WHERE id = :id"),
        {"v": '{"name":"forged"}', "id": target.id},
    )
    result = verify_trail(db)
    assert not result.ok
    assert (
        result.problem
        == f"chain {chain} seq {target.seq}: hash mismatch (entry content was altered)"
    )


def test_recomputed_hash_still_breaks_the_next_link(db: Session, world: World) -> None:
    """Rewriting an entry and its own hash is caught by the following entry's prev_hash."""
    chain = shared_chain(world.alliance_id)
    entries = _entries(db, chain)
    target = entries[1]
    forged = {
        "chain": target.chain,
        "seq": target.seq,
        "ts": target.ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "alliance_id": str(target.alliance_id),
        "actor_user_id": str(target.actor_user_id),
        "actor_org_id": str(target.actor_org_id),
        "actor_name": "Mallory",
        "action": target.action,
        "object_type": target.object_type,
        "object_id": target.object_id,
        "old": target.old_values,
        "new": target.new_values,
        "reason": target.reason,
        "prev_hash": target.prev_hash,
    }
    _allow_tampering(db)
    db.execute(
        text("UPDATE audit_entries SET actor_name = 'Mallory', hash = :h WHERE id = :id"),
        {"h": standalone.entry_hash(forged), "id": target.id},
    )
    result = verify_trail(db)
    assert result.problem == (
        f"chain {chain} seq {target.seq + 1}: prev_hash does not match the previous entry's hash"
    )


@pytest.mark.parametrize("which", ["middle", "last"])
def test_removed_entries_are_detected(db: Session, world: World, which: str) -> None:
    """A deleted entry leaves a gap; a deleted tail no longer matches the chain's head."""
    chain = shared_chain(world.alliance_id)
    entries = _entries(db, chain)
    target = entries[1] if which == "middle" else entries[-1]
    _allow_tampering(db)
    db.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": target.id})
    problem = verify_trail(db).problem
    assert problem is not None
    if which == "middle":
        assert problem.startswith(f"chain {chain} seq {target.seq + 1}: expected seq {target.seq}")
    else:
        assert "head does not match the last entry" in problem
        assert chain in problem


def test_entry_is_written_in_the_same_transaction(db: Session, world: World) -> None:
    """AUD-1: a rolled-back change leaves no audit entry behind."""
    before = db.execute(select(func.count(AuditEntry.id))).scalar_one()
    with db.begin_nested() as nested:
        shared_objective_in(db, world)
        assert db.execute(select(func.count(AuditEntry.id))).scalar_one() == before + 1
        nested.rollback()
    assert db.execute(select(func.count(AuditEntry.id))).scalar_one() == before


def shared_objective_in(db: Session, world: World) -> None:
    """Create a shared objective without committing."""
    view = open_alliance(db, world["a_manager"].principal, world.alliance_id)
    create_objective(db, view, ObjectiveCreate(title="rolled back"))


def test_sign_ins_and_refused_accesses_are_audited(
    client: TestClient, db: Session, world: World
) -> None:
    """AUD-1: a failed sign-in and a refused access to alliance data leave entries."""
    page = client.get("/login")
    token = page.cookies.get("pactum_csrf") or client.cookies.get("pactum_csrf")
    client.post(
        "/login",
        data={
            "email": "b_manager@example.com",
            "password": "wrong password!!",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    hidden = private_objective(db, world, "a_manager", "A hides this")
    response = client.get(
        f"/api/v1/alliances/{world.alliance_id}/objectives/{hidden}",
        headers=world["b_manager"].headers,
    )
    assert response.status_code == 404
    actions = {
        (e.action, e.object_id)
        for e in db.execute(
            select(AuditEntry).where(AuditEntry.chain == f"org:{world.orgs['B']}")
        ).scalars()
    }
    assert ("auth.login_failed", str(world["b_manager"].user_id)) in actions
    assert ("access.denied", str(hidden)) in actions


def _export(db: Session, world: World, party: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{party}.jsonl"
    lines = export_lines(db, alliance_id=world.alliance_id, org_id=world[party].org_id)
    path.write_bytes(("\n".join(lines) + "\n").encode("ascii"))
    return path


def test_party_export_holds_no_private_content_of_the_other(
    db: Session, world: World, tmp_path: Path
) -> None:
    """AUD-4: B's export verifies and contains nothing of A's private objective."""
    secret = private_objective(db, world, "a_manager", "Walk away below 40% profit share")
    shared_objective(db, world, "a_manager", "Dose first patient")
    export_b = _export(db, world, "b_manager", tmp_path).read_text()
    assert "Walk away below 40%" not in export_b
    assert str(secret) not in export_b
    assert f"org:{world.orgs['A']}" not in export_b
    assert "Dose first patient" in export_b
    export_a = _export(db, world, "a_manager", tmp_path).read_text()
    assert "Walk away below 40%" in export_a


def test_standalone_verifier_runs_without_pactum(db: Session, world: World, tmp_path: Path) -> None:
    """AUD-4: verify.py alone (isolated interpreter, no Pactum importable) checks an export."""
    path = _export(db, world, "b_manager", tmp_path)
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(VERIFY_PY, alone / "verify.py")
    run = [sys.executable, "-I", "-S", str(alone / "verify.py"), str(path)]
    ok = subprocess.run(run, capture_output=True, text=True, cwd=alone, check=False)
    assert (ok.returncode, ok.stdout.strip()) == (0, "ok"), ok.stderr
    content = path.read_text().replace("Test co-development", "Forged co-development", 1)
    path.write_text(content)
    bad = subprocess.run(run, capture_output=True, text=True, cwd=alone, check=False)
    assert bad.returncode == 1
    assert bad.stdout.startswith("BROKEN: chain alliance:")
    assert "hash mismatch" in bad.stdout


def test_truncated_export_is_detected(db: Session, world: World, tmp_path: Path) -> None:
    """Dropping the last line of an export no longer matches the header's heads."""
    path = _export(db, world, "a_manager", tmp_path)
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:-2]) + b"\n")
    problem = standalone.verify_file(str(path))
    assert problem is not None
    assert "head does not match" in problem


def test_line_separators_in_content_do_not_break_the_export(
    db: Session, world: World, tmp_path: Path
) -> None:
    """AUD-5: U+2028/U+2029 in a description stay escaped; the export is ASCII and one
    entry a line."""
    view = open_alliance(db, world["a_manager"].principal, world.alliance_id)
    create_objective(
        db,
        view,
        ObjectiveCreate(title="Separators", description="Line\u2028separator and\u2029more"),
    )
    db.commit()
    path = _export(db, world, "a_manager", tmp_path)
    raw = path.read_bytes()
    raw.decode("ascii")
    text_lines = raw.decode("ascii").splitlines()
    assert len(text_lines) == len(raw.split(b"\n")) - 1
    titles = [json.loads(line).get("new", "") for line in text_lines[1:]]
    assert any("Line\u2028separator" in json.loads(t).get("description", "") for t in titles if t)
    assert standalone.verify_file(str(path)) is None


def test_human_readable_csv(db: Session, world: World) -> None:
    """AUD-5: the CSV form has a header and one row per entry."""
    lines = list(export_lines(db, alliance_id=world.alliance_id, org_id=world.orgs["A"]))
    entries = [json.loads(line) for line in lines[1:]]
    csv_text = export_csv(entries)
    assert csv_text.splitlines()[0].startswith("time (UTC),who,action")
    assert len(csv_text.strip().splitlines()) == len(entries) + 1


def test_concurrent_appends_never_fork_a_chain(
    settings: Settings, world: World, engine: Engine
) -> None:
    """AUD-2: appends are serialised; parallel writers produce one gap-free chain."""
    factory = make_sessionmaker(engine)
    chain = f"test:concurrency:{world.alliance_id}"
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(5):
                with transaction(factory) as session:
                    record(
                        session,
                        actor=Actor.system(f"w{n}"),
                        action="test.append",
                        object_type="test",
                        object_id=f"{n}-{i}",
                        chain=chain,
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with transaction(factory) as session:
        seqs = [
            e.seq
            for e in session.execute(
                select(AuditEntry).where(AuditEntry.chain == chain).order_by(AuditEntry.seq)
            ).scalars()
        ]
        assert seqs == list(range(1, 21))
        assert verify_trail(session).ok
