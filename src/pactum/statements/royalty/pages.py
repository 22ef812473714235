"""Pages for royalty statements: new and edit (typed lines or a CSV/XLSX upload with a
per-row error report), the statement with every step of its working, submit, approve or
reject, and CSV/XLSX exports of the list, the lines, the countries and the steps."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.agreements import service as agreements
from pactum.alliances.service import list_members
from pactum.core.errors import ValidationFailed
from pactum.finance.imports import COLUMNS, RowError
from pactum.http.db import DbSession
from pactum.invoices import service as invoices
from pactum.models import Agreement, RoyaltyStatement
from pactum.statements import index
from pactum.statements.page_helpers import (
    Posted,
    codes,
    exact,
    money,
    upload_form_of,
    whole,
)
from pactum.statements.periods import EDITABLE, STATUS_LABELS, label
from pactum.statements.quarters import find_agreement, role_of
from pactum.statements.royalty import service
from pactum.statements.royalty.schemas import Rejection, RoyaltyCreate, RoyaltyUpdate, SalesLineIn
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

# The statement form: its text fields, the typed sales lines (up to 10,000 lines in one
# field) and the sales file (CSV/XLSX), each within its own limit.
UploadForm = Annotated[
    Posted,
    Depends(
        upload_form_of(service.MAX_UPLOAD, max_fields=40, field_limits={"lines": 2 * 1024 * 1024})
    ),
]
router = APIRouter()

TEXT_FIELDS = (
    "agreement_id",
    "year",
    "quarter",
    "lines",
    "third_party_royalties",
    "third_party_currency",
    "term_ended",
    "exclusivity_lost",
)
FIELDS = {k: k for k in TEXT_FIELDS} | {"file": "file", "reason": "reason"}
LABELS = {
    "agreement_id": "Agreement",
    "year": "Year",
    "quarter": "Quarter",
    "lines": "Sales lines",
    "file": "Sales file",
    "third_party_royalties": "Third-party royalties paid",
    "third_party_currency": "Currency of the third-party royalties",
    "term_ended": "Countries whose royalty term ended",
    "exclusivity_lost": "Countries past loss of exclusivity",
    "reason": "Reason",
}
HINT_LINES = "country,product,net_sales,currency"


def _lines_text(lines: list[dict[str, Any]]) -> str:
    """Stored lines as the CSV the form shows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow([line["country"], line["product"], line["net_sales"], line["currency"]])
    return buffer.getvalue()


def _parsed_lines(
    db: Session,
    view: AllianceView,
    agreement: Agreement,
    year: int,
    quarter: int,
    posted: Posted,
    text: str,
) -> tuple[list[dict[str, Any]], str]:
    """The sales lines from the uploaded file, or else the typed lines; and which field
    they came from (for the error report)."""
    if posted.file and text.strip():
        raise ValidationFailed("file", "upload a file or type the lines, not both")
    if posted.file:
        return (
            service.parse_file(db, view, agreement, year, quarter, posted.file, posted.filename),
            "file",
        )
    if not text.strip():
        return [], "lines"
    first = text.strip().splitlines()[0].lower().replace(" ", "")
    body = text if first.startswith("country,") else f"{HINT_LINES}\n{text}"
    lines = service.parse_file(db, view, agreement, year, quarter, body.encode(), "lines.csv")
    return lines, "lines"


def _row_errors(exc: service.RowsRejected, source: str) -> FormErrors:
    what = "file" if source == "file" else "typed lines"
    count = len(exc.rows)
    return FormErrors(
        fields={
            source: f"The {what} had {count} problem{'s' if count != 1 else ''}; nothing was "
            "imported. Each is listed below the form."
        },
        status_code=422,
    )


def _agreements(db: Session, view: AllianceView) -> list[Agreement]:
    """Agreements a royalty statement can be under (in force or ended, with the caller's
    party as licensee when it may prepare statements)."""
    return [a for a in agreements.list_agreements(db, view) if a.status != "draft"]


def _form_page(
    request: Request,
    db: Session,
    view: AllianceView,
    *,
    item: RoyaltyStatement | None = None,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    row_errors: list[RowError] | None = None,
) -> HTMLResponse:
    found = _agreements(db, view)
    return page(
        request,
        "royalty_form.html",
        {
            "alliance": view.alliance,
            "item": item,
            "period": label(item.year, item.quarter) if item else "",
            "agreement_title": next(
                (a.title for a in found if item and a.id == item.agreement_id), ""
            ),
            "agreements": [(str(a.id), f"{a.title} ({a.currency})") for a in found],
            "values": values or {},
            "errors": errors or FormErrors(),
            "row_errors": row_errors or [],
            "can_write": view.can("finance.write")
            and any(
                role_of(a, view.org_id) == "licensee"
                and (item is None or (a.id == item.agreement_id and item.status in EDITABLE))
                for a in found
            ),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/royalty-statements/new", response_class=HTMLResponse)
def royalty_new(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form for a new quarter's statement."""
    view = open_alliance(db, info.principal, alliance_id)
    return _form_page(request, db, view, values={"lines": HINT_LINES + "\n"})


@router.post("/alliances/{alliance_id}/royalty-statements/new", response_class=HTMLResponse)
def royalty_create(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, posted: UploadForm
) -> Response:
    """Create the draft from typed lines or an uploaded file (all or nothing)."""
    view = open_alliance(db, info.principal, alliance_id)
    view.require("finance.write")
    form = posted.form
    values = {k: field(form, k) for k in TEXT_FIELDS}
    values["lines"] = str(form.get("lines") or "")
    source = "lines"
    try:
        with attempt(db):
            posted.check()
            data = RoyaltyCreate.model_validate(
                {
                    "agreement_id": values["agreement_id"],
                    "year": whole(form, "year"),
                    "quarter": whole(form, "quarter"),
                    "third_party_royalties": amount_text(values["third_party_royalties"]) or "0",
                    "third_party_currency": values["third_party_currency"] or None,
                    "term_ended": codes(values["term_ended"]),
                    "exclusivity_lost": codes(values["exclusivity_lost"]),
                }
            )
            agreement = find_agreement(db, view, data.agreement_id)
            lines, source = _parsed_lines(
                db, view, agreement, data.year, data.quarter, posted, values["lines"]
            )
            data.lines = [SalesLineIn.model_validate(line) for line in lines]
            item = service.create(db, view, data)
    except service.RowsRejected as exc:
        errors = _row_errors(exc, source)
        return _form_page(request, db, view, values=values, errors=errors, row_errors=exc.rows)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, thing="statement")
        return _form_page(request, db, view, values=values, errors=errors)
    return redirect(f"/alliances/{alliance_id}/royalty-statements/{item.id}", "royalty_saved")


# --- list export (before the {id} routes) -----------------------------------------------

LIST_HEADER = [
    "Year",
    "Quarter",
    "Agreement",
    "Status",
    "Royalty due",
    "Currency",
    "Royalty-bearing net sales",
    "Year-to-date net sales",
    "Offset credit carried",
    "Prepared by",
    "Decided at (UTC)",
    "Invoice",
]


@router.get("/alliances/{alliance_id}/royalty-statements.{fmt}")
def royalty_list_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """Every royalty statement of the alliance, as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    rows = []
    for row in index.royalty_rows(db, view):
        item, result = row["item"], dict(row["item"].result)
        rows.append(
            [
                item.year,
                item.quarter,
                row["agreement"],
                row["status"],
                str(item.total),
                item.currency,
                exact(result.get("royalty_bearing_sales", "")),
                exact(result.get("ytd_sales", "")),
                exact(result.get("credit_carried", "")),
                row["prepared_by"],
                item.decided_at,
                row["invoice"].number if row["invoice"] else "",
            ]
        )
    stem = f"{slug(view.alliance.name, 'alliance')}-royalty-statements"
    return table_response(fmt, stem, LIST_HEADER, rows, title="Royalty statements")


# --- one statement ------------------------------------------------------------------------


def _detail(
    request: Request,
    db: Session,
    view: AllianceView,
    item: RoyaltyStatement,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> HTMLResponse:
    agreement = service.agreement_of(db, view, item)
    role = role_of(agreement, view.org_id)
    invoice = service.invoice_of(db, view, item)
    people = {m.user_id: m.user.name for m in list_members(db, view)}
    return page(
        request,
        "royalty.html",
        {
            "alliance": view.alliance,
            "item": item,
            "period": label(item.year, item.quarter),
            "agreement": agreement,
            "inputs": dict(item.inputs),
            "result": dict(item.result),
            "status_label": STATUS_LABELS.get(item.status, item.status),
            "names": view.party_names,
            "people": people,
            "invoice": invoice,
            "invoice_status": invoices.status(invoice) if invoice else "",
            "reproducible": service.reproducible(item),
            "chain_changed": service.chain_changed(db, view, item),
            "can_edit": item.status in EDITABLE
            and view.can("finance.write")
            and role == "licensee",
            "can_decide": item.status == "submitted"
            and view.can("finance.approve")
            and role == "licensor"
            and item.owner_org_id != view.org_id,
            "money": money,
            "exact": exact,
            "values": values or {},
            "errors": errors or FormErrors(),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


def _base(alliance_id: uuid.UUID, statement_id: uuid.UUID) -> str:
    return f"/alliances/{alliance_id}/royalty-statements/{statement_id}"


@router.get(
    "/alliances/{alliance_id}/royalty-statements/{royalty_statement_id}",
    response_class=HTMLResponse,
)
def royalty_statement(
    request: Request,
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
) -> HTMLResponse:
    """The statement: every step, by country, year to date, credit carried, the lines."""
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, royalty_statement_id)
    return _detail(request, db, view, item)


def _edit_values(item: RoyaltyStatement) -> dict[str, str]:
    inputs: dict[str, Any] = dict(item.inputs)
    return {
        "lines": _lines_text(list(inputs["lines"])),
        "third_party_royalties": str(inputs["third_party_royalties"]),
        "third_party_currency": str(inputs["third_party_currency"]),
        "term_ended": ", ".join(inputs["term_ended"]),
        "exclusivity_lost": ", ".join(inputs["exclusivity_lost"]),
        "version": str(item.version),
    }


@router.get(
    "/alliances/{alliance_id}/royalty-statements/{royalty_statement_id}/edit",
    response_class=HTMLResponse,
)
def royalty_edit(
    request: Request,
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
) -> HTMLResponse:
    """The form to correct a draft or rejected statement."""
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, royalty_statement_id)
    return _form_page(request, db, view, item=item, values=_edit_values(item))


@router.post(
    "/alliances/{alliance_id}/royalty-statements/{royalty_statement_id}/edit",
    response_class=HTMLResponse,
)
def royalty_update(
    request: Request,
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    posted: UploadForm,
) -> Response:
    """Save the corrections (recomputed; a rejected statement becomes a draft again)."""
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, royalty_statement_id)
    view.require("finance.write")
    form = posted.form
    values = {k: field(form, k) for k in TEXT_FIELDS} | {"version": field(form, "version")}
    values["lines"] = str(form.get("lines") or "")
    source = "lines"
    try:
        with attempt(db):
            posted.check()
            agreement = service.agreement_of(db, view, item)
            lines, source = _parsed_lines(
                db, view, agreement, item.year, item.quarter, posted, values["lines"]
            )
            data = RoyaltyUpdate.model_validate(
                {
                    "lines": lines,
                    "third_party_royalties": amount_text(values["third_party_royalties"]) or "0",
                    "third_party_currency": values["third_party_currency"] or None,
                    "term_ended": codes(values["term_ended"]),
                    "exclusivity_lost": codes(values["exclusivity_lost"]),
                }
            )
            service.update(db, view, item.id, data, expected_version=form_version(form))
    except service.RowsRejected as exc:
        errors = _row_errors(exc, source)
        return _form_page(
            request, db, view, item=item, values=values, errors=errors, row_errors=exc.rows
        )
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, thing="statement")
        return _form_page(request, db, view, item=item, values=values, errors=errors)
    return redirect(_base(alliance_id, item.id), "royalty_saved")


@router.post(
    "/alliances/{alliance_id}/royalty-statements/{royalty_statement_id}/submit",
    response_class=HTMLResponse,
)
def royalty_submit(
    request: Request,
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Submit to the licensor."""
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, royalty_statement_id)
    try:
        with attempt(db):
            service.submit(db, view, item.id, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, form="submit", thing="statement")
        return _detail(request, db, view, item, errors=errors)
    return redirect(_base(alliance_id, item.id), "royalty_submitted")


@router.post(
    "/alliances/{alliance_id}/royalty-statements/{royalty_statement_id}/approve",
    response_class=HTMLResponse,
)
def royalty_approve(
    request: Request,
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Approve and issue the invoice."""
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, royalty_statement_id)
    try:
        with attempt(db):
            _item, invoice = service.approve(db, view, item.id, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, form="decide", thing="statement")
        return _detail(request, db, view, item, errors=errors)
    done = "royalty_approved" if invoice else "royalty_approved_nil"
    return redirect(_base(alliance_id, item.id), done)


@router.post(
    "/alliances/{alliance_id}/royalty-statements/{royalty_statement_id}/reject",
    response_class=HTMLResponse,
)
def royalty_reject(
    request: Request,
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Send the statement back with a reason."""
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, royalty_statement_id)
    reason = str(form.get("reason") or "")
    try:
        with attempt(db):
            data = Rejection.model_validate({"reason": reason})
            service.reject(db, view, item.id, data, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, form="decide", thing="statement")
        return _detail(request, db, view, item, values={"reason": reason}, errors=errors)
    return redirect(_base(alliance_id, item.id), "royalty_rejected")
