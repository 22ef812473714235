"""JSON routes for royalty statements: draft, import sales, submit, approve or reject."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.files import imports
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession
from pactum.http.idempotency import IdempotencyKey, idempotent
from pactum.invoices import service as invoices
from pactum.models import Invoice, RoyaltyStatement
from pactum.statements.royalty import service
from pactum.statements.royalty.schemas import Rejection, RoyaltyCreate, RoyaltyRead, RoyaltyUpdate

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}/royalty-statements", tags=["statements"])
XLSX_MAGIC = b"PK\x03\x04"


def royalty_read(
    db: Session,
    view: AllianceView,
    item: RoyaltyStatement,
    issued: dict[uuid.UUID, Invoice] | None = None,
) -> RoyaltyRead:
    """A statement with its working, whether it recomputes identically, and its invoice."""
    # ``issued``: the invoices of a whole list, loaded once by the caller.
    invoice = service.invoice_of(db, view, item) if issued is None else issued.get(item.id)
    return RoyaltyRead(
        id=item.id,
        alliance_id=item.alliance_id,
        agreement_id=item.agreement_id,
        year=item.year,
        quarter=item.quarter,
        currency=item.currency,
        status=item.status,
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


async def upload(request: Request, db: DbSession, me: ApiPrincipal) -> bytes:
    """The raw request body, once the caller is known, at most the import limit (413)."""
    return await imports.read_body(request, db, limit=service.MAX_UPLOAD, field_name="file")


Upload = Annotated[bytes, Depends(upload)]


@router.get("", response_model=list[RoyaltyRead])
def list_statements(alliance_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> list[RoyaltyRead]:
    """The alliance's royalty statements, latest quarter first."""
    view = open_alliance(db, me, alliance_id)
    issued = invoices.invoices_by_source(db, view, "royalty")
    return [royalty_read(db, view, s, issued) for s in service.list_statements(db, view)]


@router.post("", response_model=RoyaltyRead, status_code=status.HTTP_201_CREATED)
def create_statement(
    alliance_id: uuid.UUID,
    body: RoyaltyCreate,
    db: DbSession,
    me: ApiPrincipal,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Draft a quarter's statement (the licensee's finance people; ``Idempotency-Key``)."""
    view = open_alliance(db, me, alliance_id)

    def run() -> tuple[int, object, dict[str, str]]:
        item = service.create(db, view, body)
        return 201, royalty_read(db, view, item), {"ETag": etag(item.version)}

    return idempotent(
        db, me, key, scope=f"POST royalty-statements {alliance_id}", body=body, run=run
    )


@router.get("/{royalty_statement_id}", response_model=RoyaltyRead)
def get_statement(
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> RoyaltyRead:
    """One statement with every step of its working."""
    view = open_alliance(db, me, alliance_id)
    item = service.get_statement(db, view, royalty_statement_id)
    response.headers["ETag"] = etag(item.version)
    return royalty_read(db, view, item)


@router.patch("/{royalty_statement_id}", response_model=RoyaltyRead)
def update_statement(
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    body: RoyaltyUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> RoyaltyRead:
    """Correct a draft or rejected statement (If-Match); it is recomputed."""
    view = open_alliance(db, me, alliance_id)
    item = service.update(db, view, royalty_statement_id, body, expected_version=expected)
    response.headers["ETag"] = etag(item.version)
    return royalty_read(db, view, item)


@router.post("/{royalty_statement_id}/lines/import", response_model=RoyaltyRead)
def import_lines(
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
    content: Upload,
    filename: str = Query(
        default="",
        max_length=200,
        description="the file's name; `.xlsx` reads an Excel workbook (also recognised by "
        "its content), anything else CSV",
    ),
) -> RoyaltyRead:
    """Replace the draft's sales lines with a CSV or XLSX file sent as the request body
    (columns country, product, net_sales, currency). Any problem rejects the whole file:
    422 with one ``{"field": "row[N].column", "rule"}`` per problem; nothing changes."""
    view = open_alliance(db, me, alliance_id)
    name = "upload.xlsx" if content.startswith(XLSX_MAGIC) else (filename or "upload.csv")
    item = service.import_lines(
        db, view, royalty_statement_id, content, name, expected_version=expected
    )
    response.headers["ETag"] = etag(item.version)
    return royalty_read(db, view, item)


@router.post("/{royalty_statement_id}/submit", response_model=RoyaltyRead)
def submit(
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> RoyaltyRead:
    """Submit to the licensor (If-Match); recomputed with the agreed rates first."""
    view = open_alliance(db, me, alliance_id)
    item = service.submit(db, view, royalty_statement_id, expected_version=expected)
    response.headers["ETag"] = etag(item.version)
    return royalty_read(db, view, item)


@router.post("/{royalty_statement_id}/approve", response_model=RoyaltyRead)
def approve(
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Approve (the licensor's finance people; If-Match, ``Idempotency-Key``): issues the
    invoice, licensee to licensor, due after the terms' payment days."""
    view = open_alliance(db, me, alliance_id)

    def run() -> tuple[int, object, dict[str, str]]:
        item, _invoice = service.approve(db, view, royalty_statement_id, expected_version=expected)
        return 200, royalty_read(db, view, item), {"ETag": etag(item.version)}

    scope = f"POST royalty-statements {royalty_statement_id} approve"
    return idempotent(db, me, key, scope=scope, body=None, run=run)


@router.post("/{royalty_statement_id}/reject", response_model=RoyaltyRead)
def reject(
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    body: Rejection,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> RoyaltyRead:
    """Send it back with a reason (the licensor's finance people; If-Match)."""
    view = open_alliance(db, me, alliance_id)
    item = service.reject(db, view, royalty_statement_id, body, expected_version=expected)
    response.headers["ETag"] = etag(item.version)
    return royalty_read(db, view, item)
