"""Invoices (from milestones and approved statements) and the payments made against them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pactum.core.db import Base, Money, UTCDateTime, new_id
from pactum.core.time import utcnow
from pactum.models.alliances import AllianceScoped

INVOICE_SOURCES = ("milestone", "royalty", "true_up", "pnl")


class Invoice(AllianceScoped, Base):
    """What the payer owes the payee, by when. ``paid`` is kept equal to the sum of its
    payments; overdue is computed (unpaid after ``due_on``)."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("alliance_id", "number"),
        UniqueConstraint("source_type", "source_id"),
        # Never more paid than owed, whatever races the service's own check (CONC-1).
        CheckConstraint("paid >= 0 AND paid <= amount", name="paid_within_amount"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(40))
    source_type: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[uuid.UUID] = mapped_column()
    description: Mapped[str] = mapped_column(String(300))
    payer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    payee_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    paid: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3))
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    issued_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)


class Payment(AllianceScoped, Base):
    """A payment against an invoice (partial payments allowed, never more than is owed)."""

    __tablename__ = "payments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    paid_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
