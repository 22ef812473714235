"""A true-up's cost lines: each party adds (or imports), edits and removes its own lines
as drafts only it sees, then submits them (DRAFT-1); the other party's finance officer
disputes a submitted line. A change to draft lines is audited in the party's own chain
and changes nothing the other party sees; every change to submitted lines (the
submission included) recomputes the true-up, bumps its version and invalidates its
signatures."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from pactum.access import AllianceView
from pactum.access.records import audit_record
from pactum.audit.service import chain_for
from pactum.core.errors import Conflict, Forbidden, PreconditionFailed, ValidationFailed
from pactum.core.updates import check_version, diff, reject_nulls
from pactum.finance.imports import CostRow
from pactum.models import Agreement, CostLine, TrueUp
from pactum.statements.trueup.schemas import CostLineCreate, CostLineUpdate, DisputeSet
from pactum.statements.trueup.service import (
    LINE_FIELDS,
    OBJECT_TYPE,
    agreement_of,
    check_open,
    draft_lines_of,
    drafts_sha256,
    get_line,
    get_true_up,
    my_party,
    refresh,
)

# The largest cost-line file (CSV/XLSX) an import accepts.
MAX_IMPORT = 5 * 1024 * 1024


def _own_line(
    session: Session,
    view: AllianceView,
    true_up_id: uuid.UUID,
    line_id: uuid.UUID,
    expected_version: int | None,
    *,
    removing: bool = False,
) -> tuple[TrueUp, Agreement, CostLine]:
    true_up = get_true_up(session, view, true_up_id, lock=True)
    line = get_line(session, view, true_up, line_id)
    view.require("finance.write")
    agreement = agreement_of(session, view, true_up)
    my_party(agreement, view)
    if line.party_org_id != view.org_id:
        raise Forbidden("Only the party that incurred a cost edits or removes its line.")
    check_version(expected_version, line.version)
    if not (removing and line.visibility == "private"):  # a draft left on a closed true-up
        check_open(true_up)  # may still be cleared away: it was never part of it
    return true_up, agreement, line


def _line_audit(line: CostLine) -> dict[str, Any]:
    return {k: getattr(line, k) for k in (*LINE_FIELDS, "party_org_id")}


def _check_currency(true_up: TrueUp, currency: str) -> None:
    if currency != true_up.currency:
        raise ValidationFailed("currency", f"must be the true-up's currency ({true_up.currency})")


def add_lines(
    session: Session,
    view: AllianceView,
    true_up_id: uuid.UUID,
    rows: Sequence[CostLineCreate],
    *,
    source: str = "entered",
) -> tuple[TrueUp, list[CostLine]]:
    """Add cost lines of the caller's party (entered one by one or imported)."""
    true_up = get_true_up(session, view, true_up_id, lock=True)
    view.require("finance.write")
    agreement = agreement_of(session, view, true_up)
    my_party(agreement, view)
    check_open(true_up)
    if not rows:
        raise ValidationFailed("lines", "add at least one cost line")
    for row in rows:
        _check_currency(true_up, row.currency)
    added = []
    for row in rows:
        line = CostLine(
            alliance_id=view.alliance_id,
            owner_org_id=view.org_id,
            visibility="private",  # the party's working paper until it submits its lines
            true_up_id=true_up.id,
            party_org_id=view.org_id,
            work_package=row.work_package,
            category=row.category,
            description=row.description,
            amount=row.amount,
            currency=row.currency,
            created_by_id=view.principal.user_id,
        )
        session.add(line)
        added.append(line)
    session.flush()
    for line in added:
        audit_record(
            session,
            view,
            true_up,
            OBJECT_TYPE,
            "true_up.line_add",
            new={"line_id": line.id, "source": source, **_line_audit(line)},
            chain=_party_chain(view, true_up),
        )
    return true_up, added


def _party_chain(view: AllianceView, true_up: TrueUp) -> str:
    """The caller's party's own audit chain (where its draft lines are audited)."""
    return chain_for(true_up.alliance_id, "private", view.org_id)


def _changed(
    session: Session,
    view: AllianceView,
    true_up: TrueUp,
    agreement: Agreement,
    line: CostLine,
    reason: str,
) -> str | None:
    """After a change to ``line``: recompute the true-up when the line was submitted (and
    audit in the shared chain); a draft line changes nothing shared (audit in the party's
    chain). Returns the chain to audit in."""
    if line.visibility == "private":
        return _party_chain(view, true_up)
    refresh(session, view, true_up, agreement, reason=reason)
    return None


def submit_lines(
    session: Session,
    view: AllianceView,
    true_up_id: uuid.UUID,
    *,
    expected_version: int | None,
    seen: str | None = None,
) -> tuple[TrueUp, list[CostLine]]:
    """Submit the caller's party's draft lines: both parties see them from now on, the
    result counts them, and the signatures of the previous version are invalidated.

    A draft change does not move the true-up's version, so ``seen`` (the
    :func:`drafts_sha256` of the drafts the submitter reviewed) guards against submitting
    lines a colleague added, changed or removed meanwhile: any difference is a 412."""
    true_up = get_true_up(session, view, true_up_id, lock=True)
    view.require("finance.write")
    agreement = agreement_of(session, view, true_up)
    my_party(agreement, view)
    check_version(expected_version, true_up.version)
    check_open(true_up)
    drafts = draft_lines_of(session, view, true_up)
    if not drafts:
        raise ValidationFailed("lines", "your party has no draft cost lines to submit")
    if seen is not None and seen != drafts_sha256(drafts):
        raise PreconditionFailed(
            "lines: your party's draft lines changed since you read them; review them again"
        )
    for line in drafts:
        line.visibility = "shared"
        line.version += 1
    session.flush()
    refresh(session, view, true_up, agreement, reason="cost lines were submitted")
    audit_record(
        session,
        view,
        true_up,
        OBJECT_TYPE,
        "true_up.lines_submit",
        new={"lines": [{"line_id": ln.id, **_line_audit(ln)} for ln in drafts]},
    )
    return true_up, drafts


def import_lines(
    session: Session, view: AllianceView, true_up_id: uuid.UUID, rows: Sequence[CostRow]
) -> tuple[TrueUp, list[CostLine]]:
    """Add the rows of an imported file (already checked row by row) as the caller's
    party's cost lines, in the true-up's currency."""
    true_up = get_true_up(session, view, true_up_id, lock=True)
    return add_lines(
        session,
        view,
        true_up_id,
        [
            CostLineCreate(
                work_package=r.work_package,
                category=r.category,
                description=r.description,
                amount=r.amount,
                currency=true_up.currency,
            )
            for r in rows
        ],
        source="imported",
    )


def update_line(
    session: Session,
    view: AllianceView,
    true_up_id: uuid.UUID,
    line_id: uuid.UUID,
    data: CostLineUpdate,
    *,
    expected_version: int | None,
) -> tuple[TrueUp, CostLine]:
    """Edit one of the caller's party's lines (a dispute on it stays until withdrawn)."""
    true_up, agreement, line = _own_line(session, view, true_up_id, line_id, expected_version)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes)
    if "currency" in changes:
        _check_currency(true_up, changes["currency"])
    old, new = diff(line, changes)
    if not new:
        return true_up, line
    for key, value in new.items():
        setattr(line, key, value)
    line.version += 1
    session.flush()
    chain = _changed(session, view, true_up, agreement, line, "a cost line changed")
    audit_record(
        session,
        view,
        true_up,
        OBJECT_TYPE,
        "true_up.line_update",
        old={"line_id": line.id, **old},
        new={"line_id": line.id, **new},
        chain=chain,
    )
    return true_up, line


def remove_line(
    session: Session,
    view: AllianceView,
    true_up_id: uuid.UUID,
    line_id: uuid.UUID,
    *,
    expected_version: int | None,
) -> TrueUp:
    """Remove one of the caller's party's lines (also how a party accepts a dispute)."""
    true_up, agreement, line = _own_line(
        session, view, true_up_id, line_id, expected_version, removing=True
    )
    gone = {"line_id": line.id, **_line_audit(line), "disputed": line.disputed}
    session.delete(line)
    session.flush()
    chain = _changed(session, view, true_up, agreement, line, "a cost line was removed")
    audit_record(session, view, true_up, OBJECT_TYPE, "true_up.line_remove", old=gone, chain=chain)
    return true_up


def dispute_line(
    session: Session,
    view: AllianceView,
    true_up_id: uuid.UUID,
    line_id: uuid.UUID,
    data: DisputeSet,
    *,
    expected_version: int | None,
) -> tuple[TrueUp, CostLine]:
    """The other party's finance officer disputes a line with a reason, or withdraws it."""
    true_up = get_true_up(session, view, true_up_id, lock=True)
    line = get_line(session, view, true_up, line_id)
    view.require("finance.approve")
    agreement = agreement_of(session, view, true_up)
    my_party(agreement, view)
    if line.party_org_id == view.org_id:
        raise Conflict("disputed: a party does not dispute its own line; edit or remove it")
    check_version(expected_version, line.version)
    check_open(true_up)
    if data.disputed and not data.reason:
        raise ValidationFailed("reason", "is required to dispute a line")
    reason = data.reason if data.disputed else ""
    if (line.disputed, line.dispute_reason) == (data.disputed, reason):
        return true_up, line
    old = {"line_id": line.id, "disputed": line.disputed, "dispute_reason": line.dispute_reason}
    line.disputed, line.dispute_reason = data.disputed, reason
    line.version += 1
    session.flush()
    refresh(
        session,
        view,
        true_up,
        agreement,
        reason="a line was disputed" if data.disputed else "a dispute was withdrawn",
    )
    audit_record(
        session,
        view,
        true_up,
        OBJECT_TYPE,
        "true_up.line_dispute" if data.disputed else "true_up.line_dispute_withdrawn",
        old=old,
        new={"line_id": line.id, "disputed": line.disputed, "dispute_reason": reason},
    )
    return true_up, line
