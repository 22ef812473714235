"""JSON routes for P&L-share statements: draft, submit, approve or reject."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession
from pactum.http.idempotency import IdempotencyKey, idempotent
from pactum.invoices import service as invoices
from pactum.models import Invoice, PnlStatement
from pactum.statements.pnl import service
from pactum.statements.pnl.schemas import PnlCreate, PnlRead, PnlUpdate
from pactum.statements.royalty.schemas import Rejection

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}/pnl-statements", tags=["statements"])


def pnl_read(
    db: Session,
    view: AllianceView,
    item: PnlStatement,
    issued: dict[uuid.UUID, Invoice] | None = None,
) -> PnlRead:
    """A statement with its working, whether it recomputes identically, and its invoice."""
    # ``issued``: the invoices of a whole list, loaded once by the caller.
    invoice = service.invoice_of(db, view, item) if issued is None else issued.get(item.id)
    return PnlRead(
        id=item.id,
        alliance_id=item.alliance_id,
        agreement_id=item.agreement_id,
        year=item.year,
        quarter=item.quarter,
        currency=item.currency,
        status=item.status,
        booking=service.booking_of(item),
        total=item.total,
        inputs=dict(item.inputs),
        result=dict(item.result),
        rejection_reason=item.note,
        reproducible=service.reproducible(item),
        owner_org_id=item.owner_org_id,
        created_by_id=item.created_by_id,
        decided_by_id=item.decided_by_id,
        decided_at=item.decided_at,
        invoice_id=invoice.id if invoice else None,
        version=item.version,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


@router.get("", response_model=list[PnlRead])
def list_statements(alliance_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> list[PnlRead]:
    """The alliance's P&L-share statements, latest quarter first."""
    view = open_alliance(db, me, alliance_id)
    issued = invoices.invoices_by_source(db, view, "pnl")
    return [pnl_read(db, view, s, issued) for s in service.list_statements(db, view)]


@router.post("", response_model=PnlRead, status_code=status.HTTP_201_CREATED)
def create_statement(
    alliance_id: uuid.UUID,
    body: PnlCreate,
    db: DbSession,
    me: ApiPrincipal,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Draft a quarter's statement (the booking party's finance people; ``Idempotency-Key``)."""
    view = open_alliance(db, me, alliance_id)

    def run() -> tuple[int, object, dict[str, str]]:
        item = service.create(db, view, body)
        return 201, pnl_read(db, view, item), {"ETag": etag(item.version)}

    return idempotent(db, me, key, scope=f"POST pnl-statements {alliance_id}", body=body, run=run)


@router.get("/{pnl_statement_id}", response_model=PnlRead)
def get_statement(
    alliance_id: uuid.UUID,
    pnl_statement_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> PnlRead:
    """One statement with every step of its working."""
    view = open_alliance(db, me, alliance_id)
    item = service.get_statement(db, view, pnl_statement_id)
    response.headers["ETag"] = etag(item.version)
    return pnl_read(db, view, item)


@router.patch("/{pnl_statement_id}", response_model=PnlRead)
def update_statement(
    alliance_id: uuid.UUID,
    pnl_statement_id: uuid.UUID,
    body: PnlUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> PnlRead:
    """Correct a draft or rejected statement (If-Match); it is recomputed."""
    view = open_alliance(db, me, alliance_id)
    item = service.update(db, view, pnl_statement_id, body, expected_version=expected)
    response.headers["ETag"] = etag(item.version)
    return pnl_read(db, view, item)


@router.post("/{pnl_statement_id}/submit", response_model=PnlRead)
def submit(
    alliance_id: uuid.UUID,
    pnl_statement_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> PnlRead:
    """Submit to the partner (If-Match); recomputed with the agreed rates first."""
    view = open_alliance(db, me, alliance_id)
    item = service.submit(db, view, pnl_statement_id, expected_version=expected)
    response.headers["ETag"] = etag(item.version)
    return pnl_read(db, view, item)


@router.post("/{pnl_statement_id}/approve", response_model=PnlRead)
def approve(
    alliance_id: uuid.UUID,
    pnl_statement_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Approve (the partner's finance people; If-Match, ``Idempotency-Key``): issues the
    balancing-payment invoice in the right direction."""
    view = open_alliance(db, me, alliance_id)

    def run() -> tuple[int, object, dict[str, str]]:
        item, _invoice = service.approve(db, view, pnl_statement_id, expected_version=expected)
        return 200, pnl_read(db, view, item), {"ETag": etag(item.version)}

    scope = f"POST pnl-statements {pnl_statement_id} approve"
    return idempotent(db, me, key, scope=scope, body=None, run=run)


@router.post("/{pnl_statement_id}/reject", response_model=PnlRead)
def reject(
    alliance_id: uuid.UUID,
    pnl_statement_id: uuid.UUID,
    body: Rejection,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> PnlRead:
    """Send it back with a reason (the partner's finance people; If-Match)."""
    view = open_alliance(db, me, alliance_id)
    item = service.reject(db, view, pnl_statement_id, body, expected_version=expected)
    response.headers["ETag"] = etag(item.version)
    return pnl_read(db, view, item)
