"""Action-item pages: the alliance's action items, one item (edit it; its assignee marks
it done), and "My actions" across every alliance."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.alliances.service import list_members, member_names
from pactum.core.time import utcnow
from pactum.governance.pages import common
from pactum.governance.schemas import ActionUpdate
from pactum.governance.service import actions, decisions, meetings
from pactum.http.db import DbSession
from pactum.models import ActionItem
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

STATUS_FILTERS = {"open": "Open", "done": "Done", "cancelled": "Cancelled", "all": "All"}
EDIT_KEYS = ("title", "assignee_id", "due_on", "status")
EDIT_LABELS = {
    "title": "Action",
    "assignee_id": "Assignee",
    "due_on": "Due on",
    "status": "Status",
}


def status_filter(value: str) -> str:
    """The status filter of an action list ("open" unless another known one is asked)."""
    return value if value in STATUS_FILTERS else "open"


def alliance_rows(
    db: Session, view: AllianceView, status: str, meeting_id: uuid.UUID | None = None
) -> list[ActionItem]:
    """The alliance's action items for a status filter (and meeting, if given)."""
    return actions.list_actions(
        db, view, meeting_id=meeting_id, status="" if status == "all" else status
    )


@router.get("/alliances/{alliance_id}/actions", response_class=HTMLResponse)
def action_list(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The alliance's action items, soonest due first; overdue ones are highlighted."""
    view = open_alliance(db, info.principal, alliance_id)
    status = status_filter(request.query_params.get("status", ""))
    rows = alliance_rows(db, view, status)
    today = utcnow().date()
    return page(
        request,
        "actions.html",
        {
            "alliance": view.alliance,
            "rows": rows,
            "status": status,
            "status_filters": STATUS_FILTERS,
            "names": member_names(db, view),
            "parties": view.party_names,
            "meeting_titles": {m.id: m.title for m in meetings.list_meetings(db, view)},
            "today": today,
            "overdue": sum(1 for r in rows if actions.is_overdue(r, today)),
            "action_labels": common.ACTION_STATUS_LABELS,
        },
        nav="alliances",
    )


def _detail(
    request: Request,
    db: Session,
    view: AllianceView,
    item: ActionItem,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    meeting = meetings.get_meeting(db, view, item.meeting_id) if item.meeting_id else None
    decision = decisions.get_decision(db, view, item.decision_id) if item.decision_id else None
    members = list_members(db, view)
    return page(
        request,
        "actions_item.html",
        {
            "alliance": view.alliance,
            "item": item,
            "meeting": meeting,
            "decision": decision,
            "names": member_names(db, view, members),
            "parties": view.party_names,
            "people_groups": common.members_by_party(view, members),
            "overdue": actions.is_overdue(item, utcnow().date()),
            "statuses": list(common.ACTION_STATUS_LABELS.items()),
            "action_labels": common.ACTION_STATUS_LABELS,
            "can_edit": view.can("meetings.write"),
            "mine": item.assignee_id == view.principal.user_id,
            "values": values
            or {
                "title": item.title,
                "assignee_id": str(item.assignee_id),
                "due_on": item.due_on.isoformat(),
                "status": item.status,
            },
            "errors": errors or FormErrors(),
            "reload_url": request.url.path,
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/actions/{action_id}", response_class=HTMLResponse)
def action_page(
    request: Request, alliance_id: uuid.UUID, action_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """One action item: edit it, or (its assignee) mark it done."""
    view = open_alliance(db, info.principal, alliance_id)
    return _detail(request, db, view, actions.get_action(db, view, action_id))


@router.post("/alliances/{alliance_id}/actions/{action_id}", response_class=HTMLResponse)
def action_save(
    request: Request,
    alliance_id: uuid.UUID,
    action_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Save the action item (DATA-1: the version the form was rendered with)."""
    view = open_alliance(db, info.principal, alliance_id)
    item = actions.get_action(db, view, action_id)
    values = {k: field(form, k) for k in EDIT_KEYS}
    try:
        with attempt(db):
            data = ActionUpdate.model_validate(values)
            actions.update_action(db, view, action_id, data, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, {k: k for k in EDIT_KEYS}, EDIT_LABELS, thing="action item")
        return _detail(request, db, view, item, errors, values)
    return redirect(f"{common.alliance_url(alliance_id)}/actions/{action_id}", "action_saved")


@router.post("/alliances/{alliance_id}/actions/{action_id}/status", response_class=HTMLResponse)
def action_status(
    request: Request,
    alliance_id: uuid.UUID,
    action_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Mark the action item done (or open again); its assignee may do this."""
    view = open_alliance(db, info.principal, alliance_id)
    item = actions.get_action(db, view, action_id)
    wanted = field(form, "status")
    try:
        with attempt(db):
            data = ActionUpdate.model_validate({"status": wanted})
            actions.update_action(db, view, action_id, data, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, {}, {}, form="status", thing="action item")
        return _detail(request, db, view, item, errors)
    done = "action_done" if wanted == "done" else "action_reopened"
    return redirect(f"{common.alliance_url(alliance_id)}/actions/{action_id}", done)


@router.get("/actions", response_class=HTMLResponse)
def my_actions(request: Request, db: DbSession, info: WebUser) -> HTMLResponse:
    """My action items across every alliance I work in; overdue ones are highlighted."""
    include_done = request.query_params.get("include_done", "") == "1"
    rows = actions.my_actions(db, info.principal, include_done=include_done)
    return page(
        request,
        "actions_mine.html",
        {
            "rows": rows,
            "include_done": include_done,
            "overdue": sum(1 for r in rows if r.overdue),
            "action_labels": common.ACTION_STATUS_LABELS,
            "today": utcnow().date(),
        },
        nav="actions",
    )
