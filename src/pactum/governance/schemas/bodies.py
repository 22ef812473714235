"""Schemas for committees, seats, meetings, agenda items, attendance, notes and minutes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from pactum.core.schemas import Input, LongText, Name, Output
from pactum.files.schemas import FileRead
from pactum.governance.schemas.common import (
    MAX_PAPERS,
    AbsenceRule,
    Cadence,
    Domain,
    ItemKind,
    Kind,
    Paper,
    Rotation,
    Text,
)
from pactum.signatures.schemas import Meaning, SignatureRead


class CommitteeCreate(Input):
    """A joint committee and its charter."""

    name: Name
    kind: Kind
    purpose: LongText = ""
    cadence: Cadence = "quarterly"
    chair_rotation: Rotation = "alternate_yearly"
    chair_org_id: uuid.UUID | None = Field(default=None, description="default: yours")
    quorum_per_party: int = Field(default=1, ge=1, le=20)
    absence_rule: AbsenceRule = "recalled_meeting_proceeds"
    final_say: dict[Domain, uuid.UUID] = Field(
        default_factory=dict, description="domain -> party (organisation id) with final say"
    )
    reserved: list[Domain] = Field(
        default_factory=lambda: ["amendment", "waiver", "breach", "interpretation"],
        max_length=50,
        description="domains the committee may not decide",
    )
    escalates_to_id: uuid.UUID | None = None
    decision_days: int = Field(
        default=15, ge=1, le=250, description="business days to decide before escalation"
    )
    holidays: list[date] = Field(default_factory=list, max_length=400)


class CommitteeUpdate(Input):
    """Changes to a committee's charter (every field optional)."""

    name: Name | None = None
    purpose: LongText | None = None
    cadence: Cadence | None = None
    chair_rotation: Rotation | None = None
    chair_org_id: uuid.UUID | None = None
    quorum_per_party: int | None = Field(default=None, ge=1, le=20)
    absence_rule: AbsenceRule | None = None
    final_say: dict[Domain, uuid.UUID] | None = None
    reserved: list[Domain] | None = Field(default=None, max_length=50)
    escalates_to_id: uuid.UUID | None = None
    decision_days: int | None = Field(default=None, ge=1, le=250)
    holidays: list[date] | None = Field(default=None, max_length=400)


class CommitteeRead(Output):
    """A committee and its charter."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    name: str
    kind: str
    purpose: str
    cadence: str
    chair_rotation: str
    chair_org_id: uuid.UUID | None
    current_chair_org_id: uuid.UUID | None = Field(
        default=None, description="the party chairing now, after the rotation"
    )
    next_meeting_due: date | None = Field(
        default=None, description="by when it must meet again under its cadence"
    )
    quorum_per_party: int
    absence_rule: str
    voting_rule: str
    final_say: dict[str, str]
    reserved: list[str]
    escalates_to_id: uuid.UUID | None
    decision_days: int
    holidays: list[str]
    owner_org_id: uuid.UUID
    version: int
    created_at: datetime


class SeatCreate(Input):
    """Seat one of your party's alliance members on the committee."""

    user_id: uuid.UUID
    voting: bool = True
    minutes_approver: bool = False


class SeatUpdate(Input):
    """Change a seat: voting or not, minutes approver or not, still seated or not."""

    voting: bool | None = None
    minutes_approver: bool | None = None
    active: bool | None = None


class SeatRead(Output):
    """A committee seat."""

    id: uuid.UUID
    committee_id: uuid.UUID
    user_id: uuid.UUID
    name: str = ""
    party_org_id: uuid.UUID
    voting: bool
    minutes_approver: bool
    active: bool
    version: int


class MeetingCreate(Input):
    """Schedule a meeting of a committee (times in UTC)."""

    title: Name
    starts_at: datetime
    ends_at: datetime
    location: Annotated[str, StringConstraints(max_length=500)] = ""
    chair_user_id: uuid.UUID | None = None
    recalled_from_id: uuid.UUID | None = Field(
        default=None, description="the inquorate meeting this one re-calls"
    )

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        """Times must carry a UTC offset."""
        if value.tzinfo is None:
            raise ValueError("must include a time zone offset, e.g. 2027-01-15T14:00:00Z")
        return value


class MeetingUpdate(Input):
    """Change a meeting (every field optional); ``summary`` is part of the minutes."""

    title: Name | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    location: Annotated[str, StringConstraints(max_length=500)] | None = None
    chair_user_id: uuid.UUID | None = None
    status: Literal["scheduled", "held", "cancelled"] | None = None
    summary: LongText | None = None

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        """Times must carry a UTC offset."""
        if value is not None and value.tzinfo is None:
            raise ValueError("must include a time zone offset, e.g. 2027-01-15T14:00:00Z")
        return value


class MeetingRead(Output):
    """A meeting."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    committee_id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    status: str
    chair_user_id: uuid.UUID | None
    recalled_from_id: uuid.UUID | None
    summary: str
    minutes_version: int
    minutes_state: str = Field(description="draft (editable) or locked (for signing)")
    version: int


class ItemCreate(Input):
    """An agenda item; only decision items are voted."""

    kind: ItemKind
    title: Name
    description: LongText = ""
    papers: list[Paper] = Field(default_factory=list, max_length=MAX_PAPERS)


class ItemUpdate(Input):
    """Change an agenda item; ``notes`` are its minutes."""

    kind: ItemKind | None = None
    title: Name | None = None
    description: LongText | None = None
    papers: list[Paper] | None = Field(default=None, max_length=MAX_PAPERS)
    notes: LongText | None = None
    position: int | None = Field(default=None, ge=1, le=500)


class ItemRead(Output):
    """An agenda item."""

    id: uuid.UUID
    meeting_id: uuid.UUID
    position: int
    kind: str
    title: str
    description: str
    papers: list[dict[str, str]]
    notes: str
    version: int


class PaperUploadRead(Output):
    """A file added to an agenda item's papers: the stored file and the item."""

    file: FileRead
    item: ItemRead


class AttendanceIn(Input):
    """Who attended: the user ids of the committee members present."""

    present: list[uuid.UUID] = Field(max_length=200)


class AttendanceRead(Output):
    """One member's attendance."""

    user_id: uuid.UUID
    party_org_id: uuid.UUID
    voting: bool
    present: bool


class QuorumRead(Output):
    """Whether the meeting can decide."""

    met: bool
    waived: bool
    per_party: dict[str, int]
    required: int
    explanation: str


class NoteCreate(Input):
    """A private preparation note (only your party sees it)."""

    body: Text
    agenda_item_id: uuid.UUID | None = None


class NoteRead(Output):
    """A private preparation note."""

    id: uuid.UUID
    meeting_id: uuid.UUID
    agenda_item_id: uuid.UUID | None
    body: str
    author_id: uuid.UUID
    owner_org_id: uuid.UUID
    visibility: str
    created_at: datetime


class MinutesReopen(Input):
    """Reopen locked minutes to change them: why (told to the signers and audited)."""

    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class MinutesSign(Input):
    """Sign the minutes (SIG-1): the password again, your printed name, the version and
    the SHA-256 you reviewed."""

    password: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    printed_name: Name
    minutes_version: int = Field(ge=1)
    content_sha256: Annotated[
        str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$"), Field(examples=["0" * 64])
    ]
    meaning: Meaning = "approval"


class MinutesRead(Output):
    """The minutes' version, content hash, signatures and whether both parties signed."""

    meeting_id: uuid.UUID
    minutes_version: int
    state: Literal["draft", "locked"] = Field(
        description="draft: circulated and editable, not yet signable; locked: for signing, "
        "changed only after a reopening with a reason"
    )
    content_sha256: str
    signed: bool
    awaiting: list[str]
    signatures: list[SignatureRead]
