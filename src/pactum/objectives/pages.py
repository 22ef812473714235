"""Pages for the alliance charter's objectives: add, edit, share, export."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from pactum.access import AllianceView, open_alliance
from pactum.alliances.service import list_members
from pactum.http.db import DbSession
from pactum.models import OBJECTIVE_KINDS, OBJECTIVE_STATUSES, AllianceMember, Objective
from pactum.objectives import service
from pactum.objectives.reads import KIND_LABELS, OBJECTIVE_STATUS_LABELS
from pactum.objectives.schemas import ObjectiveCreate, ObjectiveUpdate
from pactum.web.exports import ExportFormat, slug, table_response
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

LABELS = {
    "title": "Title",
    "description": "Description",
    "kind": "Kind",
    "owner_user_id": "Owner",
    "measure": "Measure of success",
    "target_date": "Target date",
    "status": "Status",
    "visibility": "Who can see it",
    "share": "Share with the partner",
}
CREATE_FIELDS = {k: k for k in LABELS if k != "share"}
UPDATE_FIELDS = {**CREATE_FIELDS, "visibility": "share"}


def _values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {k: field(form, k) for k in CREATE_FIELDS if k != "description"}
    values["description"] = str(form.get("description", ""))
    return values


def _schema_input(values: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Form values as schema input: an empty owner or date means none."""
    data = {k: values[k] for k in keys}
    for key in ("owner_user_id", "target_date"):
        if key in data and not data[key]:
            data[key] = None
    return data


def _member_groups(
    view: AllianceView, members: list[AllianceMember], *, own_only: bool
) -> list[tuple[str, list[AllianceMember], bool]]:
    """Alliance members by party, ours first (the owner select's option groups)."""
    groups = []
    for party in sorted(view.alliance.parties, key=lambda p: p.org_id != view.org_id):
        if own_only and party.org_id != view.org_id:
            continue
        people = [m for m in members if m.org_id == party.org_id]
        if people:
            groups.append((party.org.name, people, party.org_id == view.org_id))
    return groups


def _form_page(
    request: Request,
    db: Session,
    view: AllianceView,
    *,
    objective: Objective | None,
    values: dict[str, Any],
    errors: FormErrors | None = None,
    version: int | None = None,
) -> HTMLResponse:
    members = list_members(db, view)
    private = objective is not None and objective.visibility == "private"
    return page(
        request,
        "objective_form.html",
        {
            "alliance": view.alliance,
            "objective": objective,
            "my_org_name": view.party.org.name,
            "owner_groups": _member_groups(view, members, own_only=private),
            "kinds": OBJECTIVE_KINDS,
            "statuses": OBJECTIVE_STATUSES,
            "kind_labels": KIND_LABELS,
            "status_labels": OBJECTIVE_STATUS_LABELS,
            "values": values,
            "version": version if version is not None else (objective.version if objective else 0),
            "errors": errors or FormErrors(),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/objectives/new", response_class=HTMLResponse)
def objective_new(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form to add an objective, expected benefit or walk-away point."""
    view = open_alliance(db, info.principal, alliance_id)
    view.require("objectives.write")
    values = {
        "kind": request.query_params.get("kind", "objective"),
        "visibility": "private" if request.query_params.get("private") == "1" else "shared",
        "status": "proposed",
    }
    return _form_page(request, db, view, objective=None, values=values)


@router.post("/alliances/{alliance_id}/objectives/new", response_class=HTMLResponse)
def objective_create(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Add the objective; our party owns it."""
    view = open_alliance(db, info.principal, alliance_id)
    values = _values(form)
    keys = tuple(CREATE_FIELDS)
    try:
        with attempt(db):
            data = ObjectiveCreate.model_validate(_schema_input(values, keys))
            objective = service.create_objective(db, view, data)
            anchor = "private" if objective.visibility == "private" else "shared"
    except FORM_ERRORS as exc:
        errors = form_errors(exc, CREATE_FIELDS, LABELS, thing="objective")
        view = open_alliance(db, info.principal, alliance_id)
        return _form_page(request, db, view, objective=None, values=values, errors=errors)
    return redirect(f"/alliances/{alliance_id}", "objective_added", anchor=anchor)


@router.get("/alliances/{alliance_id}/objectives/{objective_id}/edit", response_class=HTMLResponse)
def objective_edit(
    request: Request,
    alliance_id: uuid.UUID,
    objective_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
) -> HTMLResponse:
    """The form to edit an objective (and to share a private one)."""
    view = open_alliance(db, info.principal, alliance_id)
    objective = service.get_objective(db, view, objective_id)
    view.require("objectives.write")
    values = {
        "title": objective.title,
        "description": objective.description,
        "kind": objective.kind,
        "owner_user_id": str(objective.owner_user_id or ""),
        "measure": objective.measure,
        "target_date": objective.target_date.isoformat() if objective.target_date else "",
        "status": objective.status,
        "visibility": objective.visibility,
    }
    return _form_page(request, db, view, objective=objective, values=values)


@router.post("/alliances/{alliance_id}/objectives/{objective_id}/edit", response_class=HTMLResponse)
def objective_update(
    request: Request,
    alliance_id: uuid.UUID,
    objective_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Save the objective; sharing a private one is deliberate and final."""
    view = open_alliance(db, info.principal, alliance_id)
    values = _values(form)
    share = checkbox(form, "share")
    version = form_version(form)
    keys = ("title", "description", "owner_user_id", "measure", "target_date", "status")
    try:
        with attempt(db):
            data = _schema_input(values, keys)
            if share:
                data["visibility"] = "shared"
            objective = service.update_objective(
                db,
                view,
                objective_id,
                ObjectiveUpdate.model_validate(data),
                expected_version=version,
            )
            shared_now = share and objective.visibility == "shared"
    except FORM_ERRORS as exc:
        errors = form_errors(exc, UPDATE_FIELDS, LABELS, thing="objective")
        view = open_alliance(db, info.principal, alliance_id)
        current = service.get_objective(db, view, objective_id)
        values["kind"] = current.kind
        values["share"] = "on" if share else ""
        return _form_page(
            request, db, view, objective=current, values=values, errors=errors, version=version
        )
    return redirect(
        f"/alliances/{alliance_id}",
        "objective_shared" if shared_now else "objective_updated",
        anchor="shared" if objective.visibility == "shared" else "private",
    )


# --- exports -------------------------------------------------------------------------------

HEADER = [
    "Title",
    "Kind",
    "Visibility",
    "Owner",
    "Measure of success",
    "Target date",
    "Status",
    "Description",
    "Last changed (UTC)",
]


def _rows(db: Session, view: AllianceView) -> list[list[Any]]:
    mine = f"Private to {view.party.org.name}"
    return [
        [
            o.title,
            KIND_LABELS.get(o.kind, o.kind),
            mine if o.visibility == "private" else "Shared",
            o.owner_user.name if o.owner_user else "",
            o.measure,
            o.target_date,
            OBJECTIVE_STATUS_LABELS.get(o.status, o.status),
            o.description,
            o.updated_at,
        ]
        for o in service.list_objectives(db, view)
    ]


@router.get("/alliances/{alliance_id}/objectives.{fmt}")
def objectives_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The objectives our party sees (shared and our own private ones), as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    stem = f"{slug(view.alliance.name, 'alliance')}-objectives"
    return table_response(fmt, stem, HEADER, _rows(db, view), title="Objectives")
