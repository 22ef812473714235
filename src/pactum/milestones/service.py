"""Milestone rules: the achieving party claims with evidence; the other party confirms or
disputes within the contract's notice period; a dispute is resolved (the claim stands or
is withdrawn); a confirmed claim is invoiced by the claimant. Every step names the person
and the party, and is audited.

A claim not answered within the notice period is *deemed accepted* (the usual contract
rule): it can no longer be disputed and the claimant may invoice it. Time makes that
change (TIME-1): the scheduler records it when the period ends (:func:`deem_due`), with
the system as actor and the period's end as effective time, and tells both parties;
reads show it as of now whether or not the scheduler has run (:func:`as_of`), and a
write that finds it not yet recorded records it first (:func:`catch_up`).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.orm import Session

from pactum.access import AllianceView, get_scoped, scoped
from pactum.access.records import audit_record
from pactum.agreements import service as agreements
from pactum.core.errors import Conflict, Forbidden, ValidationFailed
from pactum.core.time import utcnow
from pactum.core.updates import check_version, diff, reject_nulls
from pactum.invoices import service as invoices
from pactum.milestones.deemed import as_of, catch_up, deem_due, deemed_accepted
from pactum.milestones.deemed import touch as _touch
from pactum.milestones.schemas import (
    ClaimCreate,
    ClaimUpdate,
    DisputeCreate,
    DisputeResolve,
    NoteCreate,
)
from pactum.models import Agreement, ClaimNote, Dispute, Invoice, MilestoneClaim

OPEN = ("claimed", "disputed")
# The scheduler's job and the detail page's flag, beside the claim's other rules.
__all__ = ["as_of", "deem_due", "deemed_accepted"]


def list_claims(session: Session, view: AllianceView) -> list[MilestoneClaim]:
    """The alliance's milestone claims as of now, newest first."""
    stmt = scoped(view, MilestoneClaim).order_by(MilestoneClaim.claimed_at.desc())
    return [as_of(claim) for claim in session.execute(stmt).scalars()]


def get_claim(
    session: Session, view: AllianceView, claim_id: uuid.UUID, *, lock: bool = False
) -> MilestoneClaim:
    """One claim, or 404: as of now for reading, the locked row itself for a write
    (``lock``; the write calls :func:`catch_up` first)."""
    claim = get_scoped(session, view, MilestoneClaim, claim_id, lock=lock)
    return claim if lock else as_of(claim)


def disputes(session: Session, view: AllianceView, claim_ids: list[uuid.UUID]) -> list[Dispute]:
    """Disputes raised on these claims, oldest first."""
    stmt = (
        scoped(view, Dispute)
        .where(Dispute.subject_type == "milestone_claim", Dispute.subject_id.in_(claim_ids))
        .order_by(Dispute.raised_at)
    )
    return list(session.execute(stmt).scalars())


def disputes_by_id(
    session: Session, view: AllianceView, dispute_ids: list[uuid.UUID]
) -> list[Dispute]:
    """These disputes (those the caller may see)."""
    stmt = scoped(view, Dispute).where(Dispute.id.in_(dispute_ids))
    return list(session.execute(stmt).scalars())


def notes(session: Session, view: AllianceView, claim_id: uuid.UUID) -> list[ClaimNote]:
    """Our party's internal notes on a claim (the other party's are never returned)."""
    get_claim(session, view, claim_id)
    stmt = (
        scoped(view, ClaimNote)
        .where(ClaimNote.claim_id == claim_id, ClaimNote.owner_org_id == view.org_id)
        .order_by(ClaimNote.created_at)
    )
    return list(session.execute(stmt).scalars())


def _other_party(agreement: Agreement, org_id: uuid.UUID) -> uuid.UUID:
    if org_id == agreement.licensor_org_id:
        return agreement.licensee_org_id
    if org_id == agreement.licensee_org_id:
        return agreement.licensor_org_id
    raise Conflict("agreement_id: your organisation is not a party to this agreement")


def _snapshot(claim: MilestoneClaim) -> dict[str, object]:
    return {
        "milestone": claim.milestone,
        "achieved_on": claim.achieved_on,
        "evidence": claim.evidence,
        "amount": claim.amount,
        "currency": claim.currency,
        "payer_org_id": claim.payer_org_id,
        "respond_by": claim.respond_by,
    }


def create_claim(session: Session, view: AllianceView, data: ClaimCreate) -> MilestoneClaim:
    """Claim a milestone for the caller's party; the other party of the agreement pays."""
    view.require("milestones.claim")
    agreement = agreements.get_agreement(session, view, data.agreement_id)
    if agreement.status != "in_force":
        raise Conflict(f"agreement_id: the agreement is {agreement.status}, not in force")
    payer = _other_party(agreement, view.org_id)
    today = utcnow().date()
    if data.achieved_on > today:
        raise ValidationFailed("achieved_on", "must not be in the future")
    if data.achieved_on < agreement.effective_date:
        raise ValidationFailed("achieved_on", "must not be before the agreement took effect")
    currency = data.currency or agreement.currency
    if currency != agreement.currency:
        raise ValidationFailed(
            "currency", f"must be the agreement's currency ({agreement.currency})"
        )
    version = agreements.terms_on(session, view, agreement, data.achieved_on)
    claim = MilestoneClaim(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        agreement_id=agreement.id,
        milestone=data.milestone,
        achieved_on=data.achieved_on,
        evidence=data.evidence,
        amount=data.amount,
        currency=currency,
        payer_org_id=payer,
        respond_by=today + timedelta(days=version.notice_days),
        claimed_by_id=view.principal.user_id,
    )
    session.add(claim)
    session.flush()
    audit_record(session, view, claim, "milestone_claim", "milestone.claim", new=_snapshot(claim))
    return claim


def _as_claimant(view: AllianceView, claim: MilestoneClaim) -> None:
    view.require("milestones.claim")
    if claim.owner_org_id != view.org_id:
        raise Forbidden("Only the claiming party may do this.")


def _as_payer(view: AllianceView, claim: MilestoneClaim) -> None:
    view.require("milestones.respond")
    if claim.payer_org_id != view.org_id:
        raise Forbidden("Only the party the claim is addressed to may answer it.")


def update_claim(
    session: Session,
    view: AllianceView,
    claim_id: uuid.UUID,
    data: ClaimUpdate,
    *,
    expected_version: int | None,
) -> MilestoneClaim:
    """Correct a claim the other party has not answered yet."""
    claim = catch_up(session, get_claim(session, view, claim_id, lock=True))
    _as_claimant(view, claim)
    check_version(expected_version, claim.version)
    if claim.deemed:
        raise Conflict(
            "status: the notice period ended and the claim is deemed accepted as it stood; "
            "withdraw it and claim again to change it"
        )
    if claim.status != "claimed":
        raise Conflict(f"status: a {claim.status} claim cannot be edited")
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes)
    agreement = agreements.get_agreement(session, view, claim.agreement_id)
    achieved = changes.get("achieved_on")
    if achieved is not None and achieved > utcnow().date():
        raise ValidationFailed("achieved_on", "must not be in the future")
    if achieved is not None and achieved < agreement.effective_date:
        raise ValidationFailed("achieved_on", "must not be before the agreement took effect")
    old, new = diff(claim, changes)
    if not new:
        return claim
    for key, value in new.items():
        setattr(claim, key, value)
    # A changed claim gives the other party a fresh notice period to answer it.
    notice = agreements.terms_on(session, view, agreement, claim.achieved_on).notice_days
    old["respond_by"], new["respond_by"] = (
        claim.respond_by,
        utcnow().date() + timedelta(days=notice),
    )
    claim.respond_by = new["respond_by"]
    _touch(claim)
    session.flush()
    audit_record(session, view, claim, "milestone_claim", "milestone.update", old=old, new=new)
    return claim


def confirm(
    session: Session, view: AllianceView, claim_id: uuid.UUID, *, expected_version: int | None
) -> MilestoneClaim:
    """The paying party confirms the milestone was achieved."""
    claim = catch_up(session, get_claim(session, view, claim_id, lock=True))
    _as_payer(view, claim)
    check_version(expected_version, claim.version)
    if claim.status != "claimed":
        raise Conflict(f"status: a {claim.status} claim cannot be confirmed")
    claim.status = "confirmed"
    claim.confirmed_by_id = view.principal.user_id
    claim.confirmed_at = utcnow()
    _touch(claim)
    session.flush()
    audit_record(
        session,
        view,
        claim,
        "milestone_claim",
        "milestone.confirm",
        old={"status": "claimed"},
        new={"status": "confirmed"},
    )
    return claim


def dispute(
    session: Session,
    view: AllianceView,
    claim_id: uuid.UUID,
    data: DisputeCreate,
    *,
    expected_version: int | None,
) -> Dispute:
    """The paying party disputes the claim, with a reason, within the notice period."""
    claim = catch_up(session, get_claim(session, view, claim_id, lock=True))
    _as_payer(view, claim)
    check_version(expected_version, claim.version)
    if claim.deemed:
        raise Conflict(
            f"status: the notice period ended on {claim.respond_by.isoformat()}; "
            "the claim is deemed accepted"
        )
    if claim.status != "claimed":
        raise Conflict(f"status: a {claim.status} claim cannot be disputed")
    record = Dispute(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        subject_type="milestone_claim",
        subject_id=claim.id,
        reason=data.reason,
        raised_by_id=view.principal.user_id,
    )
    session.add(record)
    claim.status = "disputed"
    _touch(claim)
    session.flush()
    audit_record(
        session,
        view,
        record,
        "dispute",
        "dispute.open",
        new={"subject": "milestone_claim", "subject_id": claim.id, "reason": data.reason},
    )
    audit_record(
        session,
        view,
        claim,
        "milestone_claim",
        "milestone.dispute",
        old={"status": "claimed"},
        new={"status": "disputed", "dispute_id": record.id},
    )
    return record


def resolve(
    session: Session,
    view: AllianceView,
    claim_id: uuid.UUID,
    data: DisputeResolve,
    *,
    expected_version: int | None,
) -> MilestoneClaim:
    """Record how the open dispute ended. If the claim stands it goes back to the paying
    party for confirmation with a fresh notice period; otherwise it is withdrawn."""
    claim = get_claim(session, view, claim_id, lock=True)
    view.require("milestones.respond")
    if view.org_id not in {claim.owner_org_id, claim.payer_org_id}:
        raise Forbidden("Only the claiming party or the paying party may resolve the dispute.")
    check_version(expected_version, claim.version)
    if claim.status != "disputed":
        raise Conflict(f"status: a {claim.status} claim has no open dispute")
    if data.outcome == "claim_withdrawn" and claim.owner_org_id != view.org_id:
        raise Forbidden("Only the claiming party may withdraw its claim.")
    record = next(d for d in disputes(session, view, [claim.id]) if d.status == "open")
    record.status = "resolved"
    record.outcome = data.outcome
    record.resolution = data.resolution
    record.resolved_by_id = view.principal.user_id
    record.resolved_at = utcnow()
    record.version += 1
    agreement = agreements.get_agreement(session, view, claim.agreement_id)
    if data.outcome == "claim_stands":
        notice = agreements.terms_on(session, view, agreement, claim.achieved_on).notice_days
        claim.status = "claimed"
        claim.respond_by = utcnow().date() + timedelta(days=notice)
    else:
        claim.status = "withdrawn"
    _touch(claim)
    session.flush()
    audit_record(
        session,
        view,
        record,
        "dispute",
        "dispute.resolve",
        old={"status": "open"},
        new={"status": "resolved", "outcome": data.outcome, "resolution": data.resolution},
    )
    audit_record(
        session,
        view,
        claim,
        "milestone_claim",
        "milestone.resolve",
        old={"status": "disputed"},
        new={"status": claim.status, "respond_by": claim.respond_by},
    )
    return claim


def withdraw(
    session: Session, view: AllianceView, claim_id: uuid.UUID, *, expected_version: int | None
) -> MilestoneClaim:
    """The claimant withdraws an unanswered or disputed claim."""
    claim = catch_up(session, get_claim(session, view, claim_id, lock=True))
    _as_claimant(view, claim)
    check_version(expected_version, claim.version)
    if claim.status not in OPEN:
        raise Conflict(f"status: a {claim.status} claim cannot be withdrawn")
    old = claim.status
    if old == "disputed":
        for record in disputes(session, view, [claim.id]):
            if record.status == "open":
                record.status = "resolved"
                record.outcome = "claim_withdrawn"
                record.resolution = "The claimant withdrew the claim."
                record.resolved_by_id = view.principal.user_id
                record.resolved_at = utcnow()
                record.version += 1
                audit_record(
                    session,
                    view,
                    record,
                    "dispute",
                    "dispute.resolve",
                    old={"status": "open"},
                    new={
                        "status": "resolved",
                        "outcome": "claim_withdrawn",
                        "resolution": record.resolution,
                    },
                )
    claim.status = "withdrawn"
    _touch(claim)
    session.flush()
    audit_record(
        session,
        view,
        claim,
        "milestone_claim",
        "milestone.withdraw",
        old={"status": old},
        new={"status": "withdrawn"},
    )
    return claim


def invoice(session: Session, view: AllianceView, claim_id: uuid.UUID) -> Invoice:
    """The claimant invoices a confirmed (or deemed accepted) claim; due after the
    agreement's payment days."""
    claim = catch_up(session, get_claim(session, view, claim_id, lock=True))
    view.require("finance.write")
    if claim.owner_org_id != view.org_id:
        raise Forbidden("Only the claiming party invoices its milestone.")
    if claim.status != "confirmed":
        raise Conflict(f"status: a {claim.status} claim cannot be invoiced yet")
    agreement = agreements.get_agreement(session, view, claim.agreement_id)
    version = agreements.terms_on(session, view, agreement, claim.achieved_on)
    issued = invoices.issue_invoice(
        session,
        view,
        source_type="milestone",
        source_id=claim.id,
        description=f"{agreement.title}: {claim.milestone}",
        payer_org_id=claim.payer_org_id,
        payee_org_id=claim.owner_org_id,
        amount=claim.amount,
        currency=claim.currency,
        payment_days=version.payment_days,
    )
    old = claim.status
    claim.status = "invoiced"
    _touch(claim)
    session.flush()
    audit_record(
        session,
        view,
        claim,
        "milestone_claim",
        "milestone.invoice",
        old={"status": old},
        new={"status": "invoiced", "invoice_id": issued.id, "number": issued.number},
    )
    return issued


def add_note(
    session: Session, view: AllianceView, claim_id: uuid.UUID, data: NoteCreate
) -> ClaimNote:
    """An internal note on a claim, private to the caller's party."""
    claim = get_claim(session, view, claim_id)
    view.require("notes.write")
    note = ClaimNote(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="private",
        claim_id=claim.id,
        body=data.body,
        author_id=view.principal.user_id,
    )
    session.add(note)
    session.flush()
    audit_record(session, view, note, "claim_note", "claim_note.create", new={"body": data.body})
    return note
