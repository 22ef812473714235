"""How a decision moves on: its ladder, the rules state stored in the database, every
step recorded in its history (and the audit trail), the deciding body notified, waiting
pages told.

Time moves a decision by itself (TIME-1): :func:`due_steps` says, from the pure rules,
which steps have fallen due; the scheduler records them (:func:`advance_all`) with the
system as actor and each step's due time as its effective time, and notifies the body
then. A read never writes: pages, the API, the register and the dossier show the state
as of now (:func:`as_of`) from the same rules, whether or not the scheduler has run, and
a write that finds a due step not yet recorded records it first (:func:`catch_up`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, joinedload

from pactum.access import AllianceView, scoped, system_scope
from pactum.audit.service import SCHEDULER, record, shared_chain
from pactum.core.time import utcnow
from pactum.governance import rules
from pactum.governance.service import committees
from pactum.live.bus import publish
from pactum.models import (
    AllianceParty,
    Committee,
    CommitteeMember,
    Decision,
    DecisionStep,
    Vote,
)
from pactum.notify.service import notify


def votes_of(session: Session, view: AllianceView, decision_ids: list[uuid.UUID]) -> list[Vote]:
    """The votes on these decisions, every rung, in the order cast."""
    stmt = (
        scoped(view, Vote)
        .where(Vote.decision_id.in_(decision_ids))
        .order_by(Vote.rung, Vote.cast_at, Vote.id)
    )
    return list(session.execute(stmt).scalars())


def steps_of(session: Session, view: AllianceView, decision_id: uuid.UUID) -> list[DecisionStep]:
    """A decision's history, oldest first."""
    stmt = (
        scoped(view, DecisionStep)
        .where(DecisionStep.decision_id == decision_id)
        .order_by(DecisionStep.seq, DecisionStep.at)
    )
    return list(session.execute(stmt).scalars())


# What a decided matter does to its subject, by subject type (e.g. a milestone dispute
# resolved by the committee's decision); registered by the domain that owns the subject,
# which sits above governance and may import it. Runs in the deciding transaction.
DecidedHandler = Callable[[Session, AllianceView, Decision], None]
ON_DECIDED: dict[str, DecidedHandler] = {}
# ... and what locks the subject's rows before a write on the decision (so the decision's
# step can change them without taking a lock after the audit trail's).
BEFORE_DECIDING: dict[str, DecidedHandler] = {}


@dataclass(frozen=True)
class Ladder:
    """A decision's ladder: the body at each rung, and the rules for the current one."""

    origin: Committee
    bodies: list[Committee]

    def body(self, rung: int) -> Committee:
        """The body deciding at ``rung``."""
        return self.bodies[min(rung, len(self.bodies) - 1)]


def ladder_of(
    session: Session,
    view: AllianceView,
    decision: Decision,
    by_id: dict[uuid.UUID, Committee] | None = None,
) -> Ladder:
    """The ladder stored with the decision when it was raised (``by_id``: the alliance's
    committees, when the caller already has them)."""
    if by_id is None:
        by_id = {c.id: c for c in committees.list_committees(session, view)}
    bodies = [by_id[uuid.UUID(i)] for i in decision.ladder if uuid.UUID(i) in by_id]
    origin = by_id[decision.committee_id]
    return Ladder(origin, bodies or [origin])


def charter(session: Session, view: AllianceView, ladder: Ladder, rung: int) -> rules.Charter:
    return committees.charter_for(session, view, ladder.origin, ladder.body(rung), ladder.bodies)


def state_of(decision: Decision, votes: list[Vote]) -> rules.Decision:
    here = [v for v in votes if v.rung == decision.rung]
    return rules.Decision(
        domain=decision.domain,
        question=decision.question,
        opened=decision.opened_on,
        deadline=decision.deadline,
        rung=decision.rung,
        status=decision.status,  # type: ignore[arg-type]
        votes={str(v.party_org_id): (str(v.member_id), v.choice) for v in here},  # type: ignore[misc]
        escalate_on=decision.escalate_on,
        outcome=decision.outcome,
        options=tuple(decision.options),
        picks={str(v.party_org_id): v.option for v in here if v.option},
    )


def step_text(ladder: Ladder, before: rules.Decision, after: rules.Decision) -> str:
    body = ladder.body(after.rung).name
    if after.status == "approved":
        return f"Approved ({after.outcome})."
    if after.status == "rejected":
        return f"Rejected ({after.outcome})."
    if after.status == "deadlocked":
        why = (
            "the voting deadline passed"
            if before.status == "open" and len(before.votes) == len(after.votes)
            else "the parties did not agree"
        )
        return (
            f"Deadlocked in {body}: {why}. It escalates on "
            f"{after.escalate_on.isoformat() if after.escalate_on else '?'} unless resolved."
        )
    if after.status == "open" and after.rung > before.rung:
        return f"Escalated to {body}; to be decided by {after.deadline.isoformat()}."
    if after.status == "final_say":
        return f"The ladder is exhausted: {after.outcome}."
    if after.status == "arbitration":
        return "The ladder is exhausted and no party has final say: referred to arbitration."
    return f"Now {after.status}."


def apply_step(
    session: Session,
    view: AllianceView | None,
    decision: Decision,
    ladder: Ladder,
    before: rules.Decision,
    after: rules.Decision,
    *,
    on_day: date,
    actor_id: uuid.UUID | None,
    effective_at: datetime | None = None,
) -> None:
    """Store a new rules state and record the step (in the shared history and audit).

    A step someone's action caused (a vote, a final say) is theirs; a step that time
    made (``effective_at``: a missed deadline, an escalation date) is the system's,
    recorded at its due time, with the time it was processed beside it.
    """
    if after == before:
        return
    decision.status = after.status
    decision.rung = after.rung
    decision.deadline = after.deadline
    decision.escalate_on = after.escalate_on
    names = party_names(session, view, decision.alliance_id)
    decision.outcome = named(after.outcome, names)
    decision.body_id = ladder.body(after.rung).id
    if after.status in ("approved", "rejected"):
        decision.decided_at = utcnow()
        decision.chosen_option = next(iter(after.picks.values()), "")
    decision.version += 1
    decision.updated_at = utcnow()
    text = named(step_text(ladder, before, after), names)
    timed = effective_at is not None
    record(
        session,
        actor=SCHEDULER if timed or view is None else view.principal.actor,
        action="decision.step",
        object_type="decision",
        object_id=decision.id,
        chain=shared_chain(decision.alliance_id),
        alliance_id=decision.alliance_id,
        old={"status": before.status, "rung": before.rung},
        new={
            "status": after.status,
            "rung": after.rung,
            "outcome": after.outcome,
            "deadline": after.deadline,
            "escalate_on": after.escalate_on,
            **({"effective_at": effective_at} if timed else {}),
        },
    )
    add_step(
        session,
        decision,
        on_day=on_day,
        text=text,
        actor_id=None if timed else actor_id,
        at=effective_at,
    )
    session.flush()
    publish_decision(session, decision)
    tell_body(session, decision, ladder, text)
    handler = ON_DECIDED.get(decision.subject_type)
    if handler is not None and view is not None and after.status in ("approved", "rejected"):
        handler(session, view, decision)


def add_step(
    session: Session,
    decision: Decision,
    *,
    on_day: date,
    text: str,
    actor_id: uuid.UUID | None,
    at: datetime | None = None,
) -> None:
    """Record where the decision now stands (status, rung, body) in its shared history;
    ``seq`` is its version, which orders the steps of one instant; ``at`` is when it took
    effect (now, unless time made it: then its due time), ``recorded_at`` when it was
    written."""
    session.add(new_step(decision, on_day=on_day, text=text, actor_id=actor_id, at=at or utcnow()))


def new_step(
    decision: Decision, *, on_day: date, text: str, actor_id: uuid.UUID | None, at: datetime
) -> DecisionStep:
    """A history row for where the decision now stands (not added to any session)."""
    return DecisionStep(
        alliance_id=decision.alliance_id,
        owner_org_id=decision.owner_org_id,
        visibility="shared",
        decision_id=decision.id,
        seq=decision.version,
        at=at,
        recorded_at=utcnow(),
        on_day=on_day,
        rung=decision.rung,
        body_id=decision.body_id,
        status=decision.status,
        text=text,
        actor_id=actor_id,
    )


def party_names(
    session: Session, view: AllianceView | None, alliance_id: uuid.UUID
) -> dict[str, str]:
    """Organisation id (as text) -> name of each party of the alliance."""
    if view is not None:
        return {str(k): v for k, v in view.party_names.items()}
    parties = session.execute(
        system_scope(
            select(AllianceParty)
            .where(AllianceParty.alliance_id == alliance_id)
            .options(joinedload(AllianceParty.org))
        )
    ).scalars()
    return {str(p.org_id): p.org.name for p in parties}


def named(text: str, names: dict[str, str]) -> str:
    """``text`` with the rules' party ids replaced by the parties' names."""
    for org_id, name in names.items():
        text = text.replace(org_id, name)
    return text


def publish_decision(session: Session, decision: Decision) -> None:
    """Tell waiting pages (both parties: decisions are shared) that the decision moved."""
    publish(
        session,
        alliance_id=decision.alliance_id,
        visibility="shared",
        owner_org_id=decision.owner_org_id,
        kind="decision",
        object_id=decision.id,
        version=decision.version,
    )


def tell_body(session: Session, decision: Decision, ladder: Ladder, text: str) -> None:
    """Notify the voting members of the body now deciding (both parties: a shared matter),
    in the app and, through the outbox, by e-mail."""
    body = ladder.body(decision.rung)
    seated = session.execute(
        system_scope(
            select(CommitteeMember).where(
                CommitteeMember.committee_id == body.id,
                CommitteeMember.active.is_(True),
                CommitteeMember.voting.is_(True),
            )
        )
    ).scalars()
    for seat in seated:
        notify(
            session,
            user_id=seat.user_id,
            org_id=seat.owner_org_id,
            alliance_id=decision.alliance_id,
            text=f"{decision.reference}: {decision.question} — {text}",
            link=f"/alliances/{decision.alliance_id}/decisions/{decision.id}",
            email=True,
        )


def start_of(day: date) -> datetime:
    """The first instant (UTC) of a day: when a date-based clock takes effect."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True)
class DueStep:
    """A step time made due (the pure rules' answer): the state before and after, the
    day it counts on and the instant it took effect."""

    before: rules.Decision
    after: rules.Decision
    on_day: date
    effective_at: datetime


def _clock_charter(ladder: Ladder) -> rules.Charter:
    return rules.Charter(
        parties=("_",),
        voting_members={},
        ladder=tuple(rules.Rung(b.name, b.decision_days) for b in ladder.bodies),
        final_say=dict(ladder.origin.final_say),
        holidays=committees.holidays(ladder.origin),
    )


def due_steps(ladder: Ladder, state: rules.Decision, today: date) -> list[DueStep]:
    """Every step due by ``today``, in order (pure: nothing is read or written).

    A missed voting deadline deadlocks the matter at the end of the deadline's day; an
    escalation happens at the start of its escalation date.
    """
    charter = _clock_charter(ladder)
    found = []
    while state.status in ("open", "deadlocked"):
        nxt = rules.step(charter, state, today)
        if nxt == state:
            break
        if state.status == "open":
            on_day, effective = state.deadline, start_of(state.deadline + timedelta(days=1))
        else:
            day = state.escalate_on or today
            on_day, effective = day, start_of(day)
        found.append(DueStep(state, nxt, on_day, effective))
        state = nxt
    return found


def advance(
    session: Session,
    decision: Decision,
    today: date,
    *,
    ladder: Ladder,
    votes: list[Vote],
    view: AllianceView | None = None,
) -> Decision:
    """Record every step due by ``today`` (deadline expiry, escalation) as the system's,
    each at its due time: the scheduler does this when they fall due, and a write that
    finds one not yet recorded does it first."""
    for due in due_steps(ladder, state_of(decision, votes), today):
        apply_step(
            session,
            view,
            decision,
            ladder,
            due.before,
            due.after,
            on_day=due.on_day,
            actor_id=None,
            effective_at=due.effective_at,
        )
    return decision


def is_due(decision: Decision, today: date) -> bool:
    """Whether a step is due: an open matter past its deadline, or a deadlocked one whose
    escalation date has come."""
    if decision.status == "open":
        return today > decision.deadline
    if decision.status == "deadlocked":
        return decision.escalate_on is not None and today >= decision.escalate_on
    return False


def due_clause(today: date) -> ColumnElement[bool]:
    """SQL for :func:`is_due` (for lists that must show the state as of now)."""
    return or_(
        and_(Decision.status == "open", Decision.deadline < today),
        and_(Decision.status == "deadlocked", Decision.escalate_on <= today),
    )


def catch_up(session: Session, view: AllianceView, decision: Decision) -> Decision:
    """Before a write acts on a decision: record, as the system's, any step that fell due
    and the scheduler has not recorded yet (the row is locked by the caller)."""
    today = utcnow().date()
    if is_due(decision, today):
        votes = votes_of(session, view, [decision.id])
        ladder = ladder_of(session, view, decision)
        advance(session, decision, today, ladder=ladder, votes=votes, view=view)
    return decision


@dataclass(frozen=True)
class AsOf:
    """A decision as of now, for reading: the stored row when nothing is due, else a
    copy (never added to the session) with the due steps applied, and those steps as
    history rows not yet recorded."""

    decision: Decision
    pending: tuple[DecisionStep, ...] = ()


_COLUMNS = [c.key for c in Decision.__table__.columns]


def _projected(
    decision: Decision, ladder: Ladder, votes: list[Vote], today: date, names: dict[str, str]
) -> AsOf:
    steps = due_steps(ladder, state_of(decision, votes), today)
    if not steps:
        return AsOf(decision)
    copy = Decision(**{key: getattr(decision, key) for key in _COLUMNS})
    pending = []
    for due in steps:
        copy.status = due.after.status
        copy.rung = due.after.rung
        copy.deadline = due.after.deadline
        copy.escalate_on = due.after.escalate_on
        copy.outcome = named(due.after.outcome, names)
        copy.body_id = ladder.body(due.after.rung).id
        copy.version += 1  # as recording the step will: the ETag a later write sends
        text = named(step_text(ladder, due.before, due.after), names)
        step = new_step(copy, on_day=due.on_day, text=text, actor_id=None, at=due.effective_at)
        step.recorded_at = None  # type: ignore[assignment]  # due, not written down yet
        pending.append(step)
    return AsOf(copy, tuple(pending))


def as_of(session: Session, view: AllianceView, decisions: list[Decision]) -> list[AsOf]:
    """These decisions as of now, computed from the same pure rules the scheduler applies
    (a read never writes: whether or not the scheduler has run, pages, API, lists and
    exports show the same state). Only the due ones cost queries, all at once."""
    today = utcnow().date()
    due = [d for d in decisions if is_due(d, today)]
    if not due:
        return [AsOf(d) for d in decisions]
    by_id = {c.id: c for c in committees.list_committees(session, view)}
    votes = votes_of(session, view, [d.id for d in due])
    names = {str(k): v for k, v in view.party_names.items()}
    shown = {
        d.id: _projected(
            d,
            ladder_of(session, view, d, by_id),
            [v for v in votes if v.decision_id == d.id],
            today,
            names,
        )
        for d in due
    }
    return [shown.get(d.id, AsOf(d)) for d in decisions]


def as_of_one(session: Session, view: AllianceView, decision: Decision) -> AsOf:
    """One decision as of now (see :func:`as_of`)."""
    return as_of(session, view, [decision])[0]


def advance_all(session: Session, today: date) -> int:
    """Record every step due by ``today`` for every undecided decision of every alliance
    (the scheduler); returns how many decisions moved. Idempotent: a second run on the
    same day changes nothing."""
    pending = list(
        session.execute(
            system_scope(
                select(Decision)
                .where(due_clause(today))
                .order_by(Decision.alliance_id, Decision.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).scalars()
    )
    changed = 0
    for decision in pending:
        bodies = {
            c.id: c
            for c in session.execute(
                system_scope(select(Committee).where(Committee.alliance_id == decision.alliance_id))
            ).scalars()
        }
        chain = [bodies[uuid.UUID(i)] for i in decision.ladder if uuid.UUID(i) in bodies]
        ladder = Ladder(bodies[decision.committee_id], chain or [bodies[decision.committee_id]])
        votes = list(
            session.execute(
                system_scope(select(Vote).where(Vote.decision_id == decision.id))
            ).scalars()
        )
        before = decision.version
        advance(session, decision, today, ladder=ladder, votes=votes)
        changed += decision.version != before
    return changed
