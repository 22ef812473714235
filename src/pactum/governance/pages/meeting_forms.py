"""The forms of the meeting page: agenda items, minutes notes, attendance, a decision on
a decision item, action items, private preparation notes, and signing the minutes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.governance.pages import common
from pactum.governance.pages.meetings import meeting_page
from pactum.governance.schemas import (
    ActionCreate,
    AttendanceIn,
    DecisionCreate,
    ItemCreate,
    ItemUpdate,
    MinutesSign,
    NoteCreate,
)
from pactum.governance.service import actions, decisions, meetings, minutes
from pactum.http.db import DbSession, SettingsDep
from pactum.models import Meeting
from pactum.signatures import service as signatures
from pactum.web.forms import FORM_ERRORS, attempt, form_errors, form_version, redirect
from pactum.web.session import Form, WebUser, field

router = APIRouter()

BASE = "/alliances/{alliance_id}/meetings/{meeting_id}"
ITEM_FIELDS = {
    "kind": "item-kind",
    "title": "item-title",
    "description": "item-description",
    "papers": "item-papers",
    "items": "item-title",
}
ITEM_LABELS = {
    "item-kind": "Kind",
    "item-title": "Title",
    "item-description": "Description",
    "item-papers": "Papers",
}
ACTION_FIELDS = {
    "title": "action-title",
    "assignee_id": "action-assignee_id",
    "due_on": "action-due_on",
    "agenda_item_id": "action-agenda_item_id",
}
ACTION_LABELS = {
    "action-title": "Action",
    "action-assignee_id": "Assignee",
    "action-due_on": "Due on",
    "action-agenda_item_id": "Agenda item",
}
NOTE_FIELDS = {"body": "note-body", "agenda_item_id": "note-agenda_item_id"}
NOTE_LABELS = {"note-body": "Private note", "note-agenda_item_id": "About agenda item"}
SIGN_FIELDS = {
    "printed_name": "sign-printed_name",
    "password": "sign-password",
    "meaning": "sign-printed_name",
}
SIGN_LABELS = {"sign-printed_name": "Printed name", "sign-password": "Your password"}
ATTENDANCE_FIELDS = {"present": "attendance"}
ATTENDANCE_LABELS = {"attendance": "Present"}


def _url(alliance_id: uuid.UUID, meeting_id: uuid.UUID) -> str:
    return f"{common.alliance_url(alliance_id)}/meetings/{meeting_id}"


def submit(
    request: Request,
    db: Session,
    view: AllianceView,
    meeting: Meeting,
    *,
    form_name: str,
    fields: dict[str, str],
    labels: dict[str, str],
    values: dict[str, str],
    run: Callable[[], Any],
    done: str,
    anchor: str,
    thing: str = "meeting",
) -> Response:
    """Run one form's service call; on a form error show the page with it, else redirect."""
    try:
        with attempt(db):
            run()
    except FORM_ERRORS as exc:
        errors = form_errors(exc, fields, labels, form=form_name, thing=thing)
        return meeting_page(request, db, view, meeting, errors, values)
    return redirect(_url(view.alliance_id, meeting.id), done, anchor)


@router.post(f"{BASE}/items", response_class=HTMLResponse)
def item_add(
    request: Request,
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Add an agenda item (information, discussion or decision) with its papers."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    values = {
        "item-kind": field(form, "kind"),
        "item-title": field(form, "title"),
        "item-description": common.raw(form, "description"),
        "item-papers": common.raw(form, "papers"),
    }

    def run() -> None:
        data = ItemCreate.model_validate(
            {
                "kind": values["item-kind"],
                "title": values["item-title"],
                "description": values["item-description"],
                "papers": common.papers_of(values["item-papers"]),
            }
        )
        meetings.add_item(db, view, meeting_id, data)

    return submit(
        request,
        db,
        view,
        meeting,
        form_name="item",
        fields=ITEM_FIELDS,
        labels=ITEM_LABELS,
        values=values,
        run=run,
        done="item_added",
        anchor="agenda-heading",
    )


@router.post(f"{BASE}/items/{{item_id}}/notes", response_class=HTMLResponse)
def item_notes(
    request: Request,
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    item_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Save an agenda item's minutes notes (DATA-1: the item's version)."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    meetings.get_item(db, view, meeting_id, item_id)
    key = f"notes-{item_id}"
    values = {key: common.raw(form, "notes")}

    def run() -> None:
        data = ItemUpdate.model_validate({"notes": values[key]})
        meetings.update_item(
            db, view, meeting_id, item_id, data, expected_version=form_version(form)
        )

    return submit(
        request,
        db,
        view,
        meeting,
        form_name=key,
        fields={"notes": key},
        labels={key: "Minutes notes"},
        values=values,
        run=run,
        done="item_notes_saved",
        anchor=f"item-{item_id}",
        thing="agenda item",
    )


@router.post(f"{BASE}/attendance", response_class=HTMLResponse)
def attendance_save(
    request: Request,
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Record who was present (DATA-1: the meeting's version)."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    present = [str(v) for v in form.getlist("present")]

    def run() -> None:
        data = AttendanceIn.model_validate({"present": present})
        meetings.record_attendance(db, view, meeting_id, data, expected_version=form_version(form))

    return submit(
        request,
        db,
        view,
        meeting,
        form_name="attendance",
        fields=ATTENDANCE_FIELDS,
        labels=ATTENDANCE_LABELS,
        values={"present": " ".join(present)},
        run=run,
        done="attendance_saved",
        anchor="attendance-heading",
    )


@router.post(f"{BASE}/items/{{item_id}}/decision", response_class=HTMLResponse)
def item_decision(
    request: Request,
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    item_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Put a decision item's matter to the committee, to be voted in the meeting."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    meetings.get_item(db, view, meeting_id, item_id)
    prefix = f"decide-{item_id}"
    keys = ("domain", "question", "deadline")
    values = {f"{prefix}-{k}": field(form, k) for k in keys}
    values[f"{prefix}-background"] = common.raw(form, "background")
    values[f"{prefix}-options"] = common.raw(form, "options")
    fields = {k: f"{prefix}-{k}" for k in (*keys, "background", "options")}
    fields["agenda_item_id"] = f"{prefix}-question"
    labels = {
        f"{prefix}-domain": "Domain",
        f"{prefix}-question": "Question",
        f"{prefix}-deadline": "Deadline",
        f"{prefix}-background": "Background",
        f"{prefix}-options": "Options",
    }
    made: list[uuid.UUID] = []

    def run() -> None:
        data = DecisionCreate.model_validate(
            {
                "committee_id": str(meeting.committee_id),
                "agenda_item_id": str(item_id),
                "domain": values[f"{prefix}-domain"],
                "question": values[f"{prefix}-question"],
                "background": values[f"{prefix}-background"],
                "options": common.lines(values[f"{prefix}-options"]),
                "deadline": values[f"{prefix}-deadline"],
            }
        )
        made.append(decisions.propose(db, view, data).id)

    response = submit(
        request,
        db,
        view,
        meeting,
        form_name=prefix,
        fields=fields,
        labels=labels,
        values=values,
        run=run,
        done="decision_proposed",
        anchor=f"item-{item_id}",
        thing="decision",
    )
    if made:
        url = f"{common.alliance_url(alliance_id)}/decisions/{made[0]}"
        return redirect(url, "decision_proposed")
    return response


@router.post(f"{BASE}/actions", response_class=HTMLResponse)
def action_add(
    request: Request,
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Record an action item of the meeting for a person of either party."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    values = {v: field(form, k) for k, v in ACTION_FIELDS.items()}

    def run() -> None:
        data = ActionCreate.model_validate(
            {
                "title": values["action-title"],
                "assignee_id": values["action-assignee_id"],
                "due_on": values["action-due_on"],
                "meeting_id": str(meeting_id),
                "agenda_item_id": values["action-agenda_item_id"] or None,
            }
        )
        actions.create_action(db, view, data)

    return submit(
        request,
        db,
        view,
        meeting,
        form_name="action",
        fields=ACTION_FIELDS,
        labels=ACTION_LABELS,
        values=values,
        run=run,
        done="action_added",
        anchor="actions-heading",
        thing="action item",
    )


@router.post(f"{BASE}/notes", response_class=HTMLResponse)
def private_note(
    request: Request,
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Add a private preparation note: only our party ever sees it."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    values = {
        "note-body": common.raw(form, "body"),
        "note-agenda_item_id": field(form, "agenda_item_id"),
    }

    def run() -> None:
        data = NoteCreate.model_validate(
            {"body": values["note-body"], "agenda_item_id": values["note-agenda_item_id"] or None}
        )
        meetings.add_note(db, view, meeting_id, data)

    return submit(
        request,
        db,
        view,
        meeting,
        form_name="note",
        fields=NOTE_FIELDS,
        labels=NOTE_LABELS,
        values=values,
        run=run,
        done="private_note_added",
        anchor="private-heading",
        thing="note",
    )


@router.post(f"{BASE}/sign", response_class=HTMLResponse)
def minutes_sign(
    request: Request,
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    settings: SettingsDep,
    form: Form,
) -> Response:
    """Sign the minutes as our party's designated approver (password again, SIG-1)."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    values = {"sign-printed_name": field(form, "printed_name")}
    try:
        with attempt(db):
            data = MinutesSign.model_validate(
                {
                    "password": str(form.get("password", "")),
                    "printed_name": values["sign-printed_name"],
                    "minutes_version": form_version(form),
                    "content_sha256": field(form, "content_sha256"),
                    "meaning": "approval",
                }
            )
            minutes.sign_minutes(db, view, settings, meeting_id, data)
    except FORM_ERRORS as exc:
        signatures.keep_if_refused(db, settings, exc)
        errors = form_errors(exc, SIGN_FIELDS, SIGN_LABELS, form="sign", thing="minutes")
        return meeting_page(request, db, view, meeting, errors, values)
    done = "minutes_approved" if minutes.minutes_signed(db, view, meeting) else "minutes_signed"
    return redirect(_url(alliance_id, meeting_id), done, "minutes-heading")
