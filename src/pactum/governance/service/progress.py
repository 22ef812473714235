"""How a decision moves on: its ladder, the rules state stored in the database, every
step recorded in its history (and the audit trail), the deciding body notified, waiting
pages told. What time makes due is in :mod:`pactum.governance.service.due`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
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
