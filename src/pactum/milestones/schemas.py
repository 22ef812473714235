"""Schemas for milestone claims, responses, disputes and internal notes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from pactum.core.schemas import Currency, Input, Output

Text = Annotated[str, StringConstraints(min_length=1, max_length=20000)]
Positive = Annotated[Decimal, Field(gt=0, le=Decimal("9999999999999.99"), decimal_places=2)]


class ClaimCreate(Input):
    """The achieving party claims a milestone of an agreement, with its evidence."""

    agreement_id: uuid.UUID
    milestone: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    achieved_on: date
    evidence: Text
    amount: Positive
    currency: Currency | None = Field(default=None, description="default: the agreement's")


class ClaimUpdate(Input):
    """The claimant may correct its claim while the other party has not answered."""

    milestone: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    achieved_on: date | None = None
    evidence: Text | None = None
    amount: Positive | None = None


class DisputeCreate(Input):
    """The other party disputes the claim, with its reason (within the notice period)."""

    reason: Text


class DisputeResolve(Input):
    """How the dispute ended: the claim stands (it goes back for confirmation) or the
    claimant withdraws it."""

    outcome: Literal["claim_stands", "claim_withdrawn"]
    resolution: Text


class EscalateIn(Input):
    """Put the claim's open dispute to a committee, to be decided by ``deadline``."""

    committee_id: uuid.UUID
    deadline: date


class NoteCreate(Input):
    """An internal note, visible only to the author's party."""

    body: Text


class NoteRead(Output):
    """An internal note."""

    id: uuid.UUID
    claim_id: uuid.UUID
    body: str
    author_id: uuid.UUID
    owner_org_id: uuid.UUID
    visibility: str
    created_at: datetime


class DisputeRead(Output):
    """A dispute record."""

    id: uuid.UUID
    subject_type: str
    subject_id: uuid.UUID
    reason: str
    status: str
    outcome: str
    resolution: str
    owner_org_id: uuid.UUID
    raised_by_id: uuid.UUID
    raised_at: datetime
    resolved_by_id: uuid.UUID | None
    resolved_at: datetime | None


class ClaimRead(Output):
    """A claim, its state and the dates that matter."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    agreement_id: uuid.UUID
    milestone: str
    achieved_on: date
    evidence: str
    amount: Decimal
    currency: str
    claimant_org_id: uuid.UUID
    payer_org_id: uuid.UUID
    status: str
    respond_by: date
    claimed_by_id: uuid.UUID
    claimed_at: datetime
    confirmed_by_id: uuid.UUID | None
    confirmed_at: datetime | None
    deemed: bool = Field(
        default=False,
        description="confirmed because the notice period ended unanswered (confirmed_at is "
        "the end of that period)",
    )
    version: int
    disputes: list[DisputeRead] = Field(default_factory=list)
    invoice_id: uuid.UUID | None = None
