"""A royalty statement's working from its stored inputs: conversion with agreed rates,
rounding once at the total, and recomputation that repeats the result exactly."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pactum.finance.money import to_cents
from pactum.statements.royalty.calc import compute

D = Decimal
CLAUSE: dict[str, Any] = {
    "mode": "marginal",
    "tiers": [{"from": 0, "rate": 0.05}, {"from": 1000000, "rate": 0.08}],
    "reductions": [
        {"type": "third_party_offset", "third_party_rate": 0.02, "creditable": 0.5},
        {"type": "loe_step_down", "reduction": 0.5},
    ],
    "floor": 0.02,
}


def _inputs(lines: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    return {
        "currency": "USD",
        "year": 2027,
        "quarter": 1,
        "terms_version": 1,
        "payment_days": 30,
        "royalties": CLAUSE,
        "fx": {"EUR": "1.0850", "JPY": "0.0068"},
        "lines": lines,
        "third_party_royalties": "0.00",
        "third_party_currency": "USD",
        "term_ended": [],
        "exclusivity_lost": [],
        "ytd_before": "0",
        "credit_before": "0",
        **extra,
    }


def test_lines_convert_unrounded_and_the_total_rounds_once() -> None:
    """1,001.00 JPY at 0.0068 = 6.8068 USD (not rounded to 6.81). Royalty 5% = 0.34034.
    Third-party royalties 10,000.00 JPY = 68 USD; credit 50% = 34, capped at the whole
    royalty (max_reduction 1): 0.34034 used, royalty 0, credit 33.65966. The floor, 2% x
    6.8068 = 0.136136, restores that much (and the credit it keeps unused carries on:
    33.795796). Rounded once at the total: 0.14; JP's line gets all of it."""
    lines = [{"country": "JP", "product": "HLX", "net_sales": "1001.00", "currency": "JPY"}]
    result = compute(_inputs(lines, third_party_royalties="10000.00", third_party_currency="JPY"))
    assert D(result["lines"][0]["converted"]) == D("6.8068")
    assert D(result["third_party_royalties"]) == D(68)
    assert result["royalty"] == "0.14"
    assert D(result["credit_carried"]) == D("33.795796")
    assert result["countries"][0]["royalty"] == "0.14"


def test_term_ended_countries_are_listed_but_bear_no_royalty() -> None:
    """FR's term ended: its 1,000 EUR are shown (1,085 USD) with no royalty; DE's 1,000 USD
    bear 5% = 50.00."""
    lines = [
        {"country": "DE", "product": "HLX", "net_sales": "1000.00", "currency": "USD"},
        {"country": "FR", "product": "HLX", "net_sales": "1000.00", "currency": "EUR"},
    ]
    result = compute(_inputs(lines, term_ended=["FR"]))
    assert result["royalty"] == "50.00"
    assert [(c["country"], c["royalty_bearing"], c["royalty"]) for c in result["countries"]] == [
        ("DE", True, "50.00"),
        ("FR", False, "0"),
    ]
    assert D(result["excluded_sales"]) == D(1085)


countries = st.sampled_from(["DE", "FR", "IT", "JP", "US", "GB"])
currencies = st.sampled_from(["USD", "EUR", "JPY"])
amounts = st.integers(min_value=0, max_value=10**10).map(lambda c: str(D(c).scaleb(-2)))
line = st.fixed_dictionaries(
    {"country": countries, "product": st.sampled_from(["HLX", "HLX pen"]), "net_sales": amounts}
).flatmap(lambda d: currencies.map(lambda c: {**d, "currency": c}))


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(line, max_size=12),
    third=amounts,
    ended=st.sets(countries, max_size=2),
    lost=st.sets(countries, max_size=2),
    ytd=st.integers(min_value=0, max_value=10**9),
    credit=st.integers(min_value=0, max_value=10**6),
)
def test_recomputing_from_stored_inputs_repeats_the_result_and_keeps_every_cent(
    lines: list[dict[str, str]],
    third: str,
    ended: set[str],
    lost: set[str],
    ytd: int,
    credit: int,
) -> None:
    """Through a JSON round trip (as stored) the result is identical; the countries'
    royalties add up to the total exactly; the total is whole cents and never negative."""
    inputs = _inputs(
        lines,
        third_party_royalties=third,
        term_ended=sorted(ended),
        exclusivity_lost=sorted(lost),
        ytd_before=str(ytd),
        credit_before=str(credit),
    )
    result = compute(inputs)
    assert compute(json.loads(json.dumps(inputs))) == result
    total = D(result["royalty"])
    assert total == to_cents(total)
    assert total >= 0
    assert sum((D(c["royalty"]) for c in result["countries"]), D(0)) == total
    assert D(result["ytd_sales"]) == D(ytd) + D(result["royalty_bearing_sales"])
