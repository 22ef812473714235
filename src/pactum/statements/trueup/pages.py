"""Pages for cost-sharing true-ups: list, open, lines (entered or imported), disputes,
result with a chart, sign-off with electronic signatures, and CSV/XLSX exports."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.agreements import service as agreements
from pactum.http.db import DbSession
from pactum.models import Agreement, TrueUp
from pactum.signatures import service as signatures
from pactum.statements.page_helpers import money
from pactum.statements.quarters import role_of
from pactum.statements.trueup import service
from pactum.statements.trueup import signing as signoff
from pactum.statements.trueup.calc import PARTIES
from pactum.statements.trueup.chart import positions_chart
from pactum.statements.trueup.schemas import TrueUpCreate
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


MAX_ROW_ERRORS_SHOWN = 50
PARTY_LABELS = {"licensor": "Licensor", "licensee": "Licensee"}
PHASES = (
    ("preclinical", "Preclinical"),
    ("phase1", "Phase 1"),
    ("phase2", "Phase 2"),
    ("phase3", "Phase 3"),
    ("regulatory", "Regulatory"),
)
LABELS = {
    "agreement_id": "Agreement",
    "year": "Year",
    "quarter": "Quarter",
    "licensor_budget": "Licensor's approved budget",
    "licensor_budget_decision": "Committee decision for the licensor's budget",
    "licensee_budget": "Licensee's approved budget",
    "licensee_budget_decision": "Committee decision for the licensee's budget",
    "licensor_share": "Licensor's share of shareable costs",
    "phase": "Phase",
    "note": "Note",
    "work_package": "Work package",
    "category": "Category",
    "description": "Description",
    "amount": "Amount",
    "currency": "Currency",
    "reason": "Reason",
    "printed_name": "Printed name",
    "password": "Password",
    "meaning": "Meaning",
    "file": "File",
}
TRUEUP_FIELDS = {k: k for k in list(LABELS)[:10]}
LINE_FIELDS = {k: k for k in ("work_package", "category", "description", "amount")}
LINE_FIELDS["currency"] = "amount"


def _prefixed(prefix: str, fields: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Field map and labels for a form whose input ids carry ``prefix``."""
    mapped = {k: f"{prefix}-{v}" for k, v in fields.items()}
    labels = {f"{prefix}-{v}": LABELS.get(v, v) for v in fields.values()}
    return mapped, labels


ADD_FIELDS, ADD_LABELS = _prefixed("add", LINE_FIELDS)
SIGN_FIELDS, SIGN_LABELS = _prefixed(
    "sign", {"printed_name": "printed_name", "password": "password", "meaning": "printed_name"}
)


def percent(value: object) -> str:
    """A fraction as a percentage (``0.6`` -> ``60%``, ``0.3333`` -> ``33.33%``)."""
    text = f"{Decimal(str(value)) * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def base_url(alliance_id: uuid.UUID) -> str:
    return f"/alliances/{alliance_id}/true-ups"


# --- list and exports -----------------------------------------------------------------


LIST_HEADER = (
    "Agreement",
    "Year",
    "Quarter",
    "Status",
    "Currency",
    "Shareable total",
    "Payment now: payer",
    "Payment now: payee",
    "Payment now",
    "Held for disputes",
    "Version",
    "Updated (UTC)",
)


def _titles(db: Session, view: AllianceView) -> dict[uuid.UUID, Agreement]:
    return {a.id: a for a in agreements.list_agreements(db, view)}


def _who(view: AllianceView, payment: dict[str, str] | None, role: str) -> str:
    if payment is None:
        return ""
    return view.party_names.get(uuid.UUID(payment[f"{role}_org_id"]), "")


def _list_rows(db: Session, view: AllianceView) -> list[list[Any]]:
    titles = _titles(db, view)
    rows = []
    for t in service.list_true_ups(db, view):
        result = service.result_of(t)
        now, held = result.get("payment_now"), result.get("payment_held")
        agreement = titles.get(t.agreement_id)
        rows.append(
            [
                agreement.title if agreement else "",
                t.year,
                f"Q{t.quarter}",
                t.status,
                t.currency,
                result.get("shareable_total", ""),
                _who(view, now, "payer"),
                _who(view, now, "payee"),
                now["amount"] if now else "0.00",
                held["amount"] if held else "0.00",
                t.version,
                t.updated_at,
            ]
        )
    return rows


@router.get("/alliances/{alliance_id}/true-ups", response_class=HTMLResponse)
def true_ups(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The alliance's quarterly cost-sharing true-ups."""
    view = open_alliance(db, info.principal, alliance_id)
    titles = _titles(db, view)
    rows = [
        (t, titles.get(t.agreement_id), service.result_of(t))
        for t in service.list_true_ups(db, view)
    ]
    return page(
        request,
        "trueups.html",
        {
            "alliance": view.alliance,
            "rows": rows,
            "names": {str(k): v for k, v in view.party_names.items()},
            "can_write": view.can("finance.write"),
            "has_agreements": bool(titles),
        },
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/true-ups.{fmt}")
def true_ups_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The true-ups list as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    stem = f"{slug(view.alliance.name, 'alliance')}-true-ups"
    return table_response(fmt, stem, LIST_HEADER, _list_rows(db, view), title="True-ups")


# --- opening a true-up ----------------------------------------------------------------


def _new_page(
    request: Request,
    db: Session,
    view: AllianceView,
    values: dict[str, str],
    errors: FormErrors | None = None,
) -> HTMLResponse:
    found = agreements.list_agreements(db, view)
    return page(
        request,
        "trueup_new.html",
        {
            "alliance": view.alliance,
            "agreements": [(a.id, f"{a.title} ({a.currency})") for a in found],
            "phases": PHASES,
            "values": values,
            "errors": errors or FormErrors(),
            "can_write": view.can("finance.write"),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/true-ups/new", response_class=HTMLResponse)
def true_up_new(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form to open a quarter's true-up."""
    view = open_alliance(db, info.principal, alliance_id)
    view.require("finance.write")
    return _new_page(request, db, view, {})


TRUEUP_KEYS = (
    "agreement_id",
    "year",
    "quarter",
    "licensor_budget",
    "licensor_budget_decision",
    "licensee_budget",
    "licensee_budget_decision",
    "licensor_share",
    "phase",
    "note",
)


def trueup_body(values: dict[str, str], keys: tuple[str, ...]) -> dict[str, Any]:
    """Form values as a schema body: empty optional fields are left out or ``None``."""
    body: dict[str, Any] = {}
    for key in keys:
        value = values.get(key, "")
        if key in {"licensor_budget", "licensee_budget"}:
            body[key] = amount_text(value)
        elif key in {"licensor_share", "phase"}:
            body[key] = value or None
        else:
            body[key] = value
    return body


@router.post("/alliances/{alliance_id}/true-ups/new", response_class=HTMLResponse)
def true_up_create(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Open the true-up."""
    view = open_alliance(db, info.principal, alliance_id)
    values = {k: field(form, k) for k in TRUEUP_KEYS}
    values["note"] = str(form.get("note", ""))
    try:
        with attempt(db):
            data = TrueUpCreate.model_validate(trueup_body(values, TRUEUP_KEYS))
            made = service.create_true_up(db, view, data)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, TRUEUP_FIELDS, LABELS, thing="true-up")
        return _new_page(request, db, view, values, errors)
    return redirect(f"{base_url(alliance_id)}/{made.id}", "trueup_created")


# --- the true-up page -----------------------------------------------------------------


def detail_page(
    request: Request,
    db: Session,
    view: AllianceView,
    true_up: TrueUp,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    row_errors: list[str] | None = None,
) -> HTMLResponse:
    agreement = service.agreement_of(db, view, true_up)
    names = view.party_names
    result = service.result_of(true_up)
    inputs = service.inputs_of(true_up)
    digest = signoff.content_sha256(true_up)
    mine = role_of(agreement, view.org_id)
    parties = [(p, names.get(uuid.UUID(inputs["parties"][p]), PARTY_LABELS[p])) for p in PARTIES]
    shown = signatures.manifestations(signoff.signatures_of(db, view, true_up), names, digest)
    valid_orgs = {m.party for m in shown if m.valid}
    is_open = true_up.status == "draft"
    drafts = service.draft_lines_of(db, view, true_up)
    return page(
        request,
        "trueup.html",
        {
            "alliance": view.alliance,
            "true_up": true_up,
            "agreement": agreement,
            "inputs": inputs,
            "result": result,
            "parties": parties,
            "party_labels": PARTY_LABELS,
            "lines": service.lines_of(db, view, true_up),
            "drafts": drafts,
            "drafts_sha256": service.drafts_sha256(drafts),
            "draft_total": sum((ln.amount for ln in drafts), Decimal(0)),
            "names": names,
            "names_by_id": {str(k): v for k, v in names.items()},
            "licensee_share": str(1 - Decimal(inputs["licensor_share"])),
            "money": money,
            "percent": percent,
            "phase_labels": dict(PHASES),
            "my_org_id": view.org_id,
            "my_party": mine,
            "is_open": is_open,
            "can_write": is_open and mine is not None and view.can("finance.write"),
            "can_approve": is_open and mine is not None and view.can("finance.approve"),
            "signatures": shown,
            "signed_parties": valid_orgs,
            "content_sha256": digest,
            "invoice": service.invoice_of(db, view, true_up),
            "chart": positions_chart(
                "Reported, shareable and share per party",
                [(name, result["parties"][p]) for p, name in parties],
                true_up.currency,
            ),
            "my_name": view.principal.name,
            "values": values or {},
            "errors": errors or FormErrors(),
            "row_errors": row_errors or [],
            "base": f"{base_url(view.alliance_id)}/{true_up.id}",
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/true-ups/{true_up_id}", response_class=HTMLResponse)
def true_up_page(
    request: Request, alliance_id: uuid.UUID, true_up_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """A true-up: its inputs, lines, result, chart and signatures."""
    view = open_alliance(db, info.principal, alliance_id)
    return detail_page(request, db, view, service.get_true_up(db, view, true_up_id))


LINES_HEADER = (
    "Party",
    "Work package",
    "Category",
    "Description",
    "Amount",
    "Currency",
    "Disputed",
    "Dispute reason",
    "Entered (UTC)",
)
RESULT_HEADER = (
    "Party",
    "Role",
    "Approved budget",
    "Cap (budget + permitted overrun)",
    "Reported",
    "Disputed",
    "Shareable",
    "Excess (stays with the party)",
    "Share of the shareable total",
    "Balance now (+ pays, - receives)",
    "Balance held for disputes",
)
SIGNATURES_HEADER = (
    "Printed name",
    "Party",
    "Role",
    "Meaning",
    "Signed (UTC)",
    "Version signed",
    "SHA-256 of the version signed",
    "Valid",
    "Invalidated (UTC)",
)


# --- editing the inputs ---------------------------------------------------------------
