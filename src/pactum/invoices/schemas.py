"""Schemas for invoices and payments."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from pactum.core.schemas import Amount, Currency, Input, LongText, Output


class PaymentCreate(Input):
    """A payment against an invoice (partial payments allowed)."""

    amount: Annotated[Decimal, Field(gt=0, le=Decimal("9999999999999.99"), decimal_places=2)]
    currency: Currency
    paid_on: date
    reference: Annotated[str, StringConstraints(max_length=200)] = ""
    note: LongText = ""


class PaymentRead(Output):
    """A recorded payment."""

    id: uuid.UUID
    invoice_id: uuid.UUID
    amount: Decimal
    currency: str
    paid_on: date
    reference: str
    note: str
    recorded_by_id: uuid.UUID
    owner_org_id: uuid.UUID
    created_at: datetime


class InvoiceRead(Output):
    """An invoice with what is paid, what is left and whether it is overdue."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    number: str
    source_type: str
    source_id: uuid.UUID
    description: str
    payer_org_id: uuid.UUID
    payee_org_id: uuid.UUID
    amount: Amount
    paid: Amount
    outstanding: Amount
    currency: str
    issued_on: date
    due_on: date
    status: str
    version: int
    created_at: datetime
