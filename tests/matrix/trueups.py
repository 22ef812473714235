"""Route-matrix records for cost-sharing true-ups: a true-up with one cost line (shared
records, so they live in the alliance A shares with nobody yet)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from pactum.models import Agreement, AgreementVersion, CostLine, TrueUp
from pactum.statements.trueup.calc import compute
from tests.conftest import World


def a_only(db: Session, world: World, alliance_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """A true-up (with its own agreement) and one of A's cost lines."""
    a, c = world.orgs["A"], world.orgs["C"]
    user = world["a_finance"].user_id
    common = {"alliance_id": alliance_id, "owner_org_id": a, "visibility": "shared"}
    agreement = Agreement(
        **common,
        title="A-only co-development",
        kind="co_development",
        licensor_org_id=a,
        licensee_org_id=c,
        currency="EUR",
        effective_date=date(2027, 1, 1),
        created_by_id=user,
    )
    db.add(agreement)
    db.flush()
    db.add(
        AgreementVersion(
            **common,
            agreement_id=agreement.id,
            number=1,
            effective_date=date(2027, 1, 1),
            terms={},
            created_by_id=user,
        )
    )
    line_id = uuid.uuid4()
    inputs = {
        "agreement_version": 1,
        "terms_from": "2027-01-01",
        "overrun": "0.10",
        "payment_days": 45,
        "licensor_share": "0.5",
        "phase": None,
        "parties": {"licensor": str(a), "licensee": str(c)},
        "budgets": {
            "licensor": {"amount": "100.00", "decision": "JSC 1"},
            "licensee": {"amount": "100.00", "decision": "JSC 1"},
        },
        "lines": [
            {
                "id": str(line_id),
                "party": "licensor",
                "work_package": "WP1",
                "category": "CRO",
                "description": "",
                "amount": "50.00",
                "disputed": False,
                "dispute_reason": "",
            }
        ],
    }
    result = compute(inputs)
    true_up = TrueUp(
        **common,
        agreement_id=agreement.id,
        year=2027,
        quarter=1,
        currency="EUR",
        inputs=inputs,
        result=result,
        total=Decimal(result["shareable_total"]),
        created_by_id=user,
    )
    db.add(true_up)
    db.flush()
    db.add(
        CostLine(
            **common,
            id=line_id,
            true_up_id=true_up.id,
            party_org_id=a,
            work_package="WP1",
            category="CRO",
            amount=Decimal("50.00"),
            currency="EUR",
            created_by_id=user,
        )
    )
    db.commit()
    return {"true_up_id": true_up.id, "line_id": line_id}
