"""Helpers for the obligation tests: creating obligations, freezing the clock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from pactum.access import open_alliance
from pactum.core.time import freeze
from pactum.models import Obligation
from pactum.obligations import service
from pactum.obligations.schemas import ObligationCreate
from tests.conftest import World


@contextmanager
def frozen(day: date, hour: int = 9) -> Iterator[None]:
    """Freeze the clock at ``hour`` UTC on ``day`` for the block."""
    freeze(datetime(day.year, day.month, day.day, hour, tzinfo=UTC))
    try:
        yield
    finally:
        freeze(None)


def body(world: World, **extra: Any) -> dict[str, Any]:
    """A valid request body: a quarterly report B owes, 45 days after each quarter end."""
    data: dict[str, Any] = {
        "title": "Quarterly development report",
        "kind": "report",
        "responsible_org_id": str(world.orgs["B"]),
        "rule": {"type": "recurring", "period": "quarter", "days_after": 45, "start": "2027-01-01"},
    }
    data.update(extra)
    return data


def url(world: World, suffix: str = "") -> str:
    """The obligations API of the shared alliance."""
    return f"/api/v1/alliances/{world.alliance_id}/obligations{suffix}"


def create(client: TestClient, world: World, who: str = "a_manager", **extra: Any) -> Response:
    """POST an obligation as ``who``."""
    return client.post(url(world), headers=world[who].headers, json=body(world, **extra))


def make(
    db: Session, world: World, who: str = "a_manager", *, commit: bool = True, **extra: Any
) -> Obligation:
    """Create an obligation through the service as ``who``."""
    view = open_alliance(db, world[who].principal, world.alliance_id)
    data = ObligationCreate.model_validate(body(world, **extra))
    obligation = service.create_obligation(db, view, data)
    if commit:
        db.commit()
    return obligation


def oid(response: Response) -> uuid.UUID:
    """The id in a response."""
    return uuid.UUID(response.json()["id"])
