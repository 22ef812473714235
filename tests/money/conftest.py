"""Shared set-up for agreement, milestone and ledger tests: an agreement in force between
A (licensor) and B (licensee) in the shared alliance."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import World

TERMS: dict[str, Any] = {
    "upfront": [{"amount": 40000000}],
    "milestones": [
        {"gate": "phase1", "amount": 15000000},
        {"gate": "phase2", "amount": 40000000},
    ],
    "royalties": {
        "mode": "marginal",
        "tiers": [{"from": 0, "rate": 0.06}, {"from": 250000000, "rate": 0.08}],
        "reductions": [{"type": "third_party_offset", "third_party_rate": 0.03}],
        "floor": 0.02,
    },
}


def agreement_body(world: World, **extra: Any) -> dict[str, Any]:
    """A licence between A (licensor) and B (licensee)."""
    body: dict[str, Any] = {
        "title": "KRAS licence",
        "kind": "licence",
        "licensor_org_id": str(world.orgs["A"]),
        "licensee_org_id": str(world.orgs["B"]),
        "currency": "USD",
        "effective_date": "2026-01-01",
        "terms": TERMS,
        "payment_days": 45,
        "notice_days": 30,
        "signed_by": "CEO of each party",
    }
    body.update(extra)
    return body


def api(world: World, path: str = "") -> str:
    """The alliance's API prefix."""
    return f"/api/v1/alliances/{world.alliance_id}{path}"


@pytest.fixture
def agreement(client: TestClient, world: World) -> dict[str, Any]:
    """An agreement in force (created and activated by A's alliance manager)."""
    return agreement_in_force(client, world)


def agreement_in_force(client: TestClient, world: World) -> dict[str, Any]:
    """Create an agreement as A's alliance manager and put it in force; its JSON."""
    made = client.post(
        api(world, "/agreements"), json=agreement_body(world), headers=world["a_manager"].headers
    )
    assert made.status_code == 201, made.text
    done = client.patch(
        api(world, f"/agreements/{made.json()['id']}"),
        json={"status": "in_force"},
        headers={**world["a_manager"].headers, "If-Match": made.headers["ETag"]},
    )
    assert done.status_code == 200, done.text
    return dict(done.json())


def claim(
    client: TestClient,
    world: World,
    agreement: dict[str, Any],
    who: str = "a_finance",
    **extra: Any,
) -> dict[str, Any]:
    """A's claim of the phase 1 milestone."""
    body = {
        "agreement_id": agreement["id"],
        "milestone": "Successful completion of Phase 1",
        "achieved_on": date(2026, 10, 1).isoformat(),
        "evidence": "Topline data read out on 1 October; CSR section 11.",
        "amount": "15000000.00",
    }
    body.update(extra)
    made = client.post(api(world, "/milestones"), json=body, headers=world[who].headers)
    assert made.status_code == 201, made.text
    return dict(made.json())


def new_id() -> str:
    """A fresh idempotency key."""
    return str(uuid.uuid4())
