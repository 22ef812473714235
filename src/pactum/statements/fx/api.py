"""JSON routes for the FX table: propose, counter-propose or correct, agree."""

from __future__ import annotations

import uuid
from decimal import Decimal

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse

from pactum.access import open_alliance
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession
from pactum.http.idempotency import IdempotencyKey, idempotent
from pactum.models import FxRate
from pactum.statements.fx import service
from pactum.statements.fx.schemas import FxRateCreate, FxRateRead, FxRateUpdate

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}/fx-rates", tags=["statements"])


def fx_read(rate: FxRate) -> FxRateRead:
    """A rate as the API shows it (the proposing party is the record's owner)."""
    return FxRateRead(
        id=rate.id,
        alliance_id=rate.alliance_id,
        year=rate.year,
        quarter=rate.quarter,
        currency=rate.currency,
        target=rate.target,
        rate=Decimal(rate.rate),
        status=rate.status,
        proposed_by_org_id=rate.owner_org_id,
        proposed_by_id=rate.proposed_by_id,
        agreed_by_id=rate.agreed_by_id,
        agreed_at=rate.agreed_at,
        version=rate.version,
        created_at=rate.created_at,
    )


@router.get("", response_model=list[FxRateRead])
def list_rates(
    alliance_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    year: int | None = Query(default=None, ge=2000, le=2100),
    quarter: int | None = Query(default=None, ge=1, le=4),
) -> list[FxRateRead]:
    """The alliance's FX table (proposed and agreed rates), latest quarter first."""
    view = open_alliance(db, me, alliance_id)
    return [fx_read(r) for r in service.list_rates(db, view, year=year, quarter=quarter)]


@router.post("", response_model=FxRateRead, status_code=status.HTTP_201_CREATED)
def propose(
    alliance_id: uuid.UUID,
    body: FxRateCreate,
    db: DbSession,
    me: ApiPrincipal,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Propose a quarter's rate (finance; the other party's finance agrees it)."""
    view = open_alliance(db, me, alliance_id)

    def run() -> tuple[int, object, dict[str, str]]:
        rate = service.propose(db, view, body)
        return 201, fx_read(rate), {"ETag": etag(rate.version)}

    return idempotent(db, me, key, scope=f"POST fx-rates {alliance_id}", body=body, run=run)


@router.get("/{fx_rate_id}", response_model=FxRateRead)
def get_rate(
    alliance_id: uuid.UUID,
    fx_rate_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> FxRateRead:
    """One rate."""
    view = open_alliance(db, me, alliance_id)
    rate = service.get_rate(db, view, fx_rate_id)
    response.headers["ETag"] = etag(rate.version)
    return fx_read(rate)


@router.patch("/{fx_rate_id}", response_model=FxRateRead)
def change_rate(
    alliance_id: uuid.UUID,
    fx_rate_id: uuid.UUID,
    body: FxRateUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> FxRateRead:
    """Propose a different rate (If-Match): a counter-proposal, or a correction that
    replaces an agreed rate not yet used by a submitted or approved statement."""
    view = open_alliance(db, me, alliance_id)
    rate = service.change(db, view, fx_rate_id, body, expected_version=expected)
    response.headers["ETag"] = etag(rate.version)
    return fx_read(rate)


@router.post("/{fx_rate_id}/agree", response_model=FxRateRead)
def agree(
    alliance_id: uuid.UUID,
    fx_rate_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> FxRateRead:
    """Agree the other party's proposal (finance; If-Match names the version agreed)."""
    view = open_alliance(db, me, alliance_id)
    rate = service.agree(db, view, fx_rate_id, expected_version=expected)
    response.headers["ETag"] = etag(rate.version)
    return fx_read(rate)
