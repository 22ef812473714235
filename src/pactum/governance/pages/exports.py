"""CSV and Excel downloads of every governance table the pages show (with the same
filters as the page)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pactum.access import open_alliance
from pactum.alliances.service import member_names
from pactum.core.time import utcnow
from pactum.governance.pages import common
from pactum.governance.pages.actions import alliance_rows, status_filter
from pactum.governance.pages.decisions import read_filters
from pactum.governance.pages.overview import committee_rows, open_decisions, split_meetings
from pactum.governance.reads import REGISTER_HEADER, register_rows
from pactum.governance.service import (
    actions,
    committees,
    decisions,
    meetings,
    minutes,
    progress,
    register,
)
from pactum.http.db import DbSession
from pactum.signatures import service as signatures
from pactum.web.exports import ExportFormat, slug, table_response
from pactum.web.forms import parse_uuid
from pactum.web.session import WebUser

router = APIRouter()

A = "/alliances/{alliance_id}"


def _stem(name: str, what: str) -> str:
    return f"{slug(name, 'alliance')}-{what}"


@router.get(f"{A}/governance/committees.{{fmt}}")
def committees_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The committees table as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    header = ("Committee", "Kind", "Meets", "Chair", "Members", "Escalates to", "Business days")
    rows = [
        [
            r.committee.name,
            common.KIND_LABELS.get(r.committee.kind, r.committee.kind),
            common.CADENCE_LABELS.get(r.committee.cadence, r.committee.cadence),
            r.chair,
            r.members,
            r.escalates_to,
            r.committee.decision_days,
        ]
        for r in committee_rows(db, view)
    ]
    stem = _stem(view.alliance.name, "committees")
    return table_response(fmt, stem, header, rows, title="Committees")


@router.get(f"{A}/governance/open-decisions.{{fmt}}")
def open_decisions_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The open decisions of the overview as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    by_id = common.committee_map(db, view)
    header = ("Reference", "Question", "Status", "Now before", "Deadline", "Escalates on")
    rows = [
        [
            d.reference,
            d.question,
            common.DECISION_STATUS_LABELS.get(d.status, d.status),
            common.now_before(d, by_id),
            d.deadline,
            d.escalate_on,
        ]
        for d in open_decisions(db, view)
    ]
    stem = _stem(view.alliance.name, "open-decisions")
    return table_response(fmt, stem, header, rows, title="Open decisions")


@router.get(f"{A}/meetings.{{fmt}}")
def meetings_export(
    request: Request, alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """Meetings (of one committee with ``committee_id``; still to come with ``upcoming=1``)."""
    view = open_alliance(db, info.principal, alliance_id)
    by_id = common.committee_map(db, view)
    committee_id = parse_uuid(request.query_params.get("committee_id", ""))
    if request.query_params.get("upcoming") == "1":
        found = split_meetings(db, view)[0]
    else:
        found = meetings.list_meetings(db, view)
    if committee_id is not None:
        found = [m for m in found if m.committee_id == committee_id]
    header = ("Meeting", "Committee", "Starts (UTC)", "Ends (UTC)", "Location", "Status")
    rows = [
        [
            m.title,
            by_id[m.committee_id].name if m.committee_id in by_id else "",
            m.starts_at,
            m.ends_at,
            m.location,
            common.MEETING_STATUS_LABELS.get(m.status, m.status),
        ]
        for m in found
    ]
    return table_response(
        fmt, _stem(view.alliance.name, "meetings"), header, rows, title="Meetings"
    )


@router.get(f"{A}/decisions.{{fmt}}")
def register_export(
    request: Request, alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The decision register with the page's filters, every matching row."""
    view = open_alliance(db, info.principal, alliance_id)
    filters = read_filters(request.query_params, paged=False)
    found = register.all_rows(db, view, filters.query)
    rows = register_rows(db, view, found)
    stem = _stem(view.alliance.name, "decision-register")
    return table_response(fmt, stem, REGISTER_HEADER, rows, title="Decision register")


ACTION_HEADER = ("Action", "Assignee", "Party", "Due on", "Status", "Overdue", "Meeting")


@router.get(f"{A}/actions.{{fmt}}")
def actions_export(
    request: Request, alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """Action items with the page's filter (``status``; ``meeting_id``; ``overdue=1``)."""
    view = open_alliance(db, info.principal, alliance_id)
    status = status_filter(request.query_params.get("status", ""))
    meeting_id = parse_uuid(request.query_params.get("meeting_id", ""))
    found = alliance_rows(db, view, status, meeting_id)
    today = utcnow().date()
    if request.query_params.get("overdue") == "1":
        found = [a for a in found if actions.is_overdue(a, today)]
    names = member_names(db, view)
    titles = {m.id: m.title for m in meetings.list_meetings(db, view)}
    rows = [
        [
            a.title,
            names.get(a.assignee_id, ""),
            view.party_names.get(a.assignee_org_id, ""),
            a.due_on,
            common.ACTION_STATUS_LABELS.get(a.status, a.status),
            actions.is_overdue(a, today),
            titles.get(a.meeting_id, "") if a.meeting_id else "",
        ]
        for a in found
    ]
    stem = _stem(view.alliance.name, "action-items")
    return table_response(fmt, stem, ACTION_HEADER, rows, title="Action items")


@router.get("/actions.{fmt}")
def my_actions_export(
    request: Request, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """My action items across my alliances as CSV or Excel."""
    include_done = request.query_params.get("include_done", "") == "1"
    found = actions.my_actions(db, info.principal, include_done=include_done)
    header = ("Action", "Alliance", "Due on", "Status", "Overdue")
    rows = [
        [
            m.item.title,
            m.alliance.name,
            m.item.due_on,
            common.ACTION_STATUS_LABELS.get(m.item.status, m.item.status),
            m.overdue,
        ]
        for m in found
    ]
    return table_response(fmt, "my-actions", header, rows, title="My actions")


@router.get(f"{A}/committees/{{committee_id}}/seats.{{fmt}}")
def seats_export(
    alliance_id: uuid.UUID, committee_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """A committee's seats as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    committee = committees.get_committee(db, view, committee_id)
    names = member_names(db, view)
    header = ("Member", "Party", "Voting", "Minutes approver", "Seated since (UTC)")
    rows = [
        [
            names.get(s.user_id, ""),
            view.party_names.get(s.owner_org_id, ""),
            s.voting,
            s.minutes_approver,
            s.created_at,
        ]
        for s in committees.seats(db, view, [committee.id], active_only=True)
    ]
    stem = _stem(committee.name, "seats")
    return table_response(fmt, stem, header, rows, title="Seats")


@router.get(f"{A}/meetings/{{meeting_id}}/attendance.{{fmt}}")
def attendance_export(
    alliance_id: uuid.UUID, meeting_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """A meeting's attendance as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    names = member_names(db, view)
    header = ("Member", "Party", "Voting", "Present")
    rows = [
        [names.get(a.user_id, ""), view.party_names.get(a.owner_org_id, ""), a.voting, a.present]
        for a in meetings.attendance(db, view, meeting.id)
    ]
    stem = _stem(meeting.title, "attendance")
    return table_response(fmt, stem, header, rows, title="Attendance")


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


@router.get(f"{A}/meetings/{{meeting_id}}/signatures.{{fmt}}")
def signatures_export(
    alliance_id: uuid.UUID, meeting_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The signatures of a meeting's minutes as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    state = minutes.signoff(db, view, meeting)
    shown = signatures.manifestations(state.signatures, view.party_names, state.content_sha256)
    rows = [
        [
            s.printed_name,
            s.party,
            s.role,
            s.meaning,
            s.signed_at,
            s.object_version,
            s.content_sha256,
            s.valid,
            s.invalidated_at,
        ]
        for s in shown
    ]
    stem = _stem(meeting.title, "minutes-signatures")
    return table_response(fmt, stem, SIGNATURES_HEADER, rows, title="Signatures")


@router.get(f"{A}/decisions/{{decision_id}}/votes.{{fmt}}")
def votes_export(
    alliance_id: uuid.UUID, decision_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """A decision's votes at every step of its ladder as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    decision = decisions.get_decision(db, view, decision_id)
    ladder = progress.ladder_of(db, view, decision)
    names = member_names(db, view)
    header = ("Step", "Body", "Party", "Member", "Choice", "Option", "Cast (UTC)", "Comment")
    rows = [
        [
            v.rung + 1,
            ladder.body(v.rung).name,
            view.party_names.get(v.party_org_id, ""),
            names.get(v.member_id, ""),
            v.choice,
            v.option,
            v.cast_at,
            v.comment,
        ]
        for v in progress.votes_of(db, view, [decision.id])
    ]
    stem = f"{slug(decision.reference, 'decision')}-votes"
    return table_response(fmt, stem, header, rows, title="Votes")
