"""The alliance's finance page (payments ledger, schedule, charts) and invoice pages."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.alliances.service import list_members
from pactum.core.time import utcnow
from pactum.http.db import DbSession
from pactum.http.idempotency import first_use
from pactum.invoices import service as invoices
from pactum.invoices.schemas import PaymentCreate
from pactum.ledger import service
from pactum.models import Invoice
from pactum.web import svg
from pactum.web.exports import ExportFormat, slug, table_response
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    amount_text,
    attempt,
    form_errors,
    page,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()

STATUS_LABELS = {"due": "Due", "part_paid": "Part paid", "overdue": "Overdue", "paid": "Paid"}
SOURCE_LABELS = {
    "milestone": "Milestone",
    "royalty": "Royalty statement",
    "true_up": "Cost-sharing true-up",
    "pnl": "P&L share",
}
FIELDS = {k: k for k in ("amount", "currency", "paid_on", "reference", "note")}
LABELS = {
    "amount": "Amount",
    "currency": "Currency",
    "paid_on": "Paid on",
    "reference": "Payment reference",
    "note": "Note",
}


def extra_items(db: Session, view: AllianceView, today: date) -> list[service.ScheduleItem]:
    """Obligations' due dates up to the end of the fourth quarter shown."""
    until = service.quarters_from(today)[-1].end
    return service.obligation_items(db, view, today=today, until=until)


def _charts(
    ledger: service.Ledger, items: list[service.ScheduleItem], today: date
) -> dict[str, Markup]:
    charts: dict[str, Markup] = {}
    days, series = service.cumulative_payments(ledger)
    if days:
        xs = [float(d.toordinal()) for d in days]
        if len(xs) == 1:
            xs = [xs[0] - 1, xs[0]]
            series = {k: [Decimal(0), *v] for k, v in series.items()}
        charts["cumulative"] = svg.lines(
            f"Cumulative payments by paying party, {days[0].isoformat()} to {days[-1].isoformat()}",
            xs,
            [(name, [float(v) for v in values]) for name, values in series.items()],
        )
    horizon = today + timedelta(days=365)
    upcoming = [
        (i.due_on, i.description, i.state)
        for i in items
        if today <= i.due_on <= horizon and i.state != "paid"
    ]
    if upcoming:
        charts["timeline"] = svg.timeline(
            "Upcoming payments and obligations (the next 12 by date)", today, horizon, upcoming
        )
    return charts


@router.get("/alliances/{alliance_id}/finance", response_class=HTMLResponse)
def finance(
    request: Request,
    alliance_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    party: str = Query(default="", max_length=40),
    state: str = Query(default="", max_length=20),
) -> HTMLResponse:
    """Payments ledger, totals per party, the next four quarters and charts."""
    view = open_alliance(db, info.principal, alliance_id)
    today = utcnow().date()
    ledger = service.load(db, view, today=today)
    extra = extra_items(db, view, today)
    overdue, quarters = service.schedule(ledger, alliance_id, today=today, extra=extra)
    rows = [
        (inv, st)
        for inv, st in ledger.invoices
        if (not party or party in {str(inv.payer_org_id), str(inv.payee_org_id)})
        and (not state or st == state)
    ]
    scheduled = overdue + [i for q in quarters for i in q.items]
    return page(
        request,
        "finance.html",
        {
            "alliance": view.alliance,
            "ledger": ledger,
            "rows": rows,
            "overdue": overdue,
            "quarters": quarters,
            "charts": _charts(ledger, scheduled, today),
            "names": ledger.names,
            "party": party,
            "state": state,
            "status_labels": STATUS_LABELS,
            "source_labels": SOURCE_LABELS,
            "invoice_numbers": {inv.id: inv.number for inv, _ in ledger.invoices},
            "today": today,
        },
        nav="alliances",
    )


def _invoice_page(
    request: Request,
    db: Session,
    view: AllianceView,
    invoice: Invoice,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> HTMLResponse:
    names = view.party_names
    people = {m.user_id: m.user.name for m in list_members(db, view)}
    source_link = ""
    if invoice.source_type == "milestone":
        source_link = f"/alliances/{view.alliance_id}/milestones/{invoice.source_id}"
    return page(
        request,
        "invoice.html",
        {
            "alliance": view.alliance,
            "invoice": invoice,
            "status": invoices.status(invoice),
            "status_labels": STATUS_LABELS,
            "source_labels": SOURCE_LABELS,
            "source_link": source_link,
            "payments": invoices.payments(db, view, [invoice.id]),
            "names": names,
            "people": people,
            "can_pay": view.can("finance.write")
            and view.org_id in {invoice.payer_org_id, invoice.payee_org_id}
            and invoice.paid < invoice.amount,
            "form_key": str(uuid.uuid4()),
            "values": values
            or {
                "amount": f"{invoice.amount - invoice.paid:.2f}",
                "currency": invoice.currency,
                "paid_on": utcnow().date().isoformat(),
            },
            "errors": errors or FormErrors(),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/finance/invoices/{invoice_id}", response_class=HTMLResponse)
def invoice_page(
    request: Request,
    alliance_id: uuid.UUID,
    invoice_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
) -> HTMLResponse:
    """An invoice with its payments; the payer or payee records a payment."""
    view = open_alliance(db, info.principal, alliance_id)
    return _invoice_page(request, db, view, invoices.get_invoice(db, view, invoice_id))


@router.post(
    "/alliances/{alliance_id}/finance/invoices/{invoice_id}/payments",
    response_class=HTMLResponse,
)
def payment_create(
    request: Request,
    alliance_id: uuid.UUID,
    invoice_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Record a (partial) payment; a double-submitted form records it once."""
    view = open_alliance(db, info.principal, alliance_id)
    found = invoices.get_invoice(db, view, invoice_id)
    values = {k: field(form, k) for k in FIELDS}
    url = f"/alliances/{alliance_id}/finance/invoices/{invoice_id}"
    try:
        with attempt(db):
            data = PaymentCreate.model_validate({**values, "amount": amount_text(values["amount"])})
            if not first_use(db, info.principal, field(form, "form_key"), scope=url):
                return redirect(url, "payment_recorded")
            invoices.record_payment(db, view, invoice_id, data)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, thing="invoice")
        return _invoice_page(request, db, view, found, values=values, errors=errors)
    return redirect(url, "payment_recorded")


INVOICE_HEADER = [
    "Number",
    "Description",
    "Source",
    "Payer",
    "Payee",
    "Issued",
    "Due",
    "Amount",
    "Paid",
    "Outstanding",
    "Currency",
    "Status",
]


def _invoice_rows(ledger: service.Ledger) -> list[list[Any]]:
    return [
        [
            inv.number,
            inv.description,
            SOURCE_LABELS.get(inv.source_type, inv.source_type),
            ledger.names.get(inv.payer_org_id, ""),
            ledger.names.get(inv.payee_org_id, ""),
            inv.issued_on,
            inv.due_on,
            inv.amount,
            inv.paid,
            inv.amount - inv.paid,
            inv.currency,
            STATUS_LABELS.get(st, st),
        ]
        for inv, st in ledger.invoices
    ]


@router.get("/alliances/{alliance_id}/finance/invoices.{fmt}")
def invoices_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The payments ledger (every invoice with paid and outstanding) as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    ledger = service.load(db, view, today=utcnow().date())
    stem = f"{slug(view.alliance.name, 'alliance')}-ledger"
    return table_response(fmt, stem, INVOICE_HEADER, _invoice_rows(ledger), title="Ledger")


@router.get("/alliances/{alliance_id}/finance/payments.{fmt}")
def payments_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """Every payment recorded in the alliance as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    ledger = service.load(db, view, today=utcnow().date())
    numbers = {inv.id: inv for inv, _ in ledger.invoices}
    rows = [
        [
            numbers[p.invoice_id].number if p.invoice_id in numbers else "",
            ledger.names.get(numbers[p.invoice_id].payer_org_id, "")
            if p.invoice_id in numbers
            else "",
            p.paid_on,
            p.amount,
            p.currency,
            p.reference,
            ledger.names.get(p.owner_org_id, ""),
            p.created_at,
        ]
        for p in ledger.payments
    ]
    header = [
        "Invoice",
        "Paid by",
        "Paid on",
        "Amount",
        "Currency",
        "Reference",
        "Recorded by party",
        "Recorded at (UTC)",
    ]
    stem = f"{slug(view.alliance.name, 'alliance')}-payments"
    return table_response(fmt, stem, header, rows, title="Payments")


@router.get("/alliances/{alliance_id}/finance/schedule.{fmt}")
def schedule_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """What is overdue and what falls due in the next four quarters, as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    today = utcnow().date()
    ledger = service.load(db, view, today=today)
    overdue, quarters = service.schedule(
        ledger, alliance_id, today=today, extra=extra_items(db, view, today)
    )
    rows = [
        [
            "Overdue",
            i.due_on,
            i.kind,
            i.description,
            i.payer,
            i.payee,
            i.amount,
            i.currency,
            i.state,
        ]
        for i in overdue
    ]
    for q in quarters:
        rows += [
            [
                q.label,
                i.due_on,
                i.kind,
                i.description,
                i.payer,
                i.payee,
                i.amount,
                i.currency,
                i.state,
            ]
            for i in q.items
        ]
    header = [
        "Quarter",
        "Due",
        "Kind",
        "Description",
        "Payer / responsible",
        "Payee",
        "Amount",
        "Currency",
        "State",
    ]
    stem = f"{slug(view.alliance.name, 'alliance')}-schedule"
    return table_response(fmt, stem, header, rows, title="Schedule")


@router.get("/alliances/{alliance_id}/finance/positions.{fmt}")
def positions_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """Each party's position per currency (the finance page's first table), CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    ledger = service.load(db, view, today=utcnow().date())
    rows = [
        [t.name, t.currency, t.invoiced, t.paid, t.outstanding, t.overdue, t.receivable]
        for t in ledger.totals
    ]
    header = [
        "Party",
        "Currency",
        "Invoiced to it",
        "Paid by it",
        "It owes",
        "Of which overdue",
        "Owed to it",
    ]
    stem = f"{slug(view.alliance.name, 'alliance')}-positions"
    return table_response(fmt, stem, header, rows, title="Positions")
