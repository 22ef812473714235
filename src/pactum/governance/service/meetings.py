"""Meetings: scheduling, the agenda (information / discussion / decision items with their
papers), attendance and the quorum check, each party's private preparation notes, and the
minutes (the items' notes, the decisions and the action items) as one versioned content
that each party's designated approver signs (SIG-1, SIG-2).

Any edit of the minutes' content after a signature bumps the minutes' version and
invalidates every signature visibly; the approvers then sign the new version.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from pactum.access import AllianceView, get_scoped, scoped
from pactum.access.records import audit_record
from pactum.core.errors import Conflict, ValidationFailed
from pactum.core.time import utcnow
from pactum.core.updates import check_version, diff, reject_nulls
from pactum.files import service as files
from pactum.governance.schemas import (
    AttendanceIn,
    ItemCreate,
    ItemUpdate,
    MeetingCreate,
    MeetingUpdate,
    NoteCreate,
    Paper,
)
from pactum.governance.service import committees
from pactum.live.bus import publish
from pactum.models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Meeting,
    MeetingNote,
)
from pactum.signatures import service as signatures

MINUTES = "minutes"
MAX_ITEMS = 200


def list_meetings(
    session: Session, view: AllianceView, *, committee_id: uuid.UUID | None = None
) -> list[Meeting]:
    """The alliance's meetings (of one committee if given), latest first."""
    stmt = scoped(view, Meeting)
    if committee_id is not None:
        stmt = stmt.where(Meeting.committee_id == committee_id)
    return list(session.execute(stmt.order_by(Meeting.starts_at.desc(), Meeting.id)).scalars())


def get_meeting(
    session: Session, view: AllianceView, meeting_id: uuid.UUID, *, lock: bool = False
) -> Meeting:
    """One meeting, or 404."""
    return get_scoped(session, view, Meeting, meeting_id, lock=lock)


def announce(session: Session, view: AllianceView, meeting: Meeting) -> None:
    """Tell waiting pages that the meeting (or its minutes) changed."""
    publish(
        session,
        alliance_id=view.alliance_id,
        visibility="shared",
        owner_org_id=meeting.owner_org_id,
        kind="meeting",
        object_id=meeting.id,
        version=meeting.version,
    )


def _check_times(starts: Any, ends: Any) -> None:
    if ends <= starts:
        raise ValidationFailed("ends_at", "must be after starts_at")
    if (ends - starts).total_seconds() > 3 * 86400:
        raise ValidationFailed("ends_at", "a meeting may last at most three days")


def _check_chair(
    session: Session, view: AllianceView, committee: Committee, user_id: uuid.UUID | None
) -> None:
    if user_id is None:
        return
    seated = {s.user_id for s in committees.seats(session, view, [committee.id], active_only=True)}
    if user_id not in seated:
        raise ValidationFailed("chair_user_id", "must sit on the committee")


def schedule(
    session: Session, view: AllianceView, committee_id: uuid.UUID, data: MeetingCreate
) -> Meeting:
    """Schedule a meeting of a committee; its members are listed for attendance."""
    view.require("meetings.write")
    committee = committees.get_committee(session, view, committee_id)
    _check_times(data.starts_at, data.ends_at)
    _check_chair(session, view, committee, data.chair_user_id)
    if data.recalled_from_id is not None:
        earlier = get_meeting(session, view, data.recalled_from_id)
        if earlier.committee_id != committee.id:
            raise ValidationFailed("recalled_from_id", "must be a meeting of the same committee")
        if quorum(session, view, earlier).met:
            raise ValidationFailed("recalled_from_id", "that meeting was quorate")
    meeting = Meeting(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        committee_id=committee.id,
        title=data.title,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        location=data.location,
        chair_user_id=data.chair_user_id,
        recalled_from_id=data.recalled_from_id,
        created_by_id=view.principal.user_id,
    )
    session.add(meeting)
    session.flush()
    for seat in committees.seats(session, view, [committee.id], active_only=True):
        session.add(
            Attendance(
                alliance_id=view.alliance_id,
                owner_org_id=seat.owner_org_id,
                visibility="shared",
                meeting_id=meeting.id,
                user_id=seat.user_id,
                voting=seat.voting,
            )
        )
    session.flush()
    audit_record(
        session,
        view,
        meeting,
        "meeting",
        "meeting.schedule",
        new={
            "committee_id": committee.id,
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "location": meeting.location,
        },
    )
    return meeting


LOCKED = (
    "minutes: the minutes are locked for signing; an alliance manager or the chair reopens "
    "them, with a reason, before anything in them changes"
)


def meeting_link(meeting: Meeting) -> str:
    """The meeting page's path (for notifications)."""
    return f"/alliances/{meeting.alliance_id}/meetings/{meeting.id}"


def check_minutes_open(meeting: Meeting) -> None:
    """Refuse a change to locked minutes (SIG-3): they change only after a reopening."""
    if meeting.minutes_state == "locked":
        raise Conflict(LOCKED)


def check_started(meeting: Meeting, what: str) -> None:
    """Attendance and in-meeting votes are taken once the meeting has started."""
    if utcnow() < meeting.starts_at:
        raise Conflict(
            f"status: {what} once the meeting has started "
            f"({meeting.starts_at.strftime('%Y-%m-%d %H:%M')} UTC)"
        )


def minutes_changed(session: Session, view: AllianceView, meeting: Meeting, why: str) -> None:
    """The minutes' content changed: a new version, and signatures no longer apply.

    Every change to what the minutes say comes through here, so locked minutes refuse
    them all (the request's transaction is rolled back: nothing changes)."""
    check_minutes_open(meeting)
    meeting.minutes_version += 1
    meeting.version += 1
    meeting.updated_at = utcnow()
    signatures.invalidate(
        session,
        view,
        object_type=MINUTES,
        object_id=meeting.id,
        reason=why,
        subject=f"the minutes of {meeting.title}",
        link=meeting_link(meeting),
    )
    session.flush()
    announce(session, view, meeting)


def update_meeting(
    session: Session,
    view: AllianceView,
    meeting_id: uuid.UUID,
    data: MeetingUpdate,
    *,
    expected_version: int | None,
) -> Meeting:
    """Change a meeting (If-Match); changing what the minutes say invalidates signatures."""
    view.require("meetings.write")
    meeting = get_meeting(session, view, meeting_id, lock=True)
    check_version(expected_version, meeting.version)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes, nullable=("chair_user_id",))
    committee = committees.get_committee(session, view, meeting.committee_id)
    if "chair_user_id" in changes:
        _check_chair(session, view, committee, changes["chair_user_id"])
    _check_times(
        changes.get("starts_at", meeting.starts_at), changes.get("ends_at", meeting.ends_at)
    )
    old, new = diff(meeting, changes)
    if not new:
        return meeting
    moved_ahead = "starts_at" in new and new["starts_at"] > utcnow()
    if moved_ahead and any(a.present for a in attendance(session, view, meeting.id)):
        raise ValidationFailed(
            "starts_at", "attendance was taken, so the meeting cannot start in the future"
        )
    if "status" in new:
        if meeting.minutes_state == "locked":
            raise Conflict(LOCKED)  # signed minutes are of a held meeting
        if new["status"] == "held":
            check_started(meeting, "a meeting is held")
    for key, value in new.items():
        setattr(meeting, key, value)
    if set(new) & {"title", "starts_at", "summary", "chair_user_id", "location"}:
        minutes_changed(session, view, meeting, "the meeting's minutes were edited")
    else:
        meeting.version += 1
        meeting.updated_at = utcnow()
        announce(session, view, meeting)
    session.flush()
    audit_record(session, view, meeting, "meeting", "meeting.update", old=old, new=new)
    return meeting


def items(session: Session, view: AllianceView, meeting_ids: list[uuid.UUID]) -> list[AgendaItem]:
    """The agenda items of these meetings, in order."""
    stmt = (
        scoped(view, AgendaItem)
        .where(AgendaItem.meeting_id.in_(meeting_ids))
        .order_by(AgendaItem.meeting_id, AgendaItem.position, AgendaItem.created_at)
    )
    return list(session.execute(stmt).scalars())


def stored_papers(session: Session, view: AllianceView, papers: list[Paper]) -> list[Any]:
    """Papers as stored, ``{"title", "url"}`` or ``{"title", "file_id"}`` (a shared file)."""
    refs = {f"papers[{n}].file_id": p.file_id for n, p in enumerate(papers) if p.file_id}
    files.require_shared(session, view, refs)
    return [p.model_dump(mode="json", exclude_none=True) for p in papers]


def meeting_decisions(
    session: Session, view: AllianceView, meeting_id: uuid.UUID
) -> list[Decision]:
    """The decisions put to a meeting, by reference."""
    stmt = (
        scoped(view, Decision)
        .where(Decision.meeting_id == meeting_id)
        .order_by(Decision.reference, Decision.id)
    )
    return list(session.execute(stmt).scalars())


def add_item(
    session: Session, view: AllianceView, meeting_id: uuid.UUID, data: ItemCreate
) -> AgendaItem:
    """Add an item at the end of the agenda."""
    view.require("meetings.write")
    meeting = get_meeting(session, view, meeting_id, lock=True)
    if meeting.status == "cancelled":
        raise Conflict("status: the meeting was cancelled")
    count = session.execute(
        scoped(view, AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .with_only_columns(func.count(AgendaItem.id))
    ).scalar_one()
    if count >= MAX_ITEMS:
        raise ValidationFailed("items", f"a meeting has at most {MAX_ITEMS} agenda items")
    item = AgendaItem(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        meeting_id=meeting.id,
        position=int(count) + 1,
        kind=data.kind,
        title=data.title,
        description=data.description,
        papers=stored_papers(session, view, data.papers),
    )
    session.add(item)
    session.flush()
    audit_record(
        session,
        view,
        item,
        "agenda_item",
        "agenda.add",
        new={
            "meeting_id": meeting.id,
            "kind": item.kind,
            "title": item.title,
            "papers": item.papers,
        },
    )
    minutes_changed(session, view, meeting, "an agenda item was added")
    return item


def get_item(
    session: Session, view: AllianceView, meeting_id: uuid.UUID, item_id: uuid.UUID
) -> AgendaItem:
    """One agenda item of a meeting, or 404."""
    item = get_scoped(session, view, AgendaItem, item_id)
    if item.meeting_id != meeting_id:
        raise ValidationFailed("item_id", "is not an item of this meeting")
    return item


def update_item(
    session: Session,
    view: AllianceView,
    meeting_id: uuid.UUID,
    item_id: uuid.UUID,
    data: ItemUpdate,
    *,
    expected_version: int | None,
) -> AgendaItem:
    """Change an agenda item or write its minutes notes (If-Match)."""
    view.require("meetings.write")
    meeting = get_meeting(session, view, meeting_id, lock=True)
    item = get_item(session, view, meeting_id, item_id)
    check_version(expected_version, item.version)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes)
    if "papers" in changes:
        changes["papers"] = stored_papers(session, view, data.papers or [])
    old, new = diff(item, changes)
    if not new:
        return item
    for key, value in new.items():
        setattr(item, key, value)
    item.version += 1
    session.flush()
    audit_record(session, view, item, "agenda_item", "agenda.update", old=old, new=new)
    minutes_changed(session, view, meeting, "an agenda item's minutes were edited")
    return item


def attendance(session: Session, view: AllianceView, meeting_id: uuid.UUID) -> list[Attendance]:
    """The meeting's attendance list (every member seated when it was scheduled or since)."""
    stmt = (
        scoped(view, Attendance)
        .where(Attendance.meeting_id == meeting_id)
        .order_by(Attendance.owner_org_id, Attendance.user_id)
    )
    return list(session.execute(stmt).scalars())


def record_attendance(
    session: Session,
    view: AllianceView,
    meeting_id: uuid.UUID,
    data: AttendanceIn,
    *,
    expected_version: int | None,
) -> list[Attendance]:
    """Record who was present (If-Match on the meeting); part of the minutes."""
    view.require("meetings.write")
    meeting = get_meeting(session, view, meeting_id, lock=True)
    check_version(expected_version, meeting.version)
    check_started(meeting, "attendance is recorded")
    rows = {a.user_id: a for a in attendance(session, view, meeting.id)}
    for seat in committees.seats(session, view, [meeting.committee_id], active_only=True):
        if seat.user_id not in rows:
            row = Attendance(
                alliance_id=view.alliance_id,
                owner_org_id=seat.owner_org_id,
                visibility="shared",
                meeting_id=meeting.id,
                user_id=seat.user_id,
                voting=seat.voting,
            )
            session.add(row)
            rows[seat.user_id] = row
    unknown = set(data.present) - set(rows)
    if unknown:
        raise ValidationFailed("present", "lists someone who does not sit on the committee")
    before = sorted(str(u) for u, a in rows.items() if a.present)
    for user_id, row in rows.items():
        row.present = user_id in set(data.present)
    after = sorted(str(u) for u in set(data.present))
    if meeting.status == "scheduled" and data.present:
        meeting.status = "held"
    session.flush()
    if before != after:
        audit_record(
            session,
            view,
            meeting,
            "meeting",
            "meeting.attendance",
            old={"present": before},
            new={"present": after},
        )
        minutes_changed(session, view, meeting, "the attendance was changed")
    return list(rows.values())


class Quorum:
    """Whether a meeting may decide: present voting members per party against the rule."""

    def __init__(self, per_party: dict[uuid.UUID, int], required: int, waived: bool) -> None:
        self.per_party = per_party
        self.required = required
        self.waived = waived
        self.met = all(n >= required for n in per_party.values())

    @property
    def may_decide(self) -> bool:
        """Quorate, or a re-called meeting that the charter lets proceed."""
        return self.met or self.waived

    def explanation(self, names: dict[uuid.UUID, str]) -> str:
        """A sentence for the page and the minutes."""
        counts = ", ".join(f"{names.get(p, 'a party')}: {n}" for p, n in self.per_party.items())
        if self.met:
            return f"Quorum met ({self.required} voting member(s) of each party; {counts})."
        if self.waived:
            return (
                f"Quorum not met ({counts}), but this meeting re-calls an inquorate one and "
                "the charter lets it proceed with those present."
            )
        return f"Quorum not met: {self.required} voting member(s) of each party needed ({counts})."


def quorum(session: Session, view: AllianceView, meeting: Meeting) -> Quorum:
    """The meeting's quorum from its attendance and the committee's charter."""
    committee = committees.get_committee(session, view, meeting.committee_id)
    parties = [p.org_id for p in view.alliance.parties if p.state == "accepted"]
    counts = dict.fromkeys(parties, 0)
    for row in attendance(session, view, meeting.id):
        if row.present and row.voting and row.owner_org_id in counts:
            counts[row.owner_org_id] += 1
    waived = (
        meeting.recalled_from_id is not None
        and committee.absence_rule == "recalled_meeting_proceeds"
    )
    return Quorum(counts, committee.quorum_per_party, waived)


def present_voters(session: Session, view: AllianceView, meeting: Meeting) -> set[str]:
    """User ids (as text) of the voting members present (for :func:`rules.vote`)."""
    return {str(a.user_id) for a in attendance(session, view, meeting.id) if a.present and a.voting}


def add_note(
    session: Session, view: AllianceView, meeting_id: uuid.UUID, data: NoteCreate
) -> MeetingNote:
    """A private preparation note for the meeting: only our party ever sees it."""
    view.require("notes.write")
    meeting = get_meeting(session, view, meeting_id)
    if data.agenda_item_id is not None:
        get_item(session, view, meeting.id, data.agenda_item_id)
    note = MeetingNote(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="private",
        meeting_id=meeting.id,
        agenda_item_id=data.agenda_item_id,
        body=data.body,
        author_id=view.principal.user_id,
    )
    session.add(note)
    session.flush()
    audit_record(session, view, note, "meeting_note", "meeting.note", new={"body": note.body})
    return note


def notes(session: Session, view: AllianceView, meeting_id: uuid.UUID) -> list[MeetingNote]:
    """Our party's private notes for the meeting (the other party's are never returned)."""
    stmt = (
        scoped(view, MeetingNote)
        .where(MeetingNote.meeting_id == meeting_id, MeetingNote.owner_org_id == view.org_id)
        .order_by(MeetingNote.created_at)
    )
    return list(session.execute(stmt).scalars())
