"""TIME-1 for money: a milestone claim unanswered past its notice period is deemed
accepted, and an agreement past its expiry date expires; each reads so as of now and is
recorded by the scheduler as the system's at its due time, notifying both parties."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pactum.access import system_scope
from pactum.core.time import frozen
from pactum.models import Agreement, AuditEntry, MilestoneClaim, Notification
from pactum.ops.tick import run_tick
from pactum.settings import Settings
from tests.conftest import World
from tests.money.conftest import api
from tests.money.test_milestones_api import claim


def entry(db: Session, object_id: str, action: str) -> AuditEntry:
    """The one audit entry of ``action`` on a record."""
    return db.execute(
        select(AuditEntry).where(AuditEntry.object_id == object_id, AuditEntry.action == action)
    ).scalar_one()


def test_a_claim_unanswered_past_its_notice_period_is_deemed_accepted_by_the_scheduler(
    client: TestClient,
    db: Session,
    factory: sessionmaker[Session],
    settings: Settings,
    world: World,
    agreement: dict[str, Any],
) -> None:
    """The day after the notice period the claim reads confirmed (deemed) in the list and
    the detail while the row is unchanged; the tick records it as the system's at the
    period's end and tells both parties' finance people; the claimant can then invoice."""
    made = claim(client, world, agreement)
    respond_by = date.fromisoformat(made["respond_by"])
    due = datetime.combine(respond_by + timedelta(days=1), datetime.min.time(), UTC)
    url = api(world, f"/milestones/{made['id']}")
    with frozen(due + timedelta(hours=9)):
        shown = client.get(url, headers=world["b_finance"].headers)
        assert shown.json()["status"] == "confirmed"
        assert shown.json()["deemed"] is True
        assert shown.headers["ETag"] == f'"{made["version"] + 1}"'
        listed = client.get(api(world, "/milestones"), headers=world["a_finance"].headers)
        assert [c["status"] for c in listed.json() if c["id"] == made["id"]] == ["confirmed"]
        db.expire_all()
        stored = db.execute(
            system_scope(
                select(MilestoneClaim).where(MilestoneClaim.milestone == made["milestone"])
            )
        ).scalar_one()
        assert stored.status == "claimed"
        told = db.execute(select(func.count(Notification.id))).scalar_one()
        outcomes = {o.name: o.result for o in run_tick(factory, settings)}
        assert outcomes["milestone acceptances"].summary == "1 claim(s) deemed accepted"
        again = client.get(url, headers=world["b_finance"].headers)
    assert again.json() == shown.json()
    recorded = entry(db, made["id"], "milestone.deemed_accepted")
    assert recorded.actor_user_id is None
    assert recorded.actor_name == "Pactum scheduler"
    assert json.loads(recorded.new_values)["effective_at"] == due.strftime(
        "%Y-%m-%dT%H:%M:%S.000000Z"
    )
    notes = db.execute(select(Notification).order_by(Notification.created_at)).scalars().all()
    new = notes[told:]
    assert {n.user_id for n in new} >= {world["a_finance"].user_id, world["b_finance"].user_id}
    with frozen(due + timedelta(hours=10)):
        issued = client.post(
            api(world, f"/milestones/{made['id']}/invoice"), headers=world["a_finance"].headers
        )
    assert issued.status_code in (200, 201), issued.text


def test_an_agreement_past_its_expiry_expires_by_itself(
    client: TestClient,
    db: Session,
    factory: sessionmaker[Session],
    settings: Settings,
    world: World,
    agreement: dict[str, Any],
) -> None:
    """An in-force agreement whose expiry date has passed reads expired, then the tick
    records the expiry as the system's, effective at the end of the expiry date."""
    url = api(world, f"/agreements/{agreement['id']}")
    set_expiry = client.patch(
        url,
        json={"expiry_date": "2027-06-30"},
        headers={**world["a_manager"].headers, "If-Match": f'"{agreement["version"]}"'},
    )
    assert set_expiry.status_code == 200, set_expiry.text
    with frozen(datetime(2027, 7, 1, 12, tzinfo=UTC)):
        assert client.get(url, headers=world["b_manager"].headers).json()["status"] == "expired"
        db.expire_all()
        stored = db.execute(
            system_scope(select(Agreement).where(Agreement.id == uuid.UUID(agreement["id"])))
        ).scalar_one()
        assert stored.status == "in_force"
        outcomes = {o.name: o.result for o in run_tick(factory, settings)}
        assert outcomes["agreement expiries"].summary == "1 agreement(s) expired"
        assert run_tick(factory, settings)[2].result.summary == "0 claim(s) deemed accepted"
    recorded = entry(db, agreement["id"], "agreement.expire")
    assert recorded.actor_name == "Pactum scheduler"
    assert json.loads(recorded.new_values)["effective_at"] == "2027-07-01T00:00:00.000000Z"
