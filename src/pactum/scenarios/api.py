"""JSON routes for valuation scenarios."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from pactum.access import open_alliance
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession
from pactum.scenarios import service
from pactum.scenarios.reads import scenario_read
from pactum.scenarios.schemas import ScenarioCreate, ScenarioRead, ScenarioUpdate

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}/scenarios", tags=["valuation"])


@router.get("", response_model=list[ScenarioRead])
def list_scenarios(alliance_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> list[ScenarioRead]:
    """Shared scenarios and our party's private ones."""
    view = open_alliance(db, me, alliance_id)
    return [scenario_read(s) for s in service.list_scenarios(db, view)]


@router.post("", response_model=ScenarioRead, status_code=status.HTTP_201_CREATED)
def create_scenario(
    alliance_id: uuid.UUID,
    body: ScenarioCreate,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> ScenarioRead:
    """Value a deal file (private to our party unless ``visibility`` is ``shared``)."""
    view = open_alliance(db, me, alliance_id)
    scenario = service.create_scenario(db, view, body)
    response.headers["ETag"] = etag(scenario.version)
    return scenario_read(scenario)


@router.get("/{scenario_id}", response_model=ScenarioRead)
def get_scenario(
    alliance_id: uuid.UUID,
    scenario_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> ScenarioRead:
    """One scenario with its result."""
    view = open_alliance(db, me, alliance_id)
    scenario = service.get_scenario(db, view, scenario_id)
    response.headers["ETag"] = etag(scenario.version)
    return scenario_read(scenario)


@router.patch("/{scenario_id}", response_model=ScenarioRead)
def update_scenario(
    alliance_id: uuid.UUID,
    scenario_id: uuid.UUID,
    body: ScenarioUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> ScenarioRead:
    """Edit and revalue a scenario (If-Match); private ones may be shared, never unshared."""
    view = open_alliance(db, me, alliance_id)
    scenario = service.update_scenario(db, view, scenario_id, body, expected_version=expected)
    response.headers["ETag"] = etag(scenario.version)
    return scenario_read(scenario)
