"""TIME-1: a matter whose clock ran out reads as moved on everywhere, before the scheduler
records it, and reading it changes nothing; the scheduler then records exactly that, as
the system, at the due time."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pactum.access import system_scope
from pactum.core.time import frozen
from pactum.governance.service import jobs
from pactum.models import AuditEntry, Decision, DecisionStep, Notification
from pactum.settings import Settings
from tests.conftest import World
from tests.governance.support import NOW, ok, setup_governance, written_decision
from tests.support import sign_in

DEADLINE = date(2026, 11, 25)
AFTER = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)  # the day after the deadline
DUE = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # the deadline's day has ended


def counts(db: Session) -> tuple[int, int, int]:
    """(audit entries, decision steps, notifications) in the database."""
    db.expire_all()
    return (
        db.execute(select(func.count(AuditEntry.id))).scalar_one(),
        db.execute(system_scope(select(func.count(DecisionStep.id)))).scalar_one(),
        db.execute(select(func.count(Notification.id))).scalar_one(),
    )


def test_reads_show_the_deadlock_before_the_scheduler_and_write_nothing(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """Nobody voted by the deadline: the API detail, the register (filtered too), the
    decision page, the governance overview and the dossier all say deadlocked, with the
    step at its due time and nobody as its actor; the database is untouched."""
    with frozen(NOW):
        gov = setup_governance(client, world)
        made = written_decision(client, world, gov, DEADLINE)
    sign_in(client, db, settings, world["a_manager"])  # signing in is audited: before counting
    before = counts(db)
    api = f"{gov.base}/decisions"
    with frozen(AFTER):
        detail = client.get(f"{api}/{made['id']}", headers=world["b_manager"].headers)
        seen = ok(detail)
        assert seen["status"] == "deadlocked"
        assert detail.headers["ETag"] == f'"{made["version"] + 1}"'
        due_step = seen["steps"][-1]
        assert due_step["status"] == "deadlocked"
        assert due_step["actor_id"] is None
        assert due_step["recorded_at"] is None
        assert datetime.fromisoformat(due_step["at"]) == DUE
        listed = ok(client.get(api, headers=world["a_manager"].headers))["items"]
        assert [d["status"] for d in listed if d["id"] == made["id"]] == ["deadlocked"]
        dead = ok(client.get(f"{api}?status=deadlocked", headers=world["a_manager"].headers))
        assert [d["id"] for d in dead["items"]] == [made["id"]]
        assert dead["total"] == 1
        still_open = ok(client.get(f"{api}?status=open", headers=world["a_manager"].headers))
        assert made["id"] not in [d["id"] for d in still_open["items"]]
        dossier = client.get(f"{api}/{made['id']}/dossier.zip", headers=world["a_manager"].headers)
        assert dossier.status_code == 200
        with zipfile.ZipFile(io.BytesIO(dossier.content)) as archive:
            names = archive.namelist()
            timeline = "".join(
                archive.read(n).decode("utf-8", "replace") for n in names if n.endswith(".csv")
            )
        assert "2026-11-26T00:00" in timeline or "2026-11-26 00:00" in timeline
        page = client.get(f"/alliances/{world.alliance_id}/decisions/{made['id']}")
        assert page.status_code == 200
        assert "Deadlocked" in page.text
        assert "Pactum, when it fell due" in page.text
        overview = client.get(f"/alliances/{world.alliance_id}/governance")
        assert overview.status_code == 200
    assert counts(db) == before
    stored = db.execute(
        system_scope(select(Decision).where(Decision.reference == made["reference"]))
    ).scalar_one()
    assert stored.status == "open"


def test_the_scheduler_records_the_step_as_the_system_at_its_due_time(
    client: TestClient, db: Session, factory: sessionmaker[Session], world: World
) -> None:
    """The escalation job records the deadlock with the scheduler as actor, the deadline's
    end as effective time and the processing time beside it; the detail then reads the
    same as before it was recorded."""
    with frozen(NOW):
        gov = setup_governance(client, world)
        made = written_decision(client, world, gov, DEADLINE)
    url = f"{gov.base}/decisions/{made['id']}"
    with frozen(AFTER):
        shown = ok(client.get(url, headers=world["a_manager"].headers))
        assert jobs.escalate(factory, AFTER.date()) == 1
        recorded = ok(client.get(url, headers=world["a_manager"].headers))
    assert {k: v for k, v in recorded.items() if k != "steps"} == {
        k: v for k, v in shown.items() if k != "steps"
    }
    last = recorded["steps"][-1]
    assert datetime.fromisoformat(last["at"]) == DUE
    assert datetime.fromisoformat(last["recorded_at"]) == AFTER
    assert last["actor_id"] is None
    entry = db.execute(
        select(AuditEntry).where(
            AuditEntry.object_id == made["id"], AuditEntry.action == "decision.step"
        )
    ).scalar_one()
    assert entry.actor_user_id is None
    assert entry.actor_name == "Pactum scheduler"
    assert entry.ts == AFTER
    assert json.loads(entry.new_values)["effective_at"] == "2026-11-26T00:00:00.000000Z"
    activity = ok(
        client.get(
            f"/api/v1/alliances/{world.alliance_id}/activity",
            headers=world["b_manager"].headers,
        )
    )
    step = next(a for a in activity if a["action"] == "decision.step")
    assert step["actor_name"] == "Pactum scheduler"
    assert datetime.fromisoformat(step["effective_at"]) == DUE


def test_a_vote_after_the_deadline_finds_the_matter_moved_on(
    client: TestClient, db: Session, world: World
) -> None:
    """A late vote is refused (the deadline passed) and leaves nothing behind; the step
    it found due is not recorded by the refused request."""
    with frozen(NOW):
        gov = setup_governance(client, world)
        made = written_decision(client, world, gov, DEADLINE)
    before = counts(db)
    with frozen(AFTER + timedelta(hours=1)):
        late = client.post(
            f"{gov.base}/decisions/{made['id']}/votes",
            headers=world["a_manager"].headers,
            json={"choice": "yes"},
        )
    assert late.status_code == 409
    assert counts(db)[:2] == before[:2]
