"""The opt-in right: the switched-on terms, the decision, and the option's value."""

from __future__ import annotations

from typing import Any

import pytest

from pactum.valuation.exact import evaluate
from pactum.valuation.model import compile_deal
from pactum.valuation.option import decide, option_value
from pactum.valuation.schema import DealFileError, parse
from tests.valuation.cases import FAIR, variant


def _deal(fee: float = 5e7, **royalties: Any) -> dict[str, Any]:
    data = variant(
        FAIR,
        terms__royalties={"tiers": [{"from": 0, "rate": 0.10}], **royalties},
    )
    data["terms"]["opt_in"] = {
        "holder": "licensor",
        "after": "phase2",
        "fee": fee,
        "cost_share": 0.5,
        "profit_split": 0.5,
    }
    return data


def test_exercise_switches_on_the_terms_and_the_holder_pays_the_fee() -> None:
    """Exercised: later phases shared, profit split instead of royalties, fee at the gate."""
    deal = parse(_deal())
    off = compile_deal(deal)
    on = compile_deal(deal, exercise=True)
    gate = on.phases.index("phase2")
    assert list(on.licensor_share[gate + 1 :]) == [0.5] * (on.n - gate - 1)
    assert list(on.licensor_share[: gate + 1]) == list(off.licensor_share[: gate + 1])
    assert (on.profit_split, off.profit_split) == (0.5, 0.0)
    assert on.milestone[gate] == off.milestone[gate] - 5e7
    assert not on.has_royalties
    total_on, total_off = evaluate(on).rnpv["total"], evaluate(off).rnpv["total"]
    assert total_on == pytest.approx(total_off)  # transfers only: the project is the same


def test_option_is_worth_at_least_the_committed_deal_and_matches_its_closed_form() -> None:
    """E[max(V - K, 0)] >= max(E[V] - K, 0) >= E[V] - K; simulation agrees with
    Black-Scholes (the gain is affine in peak sales with a flat royalty)."""
    value = option_value(parse(_deal()), trials=200_000, seed=3)
    assert value is not None
    assert value.simulated_value >= value.base_case_value >= value.committed_value
    assert value.closed_form_value is not None
    assert abs(value.simulated_value - value.closed_form_value) <= (
        4 * value.simulated_std_error + 1e-3 * value.closed_form_value
    )
    assert 0 < value.probability_of_exercise < 1


def test_decision_follows_the_fee() -> None:
    """A cheap right is exercised in the base case; a prohibitive one is not."""
    assert decide(parse(_deal(fee=1e6)))
    assert not decide(parse(_deal(fee=5e9)))
    expensive = option_value(parse(_deal(fee=5e9)), trials=20_000, seed=1)
    assert expensive is not None
    assert expensive.base_case_value == 0.0
    assert expensive.committed_value < 0


def test_no_closed_form_when_the_gain_is_not_linear_in_sales() -> None:
    """Tiers make the gain piecewise linear: only the simulation is reported."""
    tiered = _deal(tiers=[{"from": 0, "rate": 0.05}, {"from": 5e8, "rate": 0.15}])
    value = option_value(parse(tiered), trials=20_000, seed=1)
    assert value is not None
    assert value.closed_form_value is None
    assert value.simulated_value > 0


def test_opt_in_errors() -> None:
    """The gate must lie ahead; something must switch on."""
    behind = _deal()
    behind["terms"]["opt_in"]["after"] = "phase1"
    with pytest.raises(DealFileError, match="not ahead of the asset"):
        parse(behind)
    empty = _deal()
    empty["terms"]["opt_in"] = {"after": "phase2", "fee": 1}
    with pytest.raises(DealFileError, match="switch on"):
        parse(empty)
