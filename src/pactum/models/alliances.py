"""Alliances, their parties (organisations) and members (people with alliance roles)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from pactum.core.db import Base, UTCDateTime, new_id
from pactum.core.time import utcnow
from pactum.models.orgs import Organisation, User

ALLIANCE_STATUSES = (
    "candidate",
    "due_diligence",
    "negotiation",
    "launching",
    "active",
    "terminating",
    "closed",
)
ALLIANCE_TYPES = (
    "research_collaboration",
    "licensing",
    "co_development",
    "co_commercialisation",
    "joint_venture",
    "technology_transfer",
    "strategic_investment",
    "supply_manufacturing",
    "confidentiality",
)
PARTY_ROLES = (
    "licensor",
    "licensee",
    "originator",
    "partner",
    "co_developer",
    "co_promoter",
    "investor",
    "supplier",
    "customer",
)
ALLIANCE_ROLES = (
    "alliance_manager",
    "committee_member",
    "finance",
    "legal",
    "contributor",
    "viewer",
)


class Alliance(Base):
    """A partnership shared by two or more organisations."""

    __tablename__ = "alliances"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    types: Mapped[list[str]] = mapped_column(JSON, default=list)
    therapeutic_area: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="candidate")
    created_by_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parties: Mapped[list[AllianceParty]] = relationship(
        back_populates="alliance", lazy="raise", order_by="AllianceParty.created_at"
    )


class AllianceParty(Base):
    """An organisation's seat in an alliance: its role and invitation state."""

    __tablename__ = "alliance_parties"
    __table_args__ = (UniqueConstraint("alliance_id", "org_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"), index=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20), default="invited")
    is_initiator: Mapped[bool] = mapped_column(default=False)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    responded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    alliance: Mapped[Alliance] = relationship(back_populates="parties", lazy="raise")
    org: Mapped[Organisation] = relationship(lazy="raise")


class AllianceMember(Base):
    """A person of a party with a role in the alliance, chosen by that party."""

    __tablename__ = "alliance_members"
    __table_args__ = (UniqueConstraint("alliance_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    alliance_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alliances.id"), index=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="raise")


class AllianceScoped:
    """Mixin for every record that lives inside an alliance and carries its visibility.

    ``visibility`` is ``shared`` (every accepted party sees it) or ``private`` (only
    ``owner_org_id``'s party sees it). The access layer filters on these columns.
    """

    @declared_attr
    def alliance_id(self) -> Mapped[uuid.UUID]:
        """The alliance the record belongs to."""
        return mapped_column(ForeignKey("alliances.id"), index=True)

    @declared_attr
    def owner_org_id(self) -> Mapped[uuid.UUID]:
        """The party (organisation) that created and owns the record."""
        return mapped_column(ForeignKey("organisations.id"))

    @declared_attr
    def visibility(self) -> Mapped[str]:
        """``shared`` or ``private``."""
        return mapped_column(String(10), default="shared")
