"""Schemas for P&L-share statements."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from pactum.core.schemas import Amount, Currency, Input, Output
from pactum.statements.periods import Quarter, Year

# The licensor's share of operating profit: 0 to 1, at most six decimals (0.6 = 60%).
Share = Annotated[Decimal, Field(ge=0, le=1, decimal_places=6)]


class PnlCreate(Input):
    """The booking party's P&L-share statement for a quarter (a draft until submitted)."""

    agreement_id: uuid.UUID
    year: Year
    quarter: Quarter
    booking: Literal["licensor", "licensee"] = Field(
        default="licensee", description="the party that books the sales (prepares this)"
    )
    currency: Currency | None = Field(
        default=None,
        description="currency of the figures; default the agreement currency, otherwise "
        "converted with the quarter's agreed rate",
    )
    net_sales: Amount
    cogs: Amount = Decimal(0)
    licensor_expenses: Amount = Decimal(0)
    licensee_expenses: Amount = Decimal(0)
    split: Share | None = Field(
        default=None, description="the licensor's share of profit; default the terms' profit_split"
    )


class PnlUpdate(Input):
    """Changes to a draft or rejected statement; omitted fields stay (``split: null``
    goes back to the terms' profit split)."""

    currency: Currency | None = None
    net_sales: Amount | None = None
    cogs: Amount | None = None
    licensor_expenses: Amount | None = None
    licensee_expenses: Amount | None = None
    split: Share | None = None


class PnlRead(Output):
    """A P&L-share statement with its inputs, working and invoice, if any."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    agreement_id: uuid.UUID
    year: int
    quarter: int
    currency: str
    status: str
    booking: str
    total: Decimal = Field(
        description="the balancing payment from the booking party to the partner "
        "(negative: the partner pays the booking party)"
    )
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
