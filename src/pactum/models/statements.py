"""Quarterly statements: agreed FX rates, royalty statements, cost-sharing true-ups (with
their itemised cost lines) and P&L-share statements. Inputs are kept so a statement can be
recomputed; ``result`` holds the computed working shown to both parties."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pactum.core.db import Base, Money, UTCDateTime, new_id
from pactum.core.time import utcnow
from pactum.models.alliances import AllianceScoped

STATEMENT_STATUSES = ("draft", "submitted", "approved", "rejected")


class FxRate(AllianceScoped, Base):
    """One unit of ``currency`` in ``target`` for a quarter, proposed by one party's finance
    officer and agreed by the other's."""

    __tablename__ = "fx_rates"
    __table_args__ = (UniqueConstraint("alliance_id", "year", "quarter", "currency", "target"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    year: Mapped[int] = mapped_column()
    quarter: Mapped[int] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3))
    target: Mapped[str] = mapped_column(String(3))
    rate: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    proposed_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    agreed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class _Quarterly:
    """Columns every quarterly statement shares."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    year: Mapped[int] = mapped_column()
    quarter: Mapped[int] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    inputs: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class RoyaltyStatement(_Quarterly, AllianceScoped, Base):
    """The licensee's quarterly royalty statement; the licensor approves it."""

    __tablename__ = "royalty_statements"
    __table_args__ = (UniqueConstraint("agreement_id", "year", "quarter"),)

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)


class TrueUp(_Quarterly, AllianceScoped, Base):
    """A quarter's cost-sharing true-up; both finance officers sign it (SIG-1/SIG-2)."""

    __tablename__ = "true_ups"
    __table_args__ = (UniqueConstraint("agreement_id", "year", "quarter"),)

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)


class CostLine(AllianceScoped, Base):
    """One itemised cost a party reports in a true-up; the other party may dispute it."""

    __tablename__ = "cost_lines"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    true_up_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("true_ups.id"), index=True)
    party_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    work_package: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(300), default="")
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    disputed: Mapped[bool] = mapped_column(default=False)
    dispute_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)


class PnlStatement(_Quarterly, AllianceScoped, Base):
    """A quarter's P&L-share statement by the booking party; the partner approves it.

    Unique per preparing party: each party's draft is private until submitted (DRAFT-1),
    so either may be preparing one for a quarter; only one is ever submitted."""

    __tablename__ = "pnl_statements"
    __table_args__ = (UniqueConstraint("agreement_id", "year", "quarter", "owner_org_id"),)

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
