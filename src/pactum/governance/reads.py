"""Response bodies built from governance records (shared by the JSON routes of several
domains, e.g. a milestone dispute put to a committee)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from pactum.access import AllianceView
from pactum.governance.schemas import (
    DecisionRead,
    MinutesRead,
    PositionRead,
    SignatureRead,
    StepRead,
    VoteRead,
)
from pactum.governance.service import committees, decisions, due, minutes, progress
from pactum.models import Decision, Meeting
from pactum.signatures import service as signatures

REGISTER_HEADER = (
    "Reference",
    "Opened",
    "Committee",
    "Now before",
    "Domain",
    "Question",
    "Status",
    "Outcome",
    "Decided at (UTC)",
    "Rationale",
)


def decision_read(db: Session, view: AllianceView, decision: Decision) -> DecisionRead:
    """A decision as of now with its votes, history and positions (a step that fell due
    is in it at its due time, recorded by the scheduler or not)."""
    shown = due.as_of_one(db, view, decision)
    decision = shown.decision
    base = DecisionRead.model_validate(decision)
    base.votes = [VoteRead.model_validate(v) for v in progress.votes_of(db, view, [decision.id])]
    base.steps = [
        StepRead.model_validate(s)
        for s in [*progress.steps_of(db, view, decision.id), *shown.pending]
    ]
    base.positions = [
        PositionRead.model_validate(p) for p in decisions.positions_of(db, view, decision.id)
    ]
    return base


def register_rows(db: Session, view: AllianceView, rows: list[Decision]) -> list[list[Any]]:
    """Rows of the register export."""
    from_ids = {c.id: c.name for c in committees.list_committees(db, view)}
    return [
        [
            d.reference,
            d.opened_on,
            from_ids.get(d.committee_id, ""),
            from_ids.get(d.body_id, ""),
            d.domain,
            d.question,
            d.status,
            d.outcome,
            d.decided_at,
            d.rationale,
        ]
        for d in rows
    ]


def minutes_read(db: Session, view: AllianceView, meeting: Meeting) -> MinutesRead:
    """The minutes' version, hash, signatures and completeness."""
    state = minutes.signoff(db, view, meeting)
    shown = signatures.manifestations(state.signatures, view.party_names, state.content_sha256)
    return MinutesRead(
        meeting_id=meeting.id,
        minutes_version=meeting.minutes_version,
        state=meeting.minutes_state,
        content_sha256=state.content_sha256,
        signed=state.complete,
        awaiting=[view.party_names[p] for p in state.awaiting],
        signatures=[SignatureRead.model_validate(m, from_attributes=True) for m in shown],
    )
