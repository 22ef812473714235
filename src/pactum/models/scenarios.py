"""Valuation scenarios: a party's view of the deal's value (private unless shared)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pactum.core.db import Base, UTCDateTime, new_id
from pactum.core.time import utcnow
from pactum.models.alliances import AllianceScoped


class ValuationScenario(AllianceScoped, Base):
    """A deal file valued inside an alliance, with its stored result."""

    __tablename__ = "valuation_scenarios"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    deal: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text, default="{}")
    trials: Mapped[int] = mapped_column(default=100_000)
    seed: Mapped[int] = mapped_column(default=1)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
