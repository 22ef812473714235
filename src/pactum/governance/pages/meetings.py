"""Meeting pages: schedule a meeting, and the meeting's page (agenda with papers and
minutes notes, attendance and quorum, decisions on decision items, action items, our
party's private preparation notes, the minutes and their signatures), its calendar
invitation and its minutes as a PDF."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.alliances.service import list_members, member_names
from pactum.core.errors import ValidationFailed
from pactum.core.time import utcnow
from pactum.files.names import ACCEPT, human_size
from pactum.governance import invitations
from pactum.governance.pages import common
from pactum.governance.reads import minutes_read
from pactum.governance.schemas import MeetingCreate
from pactum.governance.service import actions, committees, due, meetings, minutes, papers
from pactum.http.db import DbSession, SettingsDep
from pactum.models import Meeting
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    attempt,
    form_errors,
    page,
    parse_uuid,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()

SCHEDULE_KEYS = (
    "committee_id",
    "title",
    "starts_at",
    "ends_at",
    "location",
    "chair_user_id",
    "recalled_from_id",
)
SCHEDULE_LABELS = {
    "committee_id": "Committee",
    "title": "Title",
    "starts_at": "Starts (UTC)",
    "ends_at": "Ends (UTC)",
    "location": "Location",
    "chair_user_id": "Chair",
    "recalled_from_id": "Re-calls the meeting",
}


def _schedule_page(
    request: Request,
    db: Session,
    view: AllianceView,
    values: dict[str, str],
    errors: FormErrors | None = None,
) -> HTMLResponse:
    found = committees.list_committees(db, view)
    chosen = parse_uuid(values.get("committee_id", ""))
    ids = [c.id for c in found if chosen is None or c.id == chosen]
    names = member_names(db, view)
    seated = sorted(
        {
            (str(s.user_id), names.get(s.user_id, "—"))
            for s in committees.seats(db, view, ids, active_only=True)
        },
        key=lambda x: x[1],
    )
    by_id = {c.id: c for c in found}
    earlier = [
        (str(m.id), f"{m.title} ({m.starts_at.strftime('%Y-%m-%d')}, {by_id[m.committee_id].name})")
        for m in meetings.list_meetings(db, view, committee_id=chosen)
        if m.committee_id in by_id and m.status != "cancelled" and m.starts_at < utcnow()
    ]
    return page(
        request,
        "meeting_new.html",
        {
            "alliance": view.alliance,
            "committees": [(str(c.id), c.name) for c in found],
            "chairs": seated,
            "earlier": earlier[:20],
            "values": values,
            "errors": errors or FormErrors(),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/meetings/new", response_class=HTMLResponse)
def meeting_new(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form to schedule a meeting of a committee (times in UTC)."""
    view = open_alliance(db, info.principal, alliance_id)
    view.require("meetings.write")
    start = (utcnow() + timedelta(days=14)).replace(hour=14, minute=0, second=0, microsecond=0)
    chosen = parse_uuid(request.query_params.get("committee_id", ""))
    values = {
        "committee_id": str(chosen) if chosen else "",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    return _schedule_page(request, db, view, values)


@router.post("/alliances/{alliance_id}/meetings/new", response_class=HTMLResponse)
def meeting_schedule(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Schedule the meeting; its members are listed for attendance."""
    view = open_alliance(db, info.principal, alliance_id)
    values = {k: field(form, k) for k in SCHEDULE_KEYS}
    try:
        with attempt(db):
            committee_id = parse_uuid(values["committee_id"])
            if committee_id is None:
                raise ValidationFailed("committee_id", "choose one of the committees")
            data = MeetingCreate.model_validate(
                {
                    "title": values["title"],
                    "starts_at": common.utc_input(values["starts_at"]),
                    "ends_at": common.utc_input(values["ends_at"]),
                    "location": values["location"],
                    "chair_user_id": values["chair_user_id"] or None,
                    "recalled_from_id": values["recalled_from_id"] or None,
                }
            )
            made = meetings.schedule(db, view, committee_id, data)
    except FORM_ERRORS as exc:
        fields = {k: k for k in SCHEDULE_KEYS}
        errors = form_errors(exc, fields, SCHEDULE_LABELS, thing="meeting")
        return _schedule_page(request, db, view, values, errors)
    return redirect(f"{common.alliance_url(alliance_id)}/meetings/{made.id}", "meeting_scheduled")


def meeting_page(
    request: Request,
    db: Session,
    view: AllianceView,
    meeting: Meeting,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render the meeting page (after a GET, or with a form's errors)."""
    committee = committees.get_committee(db, view, meeting.committee_id)
    members = list_members(db, view)
    names = member_names(db, view, members)
    parties = view.party_names
    agenda = meetings.items(db, view, [meeting.id])
    found = meetings.meeting_decisions(db, view, meeting.id)
    decided = [shown.decision for shown in due.as_of(db, view, found)]  # as of now
    present = meetings.attendance(db, view, meeting.id)
    groups = [
        (p.org.name, [a for a in present if a.owner_org_id == p.org_id])
        for p in view.alliance.parties
        if p.state == "accepted"
    ]
    quorum = meetings.quorum(db, view, meeting)
    read = minutes_read(db, view, meeting)
    my_seat = next(
        (
            s
            for s in committees.seats(db, view, [committee.id], active_only=True)
            if s.user_id == view.principal.user_id and s.owner_org_id == view.org_id
        ),
        None,
    )
    my_party = parties.get(view.org_id, "your party")
    locked = meeting.minutes_state == "locked"
    today = utcnow().date()
    default_deadline = max(today, meeting.starts_at.date())
    return page(
        request,
        "meeting.html",
        {
            "alliance": view.alliance,
            "meeting": meeting,
            "committee": committee,
            "names": names,
            "parties": parties,
            "agenda": agenda,
            "paper_files": papers.files_of(db, view, agenda),
            "human_size": human_size,
            "accept_files": ACCEPT,
            "max_upload_mb": request.app.state.settings.max_upload_mb,
            "decisions_by_item": {
                i.id: [d for d in decided if d.agenda_item_id == i.id] for i in agenda
            },
            "groups": groups,
            "present_ids": {a.user_id for a in present if a.present},
            "quorum": quorum,
            "quorum_text": quorum.explanation(parties),
            "actions": actions.list_actions(db, view, meeting_id=meeting.id),
            "today": today,
            "people_groups": common.members_by_party(view, members),
            "notes": meetings.notes(db, view, meeting.id),
            "item_titles": {i.id: f"{i.position}. {i.title}" for i in agenda},
            "item_options": [(str(i.id), f"{i.position}. {i.title}") for i in agenda],
            "minutes": read,
            "invalidated": [s for s in read.signatures if s.invalidated_at is not None],
            "my_party": my_party,
            "my_name": view.principal.name,
            "my_signed": my_party not in read.awaiting,
            "can_sign": bool(my_seat and my_seat.minutes_approver),
            "locked": locked,
            "can_lock": meeting.status == "held"
            and (
                "alliance_manager" in view.roles or meeting.chair_user_id == view.principal.user_id
            ),
            # Locked minutes change only after a reopening: no edit forms meanwhile.
            "can_write": view.can("meetings.write")
            and meeting.status != "cancelled"
            and not locked,
            "can_propose": view.can("decisions.propose")
            and meeting.status != "cancelled"
            and not locked,
            "can_note": view.can("notes.write"),
            "kind_labels": common.ITEM_KIND_LABELS,
            "status_labels": common.MEETING_STATUS_LABELS,
            "decision_labels": common.DECISION_STATUS_LABELS,
            "action_labels": common.ACTION_STATUS_LABELS,
            "default_deadline": default_deadline.isoformat(),
            "errors": errors or FormErrors(),
            "values": values or {},
            "base": f"{common.alliance_url(view.alliance_id)}/meetings/{meeting.id}",
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting_view(
    request: Request, alliance_id: uuid.UUID, meeting_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """A meeting: agenda, attendance and quorum, decisions, actions, notes, minutes."""
    view = open_alliance(db, info.principal, alliance_id)
    return meeting_page(request, db, view, meetings.get_meeting(db, view, meeting_id))


@router.get("/alliances/{alliance_id}/meetings/{meeting_id}/invitation.ics")
def meeting_invitation(
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    settings: SettingsDep,
) -> Response:
    """The meeting as a calendar invitation (.ics)."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    return invitations.ics_response(db, view, meeting, settings.base_url)


@router.get("/alliances/{alliance_id}/meetings/{meeting_id}/minutes.pdf")
def meeting_minutes_pdf(
    alliance_id: uuid.UUID, meeting_id: uuid.UUID, db: DbSession, info: WebUser
) -> Response:
    """The minutes as a PDF, with the signature manifestations."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    return invitations.pdf_response(minutes.minutes_pdf(db, view, meeting), meeting.title)
