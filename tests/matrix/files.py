"""Route-matrix records for stored files: a paper file of party A in the alliance A
shares with nobody yet (its content is not on disk: an insider gets the 410 of missing
content, an outsider the 404 of a missing id)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from pactum.files.storage import key_for
from pactum.models import StoredFile
from tests.conftest import World


def a_only(db: Session, world: World, alliance_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """A stored file of party A in its A-only alliance."""
    digest = "ab" * 32
    stored = StoredFile(
        alliance_id=alliance_id,
        owner_org_id=world.orgs["A"],
        visibility="shared",
        filename="A's paper.pdf",
        media_type="application/pdf",
        size=12,
        sha256=digest,
        storage_key=key_for(digest),
        created_by_id=world["a_manager"].user_id,
    )
    db.add(stored)
    db.commit()
    return {"file_id": stored.id}
