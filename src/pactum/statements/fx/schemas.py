"""Schemas for the FX table: the agreed rate of a currency per quarter."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from pactum.core.schemas import Currency, Input, Output
from pactum.statements.periods import Quarter, Year

# One unit of the currency in the target currency: positive, at most 10 decimals.
Rate = Annotated[Decimal, Field(gt=0, le=Decimal("1000000"), decimal_places=10)]


class FxRateCreate(Input):
    """Propose the rate of one unit of ``currency`` in ``target`` for a quarter."""

    year: Year
    quarter: Quarter
    currency: Currency = Field(description="the currency converted, e.g. EUR")
    target: Currency = Field(description="the agreement currency it converts into, e.g. USD")
    rate: Rate = Field(description="one unit of `currency` in `target`, e.g. 1.0850")


class FxRateUpdate(Input):
    """A different rate: a counter-proposal, or a correction of an agreed rate."""

    rate: Rate


class FxRateRead(Output):
    """A rate and where it stands (``proposed`` or ``agreed``)."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    year: int
    quarter: int
    currency: str
    target: str
    rate: Decimal
    status: str
    proposed_by_org_id: uuid.UUID
    proposed_by_id: uuid.UUID
    agreed_by_id: uuid.UUID | None
    agreed_at: datetime | None
    version: int
    created_at: datetime
