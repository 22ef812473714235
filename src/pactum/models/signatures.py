"""Electronic signatures (SIG-1): who signed what exact content, meaning and time."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pactum.core.db import Base, UTCDateTime, new_id
from pactum.core.time import utcnow
from pactum.models.alliances import AllianceScoped

SIGNATURE_MEANINGS = ("authorship", "review", "approval", "responsibility")


class Signature(AllianceScoped, Base):
    """A signature bound to the SHA-256 of the signed version's canonical content.

    It is never deleted; an edit of the signed record sets ``invalidated_at`` so the page
    shows that it no longer applies.
    """

    __tablename__ = "signatures"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[uuid.UUID] = mapped_column(index=True)
    object_version: Mapped[int] = mapped_column()
    content_sha256: Mapped[str] = mapped_column(String(64))
    signer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    signer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    printed_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    meaning: Mapped[str] = mapped_column(String(20))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    invalidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
