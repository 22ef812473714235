"""Route-matrix records for agreements, milestone claims and invoices (shared records, so
they live in the alliance A shares with nobody yet)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from pactum.models import Agreement, AgreementVersion, Invoice, MilestoneClaim
from tests.conftest import World


def a_only(db: Session, world: World, alliance_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """An agreement (with version 1), a claim and an invoice in A's unshared alliance."""
    a, c = world.orgs["A"], world.orgs["C"]
    user = world["a_manager"].user_id
    common = {"alliance_id": alliance_id, "owner_org_id": a, "visibility": "shared"}
    agreement = Agreement(
        **common,
        title="A-only licence",
        status="in_force",
        licensor_org_id=a,
        licensee_org_id=c,
        currency="USD",
        effective_date=date(2026, 1, 1),
        created_by_id=user,
    )
    db.add(agreement)
    db.flush()
    db.add(
        AgreementVersion(
            **common,
            agreement_id=agreement.id,
            number=1,
            effective_date=date(2026, 1, 1),
            created_by_id=user,
        )
    )
    claim = MilestoneClaim(
        **common,
        agreement_id=agreement.id,
        milestone="Phase 1",
        achieved_on=date(2026, 2, 1),
        amount=Decimal("10.00"),
        currency="USD",
        payer_org_id=c,
        respond_by=date(2030, 1, 1),
        claimed_by_id=user,
    )
    db.add(claim)
    db.flush()
    invoice = Invoice(
        **common,
        number="INV-2026-0001",
        source_type="milestone",
        source_id=claim.id,
        description="Phase 1",
        payer_org_id=c,
        payee_org_id=a,
        amount=Decimal("10.00"),
        currency="USD",
        issued_on=date(2026, 2, 2),
        due_on=date(2026, 3, 2),
        issued_by_id=user,
    )
    db.add(invoice)
    db.commit()
    return {"agreement_id": agreement.id, "claim_id": claim.id, "invoice_id": invoice.id}
