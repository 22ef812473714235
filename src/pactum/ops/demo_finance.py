"""Demo data for agreements and money: the HLX-204 licence with an amendment, milestone
claims in each state, invoices and payments, FX rates, royalty statements, a true-up, a
P&L statement and obligations. Everything goes through the services."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from pactum.access import Principal, open_alliance
from pactum.agreements import service as agreements
from pactum.agreements.schemas import AgreementCreate, AgreementUpdate, AmendmentCreate
from pactum.core.time import utcnow
from pactum.invoices import service as invoices
from pactum.invoices.schemas import PaymentCreate
from pactum.milestones import service as milestones
from pactum.milestones.schemas import ClaimCreate, DisputeCreate
from pactum.obligations import service as obligations
from pactum.obligations.schemas import DoneCreate, ObligationCreate
from pactum.scenarios.template import template_deal
from pactum.statements.fx import service as fx
from pactum.statements.fx.schemas import FxRateCreate
from pactum.statements.pnl import service as pnl
from pactum.statements.pnl.schemas import PnlCreate
from pactum.statements.royalty import service as royalties
from pactum.statements.royalty.schemas import RoyaltyCreate, SalesLineIn
from pactum.statements.trueup import lines as trueup_lines
from pactum.statements.trueup import service as trueups
from pactum.statements.trueup.schemas import CostLineCreate, DisputeSet, TrueUpCreate


def _terms() -> dict[str, Any]:
    terms = dict(template_deal()["terms"])
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


def load_statements(
    session: Session,
    principal: Callable[[str], Principal],
    alliance_id: uuid.UUID,
    orgs: dict[str, uuid.UUID],
    people: dict[str, str],
) -> None:
    """FX rates, royalty statements (one approved and invoiced, one submitted), a true-up
    with a disputed line awaiting signatures, a P&L statement, and obligations."""

    def view(key: str) -> Any:
        return open_alliance(session, principal(people[key]), alliance_id)

    agreement = agreements.list_agreements(session, view("helix_manager"))[0]
    for quarter, rate in ((1, "1.0790"), (2, "1.0830"), (3, "1.0915")):
        proposed = fx.propose(
            session,
            view("meridian_finance"),
            FxRateCreate(
                year=2026, quarter=quarter, currency="EUR", target="USD", rate=Decimal(rate)
            ),
        )
        fx.agree(session, view("helix_finance"), proposed.id, expected_version=None)
    lines = [
        SalesLineIn(
            country="US", product="HLX-204 200 mg", net_sales=Decimal("18250000.00"), currency="USD"
        ),
        SalesLineIn(
            country="DE", product="HLX-204 200 mg", net_sales=Decimal("3100000.00"), currency="EUR"
        ),
        SalesLineIn(
            country="FR", product="HLX-204 200 mg", net_sales=Decimal("2240000.00"), currency="EUR"
        ),
        SalesLineIn(
            country="JP", product="HLX-204 200 mg", net_sales=Decimal("1900000.00"), currency="USD"
        ),
    ]
    for quarter in (1, 2, 3):
        statement = royalties.create(
            session,
            view("meridian_finance"),
            RoyaltyCreate(
                agreement_id=agreement.id,
                year=2026,
                quarter=quarter,
                lines=lines,
                third_party_royalties=Decimal("420000.00"),
                third_party_currency="USD",
            ),
        )
        royalties.submit(session, view("meridian_finance"), statement.id, expected_version=None)
        if quarter < 3:
            royalties.approve(session, view("helix_finance"), statement.id, expected_version=None)
    true_up = trueups.create_true_up(
        session,
        view("helix_finance"),
        TrueUpCreate(
            agreement_id=agreement.id,
            year=2026,
            quarter=3,
            licensor_budget=Decimal("6000000.00"),
            licensor_budget_decision="JSC decision 2026-07 (budget 2026 H2)",
            licensee_budget=Decimal("9000000.00"),
            licensee_budget_decision="JSC decision 2026-07 (budget 2026 H2)",
            licensor_share=Decimal("0.5"),
        ),
    )
    _, helix_lines = trueup_lines.add_lines(
        session,
        view("helix_finance"),
        true_up.id,
        [
            CostLineCreate(
                work_package="WP2 Phase 2 trial",
                category="CRO",
                description="PPD invoices Jul-Sep",
                amount=Decimal("5200000.00"),
                currency="USD",
            ),
            CostLineCreate(
                work_package="WP3 CMC",
                category="Drug substance",
                description="Lot 7 and 8",
                amount=Decimal("1450000.00"),
                currency="USD",
            ),
        ],
    )
    trueup_lines.add_lines(
        session,
        view("meridian_finance"),
        true_up.id,
        [
            CostLineCreate(
                work_package="WP4 Phase 3 start-up",
                category="Sites",
                description="Site activation, 42 sites",
                amount=Decimal("7300000.00"),
                currency="USD",
            ),
            CostLineCreate(
                work_package="WP5 Regulatory",
                category="FTE",
                description="8.5 FTE at the agreed rate",
                amount=Decimal("950000.00"),
                currency="USD",
            ),
        ],
    )
    for who in ("helix_finance", "meridian_finance"):
        trueup_lines.submit_lines(session, view(who), true_up.id, expected_version=None)
    trueup_lines.dispute_line(
        session,
        view("meridian_finance"),
        true_up.id,
        helix_lines[1].id,
        DisputeSet(disputed=True, reason="Lot 8 was for the Helix-only indication (schedule 2)"),
        expected_version=None,
    )
    pnl.create(
        session,
        view("meridian_finance"),
        PnlCreate(
            agreement_id=agreement.id,
            year=2026,
            quarter=3,
            net_sales=Decimal("25490000.00"),
            cogs=Decimal("2040000.00"),
            licensor_expenses=Decimal("1800000.00"),
            licensee_expenses=Decimal("6100000.00"),
        ),
    )
    start = date(2026, 1, 1)
    for who, data in (
        (
            "meridian_finance",
            {
                "title": "Quarterly royalty report and payment",
                "kind": "payment",
                "agreement_id": agreement.id,
                "responsible_org_id": orgs["meridian"],
                "amount": Decimal("1500000.00"),
                "currency": "USD",
                "rule": {
                    "type": "recurring",
                    "period": "quarter",
                    "days_after": 45,
                    "start": start,
                },
            },
        ),
        (
            "helix_manager",
            {
                "title": "JSC meeting (quarterly)",
                "kind": "committee",
                "responsible_org_id": orgs["helix"],
                "rule": {
                    "type": "recurring",
                    "period": "quarter",
                    "days_after": 20,
                    "start": start,
                },
            },
        ),
        (
            "helix_manager",
            {
                "title": "Annual development plan and budget",
                "kind": "report",
                "agreement_id": agreement.id,
                "responsible_org_id": orgs["helix"],
                "rule": {"type": "fixed", "date": date(2026, 12, 15)},
            },
        ),
        (
            "helix_manager",
            {
                "title": "Internal: board approval before the 2027 budget vote",
                "kind": "other",
                "responsible_org_id": orgs["helix"],
                "rule": {"type": "fixed", "date": date(2026, 12, 8)},
                "visibility": "private",
            },
        ),
    ):
        made = obligations.create_obligation(
            session, view(who), ObligationCreate.model_validate(data)
        )
        # The recurring ones were kept until last quarter; the latest one is still open.
        past = [d.due for d in obligations.occurrences(made) if d.due < utcnow().date()]
        for due in past[:-1]:
            obligations.mark_done(
                session, view(who), made.id, DoneCreate(due_date=due), expected_version=None
            )
