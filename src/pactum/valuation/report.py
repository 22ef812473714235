"""The JSON contract for scripts, and the plain-text table for people."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pactum.valuation.exact import PARTIES, Exact
from pactum.valuation.montecarlo import Result
from pactum.valuation.option import OptionValue


def _number(value: float) -> float:
    return round(float(value), 2)


def to_json(
    name: str, currency: str, exact: Exact, mc: Result | None, option: OptionValue | None = None
) -> dict[str, Any]:
    """``{"exact": {...}, "monte_carlo": {...}}`` with money in the file's currency unit."""
    out: dict[str, Any] = {
        "name": name,
        "currency": currency,
        "exact": {
            **{
                party: {"rnpv": _number(exact.rnpv[party]), "npv": _number(exact.npv[party])}
                for party in PARTIES
            },
            "probability_of_approval": exact.probability_of_approval,
            "cash_flows": {
                "year": exact.years,
                **{p: [_number(x) for x in exact.cash_flows[p]] for p in PARTIES},
            },
            "breakdown": {
                item: {p: _number(v) for p, v in values.items()}
                for item, values in exact.breakdown.items()
            },
        },
    }
    if option is not None:
        out["opt_in"] = asdict(option)
    if mc is not None:
        out["monte_carlo"] = {
            "trials": mc.trials,
            "seed": mc.seed,
            "outcome_only": mc.outcome_only,
            **{party: mc.parties[party].as_dict() for party in PARTIES},
        }
    return out


def money(value: float) -> str:
    """A readable amount: 12,345,678."""
    return f"{value:,.0f}"
