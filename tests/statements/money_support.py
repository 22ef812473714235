"""Set-up shared by the FX, royalty and P&L statement tests: an agreement between A
(licensor) and B (licensee) in the test alliance, and agreed FX rates."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pactum.access import open_alliance
from pactum.agreements import service as agreements
from pactum.agreements.schemas import AgreementCreate, AgreementUpdate
from pactum.core.time import freeze
from pactum.statements.fx import service as fx_service
from pactum.statements.fx.schemas import FxRateCreate
from tests.conftest import World

# Marginal tiers 5% to 1,000,000 then 8%; a 50% third-party offset capped at 30% of the
# royalty; a 50% step-down after loss of exclusivity; a 2% floor.
ROYALTY_TERMS: dict[str, Any] = {
    "royalties": {
        "mode": "marginal",
        "tiers": [{"from": 0, "rate": 0.05}, {"from": 1000000, "rate": 0.08}],
        "reductions": [
            {
                "type": "third_party_offset",
                "third_party_rate": 0.02,
                "creditable": 0.5,
                "max_reduction": 0.3,
            },
            {"type": "loe_step_down", "reduction": 0.5},
        ],
        "floor": 0.02,
    }
}
PROFIT_TERMS: dict[str, Any] = {"profit_split": 0.6}


def make_agreement(
    db: Session,
    world: World,
    *,
    terms: dict[str, Any] | None = None,
    currency: str = "USD",
    effective: date = date(2027, 1, 1),
    payment_days: int = 30,
    title: str = "HLX-204 licence",
    in_force: bool = True,
) -> uuid.UUID:
    """An agreement, A licensor and B licensee, in force (committed)."""
    view = open_alliance(db, world["a_manager"].principal, world.alliance_id)
    created = agreements.create_agreement(
        db,
        view,
        AgreementCreate(
            title=title,
            licensor_org_id=world.orgs["A"],
            licensee_org_id=world.orgs["B"],
            currency=currency,
            effective_date=effective,
            terms=ROYALTY_TERMS if terms is None else terms,
            payment_days=payment_days,
        ),
    )
    if in_force:
        agreements.update_agreement(
            db, view, created.id, AgreementUpdate(status="in_force"), expected_version=None
        )
    db.commit()
    return created.id


def agreed_rate(
    db: Session,
    world: World,
    year: int,
    quarter: int,
    currency: str,
    rate: str,
    target: str = "USD",
) -> uuid.UUID:
    """A rate proposed by B's finance and agreed by A's (committed)."""
    b = open_alliance(db, world["b_finance"].principal, world.alliance_id)
    made = fx_service.propose(
        db,
        b,
        FxRateCreate(
            year=year, quarter=quarter, currency=currency, target=target, rate=Decimal(rate)
        ),
    )
    a = open_alliance(db, world["a_finance"].principal, world.alliance_id)
    fx_service.agree(db, a, made.id, expected_version=made.version)
    db.commit()
    return made.id


@contextmanager
def frozen(day: date) -> Iterator[None]:
    """Freeze the clock at noon UTC on ``day``."""
    freeze(datetime(day.year, day.month, day.day, 12, tzinfo=UTC))
    try:
        yield
    finally:
        freeze(None)


def royalty_draft(client: TestClient, db: Session, world: World) -> dict[str, Any]:
    """A draft royalty statement for 2027 Q1 by B's finance person (over the API), with
    the agreement and the EUR rate it needs."""
    agreement_id = make_agreement(db, world)
    agreed_rate(db, world, 2027, 1, "EUR", "1.10")
    created = client.post(
        f"/api/v1/alliances/{world.alliance_id}/royalty-statements",
        headers=world["b_finance"].headers,
        json={"agreement_id": str(agreement_id), "year": 2027, "quarter": 1},
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body
