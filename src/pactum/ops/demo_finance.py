"""Demo data for agreements and money: the HLX-204 licence with an amendment, milestone
claims in each state, invoices and payments. Everything goes through the services."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from pactum.access import Principal, open_alliance
from pactum.agreements import service as agreements
from pactum.agreements.schemas import AgreementCreate, AgreementUpdate, AmendmentCreate
from pactum.core.time import utcnow
from pactum.invoices import service as invoices
from pactum.invoices.schemas import PaymentCreate
from pactum.milestones import service as milestones
from pactum.milestones.schemas import ClaimCreate, DisputeCreate

TEMPLATE = Path(__file__).parents[1] / "scenarios" / "template_deal.yaml"


def _terms() -> dict[str, Any]:
    terms = dict(yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))["terms"])
    terms["profit_split"] = 0.5
    return terms


def load_finance(
    session: Session,
    principal: Callable[[str], Principal],
    alliance_id: uuid.UUID,
    orgs: dict[str, uuid.UUID],
    people: dict[str, str],
) -> None:
    """Load the licence, its amendment and the milestone history.

    ``people`` maps ``helix_manager``, ``helix_finance``, ``meridian_finance`` to e-mails;
    ``orgs`` maps ``helix`` and ``meridian`` to organisation ids.
    """

    def view(key: str) -> Any:
        return open_alliance(session, principal(people[key]), alliance_id)

    agreement = agreements.create_agreement(
        session,
        view("helix_manager"),
        AgreementCreate(
            title="HLX-204 licence and co-development agreement",
            kind="licence",
            licensor_org_id=orgs["helix"],
            licensee_org_id=orgs["meridian"],
            currency="USD",
            effective_date=date(2025, 3, 1),
            expiry_date=date(2045, 12, 31),
            terms=_terms(),
            payment_days=45,
            notice_days=30,
            overrun_cap=Decimal("0.10"),
            signed_by="Helix: Dr Amara Okafor (VP Alliance Management); Meridian: Julia Brandt",
        ),
    )
    agreement = agreements.update_agreement(
        session,
        view("helix_manager"),
        agreement.id,
        AgreementUpdate(status="in_force"),
        expected_version=None,
    )
    amended = _terms()
    amended["royalties"]["tiers"][0]["rate"] = 0.07
    agreements.amend(
        session,
        view("helix_manager"),
        agreement.id,
        AmendmentCreate(
            effective_date=date(2026, 4, 1),
            summary="Japan added to the licensed territory; first royalty tier 6% to 7%",
            reason="Meridian's request to include Japan in the Phase III programme",
            signed_by="Helix: Dr Amara Okafor; Meridian: Julia Brandt",
            terms=amended,
        ),
        expected_version=None,
    )
    today = utcnow().date()
    upfront = milestones.create_claim(
        session,
        view("helix_finance"),
        ClaimCreate(
            agreement_id=agreement.id,
            milestone="Upfront payment",
            achieved_on=date(2025, 3, 1),
            evidence="Due on signature (section 6.1).",
            amount=Decimal("40000000.00"),
        ),
    )
    phase1 = milestones.create_claim(
        session,
        view("helix_finance"),
        ClaimCreate(
            agreement_id=agreement.id,
            milestone="Successful completion of Phase 1",
            achieved_on=date(2026, 2, 10),
            evidence="Phase 1 CSR signed off 10 Feb 2026; RP2D 400 mg QD (data room ref DR-118).",
            amount=Decimal("15000000.00"),
        ),
    )
    for claim in (upfront, phase1):
        milestones.confirm(session, view("meridian_finance"), claim.id, expected_version=None)
    paid = milestones.invoice(session, view("helix_finance"), upfront.id)
    invoices.record_payment(
        session,
        view("meridian_finance"),
        paid.id,
        PaymentCreate(
            amount=paid.amount, currency="USD", paid_on=today, reference="SWIFT MPH-0412"
        ),
    )
    part = milestones.invoice(session, view("helix_finance"), phase1.id)
    invoices.record_payment(
        session,
        view("meridian_finance"),
        part.id,
        PaymentCreate(
            amount=Decimal("5000000.00"), currency="USD", paid_on=today, reference="SWIFT MPH-0977"
        ),
    )
    disputed = milestones.create_claim(
        session,
        view("helix_finance"),
        ClaimCreate(
            agreement_id=agreement.id,
            milestone="Successful completion of Phase 2",
            achieved_on=min(today, date(2026, 11, 2)),
            evidence="Topline read-out 2 Nov 2026: ORR 31% (pre-specified bar 25%).",
            amount=Decimal("40000000.00"),
        ),
    )
    milestones.dispute(
        session,
        view("meridian_finance"),
        disputed.id,
        DisputeCreate(
            reason="ORR was assessed by investigators; the agreement requires blinded central "
            "review (schedule 3, item 4)."
        ),
        expected_version=None,
    )
