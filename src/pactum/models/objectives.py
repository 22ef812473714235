"""The alliance charter's objectives: shared goals and each party's private positions."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pactum.core.db import Base, UTCDateTime, new_id
from pactum.core.time import utcnow
from pactum.models.alliances import AllianceScoped
from pactum.models.orgs import User

OBJECTIVE_KINDS = ("objective", "expected_benefit", "walk_away")
OBJECTIVE_STATUSES = ("proposed", "on_track", "at_risk", "off_track", "achieved", "dropped")


class Objective(AllianceScoped, Base):
    """A charter objective, expected benefit or walk-away point."""

    __tablename__ = "objectives"
    __table_args__ = (Index("ix_objectives_alliance_visibility", "alliance_id", "visibility"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20), default="objective")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    measure: Mapped[str] = mapped_column(String(500), default="")
    target_date: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner_user: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[owner_user_id])
