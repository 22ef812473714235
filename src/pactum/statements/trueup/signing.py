"""Signing a true-up off (SIG-1/SIG-2): what a signature binds, the signatures given, and
the sign-off itself. Both parties' finance officers sign the version they reviewed; when
both have, the true-up is approved and the balancing payment on undisputed costs is
invoiced (the amount held for disputed lines stays shown). A finance officer signs only
when their own party has no draft lines left. An approved true-up no longer changes."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from pactum.access import AllianceView, lock_alliance
from pactum.access.records import audit_record
from pactum.core.errors import Conflict, ValidationFailed
from pactum.invoices import service as invoices
from pactum.models import Signature, TrueUp
from pactum.settings import Settings
from pactum.signatures import service as signatures
from pactum.statements.trueup.schemas import SignatureCreate
from pactum.statements.trueup.service import (
    OBJECT_TYPE,
    agreement_of,
    check_open,
    draft_lines_of,
    get_true_up,
    inputs_of,
    my_party,
    result_of,
)

SIGNING_ROLE = "finance"
SIGNING_MEANING = "approval"


def signed_content(true_up: TrueUp) -> dict[str, Any]:
    """What a signature binds: the version, budgets, split, overrun, every line and the
    result (the status is not part of it: approval does not change what was signed)."""
    return {
        "object": OBJECT_TYPE,
        "id": true_up.id,
        "agreement_id": true_up.agreement_id,
        "year": true_up.year,
        "quarter": true_up.quarter,
        "currency": true_up.currency,
        "version": true_up.version,
        "note": true_up.note,
        "inputs": true_up.inputs,
        "result": true_up.result,
    }


def content_sha256(true_up: TrueUp) -> str:
    """The SHA-256 a signature of the current version binds to."""
    return signatures.content_hash(signed_content(true_up))


def signatures_of(session: Session, view: AllianceView, true_up: TrueUp) -> list[Signature]:
    """Every signature of the true-up, oldest first (invalidated ones included)."""
    return signatures.signatures_for(session, view, object_type=OBJECT_TYPE, object_id=true_up.id)


def sign_true_up(
    session: Session,
    view: AllianceView,
    settings: Settings,
    true_up_id: uuid.UUID,
    data: SignatureCreate,
) -> Signature:
    """A finance officer signs the version they reviewed (SIG-1, TEN-5). When both
    parties have valid signatures (SIG-2) the true-up is approved and the balancing
    payment on undisputed costs is invoiced (nothing when it is zero)."""
    true_up = get_true_up(session, view, true_up_id, lock=True)
    view.require("finance.approve")
    # The last signature issues the invoice, which numbers under the alliance's lock: take
    # it before any audit entry is appended (a fixed lock order: no deadlock).
    lock_alliance(session, view)
    agreement = agreement_of(session, view, true_up)
    my_party(agreement, view)
    check_open(true_up)
    if data.meaning != SIGNING_MEANING:
        raise ValidationFailed("meaning", "a true-up is signed off with the meaning approval")
    drafts = len(draft_lines_of(session, view, true_up))
    if drafts:
        raise Conflict(
            f"lines: your party has {drafts} cost line{'s' if drafts != 1 else ''} not yet "
            "submitted; submit or remove them before signing"
        )
    signature = signatures.sign(
        session,
        view,
        settings=settings,
        object_type=OBJECT_TYPE,
        object_id=true_up.id,
        object_version=data.version,
        current_version=true_up.version,
        content=signed_content(true_up),
        password=data.password,
        printed_name=data.printed_name,
        meaning=data.meaning,
        role=SIGNING_ROLE,
        expected_sha256=data.content_sha256,
    )
    done = signatures.complete(
        session,
        view,
        object_type=OBJECT_TYPE,
        object_id=true_up.id,
        object_version=true_up.version,
        content=signed_content(true_up),
        parties=(agreement.licensor_org_id, agreement.licensee_org_id),
        meaning=SIGNING_MEANING,
    )
    if done:
        _approve(session, view, true_up, signature)
    return signature


def _approve(session: Session, view: AllianceView, true_up: TrueUp, last: Signature) -> None:
    true_up.status = "approved"
    true_up.decided_by_id = view.principal.user_id
    true_up.decided_at = last.signed_at
    session.flush()
    result = result_of(true_up)
    now, held = result["payment_now"], result["payment_held"]
    invoice = None
    if now is not None:
        invoice = invoices.issue_invoice(
            session,
            view,
            source_type=OBJECT_TYPE,
            source_id=true_up.id,
            description=(
                f"Cost-sharing true-up {true_up.year} Q{true_up.quarter}: balancing payment "
                f"on undisputed costs"
                + (
                    f" ({held['amount']} {true_up.currency} held for disputed lines)"
                    if held
                    else ""
                )
            ),
            payer_org_id=uuid.UUID(now["payer_org_id"]),
            payee_org_id=uuid.UUID(now["payee_org_id"]),
            amount=Decimal(now["amount"]),
            currency=true_up.currency,
            payment_days=int(inputs_of(true_up)["payment_days"]),
        )
    audit_record(
        session,
        view,
        true_up,
        OBJECT_TYPE,
        "true_up.approve",
        old={"status": "draft"},
        new={
            "status": "approved",
            "version": true_up.version,
            "content_sha256": last.content_sha256,
            "payment_now": now,
            "payment_held": held,
            "invoice_id": invoice.id if invoice is not None else None,
        },
    )
