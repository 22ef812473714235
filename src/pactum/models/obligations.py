"""Obligations with due-date rules, the reminders sent for them, in-app notifications and
personal calendar feeds."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from pactum.core.db import Base, Money, UTCDateTime, new_id
from pactum.core.time import utcnow
from pactum.models.alliances import AllianceScoped

OBLIGATION_KINDS = ("report", "notice", "renewal", "committee", "payment", "other")
OBLIGATION_STATUSES = ("active", "completed", "waived")


class Obligation(AllianceScoped, Base):
    """Something a party must do by a date the ``rule`` computes.

    ``rule`` is one of ``{"type": "fixed", "date"}``, ``{"type": "after_event", "event",
    "days", "event_date"}`` (no due date until the event happens) or ``{"type":
    "recurring", "period": "month"|"quarter"|"year", "days_after", "start", "end"}``.
    ``done`` lists the due dates already fulfilled.
    """

    __tablename__ = "obligations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    agreement_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agreements.id"), default=None, index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="report")
    responsible_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    amount: Mapped[Decimal | None] = mapped_column(Money, default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    rule: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    remind_days: Mapped[int] = mapped_column(default=7)
    status: Mapped[str] = mapped_column(String(20), default="active")
    done: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderSent(Base):
    """One reminder for one due date of one obligation to one person: the unique key makes
    ``pactum tick`` idempotent (a second run finds the row and sends nothing)."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("obligation_id", "due_date", "user_id", "kind"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    obligation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("obligations.id"), index=True)
    due_date: Mapped[date] = mapped_column(Date)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    emailed: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(Base):
    """An in-app message to one person (only ever about records their party may see)."""

    __tablename__ = "notifications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    alliance_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("alliances.id"), default=None)
    text: Mapped[str] = mapped_column(String(500))
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # E-mail outbox: ``pactum tick`` e-mails pending notifications (when SMTP is set up).
    email_pending: Mapped[bool] = mapped_column(default=False, server_default=false())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class CalendarFeed(Base):
    """A person's secret calendar-feed URL for one organisation (only the hash is kept)."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (UniqueConstraint("user_id", "org_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
