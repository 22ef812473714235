"""Finance history for a large alliance (shared by the query-bound tests and the finance
benchmark)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from pactum.core.time import utcnow
from pactum.models import (
    Agreement,
    AgreementVersion,
    Invoice,
    MilestoneClaim,
    Obligation,
    Payment,
    PnlStatement,
    RoyaltyStatement,
    TrueUp,
)
from tests.builders import LargeAlliance


def add_finance_history(session: Session, big: LargeAlliance, years: int) -> None:
    """An agreement and ``years`` years of quarterly statements, invoices and payments."""
    a, b = big.manager.org_id, big.partner.org_id
    assert a is not None
    assert b is not None
    user = big.manager.user_id
    common: dict[str, Any] = {
        "alliance_id": big.alliance_id,
        "owner_org_id": a,
        "visibility": "shared",
    }
    start = date(2022, 1, 1)
    agreement = Agreement(
        **common,
        title="Benchmark licence",
        status="in_force",
        licensor_org_id=a,
        licensee_org_id=b,
        currency="USD",
        effective_date=start,
        created_by_id=user,
    )
    session.add(agreement)
    session.flush()
    session.add(
        AgreementVersion(
            **common, agreement_id=agreement.id, number=1, effective_date=start, created_by_id=user
        )
    )
    for y in range(years):  # one earlier agreement per year, each with a version
        older = Agreement(
            **common,
            title=f"Side letter {y}",
            status="expired",
            licensor_org_id=a,
            licensee_org_id=b,
            currency="USD",
            effective_date=start,
            created_by_id=user,
        )
        session.add(older)
        session.flush()
        session.add(
            AgreementVersion(
                **common, agreement_id=older.id, number=1, effective_date=start, created_by_id=user
            )
        )
    invoices: list[dict[str, Any]] = []
    payments: list[dict[str, Any]] = []
    number = 0

    def invoice(
        source: str, source_id: uuid.UUID, day: date, amount: Decimal, payer: uuid.UUID
    ) -> None:
        nonlocal number
        number += 1
        invoice_id = uuid.uuid4()
        paid = amount if day < date(2026, 6, 1) else Decimal(0)
        invoices.append(
            {
                **common,
                "id": invoice_id,
                "number": f"INV-{day.year}-{number:04d}",
                "source_type": source,
                "source_id": source_id,
                "description": f"{source} {day.isoformat()}",
                "payer_org_id": payer,
                "payee_org_id": a if payer == b else b,
                "amount": amount,
                "paid": paid,
                "currency": "USD",
                "issued_on": day,
                "due_on": day + timedelta(days=45),
                "issued_by_id": user,
                "created_at": utcnow(),
                "version": 1,
            }
        )
        if paid:
            half = (amount / 2).quantize(Decimal("0.01"))
            for part, when in ((half, 20), (amount - half, 40)):
                payments.append(
                    {
                        **common,
                        "id": uuid.uuid4(),
                        "invoice_id": invoice_id,
                        "amount": part,
                        "currency": "USD",
                        "paid_on": day + timedelta(days=when),
                        "reference": "",
                        "note": "",
                        "recorded_by_id": user,
                        "created_at": utcnow(),
                    }
                )

    for q in range(years * 4):
        year, quarter = 2022 + q // 4, q % 4 + 1
        end = date(year + (quarter == 4), (quarter % 4) * 3 + 1, 1) - timedelta(days=1)
        fields = {
            **common,
            "agreement_id": agreement.id,
            "year": year,
            "quarter": quarter,
            "currency": "USD",
            "status": "approved",
            "created_by_id": user,
        }
        for model, source, amount, payer in (
            (RoyaltyStatement, "royalty", Decimal("12500000.00") + q, b),
            (TrueUp, "true_up", Decimal("830000.50") + q, a if q % 2 else b),
            (PnlStatement, "pnl", Decimal("4100000.25") + q, b),
        ):
            row = model(**fields, total=amount)
            session.add(row)
            session.flush()
            invoice(source, row.id, end + timedelta(days=30), amount, payer)
    for m in range(2 * years):
        day = start + timedelta(days=100 * m)
        claim = MilestoneClaim(
            **common,
            agreement_id=agreement.id,
            milestone=f"Milestone {m}",
            achieved_on=day,
            amount=Decimal("25000000.00"),
            currency="USD",
            payer_org_id=b,
            status="invoiced",
            respond_by=day + timedelta(days=30),
            claimed_by_id=user,
        )
        session.add(claim)
        session.flush()
        invoice("milestone", claim.id, day, Decimal("25000000.00"), b)
    session.execute(insert(Invoice), invoices)
    session.execute(insert(Payment), payments)
    for i in range(10):
        session.add(
            Obligation(
                **common,
                title=f"Quarterly report {i}",
                kind="report",
                responsible_org_id=a if i % 2 else b,
                rule={
                    "type": "recurring",
                    "period": "quarter",
                    "days_after": 45,
                    "start": "2022-01-01",
                },
                created_by_id=user,
            )
        )
    session.flush()
