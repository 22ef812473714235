"""Schemas for royalty statements."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from pactum.core.schemas import Amount, Currency, Input, Output
from pactum.statements.periods import MAX_LINES, Country, Quarter, Year

Product = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=5000, strip_whitespace=True)]
Countries = Annotated[list[Country], Field(max_length=300)]


class SalesLineIn(Input):
    """Net sales of one product in one country in the quarter, in the currency booked."""

    country: Country = Field(description="ISO 3166 alpha-2, e.g. DE")
    product: Product
    net_sales: Amount
    currency: Currency = Field(
        description="the agreement currency, or one with an agreed rate for the quarter"
    )


class RoyaltyCreate(Input):
    """The licensee's royalty statement for a quarter (a draft until submitted)."""

    agreement_id: uuid.UUID
    year: Year
    quarter: Quarter
    lines: list[SalesLineIn] = Field(default_factory=list, max_length=MAX_LINES)
    third_party_royalties: Amount = Field(
        default=Decimal(0), description="royalties paid to third parties in the quarter"
    )
    third_party_currency: Currency | None = Field(
        default=None, description="default: the agreement currency"
    )
    term_ended: Countries = Field(
        default_factory=list, description="countries whose royalty term has ended"
    )
    exclusivity_lost: Countries = Field(
        default_factory=list, description="countries past loss of exclusivity (step-down)"
    )


class RoyaltyUpdate(Input):
    """Changes to a draft or rejected statement; omitted fields stay."""

    lines: list[SalesLineIn] | None = Field(default=None, max_length=MAX_LINES)
    third_party_royalties: Amount | None = None
    third_party_currency: Currency | None = None
    term_ended: Countries | None = None
    exclusivity_lost: Countries | None = None


class Rejection(Input):
    """Why the statement is sent back."""

    reason: Reason


class RoyaltyRead(Output):
    """A statement with its inputs, its working (``result``) and its invoice, if any."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    agreement_id: uuid.UUID
    year: int
    quarter: int
    currency: str
    status: str
    total: Decimal = Field(description="the royalty due for the quarter")
    inputs: dict[str, Any]
    result: dict[str, Any]
    rejection_reason: str
    reproducible: bool = Field(description="recomputing from `inputs` gives `result`")
    owner_org_id: uuid.UUID
    created_by_id: uuid.UUID
    decided_by_id: uuid.UUID | None
    decided_at: datetime | None
    invoice_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime
