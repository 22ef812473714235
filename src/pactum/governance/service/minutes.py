"""The minutes of a meeting as one signed content: the meeting, attendance, each item's
notes, the decisions and votes taken in it and its action items. Each party's designated
approver signs it (SIG-1); it is complete when every party has signed the current version
(SIG-2). Minutes are circulated as a draft (any edit bumps the version,
:func:`pactum.governance.service.meetings.minutes_changed`), then locked for signing; locked
minutes change only after an explicit reopening (:mod:`.minutes_lock`, SIG-3)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from pactum.access import AllianceView, scoped
from pactum.alliances.service import member_names
from pactum.core.errors import Conflict, Forbidden
from pactum.core.time import utcnow
from pactum.governance import documents
from pactum.governance.schemas import MinutesSign
from pactum.governance.service import committees
from pactum.governance.service.meetings import (
    MINUTES,
    announce,
    attendance,
    get_meeting,
    items,
    meeting_decisions,
    meeting_link,
)
from pactum.governance.service.meetings import quorum as meetings_quorum
from pactum.models import ActionItem, AgendaItem, Attendance, Decision, Meeting, Signature, Vote
from pactum.notify.service import notify
from pactum.settings import Settings
from pactum.signatures import service as signatures


def meeting_result(view: AllianceView, decision: Decision, votes: list[Vote]) -> str:
    """The outcome of a decision in the meeting, from the votes cast in it: approved
    (every party's yes, to one alternative), deadlocked (a no or a split), or not
    decided in the meeting (a vote missing)."""
    cast = [v for v in votes if v.decision_id == decision.id and v.rung == 0]
    parties = {p.org_id for p in view.alliance.parties if p.state == "accepted"}
    names = view.party_names
    if any(v.choice == "no" for v in cast) or len({v.option for v in cast if v.option}) > 1:
        return "deadlocked in the meeting"
    if {v.party_org_id for v in cast} >= parties:
        if all(v.choice == "yes" for v in cast):
            option = next((v.option for v in cast if v.option), "")
            return "approved unanimously in the meeting" + (f": {option}" if option else "")
        return "deadlocked in the meeting"
    missing = sorted(names.get(p, "a party") for p in parties - {v.party_org_id for v in cast})
    return "not decided in the meeting (no vote from " + ", ".join(missing) + ")"


@dataclass(frozen=True)
class MinutesRecords:
    """The shared records the minutes are made of, read once."""

    agenda: list[AgendaItem]
    decided: list[Decision]
    votes: list[Vote]
    actions: list[ActionItem]
    present: list[Attendance]


def records(session: Session, view: AllianceView, meeting: Meeting) -> MinutesRecords:
    """The meeting's agenda, decisions, votes, action items and attendance (shared only)."""

    def rows(stmt: Any) -> list[Any]:
        return list(session.execute(stmt).scalars())

    return MinutesRecords(
        agenda=items(session, view, [meeting.id]),
        decided=meeting_decisions(session, view, meeting.id),
        votes=rows(
            scoped(view, Vote).where(Vote.meeting_id == meeting.id).order_by(Vote.cast_at, Vote.id)
        ),
        actions=rows(
            scoped(view, ActionItem)
            .where(ActionItem.meeting_id == meeting.id, ActionItem.visibility == "shared")
            .order_by(ActionItem.created_at, ActionItem.id)
        ),
        present=attendance(session, view, meeting.id),
    )


def minutes_content(
    session: Session, view: AllianceView, meeting: Meeting, found: MinutesRecords | None = None
) -> dict[str, Any]:
    """What the approvers sign: the meeting, attendance, each item's notes, the decisions
    and votes taken in it, and its action items (shared records only)."""
    found = found or records(session, view, meeting)
    agenda, decided, votes, actions = found.agenda, found.decided, found.votes, found.actions
    return {
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "location": meeting.location,
            "chair_user_id": meeting.chair_user_id,
            "summary": meeting.summary,
            "minutes_version": meeting.minutes_version,
        },
        "present": sorted(str(a.user_id) for a in found.present if a.present),
        "items": [
            {
                "id": i.id,
                "position": i.position,
                "kind": i.kind,
                "title": i.title,
                "notes": i.notes,
                "papers": i.papers,
            }
            for i in agenda
        ],
        # What happened in the meeting, from its own votes: a later escalation or decision
        # of the matter elsewhere does not change what the approvers signed.
        "decisions": [
            {
                "reference": d.reference,
                "question": d.question,
                "in_meeting": meeting_result(view, d, votes),
            }
            for d in decided
        ],
        "votes": [
            {
                "decision_id": v.decision_id,
                "party": v.party_org_id,
                "member": v.member_id,
                "choice": v.choice,
                "option": v.option,
            }
            for v in votes
        ],
        "actions": [
            {"title": a.title, "assignee_id": a.assignee_id, "due_on": a.due_on} for a in actions
        ],
    }


def minutes_sha256(
    session: Session, view: AllianceView, meeting: Meeting, found: MinutesRecords | None = None
) -> str:
    """The SHA-256 of the minutes' current content."""
    return signatures.content_hash(minutes_content(session, view, meeting, found))


def minutes_signatures(session: Session, view: AllianceView, meeting: Meeting) -> list[Signature]:
    """Every signature of the minutes, invalidated ones included."""
    return signatures.signatures_for(session, view, object_type=MINUTES, object_id=meeting.id)


@dataclass(frozen=True)
class Signoff:
    """Where the minutes' approval stands: the current content's hash, every signature,
    and the parties that have (and have not) approved the current version (SIG-2)."""

    content_sha256: str
    signatures: list[Signature]
    signed: frozenset[uuid.UUID]
    awaiting: list[uuid.UUID]

    @property
    def complete(self) -> bool:
        """Every party has approved the current version."""
        return not self.awaiting


def signoff(
    session: Session, view: AllianceView, meeting: Meeting, found: MinutesRecords | None = None
) -> Signoff:
    """The minutes' sign-off: an approval counts when it is valid (not invalidated, bound
    to the current content) and on the current version."""
    digest = minutes_sha256(session, view, meeting, found)
    every = minutes_signatures(session, view, meeting)
    signed = frozenset(
        s.signer_org_id
        for s in every
        if signatures.is_valid(s, digest)
        and s.object_version == meeting.minutes_version
        and s.meaning == "approval"
    )
    parties = [p.org_id for p in view.alliance.parties if p.state == "accepted"]
    return Signoff(digest, every, signed, [p for p in parties if p not in signed])


def minutes_signed(session: Session, view: AllianceView, meeting: Meeting) -> bool:
    """Whether each party's approver has validly signed the current minutes (SIG-2)."""
    return signoff(session, view, meeting).complete


def sign_minutes(
    session: Session,
    view: AllianceView,
    settings: Settings,
    meeting_id: uuid.UUID,
    data: MinutesSign,
) -> Signature:
    """Sign the minutes as your party's designated approver (password again, SIG-1)."""
    meeting = get_meeting(session, view, meeting_id, lock=True)
    seat = next(
        (
            s
            for s in committees.seats(session, view, [meeting.committee_id], active_only=True)
            if s.user_id == view.principal.user_id and s.owner_org_id == view.org_id
        ),
        None,
    )
    if seat is None or not seat.minutes_approver:
        raise Forbidden("Only a designated minutes approver of the committee may sign them.")
    if meeting.status != "held":
        raise Conflict("status: minutes are signed once the meeting has been held")
    if meeting.minutes_state != "locked":
        raise Conflict(
            "minutes: the minutes are still a draft; the chair or an alliance manager locks "
            "them for signing first"
        )
    role = next(
        (r for r in ("committee_member", "alliance_manager") if r in view.roles),
        next(iter(sorted(view.roles)), ""),
    )
    signature = signatures.sign(
        session,
        view,
        settings=settings,
        object_type=MINUTES,
        object_id=meeting.id,
        object_version=data.minutes_version,
        current_version=meeting.minutes_version,
        content=minutes_content(session, view, meeting),
        password=data.password,
        printed_name=data.printed_name,
        meaning=data.meaning,
        role=role,
        expected_sha256=data.content_sha256,
    )
    announce(session, view, meeting)
    _tell_approvers(session, view, meeting)
    return signature


def _tell_approvers(session: Session, view: AllianceView, meeting: Meeting) -> None:
    """Tell the designated approvers of the parties that have not signed yet (in the app
    and by e-mail) that the minutes await their signature; when every party has signed,
    tell every approver that the minutes are approved."""
    state = signoff(session, view, meeting)
    signed, done = state.signed, state.complete
    link = meeting_link(meeting)
    for seat in committees.seats(session, view, [meeting.committee_id], active_only=True):
        if not seat.minutes_approver or seat.user_id == view.principal.user_id:
            continue
        if done:
            text = f"The minutes of {meeting.title} are signed by every party."
        elif seat.owner_org_id not in signed:
            text = f"The minutes of {meeting.title} await your party's signature."
        else:
            continue
        notify(
            session,
            user_id=seat.user_id,
            org_id=seat.owner_org_id,
            alliance_id=view.alliance_id,
            text=text,
            link=link,
            email=True,
        )


def minutes_doc(session: Session, view: AllianceView, meeting: Meeting) -> documents.MinutesDoc:
    """The minutes as a document: what was said, decided and assigned, and who signed."""
    names = member_names(session, view)
    parties = view.party_names
    committee = committees.get_committee(session, view, meeting.committee_id)
    found = records(session, view, meeting)
    agenda, decided, votes = found.agenda, found.decided, found.votes
    actions = sorted(found.actions, key=lambda a: (a.due_on, a.created_at))

    def vote_line(v: Vote) -> documents.VoteLine:
        return documents.VoteLine(
            body=committee.name,
            party=parties.get(v.party_org_id, ""),
            member=names.get(v.member_id, ""),
            choice=v.choice + (f" ({v.option})" if v.option else ""),
            at=v.cast_at,
        )

    doc_items = []
    for item in agenda:
        here = [d for d in decided if d.agenda_item_id == item.id]
        doc_items.append(
            documents.MinutesItem(
                number=item.position,
                kind=item.kind,
                title=item.title,
                notes=item.notes,
                decisions=tuple(
                    f"{d.reference} {d.question}: {meeting_result(view, d, votes)}" for d in here
                ),
                votes=tuple(vote_line(v) for v in votes if v.decision_id in {d.id for d in here}),
                actions=tuple(
                    f"{names.get(a.assignee_id, '')} ({parties.get(a.assignee_org_id, '')}): "
                    f"{a.title} — due {a.due_on.isoformat()}"
                    for a in actions
                    if a.agenda_item_id == item.id
                ),
            )
        )
    loose = [a for a in actions if a.agenda_item_id is None]
    if loose:
        doc_items.append(
            documents.MinutesItem(
                number=len(agenda) + 1,
                kind="information",
                title="Other action items",
                notes="",
                actions=tuple(
                    f"{names.get(a.assignee_id, '')} ({parties.get(a.assignee_org_id, '')}): "
                    f"{a.title} — due {a.due_on.isoformat()}"
                    for a in loose
                ),
            )
        )
    state = signoff(session, view, meeting, found)
    digest = state.content_sha256
    shown = signatures.manifestations(state.signatures, parties, digest)
    quorate = meetings_quorum(session, view, meeting)
    return documents.MinutesDoc(
        alliance=view.alliance.name,
        committee=committee.name,
        title=meeting.title,
        starts_at=meeting.starts_at,
        location=meeting.location,
        chair=names.get(meeting.chair_user_id, "") if meeting.chair_user_id else "",
        attendees=tuple(
            documents.Attendee(
                name=names.get(a.user_id, ""),
                party=parties.get(a.owner_org_id, ""),
                voting=a.voting,
                present=a.present,
            )
            for a in found.present
        ),
        quorum=quorate.explanation(parties),
        items=tuple(doc_items),
        version=meeting.minutes_version,
        content_sha256=digest,
        signatures=tuple(
            documents.SignatureLine(
                printed_name=m.printed_name,
                party=m.party,
                role=m.role,
                meaning=m.meaning,
                signed_at=m.signed_at,
                object_version=m.object_version,
                content_sha256=m.content_sha256,
                valid=m.valid and m.object_version == meeting.minutes_version,
                invalidated_at=m.invalidated_at,
            )
            for m in shown
        ),
        required_parties=tuple(
            parties[p.org_id] for p in view.alliance.parties if p.state == "accepted"
        ),
        generated_at=utcnow(),
    )


def minutes_pdf(session: Session, view: AllianceView, meeting: Meeting) -> bytes:
    """The minutes as a PDF that shows the signature manifestations."""
    return documents.minutes_pdf(minutes_doc(session, view, meeting))
