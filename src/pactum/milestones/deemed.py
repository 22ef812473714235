"""Deemed acceptance (TIME-1): a claim not answered within the contract's notice period
stands confirmed. The scheduler records it when the period ends (:func:`deem_due`), with
the system as actor and the period's end as effective time, and tells both parties;
reads show it as of now whether or not the scheduler has run (:func:`as_of`), and a write
that finds it not yet recorded records it first (:func:`catch_up`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.audit.service import SCHEDULER, chain_for, record
from pactum.core.time import utcnow
from pactum.models import AllianceMember, MilestoneClaim
from pactum.notify.service import notify


def touch(claim: MilestoneClaim) -> None:
    """A change of the claim: a new version, now."""
    claim.version += 1
    claim.updated_at = utcnow()


_COLUMNS = [c.key for c in MilestoneClaim.__table__.columns]


def deemed_due(claim: MilestoneClaim, today: date | None = None) -> bool:
    """An unanswered claim whose notice period has ended (pure)."""
    return claim.status == "claimed" and (today or utcnow().date()) > claim.respond_by


def deemed_at(claim: MilestoneClaim) -> datetime:
    """When an unanswered claim is deemed accepted: the start of the day after its
    notice period (UTC)."""
    day = claim.respond_by + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def as_of(claim: MilestoneClaim) -> MilestoneClaim:
    """The claim as of now: a copy (never added to a session) showing the deemed
    acceptance when the notice period has ended and it is not recorded yet."""
    if not deemed_due(claim):
        return claim
    copy = MilestoneClaim(**{key: getattr(claim, key) for key in _COLUMNS})
    _deem(copy)
    return copy


def deemed_accepted(claim: MilestoneClaim) -> bool:
    """Whether the claim stands confirmed because its notice period ended unanswered."""
    return claim.deemed or deemed_due(claim)


def _deem(claim: MilestoneClaim) -> None:
    claim.status = "confirmed"
    claim.deemed = True
    claim.confirmed_by_id = None
    claim.confirmed_at = deemed_at(claim)
    touch(claim)
    claim.updated_at = claim.confirmed_at


def _record_deemed(session: Session, claim: MilestoneClaim) -> None:
    """Record a due deemed acceptance as the system's, at its due time, and tell the
    alliance managers and finance people of both parties."""
    _deem(claim)
    session.flush()
    record(
        session,
        actor=SCHEDULER,
        action="milestone.deemed_accepted",
        object_type="milestone_claim",
        object_id=claim.id,
        chain=chain_for(claim.alliance_id, claim.visibility, claim.owner_org_id),
        alliance_id=claim.alliance_id,
        old={"status": "claimed"},
        new={"status": "confirmed", "deemed": True, "effective_at": claim.confirmed_at},
    )
    people = session.execute(
        system_scope(
            select(AllianceMember).where(
                AllianceMember.alliance_id == claim.alliance_id,
                AllianceMember.role.in_(("alliance_manager", "finance")),
                AllianceMember.org_id.in_((claim.owner_org_id, claim.payer_org_id)),
            )
        )
    ).scalars()
    for person in people:
        notify(
            session,
            user_id=person.user_id,
            org_id=person.org_id,
            alliance_id=claim.alliance_id,
            text=f"Milestone “{claim.milestone}” is deemed accepted: the notice period ended "
            f"on {claim.respond_by.isoformat()} without an answer.",
            link=f"/alliances/{claim.alliance_id}/milestones/{claim.id}",
            email=True,
        )


def catch_up(session: Session, claim: MilestoneClaim) -> MilestoneClaim:
    """Before a write acts on a claim (its row locked): record a deemed acceptance that
    fell due and the scheduler has not recorded yet."""
    if deemed_due(claim):
        _record_deemed(session, claim)
    return claim


def deem_due(session: Session) -> int:
    """Record every deemed acceptance that fell due (the scheduler's job)."""
    due = list(
        session.execute(
            system_scope(
                select(MilestoneClaim)
                .where(
                    MilestoneClaim.status == "claimed",
                    MilestoneClaim.respond_by < utcnow().date(),
                )
                .order_by(MilestoneClaim.respond_by, MilestoneClaim.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).scalars()
    )
    for claim in due:
        _record_deemed(session, claim)
    return len(due)
