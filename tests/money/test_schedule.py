"""The schedule of the next four quarters includes obligations' due dates (payments with
their amounts); a party's private obligations never appear in the other party's ledger."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pactum.core.time import utcnow
from pactum.settings import Settings
from tests.conftest import World
from tests.money.conftest import api
from tests.support import sign_in


def _obligation(client: TestClient, world: World, who: str, **extra: Any) -> None:
    due = (utcnow().date() + timedelta(days=20)).isoformat()
    body = {
        "title": "Quarterly royalty report",
        "kind": "payment",
        "responsible_org_id": str(world.orgs["B"]),
        "amount": "250000.00",
        "currency": "USD",
        "rule": {"type": "fixed", "date": due},
        **extra,
    }
    made = client.post(api(world, "/obligations"), json=body, headers=world[who].headers)
    assert made.status_code == 201, made.text


def test_obligations_in_the_schedule_and_privacy(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """A shared payment obligation is scheduled for both; A's private one only for A."""
    _obligation(client, world, "a_manager")
    _obligation(
        client,
        world,
        "a_manager",
        title="Our internal budget deadline",
        kind="report",
        amount=None,
        currency=None,
        responsible_org_id=str(world.orgs["A"]),
        visibility="private",
    )
    a = client.get(api(world, "/ledger"), headers=world["a_manager"].headers).json()
    b = client.get(api(world, "/ledger"), headers=world["b_manager"].headers).json()
    a_titles = [row["description"] for row in a["schedule"]]
    b_titles = [row["description"] for row in b["schedule"]]
    assert "Quarterly royalty report" in a_titles
    assert "Quarterly royalty report" in b_titles
    assert any(t.startswith("Our internal budget deadline") for t in a_titles)
    assert not any("internal budget" in t for t in b_titles)
    payment = next(r for r in b["schedule"] if r["description"] == "Quarterly royalty report")
    assert payment["amount"] == "250000.00"
    assert payment["quarter"] != "overdue"
    sign_in(client, db, settings, world["b_manager"])
    page = client.get(f"/alliances/{world.alliance_id}/finance").text
    assert "Quarterly royalty report" in page
    assert "250,000.00 USD" in page
    assert "internal budget" not in page
