"""JSON routes for milestone claims: claim, confirm or dispute, resolve, invoice, notes."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.governance.reads import decision_read
from pactum.governance.schemas import DecisionRead
from pactum.http.api_auth import ApiPrincipal, IfMatch, etag
from pactum.http.db import DbSession
from pactum.http.idempotency import IdempotencyKey, idempotent
from pactum.invoices import service as invoices
from pactum.invoices.reads import invoice_read
from pactum.invoices.schemas import InvoiceRead
from pactum.milestones import escalation, service
from pactum.milestones.schemas import (
    ClaimCreate,
    ClaimRead,
    ClaimUpdate,
    DisputeCreate,
    DisputeRead,
    DisputeResolve,
    EscalateIn,
    NoteCreate,
    NoteRead,
)
from pactum.models import MilestoneClaim

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}/milestones", tags=["milestones"])


def claim_read(db: Session, view: AllianceView, claim: MilestoneClaim) -> ClaimRead:
    """A claim with its disputes and invoice id."""
    return claim_reads(db, view, [claim])[0]


def claim_reads(db: Session, view: AllianceView, claims: list[MilestoneClaim]) -> list[ClaimRead]:
    """Claims with their disputes and invoice ids (two queries however many claims)."""
    ids = [c.id for c in claims]
    issued = invoices.invoices_by_source(db, view, "milestone", ids)
    by_claim: dict[uuid.UUID, list[DisputeRead]] = {i: [] for i in ids}
    for record in service.disputes(db, view, ids):
        by_claim[record.subject_id].append(DisputeRead.model_validate(record))
    return [
        ClaimRead(
            **{k: getattr(c, k) for k in ClaimRead.model_fields if hasattr(c, k)},
            claimant_org_id=c.owner_org_id,
            disputes=by_claim[c.id],
            invoice_id=issued[c.id].id if c.id in issued else None,
        )
        for c in claims
    ]


@router.get("", response_model=list[ClaimRead])
def list_claims(alliance_id: uuid.UUID, db: DbSession, me: ApiPrincipal) -> list[ClaimRead]:
    """Every milestone claim of the alliance, newest first."""
    view = open_alliance(db, me, alliance_id)
    return claim_reads(db, view, service.list_claims(db, view))


@router.post("", response_model=ClaimRead, status_code=status.HTTP_201_CREATED)
def create_claim(
    alliance_id: uuid.UUID,
    body: ClaimCreate,
    db: DbSession,
    me: ApiPrincipal,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Claim a milestone for our party (accepts ``Idempotency-Key``)."""
    view = open_alliance(db, me, alliance_id)

    def run() -> tuple[int, object, dict[str, str]]:
        claim = service.create_claim(db, view, body)
        return 201, claim_read(db, view, claim), {"ETag": etag(claim.version)}

    return idempotent(db, me, key, scope=f"POST milestones {alliance_id}", body=body, run=run)


@router.get("/{claim_id}", response_model=ClaimRead)
def get_claim(
    alliance_id: uuid.UUID, claim_id: uuid.UUID, db: DbSession, me: ApiPrincipal, response: Response
) -> ClaimRead:
    """One claim with its disputes."""
    view = open_alliance(db, me, alliance_id)
    claim = service.get_claim(db, view, claim_id)
    response.headers["ETag"] = etag(claim.version)
    return claim_read(db, view, claim)


@router.patch("/{claim_id}", response_model=ClaimRead)
def update_claim(
    alliance_id: uuid.UUID,
    claim_id: uuid.UUID,
    body: ClaimUpdate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> ClaimRead:
    """Correct an unanswered claim (claimant; If-Match)."""
    view = open_alliance(db, me, alliance_id)
    claim = service.update_claim(db, view, claim_id, body, expected_version=expected)
    response.headers["ETag"] = etag(claim.version)
    return claim_read(db, view, claim)


@router.post("/{claim_id}/confirm", response_model=ClaimRead)
def confirm(
    alliance_id: uuid.UUID,
    claim_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> ClaimRead:
    """Confirm the milestone was achieved (the paying party; If-Match on the claim)."""
    view = open_alliance(db, me, alliance_id)
    claim = service.confirm(db, view, claim_id, expected_version=expected)
    response.headers["ETag"] = etag(claim.version)
    return claim_read(db, view, claim)


@router.post("/{claim_id}/dispute", response_model=DisputeRead, status_code=201)
def dispute(
    alliance_id: uuid.UUID,
    claim_id: uuid.UUID,
    body: DisputeCreate,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
) -> DisputeRead:
    """Dispute the claim with a reason, within the notice period (opens a dispute)."""
    view = open_alliance(db, me, alliance_id)
    record = service.dispute(db, view, claim_id, body, expected_version=expected)
    return DisputeRead.model_validate(record)


@router.post("/{claim_id}/resolve", response_model=ClaimRead)
def resolve(
    alliance_id: uuid.UUID,
    claim_id: uuid.UUID,
    body: DisputeResolve,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> ClaimRead:
    """Record how the dispute ended (If-Match on the claim)."""
    view = open_alliance(db, me, alliance_id)
    claim = service.resolve(db, view, claim_id, body, expected_version=expected)
    response.headers["ETag"] = etag(claim.version)
    return claim_read(db, view, claim)


@router.post("/{claim_id}/escalate", response_model=DecisionRead, status_code=201)
def escalate(
    alliance_id: uuid.UUID,
    claim_id: uuid.UUID,
    body: EscalateIn,
    db: DbSession,
    me: ApiPrincipal,
) -> DecisionRead:
    """Put the open dispute to a committee (either party): when the decision is approved,
    the dispute is resolved as decided (achieved: confirmed; not achieved: withdrawn)."""
    view = open_alliance(db, me, alliance_id)
    decision = escalation.escalate_dispute(
        db, view, claim_id, committee_id=body.committee_id, deadline=body.deadline
    )
    return decision_read(db, view, decision)


@router.post("/{claim_id}/withdraw", response_model=ClaimRead)
def withdraw(
    alliance_id: uuid.UUID,
    claim_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    expected: IfMatch,
    response: Response,
) -> ClaimRead:
    """Withdraw our claim (If-Match)."""
    view = open_alliance(db, me, alliance_id)
    claim = service.withdraw(db, view, claim_id, expected_version=expected)
    response.headers["ETag"] = etag(claim.version)
    return claim_read(db, view, claim)


@router.post("/{claim_id}/invoice", response_model=InvoiceRead, status_code=201)
def invoice(
    alliance_id: uuid.UUID,
    claim_id: uuid.UUID,
    db: DbSession,
    me: ApiPrincipal,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Issue the invoice of a confirmed claim (accepts ``Idempotency-Key``)."""
    view = open_alliance(db, me, alliance_id)

    def run() -> tuple[int, object, dict[str, str]]:
        issued = service.invoice(db, view, claim_id)
        return 201, invoice_read(issued), {"ETag": etag(issued.version)}

    return idempotent(
        db, me, key, scope=f"POST invoice {alliance_id} {claim_id}", body=None, run=run
    )


@router.get("/{claim_id}/notes", response_model=list[NoteRead])
def list_notes(
    alliance_id: uuid.UUID, claim_id: uuid.UUID, db: DbSession, me: ApiPrincipal
) -> list[NoteRead]:
    """Our party's internal notes on the claim."""
    view = open_alliance(db, me, alliance_id)
    return [NoteRead.model_validate(n) for n in service.notes(db, view, claim_id)]


@router.post("/{claim_id}/notes", response_model=NoteRead, status_code=201)
def add_note(
    alliance_id: uuid.UUID,
    claim_id: uuid.UUID,
    body: NoteCreate,
    db: DbSession,
    me: ApiPrincipal,
) -> NoteRead:
    """Add an internal note, private to our party."""
    view = open_alliance(db, me, alliance_id)
    return NoteRead.model_validate(service.add_note(db, view, claim_id, body))
