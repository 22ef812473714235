"""A P&L-share statement's working from its stored inputs alone (pure and repeatable).

Rounding rule: each figure is converted into the agreement currency with the quarter's
agreed rate unrounded, then rounded once to the cent (half away from zero); operating
profit is split by largest remainder, so the two shares add up to it exactly and no cent
is created or lost. The parties' positions after the balancing payment equal their
shares, and sum to the operating profit.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, localcontext
from typing import Any

from pactum.finance.money import to_cents
from pactum.finance.sharing import pnl_share
from pactum.statements.periods import dec, num, other

PARTIES = ("licensor", "licensee")
PRECISION = 80


def _pct(share: Decimal) -> str:
    """``0.6`` -> ``60%``."""
    return f"{(share * 100).normalize():f}%"


def compute(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The statement's result (amounts as exact decimal strings) from its inputs."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return _compute(inputs)


def _compute(inputs: Mapping[str, Any]) -> dict[str, Any]:
    currency = inputs["currency"]
    given = inputs["input_currency"]
    rate = Decimal(1) if given == currency else num(inputs["fx"][given])
    booking = inputs["booking"]
    partner = other(booking)
    split = {p: num(inputs["split"][p]) for p in PARTIES}
    net_sales = num(inputs["net_sales"]) * rate
    cogs = num(inputs["cogs"]) * rate
    expenses = {p: num(inputs["expenses"][p]) * rate for p in PARTIES}
    share = pnl_share(
        booking=booking, net_sales=net_sales, cogs=cogs, expenses=expenses, split=split
    )
    spent = {p: to_cents(expenses[p]) for p in PARTIES}
    sales_c, cogs_c = to_cents(net_sales), to_cents(cogs)
    shares = {p: share.entitlement[p] - spent[p] for p in PARTIES}
    balance = share.payments[partner]  # the booking party pays the partner (negative: back)
    positions = {
        booking: sales_c - cogs_c - spent[booking] - balance,
        partner: balance - spent[partner],
    }
    if balance > 0:
        payer, payee = booking, partner
    elif balance < 0:
        payer, payee = partner, booking
    else:
        payer = payee = ""
    converted = f" (converted from {given} at {rate})" if given != currency else ""
    steps = [
        (f"Net sales booked by the {booking}{converted}", sales_c),
        ("Less cost of goods sold", -cogs_c),
        ("Less the licensor's allowable expenses", -spent["licensor"]),
        ("Less the licensee's allowable expenses", -spent["licensee"]),
        ("Operating profit", share.operating_profit),
        (f"Licensor's share of operating profit ({_pct(split['licensor'])})", shares["licensor"]),
        (f"Licensee's share of operating profit ({_pct(split['licensee'])})", shares["licensee"]),
        ("Licensor's entitlement: its expenses back plus its share", share.entitlement["licensor"]),
        ("Licensee's entitlement: its expenses back plus its share", share.entitlement["licensee"]),
        (
            f"Balancing payment from the {payer} to the {payee}" if payer else "No payment due",
            abs(balance),
        ),
    ]
    return {
        "currency": currency,
        "rate": dec(rate),
        "booking": booking,
        "partner": partner,
        "net_sales": dec(sales_c),
        "cogs": dec(cogs_c),
        "expenses": {p: dec(spent[p]) for p in PARTIES},
        "operating_profit": dec(share.operating_profit),
        "shares": {p: dec(shares[p]) for p in PARTIES},
        "entitlement": {p: dec(share.entitlement[p]) for p in PARTIES},
        "positions": {p: dec(positions[p]) for p in PARTIES},
        "balance": dec(balance),
        "payment": {"payer": payer, "payee": payee, "amount": dec(abs(balance))},
        "steps": [{"label": label, "amount": dec(amount)} for label, amount in steps],
    }
