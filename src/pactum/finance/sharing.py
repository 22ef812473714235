"""Quarterly cost-sharing true-ups and P&L-share statements, exact to the cent.

True-up (per quarter): each party's reported costs are compared with its approved budget;
costs are shareable up to the budget plus the permitted overrun, and the excess stays with
the party that incurred it. The shareable total is split by the agreed percentages; the
party that carried less than its share pays the difference. Disputed lines are carved out:
the balancing payment on undisputed costs is due now, the rest is held until resolved.

P&L share: the booking party records net sales and COGS; each party's allowable expenses
are reimbursed first, then operating profit is split; one balancing payment per partner.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pactum.finance.money import ZERO, allocate, to_cents


@dataclass(frozen=True)
class CostLine:
    """One reported cost: who incurred it, on what, and whether the other party disputes it."""

    party: str
    work_package: str
    category: str
    amount: Decimal
    disputed: bool = False


@dataclass(frozen=True)
class PartyTrueUp:
    """One party's position in a true-up."""

    reported: Decimal
    shareable: Decimal
    excess: Decimal
    share: Decimal
    balance_now: Decimal
    balance_held: Decimal


@dataclass(frozen=True)
class TrueUp:
    """The whole true-up: per party, the shareable total and the payments."""

    parties: dict[str, PartyTrueUp]
    shareable_total: Decimal
    shareable_undisputed: Decimal


def _positions(
    costs: Mapping[str, Decimal],
    budgets: Mapping[str, Decimal],
    overrun: Decimal,
    split: Mapping[str, Decimal],
) -> tuple[dict[str, Decimal], Decimal, dict[str, Decimal]]:
    """Shareable cost per party, the shareable total, and each party's balancing amount
    (positive: it pays)."""
    shareable = {p: to_cents(min(costs.get(p, ZERO), budgets[p] * (1 + overrun))) for p in split}
    total = sum(shareable.values(), ZERO)
    parties = list(split)
    fair = dict(zip(parties, allocate(total, [split[p] for p in parties]), strict=True))
    return shareable, total, {p: fair[p] - shareable[p] for p in parties}


def true_up(
    lines: Sequence[CostLine],
    *,
    budgets: Mapping[str, Decimal],
    overrun: Decimal,
    split: Mapping[str, Decimal],
) -> TrueUp:
    """Compute a quarter's true-up; ``split`` must add up to 1."""
    if sum(split.values(), ZERO) != 1:
        raise ValueError("split: shares must add up to 1")
    unknown = {ln.party for ln in lines} - set(split)
    if unknown:
        raise ValueError(f"lines: unknown party {sorted(unknown)[0]!r}")
    reported: dict[str, Decimal] = dict.fromkeys(split, ZERO)
    undisputed: dict[str, Decimal] = dict.fromkeys(split, ZERO)
    for line in lines:
        reported[line.party] += line.amount
        if not line.disputed:
            undisputed[line.party] += line.amount
    shareable, total, balance = _positions(reported, budgets, overrun, split)
    _now_share, now_total, now_balance = _positions(undisputed, budgets, overrun, split)
    shares = dict(zip(split, allocate(total, list(split.values())), strict=True))
    return TrueUp(
        parties={
            p: PartyTrueUp(
                reported=to_cents(reported[p]),
                shareable=shareable[p],
                excess=to_cents(reported[p]) - shareable[p],
                share=shares[p],
                balance_now=now_balance[p],
                balance_held=balance[p] - now_balance[p],
            )
            for p in split
        },
        shareable_total=total,
        shareable_undisputed=now_total,
    )


@dataclass(frozen=True)
class PnlShare:
    """A quarter's P&L-share statement."""

    operating_profit: Decimal
    entitlement: dict[str, Decimal]
    payments: dict[str, Decimal]


def pnl_share(
    *,
    booking: str,
    net_sales: Decimal,
    cogs: Decimal,
    expenses: Mapping[str, Decimal],
    split: Mapping[str, Decimal],
) -> PnlShare:
    """Reimburse each party's allowable expenses, split operating profit, and compute what
    the booking party pays each partner (negative: the partner pays the booking party)."""
    if sum(split.values(), ZERO) != 1:
        raise ValueError("split: shares must add up to 1")
    if booking not in split:
        raise ValueError(f"booking: {booking!r} is not a party")
    spent = {p: to_cents(expenses.get(p, ZERO)) for p in split}
    profit = to_cents(net_sales) - to_cents(cogs) - sum(spent.values(), ZERO)
    parties = list(split)
    shares = dict(zip(parties, allocate(profit, [split[p] for p in parties]), strict=True))
    entitlement = {p: spent[p] + shares[p] for p in parties}
    payments = {p: entitlement[p] for p in parties if p != booking}
    return PnlShare(profit, entitlement, payments)
