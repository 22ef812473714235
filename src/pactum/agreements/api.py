"""JSON routes for agreements and their amendments."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Query, Response, status

from pactum.access import AllianceView, open_alliance
from pactum.agreements import service
from pactum.agreements.schemas import (
    AgreementCreate,
    AgreementRead,
    AgreementUpdate,
    AmendmentCreate,
    ValueRequest,
    VersionRead,
)
from pactum.core.time import utcnow
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession
from pactum.models import Agreement, AgreementVersion
from pactum.scenarios.reads import scenario_read
from pactum.scenarios.schemas import ScenarioRead

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}/agreements", tags=["agreements"])


def _read(agreement: Agreement, versions: list[AgreementVersion]) -> AgreementRead:
    out = AgreementRead.model_validate(agreement)
    out.versions = [VersionRead.model_validate(v) for v in versions]
    return out


def _read_one(db: DbSession, view: AllianceView, agreement: Agreement) -> AgreementRead:
    return _read(agreement, service.versions(db, view, agreement.id))


@router.get("", response_model=list[AgreementRead])
def list_agreements(alliance_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> list[AgreementRead]:
    """The alliance's agreements with their versions."""
    view = open_alliance(db, me, alliance_id)
    found = service.list_agreements(db, view)
    versions = service.versions_of(db, view, [a.id for a in found])
    return [_read(a, versions[a.id]) for a in found]


@router.post("", response_model=AgreementRead, status_code=status.HTTP_201_CREATED)
def create_agreement(
    alliance_id: uuid.UUID,
    body: AgreementCreate,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> AgreementRead:
    """Record an agreement and its terms as signed (version 1)."""
    view = open_alliance(db, me, alliance_id)
    agreement = service.create_agreement(db, view, body)
    response.headers["ETag"] = etag(agreement.version)
    return _read_one(db, view, agreement)


@router.get("/{agreement_id}", response_model=AgreementRead)
def get_agreement(
    alliance_id: uuid.UUID,
    agreement_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> AgreementRead:
    """One agreement with all its versions."""
    view = open_alliance(db, me, alliance_id)
    agreement = service.get_agreement(db, view, agreement_id)
    response.headers["ETag"] = etag(agreement.version)
    return _read_one(db, view, agreement)


@router.patch("/{agreement_id}", response_model=AgreementRead)
def update_agreement(
    alliance_id: uuid.UUID,
    agreement_id: uuid.UUID,
    body: AgreementUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> AgreementRead:
    """Edit title, status or expiry date (If-Match); terms change only by amendment."""
    view = open_alliance(db, me, alliance_id)
    agreement = service.update_agreement(db, view, agreement_id, body, expected_version=expected)
    response.headers["ETag"] = etag(agreement.version)
    return _read_one(db, view, agreement)


@router.post(
    "/{agreement_id}/amendments", response_model=VersionRead, status_code=status.HTTP_201_CREATED
)
def amend(
    alliance_id: uuid.UUID,
    agreement_id: uuid.UUID,
    body: AmendmentCreate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> VersionRead:
    """Add an amendment (If-Match on the agreement): a new version of the terms."""
    view = open_alliance(db, me, alliance_id)
    version = service.amend(db, view, agreement_id, body, expected_version=expected)
    response.headers["ETag"] = etag(service.get_agreement(db, view, agreement_id).version)
    return VersionRead.model_validate(version)


@router.get("/{agreement_id}/terms", response_model=VersionRead)
def terms_on(
    alliance_id: uuid.UUID,
    agreement_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    on: date | None = Query(default=None, description="default: today"),
) -> VersionRead:
    """The version of the terms in force on a date."""
    view = open_alliance(db, me, alliance_id)
    agreement = service.get_agreement(db, view, agreement_id)
    return VersionRead.model_validate(service.terms_on(db, view, agreement, on or utcnow().date()))


@router.post(
    "/{agreement_id}/value", response_model=ScenarioRead, status_code=status.HTTP_201_CREATED
)
def value_agreement(
    alliance_id: uuid.UUID,
    agreement_id: uuid.UUID,
    body: ValueRequest,
    db: DbSession,
    me: ApiPrincipal,
) -> ScenarioRead:
    """Value the terms in force as a new private valuation scenario."""
    view = open_alliance(db, me, alliance_id)
    scenario = service.value_agreement(db, view, agreement_id, body)
    return scenario_read(scenario)
