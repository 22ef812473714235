"""Obligation rules: who may write, what stays private, how due dates are fulfilled.

An obligation belongs to the party that records it (``owner_org_id``) and names the party
that must act (``responsible_org_id``). A ``private`` obligation is an internal deadline of
the owner: the other party never sees it, nor any reminder about it. Sharing is one-way.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import AllianceView, get_scoped, scoped
from pactum.access.records import audit_record, audit_update
from pactum.agreements.service import get_agreement
from pactum.audit.service import private_chain, shared_chain
from pactum.core.errors import Conflict, NotFound, ValidationFailed
from pactum.core.time import utcnow
from pactum.core.updates import check_version, diff, reject_nulls
from pactum.models import AuditEntry, Obligation
from pactum.obligations import rules
from pactum.obligations.schemas import (
    DoneCreate,
    DoneUndo,
    EventRecord,
    ObligationCreate,
    ObligationUpdate,
    StatusChange,
    to_rule,
)

NULLABLE = frozenset({"agreement_id", "amount", "currency"})
AUDITED = (
    "title",
    "description",
    "kind",
    "agreement_id",
    "responsible_org_id",
    "amount",
    "currency",
    "rule",
    "remind_days",
    "status",
    "visibility",
)
STATES = ("overdue", "due_soon", "upcoming", "awaiting_event", "done", "completed", "waived")
# The detail page and the API show due dates up to this far ahead ...
HORIZON = timedelta(days=366)
# ... and at most this many of them (the latest ones).
SHOWN_OCCURRENCES = 120


def today() -> date:
    """Today's date in UTC (frozen in tests)."""
    return utcnow().date()


def rule_of(obligation: Obligation) -> rules.Rule:
    """The obligation's due-date rule."""
    return rules.parse_rule(obligation.rule)


@dataclass(frozen=True)
class Standing:
    """Where an obligation stands today: its state and next open due date."""

    state: str
    next_due: date | None


def standing(obligation: Obligation, on: date | None = None) -> Standing:
    """The state of the next open due date, or why there is none."""
    on = on or today()
    rule = rule_of(obligation)
    due = rules.next_open(rule, obligation.done)
    if obligation.status != "active":
        return Standing(obligation.status, due)
    if due is None:
        pending = isinstance(rule, rules.AfterEvent) and rule.event_date is None
        return Standing("awaiting_event" if pending else "done", None)
    return Standing(rules.state(due, obligation.done, on, obligation.remind_days), due)


@dataclass(frozen=True)
class DueDate:
    """One due date of an obligation and its state today (``completed``/``waived`` for the
    open dates of a closed obligation)."""

    due: date
    state: str


def occurrences(obligation: Obligation, on: date | None = None) -> list[DueDate]:
    """The due dates up to a year ahead with their states (the latest ones if many)."""
    on = on or today()
    rule = rule_of(obligation)
    found = rules.occurrences(
        rule, obligation.done, on, obligation.remind_days, rules.EARLIEST, on + HORIZON
    )
    if not found:
        # A one-off due date more than a year ahead is still shown.
        found = rules.occurrences(
            rule,
            obligation.done,
            on,
            obligation.remind_days,
            rules.EARLIEST,
            rules.LATEST + timedelta(days=rules.MAX_DAYS),
        )[:1]
    closed = obligation.status != "active"
    return [
        DueDate(o.due, obligation.status if closed and o.state != "done" else o.state)
        for o in found[-SHOWN_OCCURRENCES:]
    ]


# --- reading -------------------------------------------------------------------------------


def list_obligations(
    session: Session,
    view: AllianceView,
    *,
    kind: str | None = None,
    party: uuid.UUID | None = None,
    state: str | None = None,
    visibility: str | None = None,
) -> list[Obligation]:
    """Obligations the caller's party may see, soonest next due date first."""
    stmt = scoped(view, Obligation)
    if kind is not None:
        stmt = stmt.where(Obligation.kind == kind)
    if party is not None:
        stmt = stmt.where(Obligation.responsible_org_id == party)
    if visibility is not None:
        stmt = stmt.where(Obligation.visibility == visibility)
    found = list(session.execute(stmt.order_by(Obligation.created_at, Obligation.id)).scalars())
    on = today()
    ranked = [(standing(o, on), o) for o in found]
    if state is not None:
        ranked = [(s, o) for s, o in ranked if s.state == state]
    ranked.sort(key=lambda pair: (pair[0].next_due is None, pair[0].next_due or on))
    return [o for _s, o in ranked]


def get_obligation(
    session: Session, view: AllianceView, obligation_id: uuid.UUID, *, lock: bool = False
) -> Obligation:
    """One visible obligation, or 404."""
    return get_scoped(session, view, Obligation, obligation_id, lock=lock)


def history(session: Session, view: AllianceView, obligation: Obligation) -> list[AuditEntry]:
    """The obligation's audit entries the caller's party may see, oldest first."""
    chains = [shared_chain(view.alliance_id), private_chain(view.alliance_id, view.org_id)]
    stmt = (
        select(AuditEntry)
        .where(
            AuditEntry.alliance_id == view.alliance_id,
            AuditEntry.chain.in_(chains),
            AuditEntry.object_type == "obligation",
            AuditEntry.object_id == str(obligation.id),
        )
        .order_by(AuditEntry.id)
    )
    return list(session.execute(stmt).scalars())


# --- checks --------------------------------------------------------------------------------


def _check_party(view: AllianceView, org_id: uuid.UUID) -> None:
    accepted = {p.org_id for p in view.alliance.parties if p.state == "accepted"}
    if org_id not in accepted:
        raise ValidationFailed("responsible_org_id", "must be an accepted party of this alliance")


def _agreement_currency(
    session: Session, view: AllianceView, agreement_id: uuid.UUID | None
) -> str | None:
    """The agreement's currency, checking it is an agreement of this alliance."""
    if agreement_id is None:
        return None
    try:
        return get_agreement(session, view, agreement_id).currency
    except NotFound as exc:
        raise ValidationFailed("agreement_id", "must be an agreement of this alliance") from exc


def _check_rule(rule: rules.Rule) -> None:
    if isinstance(rule, rules.Recurring) and rule.end is not None and rule.end < rule.start:
        raise ValidationFailed("rule.end", "must not be before the start")
    if isinstance(rule, rules.AfterEvent) and rule.event_date and rule.event_date > today():
        raise ValidationFailed("rule.event_date", "must not be in the future")


def _check_money(kind: str, amount: Decimal | None, currency: str | None) -> None:
    if kind == "payment":
        if amount is None:
            raise ValidationFailed("amount", "is required for a payment obligation")
        if amount <= 0:
            raise ValidationFailed("amount", "must be greater than zero")
        if currency is None:
            raise ValidationFailed(
                "currency", "is required for a payment obligation without an agreement"
            )
    else:
        if amount is not None:
            raise ValidationFailed("amount", "only payment obligations carry an amount")
        if currency is not None:
            raise ValidationFailed("currency", "only payment obligations carry a currency")


def _content(obligation: Obligation) -> dict[str, Any]:
    return {key: getattr(obligation, key) for key in AUDITED}


def _touch(obligation: Obligation) -> None:
    obligation.version += 1
    obligation.updated_at = utcnow()


# --- writing -------------------------------------------------------------------------------


def create_obligation(session: Session, view: AllianceView, data: ObligationCreate) -> Obligation:
    """Record an obligation; the caller's party owns it."""
    view.require("obligations.write")
    _check_party(view, data.responsible_org_id)
    agreement_currency = _agreement_currency(session, view, data.agreement_id)
    currency = data.currency
    if data.kind == "payment" and currency is None:
        currency = agreement_currency
    _check_money(data.kind, data.amount, currency)
    rule = to_rule(data.rule)
    _check_rule(rule)
    obligation = Obligation(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility=data.visibility,
        agreement_id=data.agreement_id,
        title=data.title,
        description=data.description,
        kind=data.kind,
        responsible_org_id=data.responsible_org_id,
        amount=data.amount,
        currency=currency,
        rule=rules.rule_json(rule),
        remind_days=data.remind_days,
        status="active",
        done=[],
        created_by_id=view.principal.user_id,
    )
    session.add(obligation)
    session.flush()
    audit_record(
        session, view, obligation, "obligation", "obligation.create", new=_content(obligation)
    )
    return obligation


def update_obligation(
    session: Session,
    view: AllianceView,
    obligation_id: uuid.UUID,
    data: ObligationUpdate,
    *,
    expected_version: int | None,
) -> Obligation:
    """Edit an obligation; sharing a private one is deliberate and cannot be undone."""
    obligation = get_obligation(session, view, obligation_id, lock=True)
    view.require("obligations.write")
    check_version(expected_version, obligation.version)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes, NULLABLE)
    if obligation.visibility == "shared" and changes.get("visibility") == "private":
        raise Conflict("visibility: a shared obligation cannot be made private again")
    if data.rule is not None:
        rule = to_rule(data.rule)
        _check_rule(rule)
        changes["rule"] = rules.rule_json(rule)
    if "responsible_org_id" in changes:
        _check_party(view, changes["responsible_org_id"])
    merged = {**_content(obligation), **changes}
    agreement_currency = _agreement_currency(session, view, merged["agreement_id"])
    if merged["kind"] == "payment" and merged["currency"] is None:
        merged["currency"] = changes["currency"] = agreement_currency
    if merged["kind"] != "payment" and "kind" in changes:
        # Turning a payment into another kind drops its amount.
        for key in ("amount", "currency"):
            if key not in changes:
                merged[key] = changes[key] = None
    _check_money(merged["kind"], merged["amount"], merged["currency"])
    old, new = diff(obligation, changes)
    if not new:
        return obligation
    was_private = obligation.visibility == "private"
    for key, value in new.items():
        setattr(obligation, key, value)
    _touch(obligation)
    session.flush()
    audit_update(
        session,
        view,
        obligation,
        "obligation",
        action="obligation",
        old=old,
        new=new,
        was_private=was_private,
        shared_content=_content(obligation),
    )
    return obligation


def _writable(
    session: Session, view: AllianceView, obligation_id: uuid.UUID, expected_version: int | None
) -> Obligation:
    obligation = get_obligation(session, view, obligation_id, lock=True)
    view.require("obligations.write")
    check_version(expected_version, obligation.version)
    return obligation


def _require_active(obligation: Obligation) -> None:
    if obligation.status != "active":
        raise Conflict(f"status: the obligation is {obligation.status}; reopen it first")


def _sorted_dates(values: Sequence[str | date]) -> list[str]:
    return sorted({d if isinstance(d, str) else d.isoformat() for d in values})


def mark_done(
    session: Session,
    view: AllianceView,
    obligation_id: uuid.UUID,
    data: DoneCreate,
    *,
    expected_version: int | None,
) -> Obligation:
    """Mark one due date fulfilled (audited with who and when); a one-off obligation, or a
    recurring one whose every due date is done, is then completed."""
    obligation = _writable(session, view, obligation_id, expected_version)
    _require_active(obligation)
    rule = rule_of(obligation)
    if not rules.is_due_date(rule, data.due_date):
        raise ValidationFailed("due_date", "is not a due date of this obligation")
    day = data.due_date.isoformat()
    if day in obligation.done:
        raise Conflict("due_date: this due date is already marked done")
    obligation.done = _sorted_dates([*obligation.done, day])
    new: dict[str, Any] = {"due_date": data.due_date, "note": data.note}
    if rules.all_done(rule, obligation.done):
        obligation.status = "completed"
        new["status"] = "completed"
    _touch(obligation)
    session.flush()
    audit_record(session, view, obligation, "obligation", "obligation.done", new=new)
    return obligation


def undo_done(
    session: Session,
    view: AllianceView,
    obligation_id: uuid.UUID,
    data: DoneUndo,
    *,
    expected_version: int | None,
) -> Obligation:
    """Take back a due date marked done by mistake (a completed obligation reopens)."""
    obligation = _writable(session, view, obligation_id, expected_version)
    day = data.due_date.isoformat()
    if day not in obligation.done:
        raise ValidationFailed("due_date", "is not marked done")
    if obligation.status == "waived":
        raise Conflict("status: the obligation is waived; reopen it first")
    obligation.done = [d for d in obligation.done if d != day]
    new: dict[str, Any] = {"due_date": data.due_date, "note": data.note}
    if obligation.status == "completed":
        obligation.status = "active"
        new["status"] = "active"
    _touch(obligation)
    session.flush()
    audit_record(session, view, obligation, "obligation", "obligation.undone", new=new)
    return obligation


def record_event(
    session: Session,
    view: AllianceView,
    obligation_id: uuid.UUID,
    data: EventRecord,
    *,
    expected_version: int | None,
) -> Obligation:
    """Record (or clear) the date the event of an ``after_event`` obligation happened."""
    obligation = _writable(session, view, obligation_id, expected_version)
    rule = rule_of(obligation)
    if not isinstance(rule, rules.AfterEvent):
        raise Conflict("rule: only an obligation due after an event has an event date")
    if data.event_date is not None and data.event_date > today():
        raise ValidationFailed("event_date", "must not be in the future")
    if data.event_date == rule.event_date:
        return obligation
    updated = rules.AfterEvent(rule.event, rule.days, data.event_date)
    obligation.rule = rules.rule_json(updated)
    _touch(obligation)
    session.flush()
    audit_record(
        session,
        view,
        obligation,
        "obligation",
        "obligation.event",
        old={"event_date": rule.event_date},
        new={"event": rule.event, "event_date": data.event_date},
    )
    return obligation


def set_status(
    session: Session,
    view: AllianceView,
    obligation_id: uuid.UUID,
    data: StatusChange,
    *,
    expected_version: int | None,
) -> Obligation:
    """Complete, waive (with a reason) or reopen an obligation; closed ones send no
    reminders."""
    obligation = _writable(session, view, obligation_id, expected_version)
    if data.status == "waived" and not data.reason:
        raise ValidationFailed("reason", "is required to waive an obligation")
    if data.status == obligation.status:
        return obligation
    old = {"status": obligation.status}
    obligation.status = data.status
    _touch(obligation)
    session.flush()
    audit_record(
        session,
        view,
        obligation,
        "obligation",
        "obligation.status",
        old=old,
        new={"status": data.status, "reason": data.reason},
    )
    return obligation
