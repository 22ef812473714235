"""Committee pages: set up or edit a charter, the committee's page (charter in words,
seats per party, its meetings and decisions), seating and unseating our people."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from pactum.access import AllianceView, open_alliance
from pactum.alliances.service import list_members, member_names
from pactum.core.errors import ValidationFailed
from pactum.governance.pages import common
from pactum.governance.schemas import CommitteeCreate, CommitteeUpdate, SeatCreate, SeatUpdate
from pactum.governance.service import committees, meetings, register
from pactum.http.db import DbSession
from pactum.models import Committee
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    attempt,
    checkbox,
    form_errors,
    form_version,
    page,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()

MIN_ROWS = 3
MAX_ROWS = 20
CHARTER_KEYS = (
    "name",
    "kind",
    "purpose",
    "cadence",
    "chair_rotation",
    "chair_org_id",
    "quorum_per_party",
    "absence_rule",
    "reserved",
    "escalates_to_id",
    "decision_days",
    "holidays",
)
LABELS = {
    "name": "Name",
    "kind": "Kind of body",
    "purpose": "Purpose",
    "cadence": "Meets",
    "chair_rotation": "Chair rotation",
    "chair_org_id": "Chair now",
    "quorum_per_party": "Quorum per party",
    "absence_rule": "When a party stays away",
    "reserved": "Reserved matters",
    "escalates_to_id": "Escalates to",
    "decision_days": "Business days to decide",
    "holidays": "Holidays",
    "seat-user_id": "Person",
}
SEAT_FIELDS = {
    "user_id": "seat-user_id",
    "voting": "seat-user_id",
    "minutes_approver": "seat-user_id",
}


def _rows(values: dict[str, str]) -> int:
    used = [
        i for i in range(MAX_ROWS) if values.get(f"fs-domain-{i}") or values.get(f"fs-party-{i}")
    ]
    return min(MAX_ROWS, max(MIN_ROWS, (max(used) + 2) if used else MIN_ROWS))


def _values_of(form: FormData) -> dict[str, str]:
    values = {k: field(form, k) for k in CHARTER_KEYS}
    values["purpose"] = common.raw(form, "purpose")
    for i in range(MAX_ROWS):
        for part in ("domain", "party"):
            key = f"fs-{part}-{i}"
            if field(form, key):
                values[key] = field(form, key)
    return values


def _fields(values: dict[str, str]) -> dict[str, str]:
    """Schema and service field names -> the charter form's input ids."""
    fields = {k: k for k in CHARTER_KEYS}
    for i in range(MAX_ROWS):
        fields[f"fs-domain-{i}"] = f"fs-domain-{i}"
        fields[f"fs-party-{i}"] = f"fs-party-{i}"
        domain = values.get(f"fs-domain-{i}", "")
        if domain:
            fields[f"final_say.{domain}.[key]"] = f"fs-domain-{i}"
            fields[f"final_say.{domain}"] = f"fs-party-{i}"
            fields[f"final_say.{' '.join(domain.split()).lower()}"] = f"fs-party-{i}"
    return fields


def _charter_body(values: dict[str, str], *, create: bool) -> dict[str, Any]:
    """The schema body of the charter form (final-say rows checked here)."""
    final_say: dict[str, str] = {}
    seen: dict[str, int] = {}
    for i in range(MAX_ROWS):
        domain = values.get(f"fs-domain-{i}", "")
        party = values.get(f"fs-party-{i}", "")
        if not domain and not party:
            continue
        if not domain:
            raise ValidationFailed(f"fs-domain-{i}", "is required when a party is chosen")
        if not party:
            raise ValidationFailed(f"fs-party-{i}", "is required for the domain")
        normal = " ".join(domain.split()).lower()
        if normal in seen:
            raise ValidationFailed(f"fs-domain-{i}", f"repeats row {seen[normal] + 1}")
        seen[normal] = i
        final_say[domain] = party
    body: dict[str, Any] = {
        "name": values.get("name", ""),
        "purpose": values.get("purpose", ""),
        "cadence": values.get("cadence", ""),
        "chair_rotation": values.get("chair_rotation", ""),
        "chair_org_id": values.get("chair_org_id") or None,
        "quorum_per_party": values.get("quorum_per_party", ""),
        "absence_rule": values.get("absence_rule", ""),
        "final_say": final_say,
        "reserved": common.items_of(values.get("reserved", "")),
        "escalates_to_id": values.get("escalates_to_id") or None,
        "decision_days": values.get("decision_days", ""),
        "holidays": common.items_of(values.get("holidays", "")),
    }
    if create:
        body["kind"] = values.get("kind", "")
    return body


def _labels() -> dict[str, str]:
    labels = dict(LABELS)
    for i in range(MAX_ROWS):
        labels[f"fs-domain-{i}"] = f"Domain (row {i + 1})"
        labels[f"fs-party-{i}"] = f"Party with final say (row {i + 1})"
    return labels


def _form_page(
    request: Request,
    db: Session,
    view: AllianceView,
    values: dict[str, str],
    *,
    committee: Committee | None = None,
    errors: FormErrors | None = None,
) -> HTMLResponse:
    others = [
        (str(c.id), c.name)
        for c in committees.list_committees(db, view)
        if committee is None or c.id != committee.id
    ]
    return page(
        request,
        "committee_form.html",
        {
            "alliance": view.alliance,
            "committee": committee,
            "values": values,
            "rows": _rows(values),
            "kinds": list(common.KIND_LABELS.items()),
            "cadences": list(common.CADENCE_LABELS.items()),
            "rotations": list(common.ROTATION_LABELS.items()),
            "absence_rules": list(common.ABSENCE_LABELS.items()),
            "parties": common.party_options(view),
            "others": others,
            "errors": errors or FormErrors(),
            "reload_url": request.url.path,
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/committees/new", response_class=HTMLResponse)
def committee_new(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form to set up a committee and its charter."""
    view = open_alliance(db, info.principal, alliance_id)
    view.require("governance.manage")
    values = {
        "kind": request.query_params.get("kind", "jsc")[:30],
        "cadence": "quarterly",
        "chair_rotation": "alternate_yearly",
        "chair_org_id": str(view.org_id),
        "quorum_per_party": "1",
        "absence_rule": "recalled_meeting_proceeds",
        "reserved": "amendment, waiver, breach, interpretation",
        "decision_days": "15",
    }
    return _form_page(request, db, view, values)


@router.post("/alliances/{alliance_id}/committees/new", response_class=HTMLResponse)
def committee_create(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Set up the committee."""
    view = open_alliance(db, info.principal, alliance_id)
    values = _values_of(form)
    try:
        with attempt(db):
            body = _charter_body(values, create=True)
            made = committees.create_committee(db, view, CommitteeCreate.model_validate(body))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, _fields(values), _labels(), thing="committee")
        return _form_page(request, db, view, values, errors=errors)
    return redirect(f"{common.alliance_url(alliance_id)}/committees/{made.id}", "committee_created")


def _edit_values(committee: Committee) -> dict[str, str]:
    values = {
        "name": committee.name,
        "kind": committee.kind,
        "purpose": committee.purpose,
        "cadence": committee.cadence,
        "chair_rotation": committee.chair_rotation,
        "chair_org_id": str(committee.chair_org_id or ""),
        "quorum_per_party": str(committee.quorum_per_party),
        "absence_rule": committee.absence_rule,
        "reserved": ", ".join(committee.reserved),
        "escalates_to_id": str(committee.escalates_to_id or ""),
        "decision_days": str(committee.decision_days),
        "holidays": ", ".join(committee.holidays),
        "version": str(committee.version),
    }
    for i, (domain, org) in enumerate(sorted(committee.final_say.items())):
        values[f"fs-domain-{i}"] = domain
        values[f"fs-party-{i}"] = org
    return values


@router.get("/alliances/{alliance_id}/committees/{committee_id}/edit", response_class=HTMLResponse)
def committee_edit(
    request: Request, alliance_id: uuid.UUID, committee_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form to change a committee's charter."""
    view = open_alliance(db, info.principal, alliance_id)
    committee = committees.get_committee(db, view, committee_id)
    view.require("governance.manage")
    return _form_page(request, db, view, _edit_values(committee), committee=committee)


@router.post("/alliances/{alliance_id}/committees/{committee_id}/edit", response_class=HTMLResponse)
def committee_update(
    request: Request,
    alliance_id: uuid.UUID,
    committee_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Save the charter (DATA-1: the version the form was rendered with)."""
    view = open_alliance(db, info.principal, alliance_id)
    committee = committees.get_committee(db, view, committee_id)
    values = _values_of(form)
    values["kind"] = committee.kind
    values["version"] = field(form, "version")
    try:
        with attempt(db):
            body = _charter_body(values, create=False)
            committees.update_committee(
                db,
                view,
                committee_id,
                CommitteeUpdate.model_validate(body),
                expected_version=form_version(form),
            )
    except FORM_ERRORS as exc:
        errors = form_errors(exc, _fields(values), _labels(), thing="charter")
        return _form_page(request, db, view, values, committee=committee, errors=errors)
    return redirect(
        f"{common.alliance_url(alliance_id)}/committees/{committee_id}", "committee_saved"
    )


def _detail(
    request: Request,
    db: Session,
    view: AllianceView,
    committee: Committee,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    by_id = common.committee_map(db, view)
    members = list_members(db, view)
    names = member_names(db, view, members)
    seats = committees.seats(db, view, [committee.id], active_only=True)
    groups = [
        (p.org_id, p.org.name, [s for s in seats if s.owner_org_id == p.org_id])
        for p in view.alliance.parties
        if p.state == "accepted"
    ]
    seated = {s.user_id for s in seats}
    candidates = [
        (str(m.user_id), m.user.name)
        for m in members
        if m.org_id == view.org_id and m.user_id not in seated
    ]
    found, total = register.register(
        db, view, register.RegisterQuery(committee_id=committee.id, per_page=20)
    )
    sources = [c for c in by_id.values() if c.escalates_to_id == committee.id]
    held = meetings.list_meetings(db, view, committee_id=committee.id)
    return page(
        request,
        "committee.html",
        {
            "alliance": view.alliance,
            "committee": committee,
            "charter": common.charter_words(
                view,
                committee,
                by_id,
                meetings_held=sum(m.status == "held" for m in held),
                next_due=committees.next_meeting_due(committee, held),
            ),
            "ladder": committees.ladder(db, view, committee),
            "sources": sources,
            "groups": groups,
            "names": names,
            "my_org_id": view.org_id,
            "candidates": candidates,
            "meetings": held,
            "decisions": found,
            "decisions_total": total,
            "by_id": by_id,
            "status_labels": common.DECISION_STATUS_LABELS,
            "meeting_status_labels": common.MEETING_STATUS_LABELS,
            "can_manage": view.can("governance.manage"),
            "can_seat": view.can("members.manage"),
            "can_meet": view.can("meetings.write"),
            "can_propose": view.can("decisions.propose"),
            "errors": errors or FormErrors(),
            "values": values or {"seat-voting": "on"},
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/committees/{committee_id}", response_class=HTMLResponse)
def committee_page(
    request: Request, alliance_id: uuid.UUID, committee_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """A committee: its charter in words, seats per party, meetings and decisions."""
    view = open_alliance(db, info.principal, alliance_id)
    return _detail(request, db, view, committees.get_committee(db, view, committee_id))


@router.post(
    "/alliances/{alliance_id}/committees/{committee_id}/seats", response_class=HTMLResponse
)
def seat_add(
    request: Request,
    alliance_id: uuid.UUID,
    committee_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Seat one of our party's alliance members (voting or not, minutes approver or not)."""
    view = open_alliance(db, info.principal, alliance_id)
    committee = committees.get_committee(db, view, committee_id)
    values = {
        "seat-user_id": field(form, "user_id"),
        "seat-voting": "on" if checkbox(form, "voting") else "",
        "seat-minutes_approver": "on" if checkbox(form, "minutes_approver") else "",
    }
    try:
        with attempt(db):
            data = SeatCreate.model_validate(
                {
                    "user_id": values["seat-user_id"],
                    "voting": bool(values["seat-voting"]),
                    "minutes_approver": bool(values["seat-minutes_approver"]),
                }
            )
            committees.add_seat(db, view, committee_id, data)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, SEAT_FIELDS, LABELS, form="seat", thing="seat")
        return _detail(request, db, view, committee, errors, values)
    url = f"{common.alliance_url(alliance_id)}/committees/{committee_id}"
    return redirect(url, "seat_added", "seats-heading")


@router.post(
    "/alliances/{alliance_id}/committees/{committee_id}/seats/{seat_id}/end",
    response_class=HTMLResponse,
)
def seat_end(
    request: Request,
    alliance_id: uuid.UUID,
    committee_id: uuid.UUID,
    seat_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """End one of our party's seats (the party swaps its members by notice)."""
    view = open_alliance(db, info.principal, alliance_id)
    committee = committees.get_committee(db, view, committee_id)
    try:
        with attempt(db):
            committees.update_seat(
                db,
                view,
                committee_id,
                seat_id,
                SeatUpdate(active=False),
                expected_version=form_version(form),
            )
    except FORM_ERRORS as exc:
        errors = form_errors(exc, {}, {}, form="end-seat", thing="seat")
        return _detail(request, db, view, committee, errors)
    url = f"{common.alliance_url(alliance_id)}/committees/{committee_id}"
    return redirect(url, "seat_ended", "seats-heading")
