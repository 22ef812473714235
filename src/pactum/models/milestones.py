"""Milestone claims, the claimant's and the other party's private notes, and disputes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from pactum.core.db import Base, Money, UTCDateTime, new_id
from pactum.core.time import utcnow
from pactum.models.alliances import AllianceScoped

CLAIM_STATUSES = ("claimed", "disputed", "confirmed", "invoiced", "withdrawn")


class MilestoneClaim(AllianceScoped, Base):
    """The achieving party's claim that a milestone was reached (shared)."""

    __tablename__ = "milestone_claims"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    milestone: Mapped[str] = mapped_column(String(200))
    achieved_on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    payer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(20), default="claimed")
    respond_by: Mapped[date] = mapped_column(Date)
    claimed_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Confirmed because the notice period ended unanswered (recorded by the scheduler).
    deemed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClaimNote(AllianceScoped, Base):
    """A party's internal note on a claim: always private to the author's party."""

    __tablename__ = "claim_notes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("milestone_claims.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Dispute(AllianceScoped, Base):
    """A disagreement raised by a party (here: on a milestone claim), until resolved."""

    __tablename__ = "disputes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    subject_type: Mapped[str] = mapped_column(String(40), default="milestone_claim")
    subject_id: Mapped[uuid.UUID] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    outcome: Mapped[str] = mapped_column(String(30), default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    raised_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    version: Mapped[int] = mapped_column(default=1)
