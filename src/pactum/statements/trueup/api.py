"""JSON routes for cost-sharing true-ups: budgets, cost lines, disputes and sign-off."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.core.errors import ValidationFailed
from pactum.files import imports
from pactum.finance.imports import ImportRejected, parse_costs
from pactum.finance.money import to_cents
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession, SettingsDep
from pactum.http.idempotency import IdempotencyKey, idempotent
from pactum.models import CostLine, TrueUp
from pactum.signatures import service as signatures
from pactum.signatures.schemas import SignatureRead
from pactum.statements.trueup import lines, service
from pactum.statements.trueup import signing as signoff
from pactum.statements.trueup.schemas import (
    CostLineCreate,
    CostLineRead,
    CostLineUpdate,
    DisputeSet,
    LinesSubmit,
    SignatureCreate,
    TrueUpCreate,
    TrueUpRead,
    TrueUpSummary,
    TrueUpUpdate,
)

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}/true-ups", tags=["true-ups"])


def line_read(line: CostLine, true_up: TrueUp) -> CostLineRead:
    """A cost line with the true-up's version after the change."""
    return CostLineRead(
        id=line.id,
        true_up_id=line.true_up_id,
        party_org_id=line.party_org_id,
        work_package=line.work_package,
        category=line.category,
        description=line.description,
        amount=to_cents(line.amount),
        currency=line.currency,
        disputed=line.disputed,
        dispute_reason=line.dispute_reason,
        version=line.version,
        created_at=line.created_at,
        submitted=line.visibility == "shared",
        true_up_version=true_up.version,
    )


def signature_reads(db: Session, view: AllianceView, true_up: TrueUp) -> list[SignatureRead]:
    """The true-up's signatures as manifestations (validity against the current content)."""
    shown = signatures.manifestations(
        signoff.signatures_of(db, view, true_up),
        view.party_names,
        signoff.content_sha256(true_up),
    )
    return [SignatureRead.model_validate(m, from_attributes=True) for m in shown]


def true_up_read(db: Session, view: AllianceView, true_up: TrueUp) -> TrueUpRead:
    """The whole true-up as the API shows it."""
    invoice = service.invoice_of(db, view, true_up)
    summary = TrueUpSummary.model_validate(true_up, from_attributes=True)
    drafts = service.draft_lines_of(db, view, true_up)
    return TrueUpRead(
        **summary.model_dump(),
        note=true_up.note,
        inputs=true_up.inputs,
        result=true_up.result,
        content_sha256=signoff.content_sha256(true_up),
        lines=[line_read(ln, true_up) for ln in service.lines_of(db, view, true_up)],
        draft_lines=[line_read(ln, true_up) for ln in drafts],
        drafts_sha256=service.drafts_sha256(drafts),
        signatures=signature_reads(db, view, true_up),
        invoice_id=invoice.id if invoice is not None else None,
    )


@router.get("", response_model=list[TrueUpSummary])
def list_true_ups(alliance_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> list[TrueUpSummary]:
    """The alliance's true-ups, latest quarter first."""
    view = open_alliance(db, me, alliance_id)
    return [
        TrueUpSummary.model_validate(t, from_attributes=True)
        for t in service.list_true_ups(db, view)
    ]


@router.post("", response_model=TrueUpRead, status_code=status.HTTP_201_CREATED)
def create_true_up(
    alliance_id: uuid.UUID,
    body: TrueUpCreate,
    db: DbSession,
    me: ApiPrincipal,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Open a quarter's true-up under an agreement (finance.write; ``Idempotency-Key``)."""
    view = open_alliance(db, me, alliance_id)

    def run() -> tuple[int, Any, dict[str, str]]:
        true_up = service.create_true_up(db, view, body)
        return 201, true_up_read(db, view, true_up), {"ETag": etag(true_up.version)}

    return idempotent(
        db, me, key, scope=f"POST /alliances/{alliance_id}/true-ups", body=body, run=run
    )


@router.get("/{true_up_id}", response_model=TrueUpRead)
def get_true_up(
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
) -> TrueUpRead:
    """One true-up with its lines, result and signatures; ETag is its version."""
    view = open_alliance(db, me, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    response.headers["ETag"] = etag(true_up.version)
    return true_up_read(db, view, true_up)


@router.patch("/{true_up_id}", response_model=TrueUpRead)
def update_true_up(
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    body: TrueUpUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> TrueUpRead:
    """Change budgets, decisions, split or note (If-Match); invalidates signatures."""
    view = open_alliance(db, me, alliance_id)
    true_up = service.update_true_up(db, view, true_up_id, body, expected_version=expected)
    response.headers["ETag"] = etag(true_up.version)
    return true_up_read(db, view, true_up)


@router.get("/{true_up_id}/lines", response_model=list[CostLineRead])
def list_lines(
    alliance_id: uuid.UUID, true_up_id: uuid.UUID, db: DbSession, me: ApiPrincipal
) -> list[CostLineRead]:
    """The true-up's submitted cost lines, with their dispute state, then your party's
    draft lines (``submitted`` false; only your party sees them)."""
    view = open_alliance(db, me, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    shown = service.lines_of(db, view, true_up) + service.draft_lines_of(db, view, true_up)
    return [line_read(ln, true_up) for ln in shown]


@router.post("/{true_up_id}/lines/submit", response_model=TrueUpRead)
def submit_lines(
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    response: Response,
    expected: IfMatch = None,
    body: LinesSubmit | None = None,
) -> TrueUpRead:
    """Submit your party's draft lines (finance.write, If-Match with the true-up's
    version): the other party sees them from now on and the result counts them; the
    signatures of the previous version are invalidated. With ``drafts_sha256`` (as read
    from the true-up), a draft added, changed or removed meanwhile is a 412."""
    view = open_alliance(db, me, alliance_id)
    seen = body.drafts_sha256 if body is not None else None
    true_up, _submitted = lines.submit_lines(
        db, view, true_up_id, expected_version=expected, seen=seen
    )
    response.headers["ETag"] = etag(true_up.version)
    return true_up_read(db, view, true_up)


@router.post("/{true_up_id}/lines", response_model=CostLineRead, status_code=201)
def add_line(
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    body: CostLineCreate,
    db: DbSession,
    me: ApiPrincipal,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Add a cost line of our party (finance.write; ``Idempotency-Key``)."""
    view = open_alliance(db, me, alliance_id)

    def run() -> tuple[int, Any, dict[str, str]]:
        true_up, added = lines.add_lines(db, view, true_up_id, [body])
        return 201, line_read(added[0], true_up), {"ETag": etag(added[0].version)}

    scope = f"POST /alliances/{alliance_id}/true-ups/{true_up_id}/lines"
    return idempotent(db, me, key, scope=scope, body=body, run=run)


async def upload_body(request: Request, db: DbSession, me: ApiPrincipal) -> bytes:
    """The raw request body (a CSV or XLSX file), once the caller is known, at most 5 MB
    (413)."""
    return await imports.read_body(request, db, limit=lines.MAX_IMPORT, field_name="file")


Upload = Annotated[bytes, Depends(upload_body)]


@router.post(
    "/{true_up_id}/lines/import",
    response_model=list[CostLineRead],
    status_code=201,
    openapi_extra={
        "requestBody": {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
            }
        }
    },
)
def import_lines(
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    data: Upload,
    db: DbSession,
    me: ApiPrincipal,
    fmt: Annotated[str, Query(alias="format", pattern="^(csv|xlsx)$")] = "csv",
) -> list[CostLineRead]:
    """Import our party's cost lines from a CSV or XLSX file sent as the body (columns
    work_package, category, description, amount, currency); any problem anywhere answers
    422 with one ``{"field": "row N: column", "rule"}`` per problem and imports nothing."""
    view = open_alliance(db, me, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    view.require("finance.write")
    try:
        rows = parse_costs(data, filename=f"upload.{fmt}", currency=true_up.currency)
    except ImportRejected as exc:
        raise rejected(exc) from exc
    true_up, added = lines.import_lines(db, view, true_up_id, rows)
    return [line_read(ln, true_up) for ln in added]


def rejected(exc: ImportRejected) -> ValidationFailed:
    """A file's row errors as one field error per problem."""
    pairs = [(f"row {e.row}: {e.column}", e.rule) for e in exc.errors]
    return ValidationFailed(pairs[0][0], pairs[0][1], more=pairs[1:])


@router.patch("/{true_up_id}/lines/{line_id}", response_model=CostLineRead)
def update_line(
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    line_id: uuid.UUID,
    body: CostLineUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> CostLineRead:
    """Edit one of our party's lines (If-Match: the line's ETag)."""
    view = open_alliance(db, me, alliance_id)
    true_up, line = lines.update_line(
        db, view, true_up_id, line_id, body, expected_version=expected
    )
    response.headers["ETag"] = etag(line.version)
    return line_read(line, true_up)


@router.delete("/{true_up_id}/lines/{line_id}", status_code=204)
def remove_line(
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    line_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
) -> Response:
    """Remove one of our party's lines (If-Match: the line's ETag)."""
    view = open_alliance(db, me, alliance_id)
    lines.remove_line(db, view, true_up_id, line_id, expected_version=expected)
    return Response(status_code=204)


@router.post("/{true_up_id}/lines/{line_id}/dispute", response_model=CostLineRead)
def dispute_line(
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    line_id: uuid.UUID,
    body: DisputeSet,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> CostLineRead:
    """Dispute the other party's line with a reason, or withdraw the dispute
    (finance.approve; If-Match: the line's ETag)."""
    view = open_alliance(db, me, alliance_id)
    true_up, line = lines.dispute_line(
        db, view, true_up_id, line_id, body, expected_version=expected
    )
    response.headers["ETag"] = etag(line.version)
    return line_read(line, true_up)


@router.get("/{true_up_id}/signatures", response_model=list[SignatureRead])
def list_signatures(
    alliance_id: uuid.UUID, true_up_id: uuid.UUID, db: DbSession, me: ApiPrincipal
) -> list[SignatureRead]:
    """The true-up's signatures, invalidated ones included."""
    view = open_alliance(db, me, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    return signature_reads(db, view, true_up)


@router.post("/{true_up_id}/signatures", response_model=TrueUpRead, status_code=201)
def sign(
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    body: SignatureCreate,
    db: DbSession,
    me: ApiPrincipal,
    settings: SettingsDep,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Sign the version you reviewed (finance.approve): the password again, your printed
    name, the meaning ``approval``. When both parties have signed, the true-up is
    approved and the balancing payment now is invoiced. ``Idempotency-Key`` accepted."""
    view = open_alliance(db, me, alliance_id)

    def run() -> tuple[int, Any, dict[str, str]]:
        signoff.sign_true_up(db, view, settings, true_up_id, body)
        true_up = service.get_true_up(db, view, true_up_id)
        return 201, true_up_read(db, view, true_up), {"ETag": etag(true_up.version)}

    # The password is not part of the replay fingerprint.
    fingerprint = body.model_dump(exclude={"password"})
    scope = f"POST /alliances/{alliance_id}/true-ups/{true_up_id}/signatures"
    with signatures.refusals_kept(db, settings):
        return idempotent(db, me, key, scope=scope, body=fingerprint, run=run)
