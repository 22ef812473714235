"""Set-up shared by the true-up tests: an A–B agreement and a true-up through the API."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pactum.access import open_alliance
from pactum.agreements.schemas import AgreementCreate
from pactum.agreements.service import create_agreement
from tests.conftest import PASSWORD, World

TERMS = {"licensor_cost_share": {"phase2": 0.6, "phase3": 0.5}}


def agreement(db: Session, world: World, *, overrun: str = "0.10") -> uuid.UUID:
    """A co-development agreement, A licensor and B licensee, in EUR, from 2027-01-01."""
    view = open_alliance(db, world["a_manager"].principal, world.alliance_id)
    created = create_agreement(
        db,
        view,
        AgreementCreate(
            title="Helix–Meridian co-development",
            kind="co_development",
            licensor_org_id=world.orgs["A"],
            licensee_org_id=world.orgs["B"],
            currency="EUR",
            effective_date=date(2027, 1, 1),
            terms=TERMS,
            overrun_cap=Decimal(overrun),
        ),
    )
    db.commit()
    return created.id


def base(world: World) -> str:
    """The API base of the alliance's true-ups."""
    return f"/api/v1/alliances/{world.alliance_id}/true-ups"


def open_true_up(
    client: TestClient, world: World, agreement_id: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    """Open the 2027 Q1 true-up as A's finance officer (budgets A 40,000, B 60,000)."""
    body = {
        "agreement_id": str(agreement_id),
        "year": 2027,
        "quarter": 1,
        "licensor_budget": "40000.00",
        "licensor_budget_decision": "JSC 2026-12, item 4",
        "licensee_budget": "60000.00",
        "licensee_budget_decision": "JSC 2026-12, item 5",
        "phase": "phase2",
        **extra,
    }
    response = client.post(base(world), headers=world["a_finance"].headers, json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def add_line(
    client: TestClient,
    world: World,
    true_up_id: str,
    who: str,
    work_package: str,
    category: str,
    amount: str,
    *,
    submit: bool = True,
) -> dict[str, Any]:
    """Add a cost line as ``who`` (a finance person) and return it; ``submit`` submits
    the party's draft lines at once (so the other party sees it and the result counts
    it)."""
    response = client.post(
        f"{base(world)}/{true_up_id}/lines",
        headers=world[who].headers,
        json={
            "work_package": work_package,
            "category": category,
            "amount": amount,
            "currency": "EUR",
        },
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    if submit:
        done = submit_lines(client, world, true_up_id, who)
        data = next(ln for ln in done["lines"] if ln["id"] == data["id"])
    return data


def submit_lines(client: TestClient, world: World, true_up_id: str, who: str) -> dict[str, Any]:
    """Submit ``who``'s party's draft lines; returns the true-up."""
    current = client.get(f"{base(world)}/{true_up_id}", headers=world[who].headers)
    assert current.status_code == 200, current.text
    response = client.post(
        f"{base(world)}/{true_up_id}/lines/submit",
        headers={**world[who].headers, "If-Match": f'"{current.json()["version"]}"'},
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def dispute(
    client: TestClient, world: World, true_up_id: str, line: dict[str, Any], who: str
) -> dict[str, Any]:
    """Dispute ``line`` as ``who`` with a reason."""
    response = client.post(
        f"{base(world)}/{true_up_id}/lines/{line['id']}/dispute",
        headers={**world[who].headers, "If-Match": f'"{line["version"]}"'},
        json={"disputed": True, "reason": "Consultants were not in the approved plan"},
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def sign(
    client: TestClient,
    world: World,
    true_up_id: str,
    who: str,
    version: int,
    *,
    password: str = PASSWORD,
    name: str | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """Sign version ``version`` as ``who``; returns the response."""
    return client.post(
        f"{base(world)}/{true_up_id}/signatures",
        headers={**world[who].headers, **(headers or {})},
        json={
            "version": version,
            "password": password,
            "printed_name": name or who.replace("_", " ").title(),
            "meaning": "approval",
        },
    )
