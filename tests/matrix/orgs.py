"""Route-matrix records for organisations: an invitation A's administrator sent to an
address nobody in the matrix has (so no principal may answer it as its own)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from pactum.orgs import invitations
from pactum.orgs.schemas import InvitationCreate
from pactum.settings import Settings
from tests.conftest import World


def a_only(db: Session, world: World, alliance_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """An open invitation to join organisation A."""
    settings = Settings(env="test", database_url="sqlite://", secret_key="m" * 40)
    invitation = invitations.invite(
        db, settings, world["a_admin"].principal, InvitationCreate(email="nobody@example.org")
    )
    db.commit()
    return {"invitation_id": invitation.id}
