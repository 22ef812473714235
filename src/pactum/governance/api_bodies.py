"""JSON routes for committees (charters, seats) and meetings (agenda, attendance, quorum,
private notes, minutes and their signatures, calendar invitations)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.alliances.service import member_names
from pactum.core.time import utcnow
from pactum.governance import invitations
from pactum.governance.reads import minutes_read
from pactum.governance.schemas import (
    AttendanceIn,
    AttendanceRead,
    CommitteeCreate,
    CommitteeRead,
    CommitteeUpdate,
    ItemCreate,
    ItemRead,
    ItemUpdate,
    MeetingCreate,
    MeetingRead,
    MeetingUpdate,
    MinutesRead,
    MinutesReopen,
    MinutesSign,
    NoteCreate,
    NoteRead,
    QuorumRead,
    SeatCreate,
    SeatRead,
    SeatUpdate,
)
from pactum.governance.service import committees, meetings, minutes, minutes_lock
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession, SettingsDep
from pactum.http.idempotency import IdempotencyKey, idempotent
from pactum.models import Committee, CommitteeMember, Meeting
from pactum.signatures import service as signatures

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}", tags=["governance"])


def seat_read(seat: CommitteeMember, names: dict[uuid.UUID, str]) -> SeatRead:
    """A seat with the person's name."""
    return SeatRead(
        id=seat.id,
        committee_id=seat.committee_id,
        user_id=seat.user_id,
        name=names.get(seat.user_id, ""),
        party_org_id=seat.owner_org_id,
        voting=seat.voting,
        minutes_approver=seat.minutes_approver,
        active=seat.active,
        version=seat.version,
    )


def committee_read(
    db: Session, view: AllianceView, committee: Committee, found: list[Meeting] | None = None
) -> CommitteeRead:
    """A committee with the party chairing it now and when it must meet next (``found``:
    its meetings, when the caller already has them)."""
    if found is None:
        found = meetings.list_meetings(db, view, committee_id=committee.id)
    held = sum(m.status == "held" for m in found)
    read = CommitteeRead.model_validate(committee)
    read.current_chair_org_id = committees.chair_party(
        view, committee, utcnow().date(), meetings_held=held
    )
    read.next_meeting_due = committees.next_meeting_due(committee, found)
    return read


@router.get("/committees", response_model=list[CommitteeRead])
def list_committees(alliance_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> list[Any]:
    """The alliance's committees and their charters."""
    view = open_alliance(db, me, alliance_id)
    found = meetings.list_meetings(db, view)
    return [
        committee_read(db, view, c, [m for m in found if m.committee_id == c.id])
        for c in committees.list_committees(db, view)
    ]


@router.post("/committees", response_model=CommitteeRead, status_code=status.HTTP_201_CREATED)
def create_committee(
    alliance_id: uuid.UUID,
    body: CommitteeCreate,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> Any:
    """Set up a committee with its charter (alliance manager)."""
    view = open_alliance(db, me, alliance_id)
    committee = committees.create_committee(db, view, body)
    response.headers["ETag"] = etag(committee.version)
    return committee_read(db, view, committee)


@router.get("/committees/{committee_id}", response_model=CommitteeRead)
def get_committee(
    alliance_id: uuid.UUID,
    committee_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> Any:
    """One committee's charter."""
    view = open_alliance(db, me, alliance_id)
    committee = committees.get_committee(db, view, committee_id)
    response.headers["ETag"] = etag(committee.version)
    return committee_read(db, view, committee)


@router.patch("/committees/{committee_id}", response_model=CommitteeRead)
def update_committee(
    alliance_id: uuid.UUID,
    committee_id: uuid.UUID,
    body: CommitteeUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> Any:
    """Change a charter (alliance manager; If-Match)."""
    view = open_alliance(db, me, alliance_id)
    committee = committees.update_committee(db, view, committee_id, body, expected_version=expected)
    response.headers["ETag"] = etag(committee.version)
    return committee_read(db, view, committee)


@router.get("/committees/{committee_id}/members", response_model=list[SeatRead])
def list_seats(
    alliance_id: uuid.UUID, committee_id: uuid.UUID, db: DbSession, me: ApiPrincipal
) -> list[SeatRead]:
    """Who sits on the committee, for which party, voting or not."""
    view = open_alliance(db, me, alliance_id)
    committees.get_committee(db, view, committee_id)
    names = member_names(db, view)
    found = committees.seats(db, view, [committee_id], active_only=False)
    return [seat_read(s, names) for s in found]


@router.post("/committees/{committee_id}/members", response_model=SeatRead, status_code=201)
def add_seat(
    alliance_id: uuid.UUID,
    committee_id: uuid.UUID,
    body: SeatCreate,
    db: DbSession,
    me: ApiPrincipal,
) -> SeatRead:
    """Seat one of your party's alliance members (your alliance manager or administrator)."""
    view = open_alliance(db, me, alliance_id)
    seat = committees.add_seat(db, view, committee_id, body)
    return seat_read(seat, member_names(db, view))


@router.patch("/committees/{committee_id}/members/{seat_id}", response_model=SeatRead)
def update_seat(
    alliance_id: uuid.UUID,
    committee_id: uuid.UUID,
    seat_id: uuid.UUID,
    body: SeatUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
) -> SeatRead:
    """Change or end one of your party's seats (If-Match)."""
    view = open_alliance(db, me, alliance_id)
    seat = committees.update_seat(db, view, committee_id, seat_id, body, expected_version=expected)
    return seat_read(seat, member_names(db, view))


@router.get("/meetings", response_model=list[MeetingRead])
def list_meetings(
    alliance_id: uuid.UUID, db: DbSession, me: ApiPrincipal, committee_id: uuid.UUID | None = None
) -> list[Any]:
    """The alliance's meetings, latest first (of one committee with ``committee_id``)."""
    view = open_alliance(db, me, alliance_id)
    return list(meetings.list_meetings(db, view, committee_id=committee_id))


@router.post("/committees/{committee_id}/meetings", response_model=MeetingRead, status_code=201)
def schedule(
    alliance_id: uuid.UUID,
    committee_id: uuid.UUID,
    body: MeetingCreate,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> Any:
    """Schedule a meeting of a committee (times in UTC)."""
    view = open_alliance(db, me, alliance_id)
    meeting = meetings.schedule(db, view, committee_id, body)
    response.headers["ETag"] = etag(meeting.version)
    return meeting


@router.get("/meetings/{meeting_id}", response_model=MeetingRead)
def get_meeting(
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> Any:
    """One meeting."""
    view = open_alliance(db, me, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    response.headers["ETag"] = etag(meeting.version)
    return meeting


@router.patch("/meetings/{meeting_id}", response_model=MeetingRead)
def update_meeting(
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    body: MeetingUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> Any:
    """Change a meeting or its minutes summary (If-Match)."""
    view = open_alliance(db, me, alliance_id)
    meeting = meetings.update_meeting(db, view, meeting_id, body, expected_version=expected)
    response.headers["ETag"] = etag(meeting.version)
    return meeting


@router.get("/meetings/{meeting_id}/invitation.ics")
def invitation(
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    settings: SettingsDep,
) -> Response:
    """The meeting as an iCalendar invitation (RFC 5546 REQUEST, or CANCEL)."""
    view = open_alliance(db, me, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    return invitations.ics_response(db, view, meeting, settings.base_url)


@router.get("/meetings/{meeting_id}/items", response_model=list[ItemRead])
def list_items(
    alliance_id: uuid.UUID, meeting_id: uuid.UUID, db: DbSession, me: ApiPrincipal
) -> list[Any]:
    """The meeting's agenda, in order."""
    view = open_alliance(db, me, alliance_id)
    meetings.get_meeting(db, view, meeting_id)
    return list(meetings.items(db, view, [meeting_id]))


@router.post("/meetings/{meeting_id}/items", response_model=ItemRead, status_code=201)
def add_item(
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    body: ItemCreate,
    db: DbSession,
    me: ApiPrincipal,
) -> Any:
    """Add an agenda item (information, discussion or decision) with its papers."""
    view = open_alliance(db, me, alliance_id)
    return meetings.add_item(db, view, meeting_id, body)


@router.patch("/meetings/{meeting_id}/items/{item_id}", response_model=ItemRead)
def update_item(
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    item_id: uuid.UUID,
    body: ItemUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> Any:
    """Change an item or write its minutes notes (If-Match on the item)."""
    view = open_alliance(db, me, alliance_id)
    item = meetings.update_item(db, view, meeting_id, item_id, body, expected_version=expected)
    response.headers["ETag"] = etag(item.version)
    return item


def _attendance(db: Session, view: AllianceView, meeting: Meeting) -> list[AttendanceRead]:
    return [
        AttendanceRead(
            user_id=a.user_id, party_org_id=a.owner_org_id, voting=a.voting, present=a.present
        )
        for a in meetings.attendance(db, view, meeting.id)
    ]


@router.get("/meetings/{meeting_id}/attendance", response_model=list[AttendanceRead])
def get_attendance(
    alliance_id: uuid.UUID, meeting_id: uuid.UUID, db: DbSession, me: ApiPrincipal
) -> list[AttendanceRead]:
    """Who sits on the committee and who was present."""
    view = open_alliance(db, me, alliance_id)
    return _attendance(db, view, meetings.get_meeting(db, view, meeting_id))


@router.put("/meetings/{meeting_id}/attendance", response_model=list[AttendanceRead])
def record_attendance(
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    body: AttendanceIn,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
) -> list[AttendanceRead]:
    """Record who was present (If-Match on the meeting)."""
    view = open_alliance(db, me, alliance_id)
    meetings.record_attendance(db, view, meeting_id, body, expected_version=expected)
    return _attendance(db, view, meetings.get_meeting(db, view, meeting_id))


@router.get("/meetings/{meeting_id}/quorum", response_model=QuorumRead)
def get_quorum(
    alliance_id: uuid.UUID, meeting_id: uuid.UUID, db: DbSession, me: ApiPrincipal
) -> QuorumRead:
    """Whether the meeting may decide, and why."""
    view = open_alliance(db, me, alliance_id)
    found = meetings.quorum(db, view, meetings.get_meeting(db, view, meeting_id))
    return QuorumRead(
        met=found.met,
        waived=found.waived,
        per_party={str(k): v for k, v in found.per_party.items()},
        required=found.required,
        explanation=found.explanation(view.party_names),
    )


@router.get("/meetings/{meeting_id}/notes", response_model=list[NoteRead])
def list_notes(
    alliance_id: uuid.UUID, meeting_id: uuid.UUID, db: DbSession, me: ApiPrincipal
) -> list[Any]:
    """Your party's private preparation notes (the other party's are never shown)."""
    view = open_alliance(db, me, alliance_id)
    meetings.get_meeting(db, view, meeting_id)
    return list(meetings.notes(db, view, meeting_id))


@router.post("/meetings/{meeting_id}/notes", response_model=NoteRead, status_code=201)
def add_note(
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    body: NoteCreate,
    db: DbSession,
    me: ApiPrincipal,
) -> Any:
    """Add a private preparation note (only your party sees it)."""
    view = open_alliance(db, me, alliance_id)
    return meetings.add_note(db, view, meeting_id, body)


@router.get("/meetings/{meeting_id}/minutes", response_model=MinutesRead)
def get_minutes(
    alliance_id: uuid.UUID, meeting_id: uuid.UUID, db: DbSession, me: ApiPrincipal
) -> MinutesRead:
    """The minutes' version and SHA-256 (what a signature binds to) and their signatures."""
    view = open_alliance(db, me, alliance_id)
    return minutes_read(db, view, meetings.get_meeting(db, view, meeting_id))


@router.get("/meetings/{meeting_id}/minutes.pdf")
def minutes_pdf(
    alliance_id: uuid.UUID, meeting_id: uuid.UUID, db: DbSession, me: ApiPrincipal
) -> Response:
    """The minutes as a PDF showing the signature manifestations."""
    view = open_alliance(db, me, alliance_id)
    meeting = meetings.get_meeting(db, view, meeting_id)
    return invitations.pdf_response(minutes.minutes_pdf(db, view, meeting), meeting.title)


@router.post("/meetings/{meeting_id}/minutes/lock", response_model=MinutesRead)
def lock_minutes(
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
    expected: IfMatch = None,
) -> MinutesRead:
    """Lock a held meeting's draft minutes for signing (the chair or an alliance manager;
    If-Match with the meeting's version): nothing in them changes until reopened."""
    view = open_alliance(db, me, alliance_id)
    meeting = minutes_lock.lock(db, view, meeting_id, expected_version=expected)
    response.headers["ETag"] = etag(meeting.version)
    return minutes_read(db, view, meeting)


@router.post("/meetings/{meeting_id}/minutes/reopen", response_model=MinutesRead)
def reopen_minutes(
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    body: MinutesReopen,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
    expected: IfMatch = None,
) -> MinutesRead:
    """Reopen locked minutes to change them, with a reason (the chair or an alliance
    manager; If-Match): every signature is invalidated, the signers are told now, and
    told what changed (old → new) when the minutes are locked again."""
    view = open_alliance(db, me, alliance_id)
    meeting = minutes_lock.reopen(db, view, meeting_id, body.reason, expected_version=expected)
    response.headers["ETag"] = etag(meeting.version)
    return minutes_read(db, view, meeting)


@router.post("/meetings/{meeting_id}/signatures", response_model=MinutesRead, status_code=201)
def sign_minutes(
    alliance_id: uuid.UUID,
    meeting_id: uuid.UUID,
    body: MinutesSign,
    db: DbSession,
    me: ApiPrincipal,
    settings: SettingsDep,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Sign the minutes as your party's designated approver: the password again, your
    printed name, the version and SHA-256 you reviewed (SIG-1). ``Idempotency-Key``."""
    view = open_alliance(db, me, alliance_id)

    def run() -> tuple[int, Any, dict[str, str]]:
        minutes.sign_minutes(db, view, settings, meeting_id, body)
        meeting = meetings.get_meeting(db, view, meeting_id)
        return 201, minutes_read(db, view, meeting), {"ETag": etag(meeting.version)}

    scope = f"POST /alliances/{alliance_id}/meetings/{meeting_id}/signatures"
    with signatures.refusals_kept(db, settings):
        return idempotent(
            db, me, key, scope=scope, body=body.model_dump(exclude={"password"}), run=run
        )
