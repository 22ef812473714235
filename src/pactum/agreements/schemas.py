"""Schemas for agreements and amendments."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from pactum.core.schemas import Currency, Input, LongText, Output

Title = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Kind = Literal[
    "licence",
    "collaboration",
    "co_development",
    "co_commercialisation",
    "option",
    "supply",
    "other",
]
Days = Annotated[int, Field(ge=0, le=3650)]
Overrun = Annotated[Decimal, Field(ge=0, le=10, decimal_places=4)]


class AgreementCreate(Input):
    """A contract between two parties of the alliance, with its terms as signed."""

    title: Title
    kind: Kind = "licence"
    licensor_org_id: uuid.UUID
    licensee_org_id: uuid.UUID
    currency: Currency = "USD"
    effective_date: date
    expiry_date: date | None = None
    terms: dict[str, Any] = Field(
        default_factory=dict,
        description="the financial terms, in the deal file's `terms` format "
        "(see `pactum value schema`)",
    )
    payment_days: Days = Field(
        default=45, description="an invoice is due this many days after it is issued"
    )
    notice_days: Days = Field(
        default=30, description="days the other party has to confirm or dispute a milestone claim"
    )
    overrun_cap: Overrun = Field(
        default=Decimal("0.10"),
        description="permitted overrun over the approved budget (0.10 = 10%)",
    )
    signed_by: LongText = ""

    @model_validator(mode="after")
    def _dates(self) -> AgreementCreate:
        if self.expiry_date is not None and self.expiry_date <= self.effective_date:
            raise ValueError("expiry_date: must be after the effective date")
        if self.licensor_org_id == self.licensee_org_id:
            raise ValueError("licensee_org_id: must be a different party from the licensor")
        return self


class AgreementUpdate(Input):
    """Editable fields of the agreement itself (terms change only by amendment)."""

    title: Title | None = None
    status: Literal["draft", "in_force", "expired", "terminated"] | None = None
    expiry_date: date | None = None


class AmendmentCreate(Input):
    """An amendment: what changed, why, who signed, and from when; omitted terms stay."""

    effective_date: date
    summary: Annotated[str, StringConstraints(min_length=1, max_length=20000)]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=20000)]
    signed_by: Annotated[str, StringConstraints(min_length=1, max_length=20000)]
    terms: dict[str, Any] | None = None
    payment_days: Days | None = None
    notice_days: Days | None = None
    overrun_cap: Overrun | None = None


class ValueRequest(Input):
    """Value the terms in force on a date as a private valuation scenario."""

    on: date | None = Field(default=None, description="default: today")
    asset: dict[str, Any] | None = Field(
        default=None,
        description="the asset, in the deal file's `asset` format (default: a template)",
    )


class VersionRead(Output):
    """One version of the agreement's terms."""

    id: uuid.UUID
    number: int
    effective_date: date
    summary: str
    reason: str
    signed_by: str
    terms: dict[str, Any]
    payment_days: int
    notice_days: int
    overrun_cap: str
    created_at: datetime


class AgreementRead(Output):
    """An agreement with all its versions (oldest first)."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    title: str
    kind: str
    status: str
    licensor_org_id: uuid.UUID
    licensee_org_id: uuid.UUID
    currency: str
    effective_date: date
    expiry_date: date | None
    version: int
    created_at: datetime
    updated_at: datetime
    versions: list[VersionRead] = Field(default_factory=list)
