"""Governance: committees and their charters, meetings, agenda items, attendance, private
preparation notes, decisions with votes and their escalation steps, party positions, and
action items."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pactum.core.db import Base, UTCDateTime, new_id
from pactum.core.time import utcnow
from pactum.models.alliances import AllianceScoped

COMMITTEE_KINDS = (
    "jsc",
    "jdc",
    "jcc",
    "jmc",
    "jrc",
    "working_group",
    "executive_officers",
    "other",
)
CADENCES = ("monthly", "quarterly", "half_yearly", "yearly", "ad_hoc")
CHAIR_ROTATIONS = ("fixed", "alternate_yearly", "alternate_each_meeting")
# When a party stays away: the meeting cannot decide, or a meeting re-called after an
# inquorate one may proceed with whoever attends (a party may not block by absence).
ABSENCE_RULES = ("no_quorum_no_decision", "recalled_meeting_proceeds")
ITEM_KINDS = ("information", "discussion", "decision")
MEETING_STATUSES = ("scheduled", "held", "cancelled")
DECISION_STATUSES = (
    "open",
    "approved",
    "rejected",
    "deadlocked",
    "final_say",
    "arbitration",
    "withdrawn",
)
VOTE_CHOICES = ("yes", "no", "abstain")
ACTION_STATUSES = ("open", "done", "cancelled")


class Committee(AllianceScoped, Base):
    """A joint body (JSC, JDC, working group, executive officers...) and its charter."""

    __tablename__ = "committees"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    purpose: Mapped[str] = mapped_column(Text, default="")
    cadence: Mapped[str] = mapped_column(String(20), default="quarterly")
    chair_rotation: Mapped[str] = mapped_column(String(30), default="alternate_yearly")
    chair_org_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id"), default=None
    )
    quorum_per_party: Mapped[int] = mapped_column(default=1)
    absence_rule: Mapped[str] = mapped_column(String(40), default="recalled_meeting_proceeds")
    voting_rule: Mapped[str] = mapped_column(String(40), default="one_vote_per_party_unanimous")
    # domain -> organisation id (as text) of the party with the final say there
    final_say: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    reserved: Mapped[list[str]] = mapped_column(JSON, default=list)
    escalates_to_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("committees.id"), default=None
    )
    decision_days: Mapped[int] = mapped_column(default=15)
    holidays: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CommitteeMember(AllianceScoped, Base):
    """A person seated on a committee for their party (``owner_org_id``)."""

    __tablename__ = "committee_members"
    __table_args__ = (UniqueConstraint("committee_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    committee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("committees.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    voting: Mapped[bool] = mapped_column(default=True)
    minutes_approver: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Meeting(AllianceScoped, Base):
    """A meeting of a committee; its minutes are versioned and signed by both parties."""

    __tablename__ = "meetings"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    committee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("committees.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    chair_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    recalled_from_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("meetings.id"), default=None
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    minutes_version: Mapped[int] = mapped_column(default=1)
    # ``draft`` (circulated, being written: editable, not signable) or ``locked`` (for
    # signing: nothing in the minutes changes until an explicit, audited reopening).
    minutes_state: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft")
    # The content as it stood when locked minutes were reopened, to tell the signers
    # what changed (old -> new) when they are locked again.
    minutes_reopened_from: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgendaItem(AllianceScoped, Base):
    """One item of a meeting's agenda, with its papers and, later, its minutes notes."""

    __tablename__ = "agenda_items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # [{"title": ..., "url": ...}]
    papers: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attendance(AllianceScoped, Base):
    """Whether a committee member attended a meeting (voting as seated at that time)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    voting: Mapped[bool] = mapped_column(default=True)
    present: Mapped[bool] = mapped_column(default=False)


class MeetingNote(AllianceScoped, Base):
    """A party's private preparation note for a meeting (never seen by the other party)."""

    __tablename__ = "meeting_notes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agenda_items.id"), default=None
    )
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Decision(AllianceScoped, Base):
    """A matter put to a committee: voted in a meeting or in writing by a deadline, and
    escalated up the charter's ladder when it deadlocks."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("alliance_id", "reference"),
        # The register's order (newest first) within an alliance.
        Index("ix_decisions_register", "alliance_id", "opened_on", "reference"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(20))
    committee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("committees.id"), index=True)
    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("committees.id"), index=True)
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"), default=None)
    agenda_item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agenda_items.id"), default=None
    )
    subject_type: Mapped[str] = mapped_column(String(40), default="")
    subject_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    domain: Mapped[str] = mapped_column(String(60), index=True)
    question: Mapped[str] = mapped_column(String(500))
    background: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    rung: Mapped[int] = mapped_column(default=0)
    # The escalation ladder when the matter was raised (committee ids, as text): a later
    # change of a charter does not move a matter already on its way up.
    ladder: Mapped[list[str]] = mapped_column(JSON, default=list)
    opened_on: Mapped[date] = mapped_column(Date, index=True)
    deadline: Mapped[date] = mapped_column(Date)
    escalate_on: Mapped[date | None] = mapped_column(Date, default=None)
    outcome: Mapped[str] = mapped_column(String(500), default="")
    chosen_option: Mapped[str] = mapped_column(String(200), default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    proposed_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Vote(AllianceScoped, Base):
    """One party's vote on a decision at one rung, cast by one of its voting members."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("decision_id", "rung", "party_org_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decisions.id"), index=True)
    rung: Mapped[int] = mapped_column()
    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("committees.id"))
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"), default=None)
    party_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[str] = mapped_column(String(10))
    option: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DecisionStep(AllianceScoped, Base):
    """One step of a decision's history (proposed, deadlocked, escalated, decided...)."""

    __tablename__ = "decision_steps"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decisions.id"), index=True)
    # The decision's version after the step: orders steps made in the same instant.
    seq: Mapped[int] = mapped_column()
    # When the step took effect (for a step time made, its due time) and when it was
    # written down (the scheduler's processing time).
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    on_day: Mapped[date] = mapped_column(Date)
    rung: Mapped[int] = mapped_column()
    body_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("committees.id"), default=None)
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(1000))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)


class Position(AllianceScoped, Base):
    """A party's stated position on an escalated matter (shared: it goes in the dossier)."""

    __tablename__ = "positions"
    __table_args__ = (UniqueConstraint("decision_id", "owner_org_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decisions.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActionItem(AllianceScoped, Base):
    """Something a person of a party must do by a date (from minutes or a decision)."""

    __tablename__ = "action_items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"), default=None)
    agenda_item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agenda_items.id"), default=None
    )
    decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decisions.id"), default=None)
    title: Mapped[str] = mapped_column(String(500))
    assignee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    assignee_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GovernanceReminder(Base):
    """One reminder sent for one subject (an action item's due date, a vote's deadline) to
    one person: the unique key makes ``pactum tick`` idempotent."""

    __tablename__ = "governance_reminders"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "due_on", "user_id", "kind"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[uuid.UUID] = mapped_column()
    due_on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    emailed: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
