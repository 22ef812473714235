"""A royalty statement's working, computed from its stored inputs alone (a pure function:
recomputing from the same inputs gives the same result, to the character).

Currency rule: each line's net sales are converted into the agreement currency with the
quarter's agreed rate *without rounding*; the engine works on exact amounts and rounds once,
at the quarter's royalty (to the cent, half away from zero); the country lines are then
allocated from that total by largest remainder, so they add up to it exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal, localcontext
from typing import Any

from pactum.agreements.terms import parse_terms, royalty_terms
from pactum.finance.money import ZERO
from pactum.finance.royalty import QuarterInput, SalesLine, statement
from pactum.statements.periods import dec, num

# Enough digits that no product or sum in a statement is ever rounded before the total.
PRECISION = 80


def rate_for(inputs: Mapping[str, Any], currency: str) -> Decimal:
    """The rate of ``currency`` into the statement currency (1 for the currency itself)."""
    if currency == inputs["currency"]:
        return Decimal(1)
    return num(inputs["fx"][currency])


def compute(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The statement's result (amounts as exact decimal strings) from its inputs."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return _compute(inputs)


def _compute(inputs: Mapping[str, Any]) -> dict[str, Any]:
    clause = royalty_terms(parse_terms({"royalties": inputs["royalties"]}))
    if clause is None:  # pragma: no cover - the service stores a clause
        raise ValueError("royalties: the inputs have no royalty clause")
    lines = []
    converted_lines = []
    for line in inputs["lines"]:
        rate = rate_for(inputs, line["currency"])
        converted = num(line["net_sales"]) * rate
        converted_lines.append(SalesLine(line["country"], line["product"], converted))
        lines.append({**line, "rate": dec(rate), "converted": dec(converted)})
    third_party = num(inputs["third_party_royalties"]) * rate_for(
        inputs, inputs["third_party_currency"]
    )
    term_ended = frozenset(inputs["term_ended"])
    lost = frozenset(inputs["exclusivity_lost"])
    ytd_before = num(inputs["ytd_before"])
    credit_before = num(inputs["credit_before"])
    result = statement(
        clause,
        int(inputs["quarter"]),
        QuarterInput(tuple(converted_lines), third_party, term_ended, lost),
        ytd_before=ytd_before,
        credit_before=credit_before,
    )
    sales: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in converted_lines:
        sales[line.country] += line.net_sales
    countries = [
        {
            "country": country,
            "net_sales": dec(sales[country]),
            "royalty_bearing": country not in term_ended,
            "exclusivity_lost": country in lost,
            "royalty": dec(result.by_country.get(country, ZERO)),
        }
        for country in sorted(sales)
    ]
    excluded = sum((sales[c] for c in sales if c in term_ended), ZERO)
    return {
        "currency": inputs["currency"],
        "lines": lines,
        "third_party_royalties": dec(third_party),
        "royalty_bearing_sales": dec(result.royalty_bearing_sales),
        "excluded_sales": dec(excluded),
        "ytd_before": dec(ytd_before),
        "ytd_sales": dec(result.ytd_sales),
        "credit_before": dec(credit_before),
        "credit_carried": dec(result.credit_carried),
        "royalty": dec(result.royalty),
        "countries": countries,
        "steps": [{"label": s.label, "amount": dec(s.amount)} for s in result.steps],
    }
