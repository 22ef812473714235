"""JSON routes for the ledger: invoices, payments and per-party totals."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from pactum.access import open_alliance
from pactum.core.time import utcnow
from pactum.http.api_auth import ApiPrincipal, etag
from pactum.http.db import DbSession
from pactum.http.idempotency import IdempotencyKey, idempotent
from pactum.invoices import service as invoices
from pactum.invoices.reads import invoice_read
from pactum.invoices.schemas import InvoiceRead, PaymentCreate, PaymentRead
from pactum.ledger import service

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}", tags=["ledger"])


class TotalsRead(BaseModel):
    """One party's position in one currency."""

    org_id: uuid.UUID
    name: str
    currency: str
    invoiced: Decimal
    paid: Decimal
    outstanding: Decimal
    overdue: Decimal
    receivable: Decimal


class ScheduleRead(BaseModel):
    """Something due, with its quarter."""

    quarter: str
    due_on: date
    kind: str
    description: str
    payer: str
    payee: str
    amount: Decimal | None
    currency: str
    state: str


class LedgerRead(BaseModel):
    """Totals per party and the schedule (overdue now, then the next four quarters)."""

    as_of: date
    totals: list[TotalsRead]
    schedule: list[ScheduleRead]


@router.get("/ledger", response_model=LedgerRead)
def ledger(alliance_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> LedgerRead:
    """The same ledger both parties see: totals per party and what falls due when."""
    view = open_alliance(db, me, alliance_id)
    today = utcnow().date()
    found = service.load(db, view, today=today)
    until = service.quarters_from(today)[-1].end
    extra = service.obligation_items(db, view, today=today, until=until)
    overdue, quarters = service.schedule(found, alliance_id, today=today, extra=extra)
    rows = [ScheduleRead(quarter="overdue", **_item(i)) for i in overdue]
    for quarter in quarters:
        rows.extend(ScheduleRead(quarter=quarter.label, **_item(i)) for i in quarter.items)
    return LedgerRead(
        as_of=today,
        totals=[TotalsRead(**vars(t)) for t in found.totals],
        schedule=rows,
    )


def _item(item: service.ScheduleItem) -> dict[str, object]:
    return {k: v for k, v in vars(item).items() if k != "link"}


@router.get("/invoices", response_model=list[InvoiceRead])
def list_invoices(alliance_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> list[InvoiceRead]:
    """Every invoice of the alliance, by due date."""
    view = open_alliance(db, me, alliance_id)
    return [invoice_read(i) for i in invoices.list_invoices(db, view)]


@router.get("/invoices/{invoice_id}", response_model=InvoiceRead)
def get_invoice(
    alliance_id: uuid.UUID,
    invoice_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> InvoiceRead:
    """One invoice."""
    view = open_alliance(db, me, alliance_id)
    found = invoices.get_invoice(db, view, invoice_id)
    response.headers["ETag"] = etag(found.version)
    return invoice_read(found)


@router.get("/invoices/{invoice_id}/payments", response_model=list[PaymentRead])
def list_payments(
    alliance_id: uuid.UUID, invoice_id: uuid.UUID, db: DbSession, me: ApiPrincipal
) -> list[PaymentRead]:
    """Payments recorded against an invoice."""
    view = open_alliance(db, me, alliance_id)
    found = invoices.get_invoice(db, view, invoice_id)
    return [PaymentRead.model_validate(p) for p in invoices.payments(db, view, [found.id])]


@router.post("/invoices/{invoice_id}/payments", response_model=PaymentRead, status_code=201)
def record_payment(
    alliance_id: uuid.UUID,
    invoice_id: uuid.UUID,
    body: PaymentCreate,
    db: DbSession,
    me: ApiPrincipal,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Record a (partial) payment; accepts ``Idempotency-Key`` so a retry pays once."""
    view = open_alliance(db, me, alliance_id)

    def run() -> tuple[int, object, dict[str, str]]:
        payment = invoices.record_payment(db, view, invoice_id, body)
        return 201, PaymentRead.model_validate(payment), {}

    return idempotent(
        db, me, key, scope=f"POST payment {alliance_id} {invoice_id}", body=body, run=run
    )
