"""Pages for an alliance's obligations: list with filters and export, add and edit; the
detail page and its actions, my deadlines, my calendar feed and my notifications are
included from their own modules."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from pactum.access import AllianceView, open_alliance
from pactum.agreements.service import list_agreements
from pactum.http.db import DbSession
from pactum.models import OBLIGATION_KINDS, Obligation
from pactum.obligations import deadline_pages, detail_pages, notification_pages, rules, service
from pactum.obligations.page_helpers import (
    FIELDS,
    KIND_LABELS,
    LABELS,
    RULE_LABELS,
    STATE_LABELS,
    STATE_TAGS,
    TEXT_KEYS,
    UPDATE_FIELDS,
    party_options,
    table_row,
)
from pactum.obligations.schemas import (
    ObligationCreate,
    ObligationUpdate,
)
from pactum.web.exports import ExportFormat, slug, table_response
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    amount_text,
    attempt,
    checkbox,
    form_errors,
    form_version,
    page,
    parse_uuid,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()
router.include_router(deadline_pages.router)
router.include_router(notification_pages.router)

# --- list and export -----------------------------------------------------------------------


def _filters(request: Request) -> dict[str, str]:
    params = request.query_params
    kind = params.get("kind", "")
    state = params.get("state", "")
    party = params.get("party", "")
    return {
        "kind": kind if kind in OBLIGATION_KINDS else "",
        "state": state if state in STATE_LABELS else "",
        "party": str(parse_uuid(party) or ""),
    }


def _filtered(db: Session, view: AllianceView, filters: dict[str, str]) -> list[Obligation]:
    return service.list_obligations(
        db,
        view,
        kind=filters["kind"] or None,
        party=parse_uuid(filters["party"]),
        state=filters["state"] or None,
    )


@router.get("/alliances/{alliance_id}/obligations", response_class=HTMLResponse)
def obligations(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The obligations our party may see, with filters."""
    view = open_alliance(db, info.principal, alliance_id)
    filters = _filters(request)
    names = view.party_names
    on = service.today()
    rows = [table_row(o, names, on) for o in _filtered(db, view, filters)]
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return page(
        request,
        "obligations.html",
        {
            "alliance": view.alliance,
            "rows": rows,
            "filters": filters,
            "filtered": bool(query),
            "query": query,
            "kinds": [(k, KIND_LABELS[k]) for k in OBLIGATION_KINDS],
            "states": list(STATE_LABELS.items()),
            "parties": party_options(view),
            "state_labels": STATE_LABELS,
            "state_tags": STATE_TAGS,
            "kind_labels": KIND_LABELS,
            "can_write": view.can("obligations.write"),
            "my_org_name": view.party.org.name,
            "today": on,
        },
        nav="alliances",
    )


HEADER = [
    "Title",
    "Kind",
    "Responsible party",
    "Next due date",
    "State",
    "Due-date rule",
    "Remind days ahead",
    "Amount",
    "Currency",
    "Visibility",
    "Status",
    "Dates done",
    "Description",
    "Last changed (UTC)",
]


@router.get("/alliances/{alliance_id}/obligations.{fmt}")
def obligations_export(
    request: Request, alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The obligations our party sees (with the page's filters), as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    names = view.party_names
    on = service.today()
    mine = f"Private to {view.party.org.name}"
    rows = []
    for o in _filtered(db, view, _filters(request)):
        row = table_row(o, names, on)
        rows.append(
            [
                o.title,
                KIND_LABELS.get(o.kind, o.kind),
                row["party"],
                row["next_due"],
                STATE_LABELS.get(row["state"], row["state"]),
                row["rule"],
                o.remind_days,
                o.amount,
                o.currency,
                mine if o.visibility == "private" else "Shared",
                o.status.capitalize(),
                ", ".join(o.done),
                o.description,
                o.updated_at,
            ]
        )
    stem = f"{slug(view.alliance.name, 'alliance')}-obligations"
    return table_response(fmt, stem, HEADER, rows, title="Obligations")


# --- add and edit --------------------------------------------------------------------------


def _values(form: FormData) -> dict[str, str]:
    values = {k: field(form, k) for k in TEXT_KEYS}
    values["description"] = str(form.get("description", ""))
    return values


def _rule_input(values: dict[str, str]) -> dict[str, Any]:
    """The rule fields of the chosen type (empty fields as missing)."""

    def opt(key: str) -> str | None:
        return values.get(key) or None

    kind = values.get("rule_type", "")
    if kind == "fixed":
        return {"type": "fixed", "date": opt("rule_date")}
    if kind == "after_event":
        return {
            "type": "after_event",
            "event": values.get("rule_event", ""),
            "days": opt("rule_days"),
            "event_date": opt("rule_event_date"),
        }
    if kind == "recurring":
        return {
            "type": "recurring",
            "period": opt("rule_period"),
            "days_after": opt("rule_days_after"),
            "start": opt("rule_start"),
            "end": opt("rule_end"),
        }
    return {"type": kind or None}


def _schema_input(values: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": values["title"],
        "description": values["description"],
        "kind": values["kind"],
        "agreement_id": values["agreement_id"] or None,
        "responsible_org_id": values["responsible_org_id"] or None,
        "amount": amount_text(values["amount"]) or None,
        "currency": values["currency"] or None,
        "rule": _rule_input(values),
        "remind_days": values["remind_days"] or 7,
    }
    return data


def _rule_values(rule: rules.Rule) -> dict[str, str]:
    if isinstance(rule, rules.Fixed):
        return {"rule_type": "fixed", "rule_date": rule.on.isoformat()}
    if isinstance(rule, rules.AfterEvent):
        return {
            "rule_type": "after_event",
            "rule_event": rule.event,
            "rule_days": str(rule.days),
            "rule_event_date": rule.event_date.isoformat() if rule.event_date else "",
        }
    return {
        "rule_type": "recurring",
        "rule_period": rule.period,
        "rule_days_after": str(rule.days_after),
        "rule_start": rule.start.isoformat(),
        "rule_end": rule.end.isoformat() if rule.end else "",
    }


def _form_page(
    request: Request,
    db: Session,
    view: AllianceView,
    *,
    obligation: Obligation | None,
    values: dict[str, str],
    errors: FormErrors | None = None,
    version: int | None = None,
) -> HTMLResponse:
    agreements = [(str(a.id), a.title) for a in list_agreements(db, view)]
    return page(
        request,
        "obligation_form.html",
        {
            "alliance": view.alliance,
            "obligation": obligation,
            "my_org_name": view.party.org.name,
            "kinds": [(k, KIND_LABELS[k]) for k in OBLIGATION_KINDS],
            "parties": party_options(view),
            "agreements": agreements,
            "periods": [(p, p.capitalize()) for p in rules.PERIODS],
            "rule_labels": RULE_LABELS,
            "values": values,
            "version": version
            if version is not None
            else (obligation.version if obligation else 0),
            "errors": errors or FormErrors(),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/obligations/new", response_class=HTMLResponse)
def obligation_new(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form to add an obligation."""
    view = open_alliance(db, info.principal, alliance_id)
    view.require("obligations.write")
    values = {
        "kind": request.query_params.get("kind", "report"),
        "responsible_org_id": str(view.org_id),
        "rule_type": "fixed",
        "rule_period": "quarter",
        "remind_days": "7",
        "visibility": "private" if request.query_params.get("private") == "1" else "shared",
    }
    return _form_page(request, db, view, obligation=None, values=values)


@router.post("/alliances/{alliance_id}/obligations/new", response_class=HTMLResponse)
def obligation_create(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Add the obligation; our party owns it."""
    view = open_alliance(db, info.principal, alliance_id)
    values = _values(form)
    try:
        with attempt(db):
            data = ObligationCreate.model_validate(
                {**_schema_input(values), "visibility": values["visibility"] or "shared"}
            )
            obligation = service.create_obligation(db, view, data)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, thing="obligation")
        view = open_alliance(db, info.principal, alliance_id)
        return _form_page(request, db, view, obligation=None, values=values, errors=errors)
    return redirect(f"/alliances/{alliance_id}/obligations/{obligation.id}", "obligation_added")


@router.get(
    "/alliances/{alliance_id}/obligations/{obligation_id}/edit", response_class=HTMLResponse
)
def obligation_edit(
    request: Request,
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
) -> HTMLResponse:
    """The form to edit an obligation (and to share a private one)."""
    view = open_alliance(db, info.principal, alliance_id)
    obligation = service.get_obligation(db, view, obligation_id)
    view.require("obligations.write")
    values = {
        "title": obligation.title,
        "description": obligation.description,
        "kind": obligation.kind,
        "agreement_id": str(obligation.agreement_id or ""),
        "responsible_org_id": str(obligation.responsible_org_id),
        "amount": f"{obligation.amount:.2f}" if obligation.amount is not None else "",
        "currency": obligation.currency or "",
        "remind_days": str(obligation.remind_days),
        "rule_period": "quarter",
        **_rule_values(service.rule_of(obligation)),
    }
    return _form_page(request, db, view, obligation=obligation, values=values)


@router.post(
    "/alliances/{alliance_id}/obligations/{obligation_id}/edit", response_class=HTMLResponse
)
def obligation_update(
    request: Request,
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Save the obligation; sharing a private one is deliberate and final."""
    view = open_alliance(db, info.principal, alliance_id)
    service.get_obligation(db, view, obligation_id)
    values = _values(form)
    share = checkbox(form, "share")
    version = form_version(form)
    try:
        with attempt(db):
            data = _schema_input(values)
            if share:
                data["visibility"] = "shared"
            obligation = service.update_obligation(
                db,
                view,
                obligation_id,
                ObligationUpdate.model_validate(data),
                expected_version=version,
            )
            shared_now = share and obligation.visibility == "shared"
    except FORM_ERRORS as exc:
        errors = form_errors(exc, UPDATE_FIELDS, LABELS, thing="obligation")
        view = open_alliance(db, info.principal, alliance_id)
        current = service.get_obligation(db, view, obligation_id)
        values["share"] = "on" if share else ""
        return _form_page(
            request, db, view, obligation=current, values=values, errors=errors, version=version
        )
    return redirect(
        f"/alliances/{alliance_id}/obligations/{obligation_id}",
        "obligation_shared" if shared_now else "obligation_saved",
    )


# After /obligations/new, so that "new" is not taken for an obligation id.
router.include_router(detail_pages.router)
