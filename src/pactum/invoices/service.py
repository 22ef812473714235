"""Invoice and payment rules: numbering, due dates from payment terms, partial payments
that never exceed what is owed, and overdue status."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.orm import Session

from pactum.access import AllianceView, get_scoped, lock_alliance, scoped
from pactum.access.records import audit_record
from pactum.core.errors import Conflict, ValidationFailed
from pactum.core.time import utcnow
from pactum.invoices.schemas import PaymentCreate
from pactum.models import Invoice, Payment

STATUSES = ("due", "part_paid", "overdue", "paid")


def status(invoice: Invoice, today: date | None = None) -> str:
    """``paid``, ``overdue`` (unpaid after its due date), ``part_paid`` or ``due``."""
    today = today or utcnow().date()
    if invoice.paid >= invoice.amount:
        return "paid"
    if today > invoice.due_on:
        return "overdue"
    return "part_paid" if invoice.paid > 0 else "due"


def list_invoices(session: Session, view: AllianceView) -> list[Invoice]:
    """Every invoice of the alliance (invoices are shared), by due date."""
    stmt = scoped(view, Invoice).order_by(Invoice.due_on, Invoice.number)
    return list(session.execute(stmt).scalars())


def get_invoice(
    session: Session, view: AllianceView, invoice_id: uuid.UUID, *, lock: bool = False
) -> Invoice:
    """One invoice, or 404."""
    return get_scoped(session, view, Invoice, invoice_id, lock=lock)


def invoice_for(
    session: Session, view: AllianceView, source_type: str, source_id: uuid.UUID
) -> Invoice | None:
    """The invoice issued for a claim or statement, if any."""
    return invoices_by_source(session, view, source_type, [source_id]).get(source_id)


def invoices_by_source(
    session: Session,
    view: AllianceView,
    source_type: str,
    source_ids: list[uuid.UUID] | None = None,
) -> dict[uuid.UUID, Invoice]:
    """Invoices of one source type (``milestone``, ``royalty``...) by source id, in one
    query; all of them, or those of ``source_ids``."""
    stmt = scoped(view, Invoice).where(Invoice.source_type == source_type)
    if source_ids is not None:
        stmt = stmt.where(Invoice.source_id.in_(source_ids))
    return {i.source_id: i for i in session.execute(stmt).scalars()}


def payments(
    session: Session, view: AllianceView, invoice_ids: list[uuid.UUID] | None = None
) -> list[Payment]:
    """Payments of the alliance (or of some invoices), oldest first."""
    stmt = scoped(view, Payment).order_by(Payment.paid_on, Payment.created_at)
    if invoice_ids is not None:
        stmt = stmt.where(Payment.invoice_id.in_(invoice_ids))
    return list(session.execute(stmt).scalars())


def _next_number(session: Session, view: AllianceView, issued_on: date) -> str:
    """``INV-2027-0007``: the alliance's invoices are numbered in one sequence; the alliance
    row is locked so concurrent issues cannot take the same number."""
    lock_alliance(session, view)
    count = session.execute(
        scoped(view, Invoice).with_only_columns(func.count(Invoice.id))
    ).scalar_one()
    return f"INV-{issued_on.year}-{count + 1:04d}"


def issue_invoice(
    session: Session,
    view: AllianceView,
    *,
    source_type: str,
    source_id: uuid.UUID,
    description: str,
    payer_org_id: uuid.UUID,
    payee_org_id: uuid.UUID,
    amount: Decimal,
    currency: str,
    payment_days: int,
    issued_on: date | None = None,
) -> Invoice:
    """Issue the one invoice of a confirmed claim or approved statement; due
    ``payment_days`` after issue. The caller's service checks who may do this."""
    if invoice_for(session, view, source_type, source_id) is not None:
        raise Conflict(f"{source_type}: an invoice was already issued for it")
    if amount <= 0:
        raise ValidationFailed("amount", "must be greater than zero to invoice")
    issued_on = issued_on or utcnow().date()
    invoice = Invoice(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        number=_next_number(session, view, issued_on),
        source_type=source_type,
        source_id=source_id,
        description=description[:300],
        payer_org_id=payer_org_id,
        payee_org_id=payee_org_id,
        amount=amount,
        paid=Decimal(0),
        currency=currency,
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=payment_days),
        issued_by_id=view.principal.user_id,
    )
    session.add(invoice)
    session.flush()
    audit_record(
        session,
        view,
        invoice,
        "invoice",
        "invoice.issue",
        new={
            "number": invoice.number,
            "source_type": source_type,
            "source_id": source_id,
            "payer_org_id": payer_org_id,
            "payee_org_id": payee_org_id,
            "amount": amount,
            "currency": currency,
            "issued_on": issued_on,
            "due_on": invoice.due_on,
        },
    )
    return invoice


def record_payment(
    session: Session, view: AllianceView, invoice_id: uuid.UUID, data: PaymentCreate
) -> Payment:
    """Record a payment by the payer (or its receipt by the payee)."""
    invoice = get_invoice(session, view, invoice_id, lock=True)
    view.require("finance.write")
    if view.org_id not in {invoice.payer_org_id, invoice.payee_org_id}:
        raise Conflict("invoice: only the payer or the payee records its payments")
    if data.currency != invoice.currency:
        raise ValidationFailed("currency", f"must be the invoice's currency ({invoice.currency})")
    if data.paid_on > utcnow().date():
        raise ValidationFailed("paid_on", "must not be in the future")
    if data.paid_on < invoice.issued_on:
        raise ValidationFailed("paid_on", "must not be before the invoice was issued")
    outstanding = invoice.amount - invoice.paid
    if data.amount > outstanding:
        raise ValidationFailed(
            "amount", f"must not exceed the outstanding {outstanding} {invoice.currency}"
        )
    payment = Payment(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility="shared",
        invoice_id=invoice.id,
        amount=data.amount,
        currency=data.currency,
        paid_on=data.paid_on,
        reference=data.reference,
        note=data.note,
        recorded_by_id=view.principal.user_id,
    )
    session.add(payment)
    old_paid = invoice.paid
    invoice.paid = invoice.paid + data.amount
    invoice.version += 1
    session.flush()
    audit_record(
        session,
        view,
        invoice,
        "invoice",
        "invoice.payment",
        old={"paid": old_paid},
        new={
            "paid": invoice.paid,
            "payment_id": payment.id,
            "amount": data.amount,
            "paid_on": data.paid_on,
            "reference": data.reference,
        },
    )
    return payment
