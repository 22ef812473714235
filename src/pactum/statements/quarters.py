"""What FX rates, royalty statements and P&L-share statements share: the agreement's
parties, the terms in force for a quarter, who decides, and recording a decision. The pure
quarter arithmetic and number text are in :mod:`pactum.statements.periods` (re-exported
here for the services).

Amounts inside a statement's ``inputs`` and ``result`` are decimal *strings* (exact, never
floats) so that recomputing from stored inputs can be compared with the stored result.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from pactum.access import AllianceView
from pactum.access.records import audit_record
from pactum.agreements import service as agreements
from pactum.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pactum.core.time import quarter_end, quarter_of, quarter_start, utcnow
from pactum.core.updates import check_version
from pactum.models import (
    Agreement,
    AgreementVersion,
    Invoice,
    PnlStatement,
    RoyaltyStatement,
)
from pactum.statements.periods import label


def first_quarter(agreement: Agreement, year: int) -> int:
    """The first quarter of ``year`` in which the agreement is in force (1 in later years)."""
    if agreement.effective_date.year < year:
        return 1
    return quarter_of(agreement.effective_date)[1]


def find_agreement(session: Session, view: AllianceView, agreement_id: uuid.UUID) -> Agreement:
    """The agreement a request body names, or a field error (the body names it, so a
    missing one is bad input, not a missing page)."""
    try:
        agreement = agreements.get_agreement(session, view, agreement_id)
    except NotFound as exc:
        raise ValidationFailed("agreement_id", "is not an agreement of this alliance") from exc
    if agreement.status == "draft":
        raise ValidationFailed(
            "agreement_id", "is still a draft; statements start once the agreement is in force"
        )
    return agreement


def terms_for_quarter(
    session: Session, view: AllianceView, agreement: Agreement, year: int, quarter: int
) -> AgreementVersion:
    """The version in force on the quarter's last day (an amendment effective during the
    quarter applies to the whole quarter)."""
    end = quarter_end(year, quarter)
    if agreement.expiry_date is not None and agreement.expiry_date < quarter_start(year, quarter):
        raise ValidationFailed(
            "quarter", f"the agreement expired before {label(year, quarter)} began"
        )
    try:
        return agreements.terms_on(session, view, agreement, end)
    except ValidationFailed as exc:
        raise ValidationFailed(
            "quarter", f"the agreement is not in force in {label(year, quarter)}"
        ) from exc


def role_of(agreement: Agreement, org_id: uuid.UUID) -> str | None:
    """``licensor``, ``licensee`` or ``None`` for an organisation."""
    if org_id == agreement.licensor_org_id:
        return "licensor"
    if org_id == agreement.licensee_org_id:
        return "licensee"
    return None


def org_of(agreement: Agreement, role: str) -> uuid.UUID:
    """The organisation playing ``role`` in the agreement."""
    return agreement.licensor_org_id if role == "licensor" else agreement.licensee_org_id


def check_decidable(
    view: AllianceView,
    item: RoyaltyStatement | PnlStatement,
    expected_version: int | None,
    *,
    decider: bool,
    who: str,
) -> None:
    """The caller may approve or reject ``item``: a finance person (TEN-5) of the deciding
    party (``decider``), never of the party that prepared it, on the version they read,
    while it is submitted."""
    view.require("finance.approve")
    if view.org_id == item.owner_org_id:
        raise Forbidden(f"A party cannot approve its own statement; {who} decides.")
    if not decider:
        raise Forbidden(f"Only {who}'s finance people approve this statement.")
    check_version(expected_version, item.version)
    if item.status != "submitted":
        raise Conflict(f"status: only a submitted statement can be decided (it is {item.status})")


def record_decision(
    session: Session,
    view: AllianceView,
    item: RoyaltyStatement | PnlStatement,
    object_type: str,
    *,
    reason: str | None = None,
    invoice: Invoice | None = None,
) -> None:
    """Approve (``reason`` None) or reject a submitted statement: who and when, a new
    version, and the audit entry (with the invoice approval issued, if any)."""
    approved = reason is None
    item.status = "approved" if approved else "rejected"
    if reason is not None:
        item.note = reason
    item.decided_by_id = view.principal.user_id
    item.decided_at = utcnow()
    item.version += 1
    item.updated_at = item.decided_at
    session.flush()
    new: dict[str, Any] = (
        {"status": "approved", "total": item.total, "invoice": invoice.number if invoice else None}
        if approved
        else {"status": "rejected", "reason": reason}
    )
    audit_record(
        session,
        view,
        item,
        object_type,
        f"{object_type}.{'approve' if approved else 'reject'}",
        old={"status": "submitted"},
        new=new,
    )


def shared_from_now(item: RoyaltyStatement | PnlStatement) -> dict[str, Any]:
    """What the shared audit chain learns of a statement at its first submission (its
    draft history stays in the preparing party's own chain, DRAFT-1)."""
    return {
        "first_shared": True,
        "agreement_id": item.agreement_id,
        "year": item.year,
        "quarter": item.quarter,
        "currency": item.currency,
    }
