"""Milestone disputes through the governance ladder.

Either party of a disputed claim (its alliance manager or finance person) may put the
dispute to a committee: a decision with two alternatives, "achieved" (the claim stands
and is confirmed) or "not achieved" (the claim is withdrawn). The decision then follows
the charter like any other (votes, deadlock, escalation with business-day clocks, final
say or arbitration); when it is approved, the dispute is resolved accordingly in the same
transaction. A rejected decision (final say "no") leaves the dispute open.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from pactum.access import AllianceView
from pactum.access.records import audit_record
from pactum.core.errors import Conflict, Forbidden
from pactum.core.time import utcnow
from pactum.governance.schemas import DecisionCreate
from pactum.governance.service import decisions, progress
from pactum.milestones import service
from pactum.models import Decision, Dispute, MilestoneClaim

ACHIEVED = "Achieved: the claim stands and is confirmed"
NOT_ACHIEVED = "Not achieved: the claim is withdrawn"
SUBJECT = "dispute"
DOMAIN = "milestone"


def open_dispute(session: Session, view: AllianceView, claim: MilestoneClaim) -> Dispute:
    """The claim's open dispute, or 409."""
    found = [d for d in service.disputes(session, view, [claim.id]) if d.status == "open"]
    if claim.status != "disputed" or not found:
        raise Conflict(f"status: a {claim.status} claim has no open dispute")
    return found[0]


def escalate_dispute(
    session: Session,
    view: AllianceView,
    claim_id: uuid.UUID,
    *,
    committee_id: uuid.UUID,
    deadline: date,
) -> Decision:
    """Put the claim's open dispute to a committee (either party of the claim)."""
    claim = service.get_claim(session, view, claim_id, lock=True)
    view.require("milestones.respond")
    if view.org_id not in {claim.owner_org_id, claim.payer_org_id}:
        raise Forbidden("Only the claiming or the paying party may escalate the dispute.")
    dispute = open_dispute(session, view, claim)
    already = [d for d in decisions_for(session, view, dispute.id) if d.status != "withdrawn"]
    if already:
        raise Conflict(f"dispute: already before governance as {already[0].reference}")
    data = DecisionCreate(
        committee_id=committee_id,
        domain=DOMAIN,
        question=f"Was the milestone “{claim.milestone}” achieved on "
        f"{claim.achieved_on.isoformat()}?"[:500],
        background=f"Claim: {claim.evidence}\n\nDispute: {dispute.reason}"[:20000],
        options=[ACHIEVED, NOT_ACHIEVED],
        deadline=deadline,
    )
    decision = decisions.propose(
        session, view, data, subject=(SUBJECT, dispute.id), permission="milestones.respond"
    )
    audit_record(
        session,
        view,
        dispute,
        "dispute",
        "dispute.escalate",
        new={"decision_id": decision.id, "reference": decision.reference},
    )
    return decision


def decisions_for(session: Session, view: AllianceView, dispute_id: uuid.UUID) -> list[Decision]:
    """Governance decisions raised on a dispute."""
    return [
        d
        for d in decisions.by_subject(session, view, SUBJECT, [dispute_id])
        if d.subject_id == dispute_id
    ]


def _on_decided(session: Session, view: AllianceView, decision: Decision) -> None:
    """Resolve the dispute as the committee (or the final-say party) decided."""
    if decision.status != "approved" or decision.subject_id is None:
        return
    dispute = next((d for d in service.disputes_by_id(session, view, [decision.subject_id])), None)
    if dispute is None or dispute.status != "open":
        return
    claim = service.get_claim(session, view, dispute.subject_id, lock=True)
    stands = decision.chosen_option == ACHIEVED
    dispute.status = "resolved"
    dispute.outcome = "claim_stands" if stands else "claim_withdrawn"
    dispute.resolution = f"Decided through governance: {decision.reference} ({decision.outcome})"
    dispute.resolved_by_id = view.principal.user_id
    dispute.resolved_at = utcnow()
    dispute.version += 1
    old = claim.status
    if stands:
        claim.status = "confirmed"
        claim.confirmed_by_id = view.principal.user_id
        claim.confirmed_at = utcnow()
    else:
        claim.status = "withdrawn"
    claim.version += 1
    claim.updated_at = utcnow()
    session.flush()
    audit_record(
        session,
        view,
        dispute,
        "dispute",
        "dispute.resolve",
        old={"status": "open"},
        new={"status": "resolved", "outcome": dispute.outcome, "decision_id": decision.id},
    )
    audit_record(
        session,
        view,
        claim,
        "milestone_claim",
        "milestone.resolve",
        old={"status": old},
        new={"status": claim.status, "decision_id": decision.id},
    )


def _before_deciding(session: Session, view: AllianceView, decision: Decision) -> None:
    """Lock the disputed claim before a write on its decision (the decision may resolve
    the dispute and change the claim)."""
    if decision.subject_id is None:
        return
    dispute = next(iter(service.disputes_by_id(session, view, [decision.subject_id])), None)
    if dispute is not None:
        service.get_claim(session, view, dispute.subject_id, lock=True)


progress.ON_DECIDED[SUBJECT] = _on_decided
progress.BEFORE_DECIDING[SUBJECT] = _before_deciding
