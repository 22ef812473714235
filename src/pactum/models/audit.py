"""The tamper-evident audit trail: append-only, hash-chained entries."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pactum.core.db import Base, UTCDateTime


class AuditEntry(Base):
    """One audit entry. Never updated or deleted by the application.

    Entries form several chains: ``alliance:<id>:shared`` (what every party sees),
    ``alliance:<id>:org:<org>`` (one party's private records), ``org:<id>`` (an
    organisation's own events such as sign-ins) and ``system``. Each entry's hash is
    SHA-256 over the previous hash of its chain and a canonical encoding of the entry.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        UniqueConstraint("chain", "seq"),
        Index("ix_audit_entries_alliance_id_id", "alliance_id", "id"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    )
    chain: Mapped[str] = mapped_column(String(120))
    seq: Mapped[int] = mapped_column(BigInteger)
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    alliance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    actor_org_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str] = mapped_column(String(64))
    old_values: Mapped[str] = mapped_column(Text)
    new_values: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The latest sequence number and hash of each chain; locked to serialise appends."""

    __tablename__ = "audit_heads"

    chain: Mapped[str] = mapped_column(String(120), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
