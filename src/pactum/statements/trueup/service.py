"""Quarterly cost-sharing true-ups: opening, budgets, the result from submitted lines.

A finance person opens the true-up of a quarter under an agreement with each party's
committee-approved budget; the permitted overrun comes from the agreement version in
force at the quarter's end and the split from an explicit licensor share or the
agreement's ``licensor_cost_share`` for a phase. The true-up itself is shared from the
start: both parties' budgets are in it and both sign it. Each party's finance people
enter or import their own party's cost lines, which are that party's working paper
(DRAFT-1): private to it, and outside the result, until the party submits them; from then
on both parties see them. The other party's finance officer may dispute a submitted line
(and withdraw the dispute). Every change to what both see (a submission, a change to a
submitted line, a dispute, budgets or split) recomputes the result, bumps the version and
invalidates the signatures; a change to a party's draft lines changes nothing the other
party sees. Signing off is in :mod:`pactum.statements.trueup.signing`. Settling the held
amount once its dispute is resolved is not automated yet: the parties record it in a later
quarter's true-up.
"""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal
from typing import Any, cast

from sqlalchemy.orm import Session

from pactum.access import AllianceView, get_scoped, not_found, scoped
from pactum.access.records import audit_record
from pactum.agreements import service as agreements
from pactum.agreements.terms import parse_terms
from pactum.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pactum.core.time import quarter_end, quarter_start, utcnow
from pactum.core.updates import check_version, diff, reject_nulls
from pactum.invoices import service as invoices
from pactum.models import Agreement, CostLine, Invoice, TrueUp
from pactum.signatures import service as signatures
from pactum.statements.quarters import role_of
from pactum.statements.trueup.calc import PARTIES, cents_text, compute
from pactum.statements.trueup.schemas import TrueUpCreate, TrueUpUpdate

OBJECT_TYPE = "true_up"
LINE_FIELDS = ("work_package", "category", "description", "amount", "currency")
BUDGET_FIELDS = (
    "licensor_budget",
    "licensor_budget_decision",
    "licensee_budget",
    "licensee_budget_decision",
)


# --- reading --------------------------------------------------------------------------


def list_true_ups(session: Session, view: AllianceView) -> list[TrueUp]:
    """The alliance's true-ups (shared with every party), latest quarter first."""
    stmt = scoped(view, TrueUp).order_by(
        TrueUp.year.desc(), TrueUp.quarter.desc(), TrueUp.created_at
    )
    return list(session.execute(stmt).scalars())


def get_true_up(
    session: Session, view: AllianceView, true_up_id: uuid.UUID, *, lock: bool = False
) -> TrueUp:
    """One true-up, or 404. ``lock`` takes its row lock (PostgreSQL) so that changes and
    signatures of one true-up happen one after the other: the last signer always sees
    the other party's signature, and nobody signs a version being replaced."""
    if not lock:
        return get_scoped(session, view, TrueUp, true_up_id)
    found = session.execute(
        scoped(view, TrueUp)
        .where(TrueUp.id == true_up_id)
        .with_for_update()
        # a page may have read the row before: the locked read must replace what it holds
        # (an approval committed meanwhile must be seen, or an approved true-up changes)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if found is None:
        raise not_found(view.principal, "trueup", true_up_id)
    return found


def lines_of(session: Session, view: AllianceView, true_up: TrueUp) -> list[CostLine]:
    """The true-up's submitted cost lines (what both parties see and the result counts),
    in the order they were entered."""
    stmt = (
        scoped(view, CostLine)
        .where(CostLine.true_up_id == true_up.id, CostLine.visibility == "shared")
        .order_by(CostLine.created_at, CostLine.id)
    )
    return list(session.execute(stmt).scalars())


def draft_lines_of(session: Session, view: AllianceView, true_up: TrueUp) -> list[CostLine]:
    """The caller's party's cost lines not yet submitted (only that party sees them)."""
    stmt = (
        scoped(view, CostLine)
        .where(
            CostLine.true_up_id == true_up.id,
            CostLine.visibility == "private",
            CostLine.owner_org_id == view.org_id,
        )
        .order_by(CostLine.created_at, CostLine.id)
    )
    return list(session.execute(stmt).scalars())


def get_line(session: Session, view: AllianceView, true_up: TrueUp, line_id: uuid.UUID) -> CostLine:
    """One cost line of this true-up, or 404."""
    line = get_scoped(session, view, CostLine, line_id)
    if line.true_up_id != true_up.id:
        raise NotFound()
    return line


def drafts_sha256(drafts: list[CostLine]) -> str:
    """A fingerprint of draft lines as one reviews them (each id and version)."""
    text = ",".join(sorted(f"{ln.id}:{ln.version}" for ln in drafts))
    return hashlib.sha256(text.encode()).hexdigest()


def agreement_of(session: Session, view: AllianceView, true_up: TrueUp) -> Agreement:
    """The agreement the true-up is made under."""
    return agreements.get_agreement(session, view, true_up.agreement_id)


def invoice_of(session: Session, view: AllianceView, true_up: TrueUp) -> Invoice | None:
    """The invoice of the balancing payment, once approved (none when nothing is due)."""
    return invoices.invoice_for(session, view, OBJECT_TYPE, true_up.id)


# --- writing --------------------------------------------------------------------------


def my_party(agreement: Agreement, view: AllianceView) -> str:
    party = role_of(agreement, view.org_id)
    if party is None:
        raise Forbidden("Only the agreement's two parties take part in its true-ups.")
    return party


def _split(
    agreement_terms: dict[str, Any], licensor_share: Decimal | None, phase: str | None
) -> Decimal:
    """The licensor's share: explicit, or the agreement's cost share for ``phase``."""
    if licensor_share is not None and phase is not None:
        raise ValidationFailed("phase", "give either a licensor share or a phase, not both")
    if licensor_share is not None:
        return licensor_share
    if phase is None:
        raise ValidationFailed(
            "licensor_share", "is required (or choose a phase whose cost share the agreement sets)"
        )
    shares = parse_terms(agreement_terms).licensor_cost_share
    if phase not in shares:
        listed = ", ".join(sorted(shares)) or "none"
        raise ValidationFailed(
            "phase", f"the agreement sets no licensor cost share for {phase} (it sets: {listed})"
        )
    return Decimal(repr(shares[phase]))


def check_open(true_up: TrueUp) -> None:
    if true_up.status != "draft":
        raise Conflict(f"status: the true-up is {true_up.status} and no longer changes")


def _line_input(line: CostLine, agreement: Agreement) -> dict[str, Any]:
    return {
        "id": str(line.id),
        "party": role_of(agreement, line.party_org_id) or "unknown",
        "work_package": line.work_package,
        "category": line.category,
        "description": line.description,
        "amount": cents_text(line.amount),
        "disputed": line.disputed,
        "dispute_reason": line.dispute_reason,
    }


def refresh(
    session: Session,
    view: AllianceView,
    true_up: TrueUp,
    agreement: Agreement,
    *,
    reason: str,
    bump: bool = True,
) -> None:
    """Recompute from the current lines, bump the version and invalidate signatures."""
    inputs = dict(inputs_of(true_up))
    inputs["lines"] = [_line_input(ln, agreement) for ln in lines_of(session, view, true_up)]
    result = compute(inputs)
    before = result_of(true_up)
    true_up.inputs = inputs
    true_up.result = result
    true_up.total = Decimal(result["shareable_total"])
    if bump:
        true_up.version += 1
        true_up.updated_at = utcnow()
        signatures.invalidate(
            session,
            view,
            object_type=OBJECT_TYPE,
            object_id=true_up.id,
            reason=reason,
            subject=f"the {true_up.year} Q{true_up.quarter} true-up",
            link=f"/alliances/{true_up.alliance_id}/true-ups/{true_up.id}",
            changes=result_changes(before, result, true_up.currency),
        )
    session.flush()


def _payment_text(payment: dict[str, Any] | None, currency: str) -> str:
    return f"{payment['amount']} {currency}" if payment else "nothing"


def result_changes(old: dict[str, Any], new: dict[str, Any], currency: str) -> list[str]:
    """What a change did to the figures signers approved, old -> new."""
    found = []
    pairs = (
        ("shareable total", old.get("shareable_total"), new.get("shareable_total")),
        (
            "payment now",
            _payment_text(old.get("payment_now"), currency),
            _payment_text(new.get("payment_now"), currency),
        ),
        (
            "held for disputes",
            _payment_text(old.get("payment_held"), currency),
            _payment_text(new.get("payment_held"), currency),
        ),
    )
    for label, before, after in pairs:
        if before != after:
            unit = f" {currency}" if label == "shareable total" else ""
            found.append(f"{label} {before}{unit} → {after}{unit}")
    return found or ["the figures are unchanged; the signed content is not"]


def create_true_up(session: Session, view: AllianceView, data: TrueUpCreate) -> TrueUp:
    """Open a quarter's true-up under an agreement (finance.write of either party)."""
    view.require("finance.write")
    agreement = agreements.get_agreement(session, view, data.agreement_id)
    my_party(agreement, view)
    start, end = quarter_start(data.year, data.quarter), quarter_end(data.year, data.quarter)
    if end < agreement.effective_date:
        raise ValidationFailed(
            "quarter",
            f"ends before the agreement takes effect ({agreement.effective_date.isoformat()})",
        )
    if agreement.expiry_date is not None and start > agreement.expiry_date:
        raise ValidationFailed(
            "quarter", f"starts after the agreement expired ({agreement.expiry_date.isoformat()})"
        )
    existing = session.execute(
        scoped(view, TrueUp).where(
            TrueUp.agreement_id == agreement.id,
            TrueUp.year == data.year,
            TrueUp.quarter == data.quarter,
        )
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(f"quarter: a true-up for {data.year} Q{data.quarter} already exists")
    version = agreements.terms_on(session, view, agreement, end)
    share = _split(version.terms, data.licensor_share, data.phase)
    inputs: dict[str, Any] = {
        "agreement_version": version.number,
        "terms_from": version.effective_date.isoformat(),
        "overrun": str(agreements.overrun(version)),
        "payment_days": version.payment_days,
        "licensor_share": str(share),
        "phase": data.phase,
        "parties": {
            "licensor": str(agreement.licensor_org_id),
            "licensee": str(agreement.licensee_org_id),
        },
        "budgets": {
            "licensor": {
                "amount": cents_text(data.licensor_budget),
                "decision": data.licensor_budget_decision,
            },
            "licensee": {
                "amount": cents_text(data.licensee_budget),
                "decision": data.licensee_budget_decision,
            },
        },
        "lines": [],
    }
    result = compute(inputs)
    true_up = TrueUp(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        agreement_id=agreement.id,
        year=data.year,
        quarter=data.quarter,
        currency=agreement.currency,
        status="draft",
        inputs=inputs,
        result=result,
        total=Decimal(result["shareable_total"]),
        note=data.note,
        created_by_id=view.principal.user_id,
    )
    session.add(true_up)
    session.flush()
    audit_record(
        session,
        view,
        true_up,
        OBJECT_TYPE,
        "true_up.create",
        new={
            "agreement_id": agreement.id,
            "year": data.year,
            "quarter": data.quarter,
            "currency": agreement.currency,
            "agreement_version": version.number,
            "overrun": inputs["overrun"],
            "licensor_share": inputs["licensor_share"],
            "phase": data.phase,
            "budgets": inputs["budgets"],
        },
    )
    return true_up


def inputs_of(true_up: TrueUp) -> dict[str, Any]:
    """The true-up's stored inputs (JSON)."""
    return cast(dict[str, Any], true_up.inputs)


def result_of(true_up: TrueUp) -> dict[str, Any]:
    """The true-up's stored result (JSON)."""
    return cast(dict[str, Any], true_up.result)


def _budget_values(true_up: TrueUp) -> dict[str, Any]:
    inputs = inputs_of(true_up)
    budgets = inputs["budgets"]
    return {
        "licensor_budget": Decimal(budgets["licensor"]["amount"]),
        "licensor_budget_decision": budgets["licensor"]["decision"],
        "licensee_budget": Decimal(budgets["licensee"]["amount"]),
        "licensee_budget_decision": budgets["licensee"]["decision"],
        "licensor_share": Decimal(inputs["licensor_share"]),
        "phase": inputs.get("phase"),
    }


def update_true_up(
    session: Session,
    view: AllianceView,
    true_up_id: uuid.UUID,
    data: TrueUpUpdate,
    *,
    expected_version: int | None,
) -> TrueUp:
    """Change budgets, their decisions, the split or the note of a draft true-up."""
    true_up = get_true_up(session, view, true_up_id, lock=True)
    view.require("finance.write")
    agreement = agreement_of(session, view, true_up)
    my_party(agreement, view)
    check_version(expected_version, true_up.version)
    check_open(true_up)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes, nullable=("licensor_share", "phase"))
    current = _budget_values(true_up)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    split_keys = {"licensor_share", "phase"} & set(changes)
    if split_keys:
        share = changes.get("licensor_share")
        phase = changes.get("phase")
        version = agreements.terms_on(
            session, view, agreement, quarter_end(true_up.year, true_up.quarter)
        )
        resolved = _split(version.terms, share, phase)
        if resolved != current["licensor_share"] or phase != current["phase"]:
            old["licensor_share"], new["licensor_share"] = current["licensor_share"], resolved
            old["phase"], new["phase"] = current["phase"], phase
    for key in BUDGET_FIELDS:
        if key in changes and changes[key] != current[key]:
            old[key], new[key] = current[key], changes[key]
    note_old, note_new = diff(true_up, {k: v for k, v in changes.items() if k == "note"})
    old.update(note_old)
    new.update(note_new)
    if not new:
        return true_up
    inputs = dict(inputs_of(true_up))
    budgets = {p: dict(inputs["budgets"][p]) for p in PARTIES}
    for p in PARTIES:
        if f"{p}_budget" in new:
            budgets[p]["amount"] = cents_text(new[f"{p}_budget"])
        if f"{p}_budget_decision" in new:
            budgets[p]["decision"] = new[f"{p}_budget_decision"]
    inputs["budgets"] = budgets
    if "licensor_share" in new:
        inputs["licensor_share"] = str(new["licensor_share"])
        inputs["phase"] = new["phase"]
    true_up.inputs = inputs
    if "note" in new:
        true_up.note = new["note"]
    refresh(session, view, true_up, agreement, reason="the true-up's inputs changed")
    audit_record(session, view, true_up, OBJECT_TYPE, "true_up.update", old=old, new=new)
    return true_up
