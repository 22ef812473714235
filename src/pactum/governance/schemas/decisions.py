"""Schemas for decisions, votes, positions, the register and action items."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from pactum.core.schemas import Input, LongText, Output
from pactum.governance.schemas.common import (
    Choice,
    Domain,
    Option,
    Text,
)


class DecisionCreate(Input):
    """Put a matter to a committee: in a meeting (``agenda_item_id``) or in writing."""

    committee_id: uuid.UUID
    domain: Domain
    question: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    background: LongText = ""
    options: list[Option] = Field(default_factory=list, max_length=10)
    deadline: date
    agenda_item_id: uuid.UUID | None = None


class VoteCreate(Input):
    """Your party's vote, cast by you as one of its voting members."""

    choice: Choice
    option: Annotated[str, StringConstraints(max_length=200)] = ""
    comment: LongText = ""


class FinalSayIn(Input):
    """The final-say party's decision."""

    choice: Literal["yes", "no"]
    option: Annotated[str, StringConstraints(max_length=200)] = ""
    rationale: Text


class RationaleIn(Input):
    """The rationale recorded in the decision register."""

    rationale: Text


class PositionIn(Input):
    """Your party's stated position on an escalated matter (goes in the dossier)."""

    text: Text


class VoteRead(Output):
    """A vote."""

    id: uuid.UUID
    rung: int
    body_id: uuid.UUID
    meeting_id: uuid.UUID | None
    party_org_id: uuid.UUID
    member_id: uuid.UUID
    choice: str
    option: str
    comment: str
    cast_at: datetime


class StepRead(Output):
    """A step of a decision's history: ``at`` is when it took effect (for a step time
    made, its due time: ``actor_id`` is then empty, the system's), ``recorded_at`` when
    it was written down (empty: due, not recorded yet)."""

    at: datetime
    recorded_at: datetime | None = None
    on_day: date
    rung: int
    body_id: uuid.UUID | None
    status: str
    text: str
    actor_id: uuid.UUID | None


class PositionRead(Output):
    """A party's position."""

    id: uuid.UUID
    owner_org_id: uuid.UUID
    text: str
    author_id: uuid.UUID
    version: int
    updated_at: datetime


class DecisionRead(Output):
    """A decision, where it stands, and (in detail) its votes, history and positions."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    reference: str
    committee_id: uuid.UUID
    body_id: uuid.UUID
    meeting_id: uuid.UUID | None
    agenda_item_id: uuid.UUID | None
    subject_type: str
    subject_id: uuid.UUID | None
    domain: str
    question: str
    background: str
    options: list[str]
    status: str
    rung: int
    opened_on: date
    deadline: date
    escalate_on: date | None
    outcome: str
    chosen_option: str
    rationale: str
    decided_at: datetime | None
    proposed_by_id: uuid.UUID
    owner_org_id: uuid.UUID
    version: int
    votes: list[VoteRead] = Field(default_factory=list)
    steps: list[StepRead] = Field(default_factory=list)
    positions: list[PositionRead] = Field(default_factory=list)


class DecisionPage(Output):
    """One page of the decision register."""

    items: list[DecisionRead]
    total: int
    page: int
    per_page: int


class ActionCreate(Input):
    """An action item for a person of either party."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    assignee_id: uuid.UUID
    due_on: date
    meeting_id: uuid.UUID | None = None
    agenda_item_id: uuid.UUID | None = None
    decision_id: uuid.UUID | None = None


class ActionUpdate(Input):
    """Change an action item (every field optional)."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    assignee_id: uuid.UUID | None = None
    due_on: date | None = None
    status: Literal["open", "done", "cancelled"] | None = None


class ActionRead(Output):
    """An action item."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    meeting_id: uuid.UUID | None
    agenda_item_id: uuid.UUID | None
    decision_id: uuid.UUID | None
    title: str
    assignee_id: uuid.UUID
    assignee_org_id: uuid.UUID
    due_on: date
    status: str
    overdue: bool = False
    done_at: datetime | None
    version: int
