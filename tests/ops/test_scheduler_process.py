"""TIME-1 end to end: ``pactum serve`` with its clock moved forward escalates a deadlocked
matter at its due time by itself, nobody opening a page: the system is the actor, the
due time is in the audit trail, the dossier and the activity feed, and the executive
officers are notified. On PostgreSQL two server processes run, and only one records it.
The server's access log never shows a link's token (LOG-1)."""

from __future__ import annotations

import io
import json
import os
import time
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.core.time import utcnow
from pactum.main import create_app
from pactum.models import AuditEntry, Decision, DecisionStep, Notification
from pactum.settings import Settings
from tests.conftest import _build_world
from tests.dbutil import fresh_database
from tests.governance.support import ok, setup_governance, written_decision
from tests.servers import ServerProcess

pytestmark = pytest.mark.slow

SECRET = "s" * 40
POSTGRES = bool(os.environ.get("PACTUM_TEST_DATABASE_URL"))


def test_a_deadlocked_matter_escalates_at_its_due_time_with_nobody_looking(
    tmp_path: Path,
) -> None:
    """Deadlock now; move the servers' clock past the escalation date; the scheduler
    inside ``pactum serve`` moves the matter to the executive officers."""
    with fresh_database(tmp_path, "scheduler") as (url, engine):
        settings = Settings(env="test", data_dir=tmp_path, database_url=url, secret_key=SECRET)
        with Session(engine) as session:
            world = _build_world(session, settings)
            session.commit()
        app = create_app(settings, engine=engine)
        with TestClient(app, base_url="https://testserver") as client:
            gov = setup_governance(client, world)
            made = written_decision(client, world, gov, utcnow().date() + timedelta(days=7))
            for who, choice in (("a_manager", "yes"), ("b_manager", "no")):
                vote = {"choice": choice}
                ok(
                    client.post(
                        f"{gov.base}/decisions/{made['id']}/votes",
                        headers=world[who].headers,
                        json=vote,
                    ),
                    201,
                )
            deadlocked = ok(
                client.get(f"{gov.base}/decisions/{made['id']}", headers=world["a_manager"].headers)
            )
        assert deadlocked["status"] == "deadlocked"
        escalate_on = datetime.fromisoformat(deadlocked["escalate_on"]).replace(tzinfo=UTC)
        offset_file = tmp_path / "clock-offset"
        offset_file.write_text("0")
        env = {
            "PACTUM_SCHEDULER_SECONDS": "0.2",
            "PACTUM_TEST_CLOCK_OFFSET_FILE": str(offset_file),
        }
        log = tmp_path / "server.log"
        running = [
            ServerProcess(url, tmp_path, SECRET, env=env, serve=True, log=log)
            for _ in range(2 if POSTGRES else 1)
        ]
        try:
            for server in running:
                server.start()
            for server in running:
                server.wait_ready()
            link = httpx.get(f"{running[0].url}/join?token=the-secret-token-1234567890")
            assert link.status_code == 404
            time.sleep(1)  # a few periods: nothing is due yet
            with engine.connect() as conn:
                rung = conn.execute(
                    system_scope(select(Decision.rung).where(Decision.id == uuid.UUID(made["id"])))
                ).scalar_one()
            assert rung == 0
            moved_to = escalate_on + timedelta(hours=3)
            offset_file.write_text(str((moved_to - datetime.now(UTC)).total_seconds()))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with engine.connect() as conn:
                    rung = conn.execute(
                        system_scope(
                            select(Decision.rung).where(Decision.id == uuid.UUID(made["id"]))
                        )
                    ).scalar_one()
                if rung == 1:
                    break
                time.sleep(0.2)
            assert rung == 1, "the scheduler did not escalate the matter"
            time.sleep(1)  # the other server's scheduler, if any, has had its turns
            base = f"{running[-1].url}/api/v1/alliances/{world.alliance_id}"
            activity = httpx.get(f"{base}/activity", headers=world["b_manager"].headers).json()
            dossier = httpx.get(
                f"{base}/decisions/{made['id']}/dossier.zip", headers=world["a_manager"].headers
            )
        finally:
            for server in running:
                server.__exit__()
        with Session(engine) as session:
            steps = list(
                session.execute(
                    system_scope(
                        select(DecisionStep)
                        .where(DecisionStep.decision_id == uuid.UUID(made["id"]))
                        .order_by(DecisionStep.seq)
                    )
                ).scalars()
            )
            entries = list(
                session.execute(
                    select(AuditEntry).where(
                        AuditEntry.object_id == made["id"], AuditEntry.action == "decision.step"
                    )
                ).scalars()
            )
            told = list(
                session.execute(
                    select(Notification.user_id).where(Notification.text.like("%Escalated%"))
                ).scalars()
            )
        escalated = [s for s in steps if s.rung == 1]
        assert len(escalated) == 1, "the escalation was recorded more than once"
        assert escalated[0].actor_id is None
        assert escalated[0].at == escalate_on
        assert escalated[0].recorded_at >= escalate_on
        system_entries = [e for e in entries if e.actor_user_id is None]
        assert len(system_entries) == 1
        assert system_entries[0].actor_name == "Pactum scheduler"
        effective = json.loads(system_entries[0].new_values)["effective_at"]
        assert effective == escalate_on.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        assert {world["a_finance"].user_id, world["b_finance"].user_id} <= set(told)
        feed = [a for a in activity if a["action"] == "decision.step" and a["actor_name"]]
        latest = feed[0]
        assert latest["actor_name"] == "Pactum scheduler"
        assert datetime.fromisoformat(latest["effective_at"]) == escalate_on
        assert dossier.status_code == 200
        with zipfile.ZipFile(io.BytesIO(dossier.content)) as archive:
            text = "".join(
                archive.read(n).decode("utf-8", "replace")
                for n in archive.namelist()
                if n.endswith(".csv")
            )
        assert escalate_on.strftime("%Y-%m-%d") in text
        output = log.read_text(errors="replace")
        assert "GET /join?token=" in output
        assert "the-secret-token-1234567890" not in output
