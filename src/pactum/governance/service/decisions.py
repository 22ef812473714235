"""Decisions: a proposal is put to a committee (in a meeting, or in writing by a deadline);
each party votes once through one of its voting members; unanimity approves it, a "no" or
a deadline passing deadlocks it; a deadlocked matter climbs the charter's ladder when the
rung's business-day clock runs out, and after the last rung the final-say party decides
or the matter goes to arbitration.

The rules themselves are :mod:`pactum.governance.rules` (pure functions); this module
stores their states, records every step, and is the one place that moves a decision on,
so the pages, the API and ``pactum tick`` (:func:`advance_all`) agree.
"""

from __future__ import annotations

import uuid

from sqlalchemy import String, cast, func
from sqlalchemy.orm import Session

from pactum.access import AllianceView, get_scoped, lock_alliance, scoped
from pactum.access.records import audit_record
from pactum.core.errors import Conflict, Forbidden, ValidationFailed
from pactum.core.time import utcnow
from pactum.core.updates import check_version
from pactum.governance import rules
from pactum.governance.schemas import DecisionCreate, FinalSayIn, PositionIn, VoteCreate
from pactum.governance.service import committees, due, meetings, progress
from pactum.models import (
    AgendaItem,
    Decision,
    Meeting,
    Position,
    Vote,
)

ESCALATED = ("deadlocked", "final_say", "arbitration")


def get_decision(
    session: Session, view: AllianceView, decision_id: uuid.UUID, *, lock: bool = False
) -> Decision:
    """One decision, or 404."""
    return get_scoped(session, view, Decision, decision_id, lock=lock)


def by_subject(
    session: Session, view: AllianceView, subject_type: str, subject_ids: list[uuid.UUID]
) -> list[Decision]:
    """Decisions raised on these subjects (e.g. disputes), oldest first."""
    stmt = (
        scoped(view, Decision)
        .where(Decision.subject_type == subject_type, Decision.subject_id.in_(subject_ids))
        .order_by(Decision.created_at)
    )
    return list(session.execute(stmt).scalars())


def positions_of(session: Session, view: AllianceView, decision_id: uuid.UUID) -> list[Position]:
    """Each party's stated position on the matter."""
    stmt = (
        scoped(view, Position)
        .where(Position.decision_id == decision_id)
        .order_by(Position.updated_at)
    )
    return list(session.execute(stmt).scalars())


def _next_reference(session: Session, view: AllianceView, year: int) -> str:
    lock_alliance(session, view)  # two proposals at once number one after the other
    prefix = f"DEC-{year}-"
    count = session.execute(
        scoped(view, Decision)
        .where(cast(Decision.reference, String).like(f"{prefix}%"))
        .with_only_columns(func.count(Decision.id))
    ).scalar_one()
    return f"{prefix}{int(count) + 1:04d}"


def propose(
    session: Session,
    view: AllianceView,
    data: DecisionCreate,
    *,
    subject: tuple[str, uuid.UUID] | None = None,
    permission: str = "decisions.propose",
) -> Decision:
    """Put a matter to a committee (``decisions.propose``): voted in the meeting of
    ``agenda_item_id`` (a decision item), or in writing by ``deadline``. A domain that
    raises a matter about its own record (``subject``) names the ``permission`` it needs."""
    view.require(permission)
    committee = committees.get_committee(session, view, data.committee_id)
    today = utcnow().date()
    meeting_id = None
    if data.agenda_item_id is not None:
        item = get_scoped(session, view, AgendaItem, data.agenda_item_id)
        meeting = meetings.get_meeting(session, view, item.meeting_id, lock=True)  # vs cancel
        if item.kind != "decision":
            raise ValidationFailed("agenda_item_id", "only a decision item is voted")
        if meeting.committee_id != committee.id:
            raise ValidationFailed("agenda_item_id", "is an item of another committee's meeting")
        if meeting.status == "cancelled":
            raise Conflict("agenda_item_id: the meeting was cancelled")
        meetings.check_minutes_open(meeting)  # the matter would enter signed minutes
        meeting_id = meeting.id
    chain = committees.ladder(session, view, committee)
    charter = committees.charter_for(session, view, committee, committee, chain)
    try:
        state = rules.propose(
            charter, data.domain, data.question, today, data.deadline, tuple(data.options)
        )
    except rules.RuleError as exc:
        raise ValidationFailed(exc.field, exc.rule) from exc
    decision = Decision(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        reference=_next_reference(session, view, today.year),
        committee_id=committee.id,
        body_id=committee.id,
        meeting_id=meeting_id,
        agenda_item_id=data.agenda_item_id,
        subject_type=subject[0] if subject else "",
        subject_id=subject[1] if subject else None,
        domain=state.domain,
        question=state.question,
        background=data.background,
        options=list(state.options),
        status="open",
        rung=0,
        ladder=[str(c.id) for c in chain],
        opened_on=today,
        deadline=state.deadline,
        proposed_by_id=view.principal.user_id,
    )
    session.add(decision)
    session.flush()
    progress.add_step(
        session,
        decision,
        on_day=today,
        text=f"Proposed to {committee.name}; to be decided by {state.deadline.isoformat()}"
        + (" in the meeting." if meeting_id else " in writing."),
        actor_id=view.principal.user_id,
    )
    session.flush()
    audit_record(
        session,
        view,
        decision,
        "decision",
        "decision.propose",
        new={
            "reference": decision.reference,
            "committee_id": committee.id,
            "domain": decision.domain,
            "question": decision.question,
            "options": decision.options,
            "deadline": decision.deadline,
            "meeting_id": meeting_id,
        },
    )
    progress.publish_decision(session, decision)
    progress.tell_body(session, decision, progress.Ladder(committee, chain), "put to the vote")
    if data.agenda_item_id is not None:
        meetings.minutes_changed(session, view, meeting, "a matter was put to the meeting")
    return decision


def locked_for_write(session: Session, view: AllianceView, decision_id: uuid.UUID) -> Decision:
    """A decision about to be acted on: its row locked, then the rows its step may change
    (its meeting, its subject, e.g. a disputed claim) locked too, before anything is
    written or audited: one lock order for every write, so two never wait on each other
    in a cycle. Then any step that fell due is recorded first."""
    decision = get_decision(session, view, decision_id, lock=True)
    if decision.meeting_id is not None:
        meetings.get_meeting(session, view, decision.meeting_id, lock=True)
    subject = progress.BEFORE_DECIDING.get(decision.subject_type)
    if subject is not None:
        subject(session, view, decision)
    due.catch_up(session, view, decision)
    return decision


def cast_vote(
    session: Session, view: AllianceView, decision_id: uuid.UUID, data: VoteCreate
) -> Vote:
    """Cast our party's vote as one of its voting members of the body now deciding."""
    decision = locked_for_write(session, view, decision_id)
    ladder = progress.ladder_of(session, view, decision)
    charter = progress.charter(session, view, ladder, decision.rung)
    me = str(view.principal.user_id)
    if charter.voting_members.get(me) != str(view.org_id):
        raise Forbidden(
            f"Only a voting member of {ladder.body(decision.rung).name} may vote for your party."
        )
    present = None
    waived = False
    meeting: Meeting | None = None
    if decision.meeting_id is not None and decision.rung == 0:
        meeting = meetings.get_meeting(session, view, decision.meeting_id)
        meetings.check_started(meeting, "votes in the meeting are cast")
        meetings.check_minutes_open(meeting)
        present = meetings.present_voters(session, view, meeting)
        waived = meetings.quorum(session, view, meeting).waived
    votes = progress.votes_of(session, view, [decision.id])
    before = progress.state_of(decision, votes)
    today = utcnow().date()
    try:
        after = rules.vote(
            charter,
            before,
            me,
            data.choice,
            today=today,
            present=present,
            option=data.option,
            quorum_waived=waived,
        )
    except rules.RuleError as exc:
        if exc.field in ("status", "member", "deadline", "quorum"):
            raise Conflict(f"{exc.field}: {exc.rule}") from exc
        raise ValidationFailed(exc.field, exc.rule) from exc
    vote = Vote(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        decision_id=decision.id,
        rung=decision.rung,
        body_id=decision.body_id,
        meeting_id=meeting.id if meeting else None,
        party_org_id=view.org_id,
        member_id=view.principal.user_id,
        choice=data.choice,
        option=data.option,
        comment=data.comment,
    )
    session.add(vote)
    session.flush()
    audit_record(
        session,
        view,
        vote,
        "vote",
        "decision.vote",
        new={
            "decision_id": decision.id,
            "rung": vote.rung,
            "choice": vote.choice,
            "option": vote.option,
            "meeting_id": vote.meeting_id,
        },
    )
    if after == before or (after.status == "open" and after.rung == before.rung):
        decision.version += 1
        decision.updated_at = utcnow()
        session.flush()
        progress.publish_decision(session, decision)
    else:
        progress.apply_step(
            session,
            view,
            decision,
            ladder,
            before,
            after,
            on_day=today,
            actor_id=view.principal.user_id,
        )
    if meeting is not None:
        meetings.minutes_changed(session, view, meeting, "a vote was recorded in the meeting")
    return vote


def decide_final_say(
    session: Session, view: AllianceView, decision_id: uuid.UUID, data: FinalSayIn
) -> Decision:
    """The final-say party decides a matter the ladder could not, with its rationale."""
    decision = locked_for_write(session, view, decision_id)
    ladder = progress.ladder_of(session, view, decision)
    if decision.status != "final_say":
        raise Conflict(f"status: the decision is {decision.status}, not at the final-say step")
    party = ladder.origin.final_say.get(decision.domain)
    if party != str(view.org_id):
        raise Forbidden(f"Your party has no final say over {decision.domain}.")
    deciders = {
        str(s.user_id)
        for s in committees.seats(session, view, [b.id for b in ladder.bodies], active_only=True)
        if s.voting and s.owner_org_id == view.org_id
    }
    if str(view.principal.user_id) not in deciders and "alliance_manager" not in view.roles:
        raise Forbidden(
            "Only your party's alliance manager or one of its voting members decides here."
        )
    charter = rules.Charter(
        parties=(party,),
        voting_members={str(view.principal.user_id): party},
        final_say=dict(ladder.origin.final_say),
    )
    before = progress.state_of(decision, [])
    try:
        after = rules.decide_final_say(
            charter, before, str(view.principal.user_id), data.choice, data.option
        )
    except rules.RuleError as exc:
        raise ValidationFailed(exc.field, exc.rule) from exc
    decision.rationale = data.rationale
    progress.apply_step(
        session,
        view,
        decision,
        ladder,
        before,
        after,
        on_day=utcnow().date(),
        actor_id=view.principal.user_id,
    )
    audit_record(
        session,
        view,
        decision,
        "decision",
        "decision.final_say",
        new={
            "choice": data.choice,
            "option": data.option,
            "rationale": data.rationale,
            "outcome": decision.outcome,
        },
    )
    return decision


def set_rationale(
    session: Session,
    view: AllianceView,
    decision_id: uuid.UUID,
    rationale: str,
    *,
    expected_version: int | None,
) -> Decision:
    """Record the rationale of a decided matter in the register (If-Match)."""
    view.require("decisions.propose")
    decision = locked_for_write(session, view, decision_id)
    check_version(expected_version, decision.version)
    if decision.status not in ("approved", "rejected", "arbitration"):
        raise Conflict("status: the rationale is recorded once the matter is decided")
    old = {"rationale": decision.rationale}
    decision.rationale = rationale
    decision.version += 1
    decision.updated_at = utcnow()
    session.flush()
    audit_record(
        session,
        view,
        decision,
        "decision",
        "decision.rationale",
        old=old,
        new={"rationale": rationale},
    )
    progress.publish_decision(session, decision)
    return decision


def withdraw(
    session: Session, view: AllianceView, decision_id: uuid.UUID, *, expected_version: int | None
) -> Decision:
    """The proposing party's alliance manager withdraws an undecided matter."""
    decision = locked_for_write(session, view, decision_id)
    check_version(expected_version, decision.version)
    if decision.owner_org_id != view.org_id or "alliance_manager" not in view.roles:
        raise Forbidden("Only the proposing party's alliance manager may withdraw it.")
    if decision.status not in ("open", "deadlocked"):
        raise Conflict(f"status: a {decision.status} decision cannot be withdrawn")
    old = decision.status
    decision.status = "withdrawn"
    decision.escalate_on = None
    decision.version += 1
    decision.updated_at = utcnow()
    progress.add_step(
        session,
        decision,
        on_day=utcnow().date(),
        text="Withdrawn by the proposing party.",
        actor_id=view.principal.user_id,
    )
    session.flush()
    audit_record(
        session,
        view,
        decision,
        "decision",
        "decision.withdraw",
        old={"status": old},
        new={"status": "withdrawn"},
    )
    progress.publish_decision(session, decision)
    return decision


def state_position(
    session: Session, view: AllianceView, decision_id: uuid.UUID, data: PositionIn
) -> Position:
    """State (or restate) our party's position on an escalated matter (for the dossier)."""
    view.require("decisions.position")
    decision = locked_for_write(session, view, decision_id)
    if decision.status not in ESCALATED and decision.rung == 0 and not decision.subject_type:
        raise Conflict("status: positions are stated once a matter is deadlocked or escalated")
    existing = next(
        (p for p in positions_of(session, view, decision.id) if p.owner_org_id == view.org_id),
        None,
    )
    if existing is None:
        position = Position(
            alliance_id=view.alliance_id,
            owner_org_id=view.org_id,
            visibility="shared",
            decision_id=decision.id,
            text=data.text,
            author_id=view.principal.user_id,
        )
        session.add(position)
        old = None
    elif existing.text == data.text:
        return existing  # restated as it stands: nothing changes (PUT is idempotent)
    else:
        position, old = existing, {"text": existing.text}
        position.text = data.text
        position.author_id = view.principal.user_id
        position.version += 1
        position.updated_at = utcnow()
    session.flush()
    audit_record(
        session,
        view,
        position,
        "position",
        "decision.position",
        old=old,
        new={"decision_id": decision.id, "text": data.text},
    )
    progress.publish_decision(session, decision)
    return position
