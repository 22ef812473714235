"""JSON routes for charter objectives."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from pactum.access import open_alliance
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession
from pactum.models import Objective
from pactum.objectives import service
from pactum.objectives.schemas import (
    Kind,
    ObjectiveCreate,
    ObjectiveRead,
    ObjectiveUpdate,
    Visibility,
)

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}/objectives", tags=["objectives"])


def objective_read(objective: Objective) -> ObjectiveRead:
    """An objective with its owner's name."""
    return ObjectiveRead(
        id=objective.id,
        alliance_id=objective.alliance_id,
        kind=objective.kind,
        title=objective.title,
        description=objective.description,
        owner_user_id=objective.owner_user_id,
        owner_name=objective.owner_user.name if objective.owner_user else None,
        measure=objective.measure,
        target_date=objective.target_date,
        status=objective.status,
        visibility=objective.visibility,
        owner_org_id=objective.owner_org_id,
        version=objective.version,
        created_at=objective.created_at,
        updated_at=objective.updated_at,
    )


@router.get("", response_model=list[ObjectiveRead])
def list_objectives(
    alliance_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    visibility: Annotated[Visibility | None, Query()] = None,
    kind: Annotated[Kind | None, Query()] = None,
) -> list[ObjectiveRead]:
    """Shared objectives and our party's private ones."""
    view = open_alliance(db, me, alliance_id)
    found = service.list_objectives(db, view, visibility=visibility, kind=kind)
    return [objective_read(o) for o in found]


@router.post("", response_model=ObjectiveRead, status_code=status.HTTP_201_CREATED)
def create_objective(
    alliance_id: uuid.UUID,
    body: ObjectiveCreate,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> ObjectiveRead:
    """Add an objective (``visibility``: ``shared`` or ``private`` to our party)."""
    view = open_alliance(db, me, alliance_id)
    objective = service.create_objective(db, view, body)
    response.headers["ETag"] = etag(objective.version)
    return objective_read(objective)


@router.get("/{objective_id}", response_model=ObjectiveRead)
def get_objective(
    alliance_id: uuid.UUID,
    objective_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> ObjectiveRead:
    """One objective."""
    view = open_alliance(db, me, alliance_id)
    objective = service.get_objective(db, view, objective_id)
    response.headers["ETag"] = etag(objective.version)
    return objective_read(objective)


@router.patch("/{objective_id}", response_model=ObjectiveRead)
def update_objective(
    alliance_id: uuid.UUID,
    objective_id: uuid.UUID,
    body: ObjectiveUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> ObjectiveRead:
    """Edit an objective (If-Match); a private one may be shared, never the reverse."""
    view = open_alliance(db, me, alliance_id)
    objective = service.update_objective(db, view, objective_id, body, expected_version=expected)
    response.headers["ETag"] = etag(objective.version)
    return objective_read(objective)
