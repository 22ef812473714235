"""Schemas for obligations, their due-date rules, notifications and personal deadlines."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints

from pactum.core.errors import ValidationFailed
from pactum.core.schemas import Amount, Currency, Input, LongText, Output
from pactum.obligations import rules

Title = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Note = Annotated[str, StringConstraints(max_length=500, strip_whitespace=True)]
Kind = Literal["report", "notice", "renewal", "committee", "payment", "other"]
Status = Literal["active", "completed", "waived"]
Visibility = Literal["shared", "private"]
State = Literal["overdue", "due_soon", "upcoming", "awaiting_event", "done", "completed", "waived"]
Days = Annotated[int, Field(ge=0, le=rules.MAX_DAYS)]
RemindDays = Annotated[int, Field(ge=0, le=365)]


def _in_range(value: dt.date) -> dt.date:
    if not rules.EARLIEST <= value <= rules.LATEST:
        raise ValueError(
            f"must be between {rules.EARLIEST.isoformat()} and {rules.LATEST.isoformat()}"
        )
    return value


Day = Annotated[dt.date, AfterValidator(_in_range)]


class RuleIn(Input):
    """A due-date rule; fill in the fields of its ``type`` only.

    - ``fixed``: ``date``.
    - ``after_event``: ``event``, ``days`` and, once it happened, ``event_date``.
    - ``recurring``: ``period``, ``days_after``, ``start`` and optionally ``end``.
    """

    type: Literal["fixed", "after_event", "recurring"]
    date: Day | None = Field(default=None, description="fixed: the due date")
    event: Title | None = Field(
        default=None, description="after_event: what starts the clock, e.g. “First sale”"
    )
    days: Days | None = Field(default=None, description="after_event: days after the event")
    event_date: Day | None = Field(
        default=None, description="after_event: when it happened (empty until then)"
    )
    period: Literal["month", "quarter", "year"] | None = Field(
        default=None, description="recurring: calendar period"
    )
    days_after: Days | None = Field(
        default=None, description="recurring: days after each period end"
    )
    start: Day | None = Field(
        default=None, description="recurring: periods overlapping this date count"
    )
    end: Day | None = Field(default=None, description="recurring: last date (empty: no end)")


RULE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # type -> (required fields, optional fields)
    "fixed": (("date",), ()),
    "after_event": (("event", "days"), ("event_date",)),
    "recurring": (("period", "days_after", "start"), ("end",)),
}
TYPE_NAMES = {"fixed": "a fixed", "after_event": "an after-event", "recurring": "a recurring"}


def to_rule(data: RuleIn) -> rules.Rule:
    """The pure rule of a request's rule; ``rule.<field>`` errors for missing fields and for
    fields that belong to another type."""
    required, optional = RULE_FIELDS[data.type]
    given = data.model_dump(exclude_none=True, exclude={"type"})
    for name in required:
        if name not in given:
            raise ValidationFailed(f"rule.{name}", f"is required for {TYPE_NAMES[data.type]} rule")
    for name in given:
        if name not in required and name not in optional:
            raise ValidationFailed(
                f"rule.{name}", f"does not belong to {TYPE_NAMES[data.type]} rule"
            )
    if data.type == "fixed":
        return rules.Fixed(given["date"])
    if data.type == "after_event":
        return rules.AfterEvent(given["event"], given["days"], data.event_date)
    return rules.Recurring(given["period"], given["days_after"], given["start"], data.end)


class ObligationCreate(Input):
    """Something a party must do by the dates its rule gives.

    ``payment`` obligations carry an amount and currency (the agreement's currency when
    omitted); the others carry none. ``private`` ones are seen only by our party.
    """

    title: Title
    description: LongText = ""
    kind: Kind = "report"
    agreement_id: uuid.UUID | None = None
    responsible_org_id: uuid.UUID = Field(description="the party that must act")
    amount: Amount | None = None
    currency: Currency | None = None
    rule: RuleIn
    remind_days: RemindDays = Field(default=7, description="remind this many days ahead")
    visibility: Visibility = "shared"


class ObligationUpdate(Input):
    """Editable fields; a new ``rule`` replaces the old one; private may become shared."""

    title: Title | None = None
    description: LongText | None = None
    kind: Kind | None = None
    agreement_id: uuid.UUID | None = None
    responsible_org_id: uuid.UUID | None = None
    amount: Amount | None = None
    currency: Currency | None = None
    rule: RuleIn | None = None
    remind_days: RemindDays | None = None
    visibility: Visibility | None = None


class DoneCreate(Input):
    """Mark one due date fulfilled."""

    due_date: Day
    note: Note = ""


class DoneUndo(Input):
    """Take back a due date marked fulfilled by mistake."""

    due_date: Day
    note: Note = ""


class EventRecord(Input):
    """The date the event of an ``after_event`` obligation happened (``null`` clears it)."""

    event_date: Day | None


class StatusChange(Input):
    """Complete, waive (a reason is required) or reopen an obligation."""

    status: Status
    reason: Note = ""


class OccurrenceRead(Output):
    """One due date and its state today."""

    due_date: dt.date
    state: str


class ObligationRead(Output):
    """An obligation as the caller's party sees it, with its next open due date."""

    id: uuid.UUID
    alliance_id: uuid.UUID
    agreement_id: uuid.UUID | None
    title: str
    description: str
    kind: str
    responsible_org_id: uuid.UUID
    amount: Decimal | None
    currency: str | None
    rule: dict[str, Any]
    remind_days: int
    status: str
    state: str
    next_due: dt.date | None
    done: list[dt.date]
    visibility: str
    owner_org_id: uuid.UUID
    version: int
    created_by_id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    occurrences: list[OccurrenceRead] = Field(default_factory=list)


class NotificationRead(Output):
    """An in-app message to the caller."""

    id: uuid.UUID
    alliance_id: uuid.UUID | None
    text: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class DeadlineRead(Output):
    """One of the caller's deadlines: an obligation's due date or an unpaid invoice."""

    source: Literal["obligation", "invoice"]
    source_id: uuid.UUID
    alliance_id: uuid.UUID
    alliance_name: str
    title: str
    due_date: dt.date
    state: str
    party: str
    amount: Decimal | None
    currency: str | None
    link: str


class FeedRead(Output):
    """The caller's calendar feed: whether one exists (the address is shown only once)."""

    active: bool
    created_at: dt.datetime | None


class FeedIssued(Output):
    """A new secret feed address; keep it, it is not shown again."""

    url: str
    created_at: dt.datetime
