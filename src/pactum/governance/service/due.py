"""What time makes due for a decision (TIME-1).

:func:`due_steps` says, from the pure rules, which steps have fallen due; the scheduler
records them (:func:`advance_all`) with the system as actor and each step's due time as
its effective time, and notifies the body then. A read never writes: pages, the API, the
register and the dossier show the state as of now (:func:`as_of`) from the same rules,
whether or not the scheduler has run, and a write that finds a due step not yet recorded
records it first (:func:`catch_up`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from pactum.access import AllianceView, system_scope
from pactum.core.time import utcnow
from pactum.governance import rules
from pactum.governance.service import committees
from pactum.governance.service.progress import (
    Ladder,
    apply_step,
    ladder_of,
    named,
    new_step,
    state_of,
    step_text,
    votes_of,
)
from pactum.models import Committee, Decision, DecisionStep, Vote


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
