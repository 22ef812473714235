"""Route-matrix records for obligations (party-private internal deadlines) and
notifications (one person's own)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from pactum.models import Notification, Obligation
from tests.conftest import World

# An obligation's routes are tested with one private to A inside the alliance A and B
# share: B is a party there and must still get the 404 of a missing id.
PRIVATE_PARAMS = {"obligation_id"}


def _obligation(db: Session, world: World, alliance_id: uuid.UUID, visibility: str) -> Obligation:
    item = Obligation(
        alliance_id=alliance_id,
        owner_org_id=world.orgs["A"],
        visibility=visibility,
        title="A's internal deadline",
        kind="report",
        responsible_org_id=world.orgs["A"],
        rule={"type": "fixed", "date": "2030-01-31"},
        done=[],
        created_by_id=world["a_manager"].user_id,
    )
    db.add(item)
    db.flush()
    return item


def a_only(db: Session, world: World, alliance_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """A notification of A's manager (nobody else's), and an obligation in A's alliance."""
    note = Notification(
        user_id=world["a_manager"].user_id,
        org_id=world.orgs["A"],
        alliance_id=alliance_id,
        text="A's reminder",
        link=f"/alliances/{alliance_id}",
    )
    db.add(note)
    obligation = _obligation(db, world, alliance_id, "shared")
    db.commit()
    return {"notification_id": note.id, "obligation_id": obligation.id}


def private(db: Session, world: World) -> dict[str, uuid.UUID]:
    """An obligation private to A in the shared alliance."""
    obligation = _obligation(db, world, world.alliance_id, "private")
    db.commit()
    return {"obligation_id": obligation.id}
