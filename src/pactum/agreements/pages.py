"""Pages for agreements: list, record, amend, value, export."""

from __future__ import annotations

import json
import uuid
from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.agreements import service
from pactum.agreements.schemas import (
    AgreementCreate,
    AgreementUpdate,
    AmendmentCreate,
    ValueRequest,
)
from pactum.agreements.terms import parse_terms, payable_events
from pactum.core.errors import ValidationFailed
from pactum.core.time import utcnow
from pactum.http.db import DbSession
from pactum.models import AGREEMENT_TYPES, Agreement
from pactum.scenarios.template import template_deal
from pactum.valuation.documents import DocumentError, load_yaml
from pactum.web.exports import ExportFormat, slug, table_response
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    attempt,
    form_errors,
    form_version,
    page,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()

KIND_LABELS = {
    "licence": "Licence",
    "collaboration": "Research collaboration",
    "co_development": "Co-development",
    "co_commercialisation": "Co-commercialisation",
    "option": "Option",
    "supply": "Supply",
    "other": "Other",
}
STATUS_LABELS = {
    "draft": "Draft",
    "in_force": "In force",
    "expired": "Expired",
    "terminated": "Terminated",
}
FIELDS = {
    k: k
    for k in (
        "title",
        "kind",
        "licensor_org_id",
        "licensee_org_id",
        "currency",
        "effective_date",
        "expiry_date",
        "payment_days",
        "notice_days",
        "overrun_cap",
        "signed_by",
        "terms",
        "summary",
        "reason",
        "status",
        "on",
    )
}
LABELS = {
    "title": "Title",
    "kind": "Type",
    "licensor_org_id": "Licensor",
    "licensee_org_id": "Licensee",
    "currency": "Currency",
    "effective_date": "Effective date",
    "expiry_date": "Expiry date",
    "payment_days": "Payment days",
    "notice_days": "Notice period (days)",
    "overrun_cap": "Permitted overrun",
    "signed_by": "Signed by",
    "terms": "Financial terms",
    "summary": "What changed",
    "reason": "Why",
    "status": "Status",
    "on": "Terms in force on",
}


def _template_terms() -> str:
    return str(yaml.safe_dump(template_deal()["terms"], sort_keys=False))


def _terms_from_text(text: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        data = load_yaml(text)
    except DocumentError as exc:
        raise ValidationFailed("terms", str(exc)) from exc
    if not isinstance(data, dict):
        raise ValidationFailed("terms", "must be a YAML mapping (see the example)")
    return data


def _blank_none(value: str) -> str | None:
    return value or None


def _parties(view: AllianceView) -> list[tuple[str, str]]:
    return [(str(p.org_id), p.org.name) for p in view.alliance.parties if p.state == "accepted"]


def _form(
    request: Request,
    view: AllianceView,
    values: dict[str, str],
    errors: FormErrors | None = None,
) -> HTMLResponse:
    return page(
        request,
        "agreement_new.html",
        {
            "alliance": view.alliance,
            "values": values,
            "errors": errors or FormErrors(),
            "parties": _parties(view),
            "kinds": [(k, KIND_LABELS[k]) for k in AGREEMENT_TYPES],
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/agreements", response_class=HTMLResponse)
def agreements(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The alliance's agreements."""
    view = open_alliance(db, info.principal, alliance_id)
    names = view.party_names
    return page(
        request,
        "agreements.html",
        {
            "alliance": view.alliance,
            "rows": service.list_agreements(db, view),
            "names": names,
            "kind_labels": KIND_LABELS,
            "status_labels": STATUS_LABELS,
            "can_write": view.can("agreements.write"),
        },
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/agreements/new", response_class=HTMLResponse)
def agreement_new(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form to record an agreement."""
    view = open_alliance(db, info.principal, alliance_id)
    view.require("agreements.write")
    parties = _parties(view)
    values = {
        "kind": "licence",
        "currency": "USD",
        "payment_days": "45",
        "notice_days": "30",
        "overrun_cap": "0.10",
        "terms": _template_terms(),
        "licensor_org_id": parties[0][0] if parties else "",
        "licensee_org_id": parties[1][0] if len(parties) > 1 else "",
    }
    return _form(request, view, values)


@router.post("/alliances/{alliance_id}/agreements/new", response_class=HTMLResponse)
def agreement_create(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Record the agreement."""
    view = open_alliance(db, info.principal, alliance_id)
    keys = [k for k in FIELDS if k not in {"summary", "reason", "status", "on"}]
    values = {k: field(form, k) for k in keys}
    values["terms"] = str(form.get("terms", ""))
    try:
        with attempt(db):
            data = AgreementCreate.model_validate(
                {
                    **{k: values[k] for k in keys if k != "terms" and values[k] != ""},
                    "expiry_date": _blank_none(values["expiry_date"]),
                    "terms": _terms_from_text(values["terms"]),
                }
            )
            agreement = service.create_agreement(db, view, data)
    except FORM_ERRORS as exc:
        return _form(request, view, values, form_errors(exc, FIELDS, LABELS, thing="agreement"))
    return redirect(f"/alliances/{alliance_id}/agreements/{agreement.id}", "agreement_created")


def _detail(
    request: Request,
    db: Session,
    view: AllianceView,
    agreement: Agreement,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> HTMLResponse:
    versions = service.versions(db, view, agreement.id)
    today = utcnow().date()
    current = service.in_force(versions, today)
    shown = current or versions[0]
    names = view.party_names
    return page(
        request,
        "agreement.html",
        {
            "alliance": view.alliance,
            "agreement": agreement,
            "versions": versions,
            "current": current,
            "shown": shown,
            "terms_yaml": yaml.safe_dump(shown.terms, sort_keys=False) if shown.terms else "",
            "events": payable_events(parse_terms(shown.terms)),
            "names": names,
            "kind_labels": KIND_LABELS,
            "status_labels": STATUS_LABELS,
            "next_statuses": sorted(service.STATUS_FLOW[agreement.status]),
            "can_write": view.can("agreements.write"),
            "can_value": view.can("scenarios.write"),
            # An amendment starts from the latest version (which may be in force later).
            "values": values or {"terms": yaml.safe_dump(versions[-1].terms, sort_keys=False)},
            "errors": errors or FormErrors(),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/agreements/{agreement_id}", response_class=HTMLResponse)
def agreement(
    request: Request, alliance_id: uuid.UUID, agreement_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """An agreement: its terms in force, its versions, amend and value."""
    view = open_alliance(db, info.principal, alliance_id)
    return _detail(request, db, view, service.get_agreement(db, view, agreement_id))


@router.post(
    "/alliances/{alliance_id}/agreements/{agreement_id}/status", response_class=HTMLResponse
)
def agreement_status(
    request: Request,
    alliance_id: uuid.UUID,
    agreement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Move the agreement to its next status."""
    view = open_alliance(db, info.principal, alliance_id)
    found = service.get_agreement(db, view, agreement_id)
    try:
        with attempt(db):
            service.update_agreement(
                db,
                view,
                agreement_id,
                AgreementUpdate.model_validate({"status": field(form, "status")}),
                expected_version=form_version(form),
            )
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, thing="agreement")
        return _detail(request, db, view, found, errors=errors)
    return redirect(f"/alliances/{alliance_id}/agreements/{agreement_id}", "agreement_updated")


@router.post(
    "/alliances/{alliance_id}/agreements/{agreement_id}/amend", response_class=HTMLResponse
)
def agreement_amend(
    request: Request,
    alliance_id: uuid.UUID,
    agreement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Record an amendment."""
    view = open_alliance(db, info.principal, alliance_id)
    found = service.get_agreement(db, view, agreement_id)
    keys = ("effective_date", "summary", "reason", "signed_by", "payment_days", "notice_days")
    values = {k: field(form, k) for k in keys}
    values["terms"] = str(form.get("terms", ""))
    try:
        with attempt(db):
            data = AmendmentCreate.model_validate(
                {
                    **{k: v for k, v in values.items() if k != "terms" and v != ""},
                    "terms": _terms_from_text(values["terms"]) if values["terms"].strip() else None,
                }
            )
            service.amend(db, view, agreement_id, data, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, form="amend", thing="agreement")
        return _detail(request, db, view, found, values=values, errors=errors)
    return redirect(f"/alliances/{alliance_id}/agreements/{agreement_id}", "agreement_amended")


@router.post(
    "/alliances/{alliance_id}/agreements/{agreement_id}/value", response_class=HTMLResponse
)
def agreement_value(
    request: Request,
    alliance_id: uuid.UUID,
    agreement_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Value the terms in force as a private scenario, in one step."""
    view = open_alliance(db, info.principal, alliance_id)
    found = service.get_agreement(db, view, agreement_id)
    try:
        with attempt(db):
            on = field(form, "on")
            scenario = service.value_agreement(
                db, view, agreement_id, ValueRequest.model_validate({"on": on or None})
            )
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, form="value", thing="agreement")
        return _detail(request, db, view, found, errors=errors)
    return redirect(f"/alliances/{alliance_id}/scenarios/{scenario.id}", "scenario_saved")


HEADER = [
    "Title",
    "Type",
    "Licensor",
    "Licensee",
    "Currency",
    "Effective",
    "Expires",
    "Status",
    "Versions",
]


@router.get("/alliances/{alliance_id}/agreements.{fmt}")
def agreements_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The alliance's agreements as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    names = view.party_names
    found = service.list_agreements(db, view)
    versions = service.versions_of(db, view, [a.id for a in found])
    rows = [
        [
            a.title,
            KIND_LABELS.get(a.kind, a.kind),
            names.get(a.licensor_org_id, ""),
            names.get(a.licensee_org_id, ""),
            a.currency,
            a.effective_date,
            a.expiry_date,
            STATUS_LABELS.get(a.status, a.status),
            len(versions[a.id]),
        ]
        for a in found
    ]
    stem = f"{slug(view.alliance.name, 'alliance')}-agreements"
    return table_response(fmt, stem, HEADER, rows, title="Agreements")


VERSION_HEADER = [
    "Version",
    "In force from",
    "What changed",
    "Why",
    "Signed by",
    "Payment days",
    "Notice days",
    "Permitted overrun",
    "Terms (JSON)",
]


@router.get("/alliances/{alliance_id}/agreements/{agreement_id}/versions.{fmt}")
def versions_export(
    alliance_id: uuid.UUID,
    agreement_id: uuid.UUID,
    fmt: ExportFormat,
    db: DbSession,
    info: WebUser,
) -> Response:
    """An agreement's versions (amendment history) as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    found = service.get_agreement(db, view, agreement_id)
    rows = [
        [
            v.number,
            v.effective_date,
            v.summary,
            v.reason,
            v.signed_by,
            v.payment_days,
            v.notice_days,
            v.overrun_cap,
            json.dumps(v.terms, sort_keys=True),
        ]
        for v in service.versions(db, view, found.id)
    ]
    stem = f"{slug(found.title, 'agreement')}-versions"
    return table_response(fmt, stem, VERSION_HEADER, rows, title="Versions")


@router.get("/alliances/{alliance_id}/agreements/{agreement_id}/events.{fmt}")
def events_export(
    alliance_id: uuid.UUID,
    agreement_id: uuid.UUID,
    fmt: ExportFormat,
    db: DbSession,
    info: WebUser,
) -> Response:
    """The payable events of the terms in force today (as on the agreement page)."""
    view = open_alliance(db, info.principal, alliance_id)
    found = service.get_agreement(db, view, agreement_id)
    versions = service.versions(db, view, found.id)
    shown = service.in_force(versions, utcnow().date()) or versions[0]
    rows = [
        [shown.number, label, amount, found.currency]
        for label, amount in payable_events(parse_terms(shown.terms))
    ]
    stem = f"{slug(found.title, 'agreement')}-payable-events"
    header = ["Terms version", "Event", "Amount", "Currency"]
    return table_response(fmt, stem, header, rows, title="Payable events")
