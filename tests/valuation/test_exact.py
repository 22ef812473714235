"""The exact evaluator against cases derived by hand (derivations in the docstrings)."""

from __future__ import annotations

import numpy as np
import pytest

from pactum.valuation import paths
from pactum.valuation.defaults import LOA_FROM_PHASE1, TRANSITIONS
from pactum.valuation.exact import evaluate, outcomes, path_flows, present_values
from pactum.valuation.formulas import royalty, tiered_royalty
from pactum.valuation.model import compile_deal
from pactum.valuation.schema import parse
from tests.valuation.cases import RICH, SIMPLE, variant


def _value(data: dict) -> dict:  # type: ignore[type-arg]
    return evaluate(compile_deal(parse(data))).rnpv


def test_hand_derived_single_phase_licence() -> None:
    """One phase left (review, p = 0.5, 1 year, cost 10), then a 1-year linear ramp to 100.

    Flows, mid-year convention, 10% for everyone:
    - review cost 10 in year 0, weight 1 (already in review): -10 / 1.1^0.5
    - approval at t = 1 (p = 0.5). Sales: year 1 = integral of the ramp = 50; year 2 = 100.
      Total: 0.5 * (50 / 1.1^1.5 + 100 / 1.1^2.5)
    - licensor: upfront 20 at t = 0; milestone 30 at t = 1 (p = 0.5): 0.5 * 30 / 1.1;
      royalties 10%: 0.5 * (5 / 1.1^1.5 + 10 / 1.1^2.5)
    - licensee = total - licensor (one rate for all).
    """
    cost = -10 / 1.1**0.5
    total = cost + 0.5 * (50 / 1.1**1.5 + 100 / 1.1**2.5)
    licensor = 20 + 0.5 * 30 / 1.1 + 0.5 * (5 / 1.1**1.5 + 10 / 1.1**2.5)
    value = _value(SIMPLE)
    assert value["total"] == pytest.approx(total, abs=1e-9)
    assert value["licensor"] == pytest.approx(licensor, abs=1e-9)
    assert value["licensee"] == pytest.approx(total - licensor, abs=1e-9)


def test_unrisked_npv_and_probability_of_approval() -> None:
    """Unrisked NPV takes the approved path with certainty; PoA is the product."""
    result = evaluate(compile_deal(parse(SIMPLE)))
    assert result.probability_of_approval == pytest.approx(0.5)
    assert result.npv["total"] == pytest.approx(-10 / 1.1**0.5 + 50 / 1.1**1.5 + 100 / 1.1**2.5)
    rich = evaluate(compile_deal(parse(RICH)))
    assert rich.probability_of_approval == pytest.approx(0.52 * 0.289 * 0.578 * 0.906)


@pytest.mark.parametrize(("convention", "offset"), [("mid", 0.5), ("end", 1.0), ("begin", 0.0)])
def test_discounting_conventions(convention: str, offset: float) -> None:
    """Operating flows move with the convention; milestones stay at their event time.

    Cost in year 0 discounts at ``offset``; sales of 50 and 100 at ``1 + offset`` and
    ``2 + offset``; the milestone at exactly t = 1 whatever the convention.
    """
    value = _value(variant(SIMPLE, convention=convention))
    total = -10 / 1.1**offset + 0.5 * (50 / 1.1 ** (1 + offset) + 100 / 1.1 ** (2 + offset))
    licensor = 20 + 15 / 1.1 + 0.5 * (5 / 1.1 ** (1 + offset) + 10 / 1.1 ** (2 + offset))
    assert value["total"] == pytest.approx(total, abs=1e-9)
    assert value["licensor"] == pytest.approx(licensor, abs=1e-9)


def test_costs_weighted_by_entering_and_milestones_by_passing() -> None:
    """Two phases: Phase III (p 0.6, 1 y, cost 100) then review (p 0.9, 1 y, cost 10).

    Review cost is weighted by P(enter review) = 0.6; the review milestone (40, at t = 2) by
    P(pass both) = 0.54; the Phase III milestone (20, at t = 1) by 0.6. End-year, 0% rate.
    """
    data = variant(
        SIMPLE,
        convention="end",
        discount_rate={"licensor": 0.0, "licensee": 0.0},
        asset__current_phase="phase3",
        asset__phases=[
            {"name": "phase3", "probability": 0.6, "duration_years": 1, "cost": 100},
            {"name": "regulatory", "probability": 0.9, "duration_years": 1, "cost": 10},
        ],
        asset__commercial__peak_sales=0,
        terms={
            "milestones": [{"gate": "phase3", "amount": 20}, {"gate": "regulatory", "amount": 40}]
        },
    )
    value = _value(data)
    assert value["total"] == pytest.approx(-100 - 0.6 * 10)
    assert value["licensor"] == pytest.approx(0.6 * 20 + 0.54 * 40)


def test_exclusivity_is_lost_on_a_calendar_date() -> None:
    """A later launch does not postpone loss of exclusivity: a delay shortens protected sales.

    Valued 2026-01-01, LOE 2029-01-01: t = 1096 / 365.25 (just after 3.0). Launch at t = 1,
    1-year ramp: year 1 = 50, year 2 = 100, year 3 = 100 until LOE then 20 (80% erosion):
    100 (t - 3) + 20 (4 - t). A 2-year review launches at t = 2 and sells the same in year
    3: the delay costs protected sales instead of shifting them.
    """
    fast = variant(
        SIMPLE,
        asset__commercial__loe_year=2029,
        asset__commercial__post_loe_erosion=0.8,
        horizon_years=5,
        discount_rate={"licensor": 0.0, "licensee": 0.0},
        terms={},
    )
    model = compile_deal(parse(fast))
    loe = 1096 / 365.25
    assert model.loe_time == pytest.approx(loe)
    flows = path_flows(model, model.n, model.duration, model.peak_sales)
    sales = flows.periodic["net sales"][0]
    assert list(sales[:3]) == pytest.approx([0, 50, 100])
    assert sales[3] == pytest.approx(100 * (loe - 3) + 20 * (4 - loe))
    assert sales[4] == pytest.approx(20)
    slow = variant(
        fast,
        asset__phases=[
            {"name": "regulatory", "probability": 0.5, "duration_years": 2.0, "cost": 10}
        ],
    )
    assert _value(slow)["total"] < _value(fast)["total"]


def test_marginal_and_whole_sales_royalties_with_offset_step_down_and_floor() -> None:
    """Annual sales 400 (post-LOE share 0), tiers 8% to 250 then 10%.

    Marginal: 0.08 * 250 + 0.10 * 150 = 35. Whole-sales: 0.10 * 400 = 40.
    Third-party offset (3% of sales, 50% creditable): -0.5 * 12 = -6 -> 29 / 34.
    Floor 9% of 400 = 36 lifts the marginal case to 36 and leaves 34 -> 36.
    """
    tiers_from, rates = np.array([0.0, 250.0]), np.array([0.08, 0.10])
    assert tiered_royalty(400.0, tiers_from, rates, False) == pytest.approx(35)
    assert tiered_royalty(400.0, tiers_from, rates, True) == pytest.approx(40)
    codes, a, b, c = np.array([1]), np.array([0.03]), np.array([0.5]), np.array([1.0])
    args = (tiers_from, rates)
    assert royalty(400.0, 0.0, *args, False, codes, a, b, c, 0.0) == pytest.approx(29)
    assert royalty(400.0, 0.0, *args, True, codes, a, b, c, 0.0) == pytest.approx(34)
    assert royalty(400.0, 0.0, *args, False, codes, a, b, c, 0.09) == pytest.approx(36)
    step = np.array([2]), np.array([0.5]), np.array([0.0]), np.array([0.0])
    assert royalty(400.0, 100.0, *args, False, *step, 0.0) == pytest.approx(35 - 35 * 0.5 * 0.25)


def test_fast_path_equals_the_itemised_evaluator_on_every_outcome() -> None:
    """The compiled path function and the itemised flows agree to a millionth."""
    model = compile_deal(parse(RICH))
    scal, arrays = paths.pack(model), paths.arrays(model)
    for reached, _prob in outcomes(model.p):
        fast = paths.path_npv(scal, *arrays, reached, model.duration, model.peak_sales)
        items = present_values(model, path_flows(model, reached, model.duration, model.peak_sales))
        slow = [sum(v[p] for v in items.values()) for p in ("total", "licensor", "licensee")]
        assert fast == pytest.approx(slow, rel=1e-9, abs=1e-3)


def test_breakdown_sums_to_the_rnpv() -> None:
    """Items explain the whole value."""
    result = evaluate(compile_deal(parse(RICH)))
    for party in ("total", "licensor", "licensee"):
        assert sum(v[party] for v in result.breakdown.values()) == pytest.approx(result.rnpv[party])
    assert {"upfront", "royalties", "net sales", "cost phase1"} <= set(result.breakdown)


def test_default_probabilities_reproduce_the_reports_likelihoods_of_approval() -> None:
    """The per-area phase rows multiply out to the report's headline LOA from Phase I
    (within the rounding of the published percentages)."""
    for area, row in TRANSITIONS.items():
        assert float(np.prod(row)) == pytest.approx(LOA_FROM_PHASE1[area], abs=0.0011), area
