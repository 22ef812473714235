"""The payments ledger: invoices and payments seen by both parties the same way, totals per
party, a schedule of the next four quarters and the series the charts draw."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from pactum.access import AllianceView
from pactum.core.time import quarter_end, quarter_of, quarter_start
from pactum.invoices import service as invoices
from pactum.models import Invoice, Payment
from pactum.obligations import rules
from pactum.obligations import service as obligations

ZERO = Decimal(0)


@dataclass
class PartyTotals:
    """What one party owes (as payer) and is owed (as payee), in one currency."""

    org_id: uuid.UUID
    name: str
    currency: str
    invoiced: Decimal = ZERO
    paid: Decimal = ZERO
    outstanding: Decimal = ZERO
    overdue: Decimal = ZERO
    receivable: Decimal = ZERO


@dataclass
class ScheduleItem:
    """Something payable or due in a quarter."""

    due_on: date
    kind: str
    description: str
    payer: str
    payee: str
    amount: Decimal | None
    currency: str
    state: str
    link: str = ""


@dataclass
class Quarter:
    """One calendar quarter of the schedule."""

    year: int
    quarter: int
    start: date
    end: date
    items: list[ScheduleItem] = field(default_factory=list)

    @property
    def label(self) -> str:
        """``2027 Q3``."""
        return f"{self.year} Q{self.quarter}"

    def totals(self) -> dict[str, Decimal]:
        """Amounts due in the quarter, per currency."""
        out: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for item in self.items:
            if item.amount is not None:
                out[item.currency] += item.amount
        return dict(out)


@dataclass
class Ledger:
    """Everything the finance page shows."""

    invoices: list[tuple[Invoice, str]]
    payments: list[Payment]
    totals: list[PartyTotals]
    names: dict[uuid.UUID, str]


def load(session: Session, view: AllianceView, *, today: date) -> Ledger:
    """Invoices with their status, payments and per-party totals (two queries)."""
    names = view.party_names
    found = invoices.list_invoices(session, view)
    rows = [(inv, invoices.status(inv, today)) for inv in found]
    totals: dict[tuple[uuid.UUID, str], PartyTotals] = {}

    def slot(org_id: uuid.UUID, currency: str) -> PartyTotals:
        key = (org_id, currency)
        if key not in totals:
            totals[key] = PartyTotals(org_id, names.get(org_id, "?"), currency)
        return totals[key]

    for inv, state in rows:
        payer = slot(inv.payer_org_id, inv.currency)
        left = inv.amount - inv.paid
        payer.invoiced += inv.amount
        payer.paid += inv.paid
        payer.outstanding += left
        if state == "overdue":
            payer.overdue += left
        slot(inv.payee_org_id, inv.currency).receivable += left
    return Ledger(
        invoices=rows,
        payments=invoices.payments(session, view),
        totals=sorted(totals.values(), key=lambda t: (t.name, t.currency)),
        names=names,
    )


def quarters_from(today: date, count: int = 4) -> list[Quarter]:
    """The current quarter and the ones after it."""
    year, q = quarter_of(today)
    out = []
    for _ in range(count):
        out.append(Quarter(year, q, quarter_start(year, q), quarter_end(year, q)))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def schedule(
    ledger: Ledger,
    alliance_id: uuid.UUID,
    *,
    today: date,
    extra: list[ScheduleItem] = (),  # type: ignore[assignment]
) -> tuple[list[ScheduleItem], list[Quarter]]:
    """Overdue items now, and what falls due in each of the next four quarters: unpaid
    invoices plus ``extra`` items (obligations) from the other domains."""
    quarters = quarters_from(today)
    overdue: list[ScheduleItem] = []
    items: list[ScheduleItem] = []
    for inv, state in ledger.invoices:
        if state == "paid":
            continue
        items.append(
            ScheduleItem(
                due_on=inv.due_on,
                kind="invoice",
                description=f"{inv.number}: {inv.description}",
                payer=ledger.names.get(inv.payer_org_id, "?"),
                payee=ledger.names.get(inv.payee_org_id, "?"),
                amount=inv.amount - inv.paid,
                currency=inv.currency,
                state=state,
                link=f"/alliances/{alliance_id}/finance/invoices/{inv.id}",
            )
        )
    items.extend(extra)
    for item in sorted(items, key=lambda i: (i.due_on, i.description)):
        if item.due_on < today:
            item.state = "overdue"
            overdue.append(item)
            continue
        for quarter in quarters:
            if quarter.start <= item.due_on <= quarter.end:
                quarter.items.append(item)
    return overdue, quarters


def cumulative_payments(ledger: Ledger) -> tuple[list[date], dict[str, list[Decimal]]]:
    """Dates of payments and, per paying party and currency, the running total paid."""
    by_invoice = {inv.id: inv for inv, _ in ledger.invoices}
    days = sorted({p.paid_on for p in ledger.payments})
    series: dict[str, list[Decimal]] = {}
    daily: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for payment in ledger.payments:
        inv = by_invoice.get(payment.invoice_id)
        if inv is None:
            continue
        name = f"{ledger.names.get(inv.payer_org_id, '?')} ({payment.currency})"
        daily[name][payment.paid_on] += payment.amount
    for name, amounts in sorted(daily.items()):
        running, values = ZERO, []
        for day in days:
            running += amounts.get(day, ZERO)
            values.append(running)
        series[name] = values
    return days, series


def obligation_items(
    session: Session, view: AllianceView, *, today: date, until: date
) -> list[ScheduleItem]:
    """Open due dates of the active obligations the caller may see, from a year back to
    ``until`` (overdue ones included), for the schedule and the timeline."""
    names = view.party_names
    items: list[ScheduleItem] = []
    for found in obligations.list_obligations(session, view):
        if found.status != "active":
            continue
        rule = obligations.rule_of(found)
        for due in rules.open_until(rule, found.done, until, start=today - timedelta(days=365)):
            private = " (private to your party)" if found.visibility == "private" else ""
            items.append(
                ScheduleItem(
                    due_on=due,
                    kind="obligation",
                    description=f"{found.title}{private}",
                    payer=names.get(found.responsible_org_id, "?"),
                    payee="",
                    amount=found.amount,
                    currency=found.currency or "",
                    state=rules.state(due, found.done, today, found.remind_days),
                    link=f"/alliances/{view.alliance_id}/obligations/{found.id}",
                )
            )
    return items
