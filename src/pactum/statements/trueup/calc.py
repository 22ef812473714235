"""The cost-sharing true-up's pure computation: stored inputs (decimal strings) in, the
result shown to both parties out. Recomputing from the stored inputs must give the stored
result exactly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pactum.finance import sharing
from pactum.finance.money import ZERO, to_cents

PARTIES = ("licensor", "licensee")


def cents_text(value: Decimal) -> str:
    """An amount rounded to the cent, as stored text."""
    return str(to_cents(value))


def _payment(amounts: dict[str, Decimal], orgs: dict[str, str]) -> dict[str, str] | None:
    """Who pays whom: the party whose balance is positive pays the other."""
    for payer in PARTIES:
        if amounts[payer] > 0:
            payee = next(p for p in PARTIES if p != payer)
            return {
                "payer": payer,
                "payee": payee,
                "payer_org_id": orgs[payer],
                "payee_org_id": orgs[payee],
                "amount": cents_text(amounts[payer]),
            }
    return None


def compute(inputs: dict[str, Any]) -> dict[str, Any]:
    """The true-up's result from its stored inputs (deterministic: recomputing the stored
    inputs gives the stored result). Amounts are decimal strings to the cent."""
    share = Decimal(inputs["licensor_share"])
    overrun = Decimal(inputs["overrun"])
    budgets = {p: Decimal(inputs["budgets"][p]["amount"]) for p in PARTIES}
    lines = [
        sharing.CostLine(
            party=ln["party"],
            work_package=ln["work_package"],
            category=ln["category"],
            amount=Decimal(ln["amount"]),
            disputed=bool(ln["disputed"]),
        )
        for ln in inputs["lines"]
    ]
    outcome = sharing.true_up(
        lines,
        budgets=budgets,
        overrun=overrun,
        split={"licensor": share, "licensee": 1 - share},
    )
    disputed = dict.fromkeys(PARTIES, ZERO)
    counts = dict.fromkeys(PARTIES, 0)
    for line in lines:
        counts[line.party] += 1
        if line.disputed:
            disputed[line.party] += line.amount
    orgs = inputs["parties"]
    parties = {}
    for p in PARTIES:
        pos = outcome.parties[p]
        parties[p] = {
            "org_id": orgs[p],
            "lines": counts[p],
            "budget": cents_text(budgets[p]),
            "cap": cents_text(budgets[p] * (1 + overrun)),
            "reported": cents_text(pos.reported),
            "disputed": cents_text(disputed[p]),
            "shareable": cents_text(pos.shareable),
            "excess": cents_text(pos.excess),
            "share": cents_text(pos.share),
            "balance_now": cents_text(pos.balance_now),
            "balance_held": cents_text(pos.balance_held),
        }
    return {
        "parties": parties,
        "shareable_total": cents_text(outcome.shareable_total),
        "shareable_undisputed": cents_text(outcome.shareable_undisputed),
        "payment_now": _payment({p: outcome.parties[p].balance_now for p in PARTIES}, orgs),
        "payment_held": _payment({p: outcome.parties[p].balance_held for p in PARTIES}, orgs),
    }
