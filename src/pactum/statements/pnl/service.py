"""P&L-share statement rules.

- The booking party (the licensee unless the statement says otherwise) prepares a
  quarter's statement: its net sales, COGS, each party's allowable expenses, in the
  agreement currency or in another currency converted with the quarter's agreed rate.
- The split is the licensor's share of operating profit: the terms' ``profit_split`` (or
  the opt-in's) in force on the quarter's last day, unless the statement gives one.
- draft → submitted → approved | rejected, as for royalty statements; edits only as draft
  or rejected, with If-Match; every save recomputes.
- A draft is the booking party's working paper (DRAFT-1): private to its party until the
  first submission, as for royalty statements. Each party may thus be preparing a
  statement for the same quarter without the other knowing; the first one submitted is
  the quarter's statement, and submitting a second is refused.
- The partner's finance people approve or reject (never the booking party). Approval
  issues one invoice for the balancing payment: the booking party pays the partner, or,
  when the amount is negative, the partner pays the booking party. Nothing is invoiced
  when it is zero.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from pactum.access import AllianceView, get_scoped, lock_alliance, scoped
from pactum.access.records import audit_record
from pactum.agreements.terms import parse_terms
from pactum.core.errors import Conflict, Forbidden, ValidationFailed
from pactum.core.time import utcnow
from pactum.core.updates import check_version, reject_nulls
from pactum.finance.money import to_cents
from pactum.invoices import service as invoices
from pactum.models import Agreement, AgreementVersion, Invoice, PnlStatement
from pactum.statements.fx import service as fx_service
from pactum.statements.periods import EDITABLE, dec, fingerprint, label, num, other
from pactum.statements.pnl import calc as pnl_calc
from pactum.statements.pnl.schemas import PnlCreate, PnlUpdate
from pactum.statements.quarters import (
    check_decidable,
    find_agreement,
    org_of,
    record_decision,
    role_of,
    shared_from_now,
    terms_for_quarter,
)
from pactum.statements.royalty.schemas import Rejection

USER_FIELDS = ("currency", "net_sales", "cogs", "licensor_expenses", "licensee_expenses", "split")


def list_statements(session: Session, view: AllianceView) -> list[PnlStatement]:
    """The alliance's P&L-share statements, latest quarter first."""
    stmt = scoped(view, PnlStatement).order_by(
        PnlStatement.year.desc(), PnlStatement.quarter.desc(), PnlStatement.created_at
    )
    return list(session.execute(stmt).scalars())


def get_statement(
    session: Session, view: AllianceView, statement_id: uuid.UUID, *, lock: bool = False
) -> PnlStatement:
    """One statement, or 404."""
    return get_scoped(session, view, PnlStatement, statement_id, lock=lock)


def agreement_of(session: Session, view: AllianceView, item: PnlStatement) -> Agreement:
    """The agreement a statement is under."""
    return get_scoped(session, view, Agreement, item.agreement_id)


def invoice_of(session: Session, view: AllianceView, item: PnlStatement) -> Invoice | None:
    """The invoice issued on approval, if any."""
    return invoices.invoice_for(session, view, "pnl", item.id)


def stored(item: PnlStatement) -> dict[str, Any]:
    """The statement's stored inputs (JSON)."""
    return dict(item.inputs)


def booking_of(item: PnlStatement) -> str:
    """``licensor`` or ``licensee``: who books the sales."""
    return str(item.inputs.get("booking", "licensee"))


def payment_of(item: PnlStatement) -> dict[str, str]:
    """The balancing payment: ``payer`` and ``payee`` roles (empty when nothing is due)
    and the ``amount``."""
    found = item.result.get("payment")
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def reproducible(item: PnlStatement) -> bool:
    """Whether recomputing from the stored inputs gives the stored result exactly."""
    return bool(item.inputs) and pnl_calc.compute(item.inputs) == item.result


def terms_split(version: AgreementVersion) -> Decimal | None:
    """The licensor's profit share in the terms (or their opt-in), if any."""
    terms = parse_terms(dict(version.terms))
    found = terms.profit_split
    if found is None and terms.opt_in is not None:
        found = terms.opt_in.profit_split
    return None if found is None else Decimal(repr(found))


def _inputs(
    session: Session,
    view: AllianceView,
    agreement: Agreement,
    year: int,
    quarter: int,
    booking: str,
    fields: dict[str, Any],
) -> dict[str, Any]:
    version = terms_for_quarter(session, view, agreement, year, quarter)
    given = fields.get("currency") or agreement.currency
    fx: dict[str, str] = {}
    if given != agreement.currency:
        rates = fx_service.agreed_rates(session, view, year, quarter, agreement.currency)
        if given not in rates:
            raise ValidationFailed(
                "currency",
                f"{given} has no agreed rate into {agreement.currency} for "
                f"{label(year, quarter)}; agree one in the FX table first",
            )
        fx[given] = dec(rates[given])
    split = fields.get("split")
    source = "statement"
    if split is None:
        split, source = terms_split(version), "terms"
        if split is None:
            raise ValidationFailed(
                "split", "is required: the agreement's terms have no profit split"
            )
    split = Decimal(str(split))
    return {
        "currency": agreement.currency,
        "year": year,
        "quarter": quarter,
        "terms_version": version.number,
        "payment_days": version.payment_days,
        "booking": booking,
        "input_currency": given,
        "fx": fx,
        "net_sales": dec(to_cents(Decimal(str(fields["net_sales"])))),
        "cogs": dec(to_cents(Decimal(str(fields["cogs"])))),
        "expenses": {
            "licensor": dec(to_cents(Decimal(str(fields["licensor_expenses"])))),
            "licensee": dec(to_cents(Decimal(str(fields["licensee_expenses"])))),
        },
        "split": {"licensor": dec(split), "licensee": dec(1 - split)},
        "split_source": source,
    }


def _fields(item: PnlStatement) -> dict[str, Any]:
    """The figures as entered, back from the stored inputs."""
    inputs = stored(item)
    return {
        "currency": inputs["input_currency"],
        "net_sales": inputs["net_sales"],
        "cogs": inputs["cogs"],
        "licensor_expenses": inputs["expenses"]["licensor"],
        "licensee_expenses": inputs["expenses"]["licensee"],
        "split": inputs["split"]["licensor"] if inputs["split_source"] == "statement" else None,
    }


def _apply(item: PnlStatement, inputs: dict[str, Any]) -> None:
    result = pnl_calc.compute(inputs)
    item.inputs = inputs
    item.result = result
    item.total = num(result["balance"])


def _summary(item: PnlStatement) -> dict[str, Any]:
    return {
        "status": item.status,
        "total": item.total,
        "inputs_sha256": fingerprint(item.inputs),
    }


def _require_booking(view: AllianceView, agreement: Agreement, booking: str) -> None:
    view.require("finance.write")
    if role_of(agreement, view.org_id) != booking:
        raise Forbidden(
            f"Only the booking party's ({booking}'s) finance people prepare this statement."
        )


def create(session: Session, view: AllianceView, data: PnlCreate) -> PnlStatement:
    """A draft statement for a quarter, computed at once."""
    view.require("finance.write")
    agreement = find_agreement(session, view, data.agreement_id)
    _require_booking(view, agreement, data.booking)
    existing = session.execute(
        scoped(view, PnlStatement).where(
            PnlStatement.agreement_id == agreement.id,
            PnlStatement.year == data.year,
            PnlStatement.quarter == data.quarter,
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"quarter: a P&L-share statement for {label(data.year, data.quarter)} already exists"
        )
    fields = data.model_dump(include=set(USER_FIELDS))
    inputs = _inputs(session, view, agreement, data.year, data.quarter, data.booking, fields)
    item = PnlStatement(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="private",  # the booking party's working paper until submitted
        agreement_id=agreement.id,
        year=data.year,
        quarter=data.quarter,
        currency=agreement.currency,
        status="draft",
        created_by_id=view.principal.user_id,
    )
    _apply(item, inputs)
    session.add(item)
    session.flush()
    audit_record(
        session,
        view,
        item,
        "pnl_statement",
        "pnl_statement.create",
        new={
            "agreement_id": agreement.id,
            "year": item.year,
            "quarter": item.quarter,
            "currency": item.currency,
            "booking": data.booking,
            **_summary(item),
        },
    )
    return item


def _editable(
    session: Session, view: AllianceView, statement_id: uuid.UUID, expected_version: int | None
) -> tuple[PnlStatement, Agreement]:
    item = get_statement(session, view, statement_id, lock=True)
    view.require("finance.write")
    agreement = agreement_of(session, view, item)
    _require_booking(view, agreement, booking_of(item))
    check_version(expected_version, item.version)
    if item.status not in EDITABLE:
        raise Conflict(f"status: a {item.status} statement cannot be changed")
    return item, agreement


def _save(
    session: Session,
    view: AllianceView,
    item: PnlStatement,
    agreement: Agreement,
    fields: dict[str, Any],
    action: str,
    status: str,
) -> PnlStatement:
    old = _summary(item)
    inputs = _inputs(session, view, agreement, item.year, item.quarter, booking_of(item), fields)
    _apply(item, inputs)
    item.status = status
    first = status == "submitted" and item.visibility == "private"
    if status == "submitted":
        item.note = ""
        item.decided_by_id = None
        item.decided_at = None
        item.visibility = "shared"
    item.version += 1
    item.updated_at = utcnow()
    session.flush()
    new = {**_summary(item), **(shared_from_now(item) if first else {})}
    # a first submission's earlier draft states stay in the preparing party's own chain
    audit_record(session, view, item, "pnl_statement", action, old=None if first else old, new=new)
    return item


def update(
    session: Session,
    view: AllianceView,
    statement_id: uuid.UUID,
    data: PnlUpdate,
    *,
    expected_version: int | None,
) -> PnlStatement:
    """Correct a draft or rejected statement (it is recomputed and becomes a draft)."""
    item, agreement = _editable(session, view, statement_id, expected_version)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes, nullable=("currency", "split"))
    fields = _fields(item) | changes
    return _save(session, view, item, agreement, fields, "pnl_statement.update", "draft")


def submit(
    session: Session, view: AllianceView, statement_id: uuid.UUID, *, expected_version: int | None
) -> PnlStatement:
    """Send the statement to the partner (recomputed with the agreed rates first)."""
    item, agreement = _editable(session, view, statement_id, expected_version)
    if item.visibility == "private":
        _check_first(session, view, item)
    return _save(session, view, item, agreement, _fields(item), "pnl_statement.submit", "submitted")


def _check_first(session: Session, view: AllianceView, item: PnlStatement) -> None:
    """Refuse submitting a draft when the partner already submitted the quarter's
    statement (checked under the alliance's lock, so two first submissions of one quarter
    happen one after the other)."""
    lock_alliance(session, view)
    taken = session.execute(
        scoped(view, PnlStatement).where(
            PnlStatement.agreement_id == item.agreement_id,
            PnlStatement.year == item.year,
            PnlStatement.quarter == item.quarter,
            PnlStatement.visibility == "shared",
            PnlStatement.id != item.id,
        )
    ).first()
    if taken is not None:
        raise Conflict(
            f"quarter: the partner has already submitted the P&L-share statement for "
            f"{label(item.year, item.quarter)}; this draft cannot be submitted"
        )


def _decidable(
    session: Session, view: AllianceView, statement_id: uuid.UUID, expected_version: int | None
) -> tuple[PnlStatement, Agreement]:
    item = get_statement(session, view, statement_id, lock=True)
    agreement = agreement_of(session, view, item)
    partner = role_of(agreement, view.org_id) == other(booking_of(item))
    check_decidable(view, item, expected_version, decider=partner, who="the partner")
    return item, agreement


def approve(
    session: Session, view: AllianceView, statement_id: uuid.UUID, *, expected_version: int | None
) -> tuple[PnlStatement, Invoice | None]:
    """Approve and invoice the balancing payment in the right direction."""
    item, agreement = _decidable(session, view, statement_id, expected_version)
    if not reproducible(item):  # pragma: no cover - a guard against tampered rows
        raise Conflict("result: the stored working does not match its inputs; recompute it")
    invoice = None
    booking = booking_of(item)
    if item.total != 0:
        payer, payee = (booking, other(booking)) if item.total > 0 else (other(booking), booking)
        invoice = invoices.issue_invoice(
            session,
            view,
            source_type="pnl",
            source_id=item.id,
            description=(
                f"P&L share {label(item.year, item.quarter)} under {agreement.title}: "
                f"balancing payment from the {payer} to the {payee}"
            ),
            payer_org_id=org_of(agreement, payer),
            payee_org_id=org_of(agreement, payee),
            amount=abs(item.total),
            currency=item.currency,
            payment_days=int(stored(item)["payment_days"]),
        )
    record_decision(session, view, item, "pnl_statement", invoice=invoice)
    return item, invoice


def reject(
    session: Session,
    view: AllianceView,
    statement_id: uuid.UUID,
    data: Rejection,
    *,
    expected_version: int | None,
) -> PnlStatement:
    """Send the statement back with a reason."""
    item, _agreement = _decidable(session, view, statement_id, expected_version)
    record_decision(session, view, item, "pnl_statement", reason=data.reason)
    return item
