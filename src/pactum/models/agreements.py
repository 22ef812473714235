"""Agreements and their amendments: each version holds the structured terms in force from a
date (the same terms model the valuation engine reads)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pactum.core.db import Base, UTCDateTime, new_id
from pactum.core.time import utcnow
from pactum.models.alliances import AllianceScoped

AGREEMENT_TYPES = (
    "licence",
    "collaboration",
    "co_development",
    "co_commercialisation",
    "option",
    "supply",
    "other",
)
AGREEMENT_STATUSES = ("draft", "in_force", "expired", "terminated")


class Agreement(AllianceScoped, Base):
    """A contract between the alliance's parties (always shared)."""

    __tablename__ = "agreements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default="licence")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    licensor_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    licensee_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    effective_date: Mapped[date] = mapped_column(Date)
    expiry_date: Mapped[date | None] = mapped_column(Date, default=None)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgreementVersion(AllianceScoped, Base):
    """Version 1 is the agreement as signed; each amendment adds a version in force from
    its ``effective_date``. Versions are never edited."""

    __tablename__ = "agreement_versions"
    __table_args__ = (UniqueConstraint("agreement_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    number: Mapped[int] = mapped_column()
    effective_date: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    signed_by: Mapped[str] = mapped_column(Text, default="")
    terms: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    payment_days: Mapped[int] = mapped_column(default=45)
    notice_days: Mapped[int] = mapped_column(default=30)
    overrun_cap: Mapped[str] = mapped_column(String(20), default="0.10")
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
