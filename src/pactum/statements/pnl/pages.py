"""Pages for P&L-share statements: new and edit, the statement with its working and the
balancing payment, submit, approve or reject, and CSV/XLSX exports."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.agreements import service as agreements
from pactum.alliances.service import list_members
from pactum.core.cells import amount
from pactum.core.errors import ValidationFailed
from pactum.http.db import DbSession
from pactum.invoices import service as invoices
from pactum.models import Agreement, PnlStatement
from pactum.statements import index
from pactum.statements.page_helpers import exact, money, whole
from pactum.statements.periods import EDITABLE, STATUS_LABELS, label, other
from pactum.statements.pnl import service
from pactum.statements.pnl.schemas import PnlCreate, PnlUpdate
from pactum.statements.quarters import role_of
from pactum.statements.royalty.schemas import Rejection
from pactum.web.exports import ExportFormat, slug, table_response
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    amount_text,
    attempt,
    form_errors,
    form_version,
    page,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()

AMOUNTS = ("net_sales", "cogs", "licensor_expenses", "licensee_expenses")
TEXT_FIELDS = ("agreement_id", "year", "quarter", "booking", "currency", "split", *AMOUNTS)
FIELDS = {k: k for k in TEXT_FIELDS} | {"reason": "reason"}
LABELS = {
    "agreement_id": "Agreement",
    "year": "Year",
    "quarter": "Quarter",
    "booking": "Booking party",
    "currency": "Currency of the figures",
    "split": "Licensor's share of profit",
    "net_sales": "Net sales",
    "cogs": "Cost of goods sold",
    "licensor_expenses": "Licensor's allowable expenses",
    "licensee_expenses": "Licensee's allowable expenses",
    "reason": "Reason",
}


def _amount(values: dict[str, str], name: str) -> str:
    return amount_text(values[name]) or "0"


def _split(values: dict[str, str]) -> str | None:
    """The licensor's share as typed: ``0.6`` or ``60%``; empty means the terms'."""
    text = values["split"].replace(" ", "")
    if not text:
        return None
    if text.endswith("%"):
        number = text[:-1]
        if not number.replace(".", "", 1).isdecimal() or len(number) > 12:
            raise ValidationFailed("split", "must be a share such as 0.6 or 60%")
        return str(Decimal(number) / 100)
    return text


def _agreements(db: Session, view: AllianceView) -> list[Agreement]:
    return [a for a in agreements.list_agreements(db, view) if a.status != "draft"]


def _form_page(
    request: Request,
    db: Session,
    view: AllianceView,
    *,
    item: PnlStatement | None = None,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> HTMLResponse:
    found = _agreements(db, view)
    return page(
        request,
        "pnl_form.html",
        {
            "alliance": view.alliance,
            "item": item,
            "period": label(item.year, item.quarter) if item else "",
            "booking": service.booking_of(item) if item else "",
            "agreement_title": next(
                (a.title for a in found if item and a.id == item.agreement_id), ""
            ),
            "agreements": [(str(a.id), f"{a.title} ({a.currency})") for a in found],
            "values": values or {},
            "errors": errors or FormErrors(),
            "can_write": view.can("finance.write")
            and (
                bool(found)
                if item is None
                else item.status in EDITABLE and item.owner_org_id == view.org_id
            ),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/pnl-statements/new", response_class=HTMLResponse)
def pnl_new(request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser) -> HTMLResponse:
    """The form for a new quarter's statement."""
    view = open_alliance(db, info.principal, alliance_id)
    return _form_page(request, db, view, values={"booking": "licensee"})


@router.post("/alliances/{alliance_id}/pnl-statements/new", response_class=HTMLResponse)
def pnl_create(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Create the draft."""
    view = open_alliance(db, info.principal, alliance_id)
    view.require("finance.write")
    values = {k: field(form, k) for k in TEXT_FIELDS}
    try:
        with attempt(db):
            data = PnlCreate.model_validate(
                {
                    "agreement_id": values["agreement_id"],
                    "year": whole(form, "year"),
                    "quarter": whole(form, "quarter"),
                    "booking": values["booking"] or "licensee",
                    "currency": values["currency"] or None,
                    "split": _split(values),
                    **{k: _amount(values, k) for k in AMOUNTS},
                }
            )
            item = service.create(db, view, data)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, thing="statement")
        return _form_page(request, db, view, values=values, errors=errors)
    return redirect(f"/alliances/{alliance_id}/pnl-statements/{item.id}", "pnl_saved")


LIST_HEADER = [
    "Year",
    "Quarter",
    "Agreement",
    "Status",
    "Booking party",
    "Operating profit",
    "Payer",
    "Payee",
    "Balancing payment",
    "Currency",
    "Prepared by",
    "Decided at (UTC)",
    "Invoice",
]


@router.get("/alliances/{alliance_id}/pnl-statements.{fmt}")
def pnl_list_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """Every P&L-share statement of the alliance, as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    rows = []
    for row in index.pnl_rows(db, view):
        item = row["item"]
        payment = service.payment_of(item)
        rows.append(
            [
                item.year,
                item.quarter,
                row["agreement"],
                row["status"],
                service.booking_of(item),
                str(dict(item.result).get("operating_profit", "")),
                payment.get("payer", ""),
                payment.get("payee", ""),
                payment.get("amount", ""),
                item.currency,
                row["prepared_by"],
                item.decided_at,
                row["invoice"].number if row["invoice"] else "",
            ]
        )
    stem = f"{slug(view.alliance.name, 'alliance')}-pnl-statements"
    return table_response(fmt, stem, LIST_HEADER, rows, title="P&L-share statements")


def _base(alliance_id: uuid.UUID, statement_id: uuid.UUID) -> str:
    return f"/alliances/{alliance_id}/pnl-statements/{statement_id}"


def _detail(
    request: Request,
    db: Session,
    view: AllianceView,
    item: PnlStatement,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> HTMLResponse:
    agreement = service.agreement_of(db, view, item)
    role = role_of(agreement, view.org_id)
    booking = service.booking_of(item)
    invoice = service.invoice_of(db, view, item)
    return page(
        request,
        "pnl.html",
        {
            "alliance": view.alliance,
            "item": item,
            "period": label(item.year, item.quarter),
            "agreement": agreement,
            "inputs": dict(item.inputs),
            "result": dict(item.result),
            "booking": booking,
            "status_label": STATUS_LABELS.get(item.status, item.status),
            "names": view.party_names,
            "role_names": {
                "licensor": view.party_names.get(agreement.licensor_org_id, "Licensor"),
                "licensee": view.party_names.get(agreement.licensee_org_id, "Licensee"),
            },
            "people": {m.user_id: m.user.name for m in list_members(db, view)},
            "invoice": invoice,
            "invoice_status": invoices.status(invoice) if invoice else "",
            "reproducible": service.reproducible(item),
            "can_edit": item.status in EDITABLE and view.can("finance.write") and role == booking,
            "can_decide": item.status == "submitted"
            and view.can("finance.approve")
            and role == other(booking)
            and item.owner_org_id != view.org_id,
            "money": money,
            "exact": exact,
            "values": values or {},
            "errors": errors or FormErrors(),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get(
    "/alliances/{alliance_id}/pnl-statements/{pnl_statement_id}", response_class=HTMLResponse
)
def pnl_statement(
    request: Request,
    alliance_id: uuid.UUID,
    pnl_statement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
) -> HTMLResponse:
    """The statement: the working, each party's position and the balancing payment."""
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, pnl_statement_id)
    return _detail(request, db, view, item)


def _edit_values(item: PnlStatement) -> dict[str, str]:
    inputs: dict[str, Any] = dict(item.inputs)
    return {
        "currency": str(inputs["input_currency"]),
        "net_sales": str(inputs["net_sales"]),
        "cogs": str(inputs["cogs"]),
        "licensor_expenses": str(inputs["expenses"]["licensor"]),
        "licensee_expenses": str(inputs["expenses"]["licensee"]),
        "split": str(inputs["split"]["licensor"]) if inputs["split_source"] == "statement" else "",
        "version": str(item.version),
    }


@router.get(
    "/alliances/{alliance_id}/pnl-statements/{pnl_statement_id}/edit", response_class=HTMLResponse
)
def pnl_edit(
    request: Request,
    alliance_id: uuid.UUID,
    pnl_statement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
) -> HTMLResponse:
    """The form to correct a draft or rejected statement."""
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, pnl_statement_id)
    return _form_page(request, db, view, item=item, values=_edit_values(item))


@router.post(
    "/alliances/{alliance_id}/pnl-statements/{pnl_statement_id}/edit", response_class=HTMLResponse
)
def pnl_update(
    request: Request,
    alliance_id: uuid.UUID,
    pnl_statement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Save the corrections (recomputed; a rejected statement becomes a draft again)."""
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, pnl_statement_id)
    values = {k: field(form, k) for k in TEXT_FIELDS} | {"version": field(form, "version")}
    try:
        with attempt(db):
            data = PnlUpdate.model_validate(
                {
                    "currency": values["currency"] or None,
                    "split": _split(values),
                    **{k: _amount(values, k) for k in AMOUNTS},
                }
            )
            service.update(db, view, item.id, data, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, thing="statement")
        return _form_page(request, db, view, item=item, values=values, errors=errors)
    return redirect(_base(alliance_id, item.id), "pnl_saved")


@router.post(
    "/alliances/{alliance_id}/pnl-statements/{pnl_statement_id}/submit",
    response_class=HTMLResponse,
)
def pnl_submit(
    request: Request,
    alliance_id: uuid.UUID,
    pnl_statement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Submit to the partner."""
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, pnl_statement_id)
    try:
        with attempt(db):
            service.submit(db, view, item.id, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, form="submit", thing="statement")
        return _detail(request, db, view, item, errors=errors)
    return redirect(_base(alliance_id, item.id), "pnl_submitted")


@router.post(
    "/alliances/{alliance_id}/pnl-statements/{pnl_statement_id}/approve",
    response_class=HTMLResponse,
)
def pnl_approve(
    request: Request,
    alliance_id: uuid.UUID,
    pnl_statement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Approve and issue the balancing-payment invoice."""
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, pnl_statement_id)
    try:
        with attempt(db):
            _item, invoice = service.approve(db, view, item.id, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, form="decide", thing="statement")
        return _detail(request, db, view, item, errors=errors)
    return redirect(_base(alliance_id, item.id), "pnl_approved" if invoice else "pnl_approved_nil")


@router.post(
    "/alliances/{alliance_id}/pnl-statements/{pnl_statement_id}/reject",
    response_class=HTMLResponse,
)
def pnl_reject(
    request: Request,
    alliance_id: uuid.UUID,
    pnl_statement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Send the statement back with a reason."""
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, pnl_statement_id)
    reason = str(form.get("reason") or "")
    try:
        with attempt(db):
            data = Rejection.model_validate({"reason": reason})
            service.reject(db, view, item.id, data, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, form="decide", thing="statement")
        return _detail(request, db, view, item, values={"reason": reason}, errors=errors)
    return redirect(_base(alliance_id, item.id), "pnl_rejected")


@router.get("/alliances/{alliance_id}/pnl-statements/{pnl_statement_id}/working.{fmt}")
def pnl_working_export(
    alliance_id: uuid.UUID,
    pnl_statement_id: uuid.UUID,
    fmt: ExportFormat,
    db: DbSession,
    info: WebUser,
) -> Response:
    """The statement's working and each party's position, as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, pnl_statement_id)
    result: dict[str, Any] = dict(item.result)
    rows: list[list[Any]] = [[s["label"], amount(exact(s["amount"]))] for s in result["steps"]]
    for role in ("licensor", "licensee"):
        position = amount(exact(result["positions"][role]))
        rows.append([f"Position of the {role} after the payment", position])
    stem = f"pnl-{item.year}-q{item.quarter}-working"
    return table_response(
        fmt, stem, ["Step", f"Amount ({item.currency})"], rows, title="P&L share working"
    )
