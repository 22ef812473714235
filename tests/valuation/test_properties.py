"""Hypothesis properties of the valuation engine."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactum.valuation.exact import evaluate
from pactum.valuation.formulas import royalty, tiered_royalty
from pactum.valuation.model import compile_deal
from pactum.valuation.schema import parse
from tests.valuation.cases import RICH, variant

fraction = st.floats(0.0, 1.0)
money = st.floats(0.0, 2e9)


@st.composite
def deals(draw: st.DrawFn) -> dict[str, Any]:
    """Random but valid deals around the reference shape."""
    rate = draw(st.floats(0.0, 0.25))
    tiers = sorted(set(draw(st.lists(st.floats(1e6, 1e9), max_size=3))))
    return variant(
        RICH,
        discount_rate={"licensor": rate, "licensee": rate},
        convention=draw(st.sampled_from(["mid", "end", "begin"])),
        asset__commercial__peak_sales=draw(money),
        asset__commercial__launch_cost=draw(st.floats(0, 2e8)),
        asset__commercial__tax_rate=draw(st.floats(0, 0.4)),
        asset__commercial__loe_year=draw(st.integers(2030, 2050)),
        terms__royalties__mode=draw(st.sampled_from(["marginal", "whole_sales"])),
        terms__royalties__tiers=[{"from": 0, "rate": draw(fraction)}]
        + [{"from": t, "rate": draw(fraction)} for t in tiers],
        terms__royalties__floor=draw(st.floats(0, 0.1)),
        terms__licensor_cost_share={"phase2": draw(fraction)},
    )


@settings(max_examples=60, deadline=None)
@given(deal=deals())
def test_licensor_plus_licensee_is_total_with_one_rate(deal: dict[str, Any]) -> None:
    """Transfers are zero-sum: the parties' rNPVs add up to the project's."""
    value = evaluate(compile_deal(parse(deal))).rnpv
    assert value["licensor"] + value["licensee"] == pytest.approx(
        value["total"], rel=1e-9, abs=1e-3
    )


@settings(max_examples=40, deadline=None)
@given(deal=deals(), phase=st.integers(0, 3), bump=st.floats(0.01, 0.3))
def test_higher_success_probability_never_hurts_a_party_that_pays_nothing_more(
    deal: dict[str, Any], phase: int, bump: float
) -> None:
    """With no cost share, the licensor pays nothing on success: raising any success
    probability never lowers its rNPV. (A party paying more on success - milestones, cost
    shares of later phases - may lose, and is excluded.)"""
    deal = variant(deal, terms__licensor_cost_share={})
    model = compile_deal(parse(deal))
    higher = model.p.copy()
    higher[phase] = min(1.0, higher[phase] + bump)
    before = evaluate(model).rnpv["licensor"]
    after = evaluate(model.with_changes(p=higher)).rnpv["licensor"]
    assert after >= before - 1e-6 * max(1.0, abs(before))


royalty_terms = st.tuples(
    st.lists(st.floats(0.0, 0.3), min_size=1, max_size=4),
    st.lists(st.floats(1.0, 1e9), min_size=3, max_size=3, unique=True),
    st.booleans(),
)


@given(
    sales=st.floats(1.0, 5e9),
    post=fraction,
    terms=royalty_terms,
    floor=st.floats(0, 0.2),
    tp=st.floats(0, 0.2),
    credit=fraction,
    cap=fraction,
    step=fraction,
)
def test_royalties_never_fall_below_the_floor(
    sales: float,
    post: float,
    terms: tuple[list[float], list[float], bool],
    floor: float,
    tp: float,
    credit: float,
    cap: float,
    step: float,
) -> None:
    """Whatever the tiers and reductions, the royalty is at least floor x sales."""
    rates, starts, whole = terms
    tier_from = np.array([0.0, *sorted(starts)][: len(rates)])
    due = royalty(
        sales,
        post * sales,
        tier_from,
        np.array(rates),
        whole,
        np.array([1, 2]),
        np.array([tp, step]),
        np.array([credit, 0.0]),
        np.array([cap, 0.0]),
        floor,
    )
    assert due >= floor * sales * (1 - 1e-12)


@given(
    x=st.floats(0.0, 2e9),
    eps=st.floats(0.0, 1e6),
    rates=st.lists(st.floats(0.0, 0.5), min_size=1, max_size=4),
    starts=st.lists(st.floats(1.0, 1e9), min_size=3, max_size=3, unique=True),
)
def test_marginal_tiers_are_continuous_in_sales(
    x: float, eps: float, rates: list[float], starts: list[float]
) -> None:
    """Marginal royalties change by at most the highest rate times the change in sales."""
    tier_from = np.array([0.0, *sorted(starts)][: len(rates)])
    tier_rate = np.array(rates)
    jump = tiered_royalty(x + eps, tier_from, tier_rate, False) - tiered_royalty(
        x, tier_from, tier_rate, False
    )
    assert -1e-6 <= jump <= max(rates) * eps + 1e-6 * max(1.0, x)
