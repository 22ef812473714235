"""Valuation never crashes on a valid deal (VAL-1): generated deals, from one upfront and
nothing else to every kind of term at once, value through the command line and the
scenarios API without a failure; bad numbers are refused with a path and a rule."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pactum.cli.main import app
from pactum.valuation.defaults import PHASES
from pactum.valuation.option import option_value
from pactum.valuation.schema import DealFileError, parse
from tests.conftest import World
from tests.valuation.cases import FAIR, variant

runner = CliRunner()
money = st.one_of(st.just(0.0), st.floats(1.0, 1e10, allow_nan=False))
fraction = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def deals(draw: st.DrawFn) -> dict[str, Any]:
    """A valid deal file: any phase, any subset of terms (possibly only an upfront)."""
    current = draw(st.sampled_from(PHASES))
    ahead = list(PHASES[PHASES.index(current) :])
    terms: dict[str, Any] = {"upfront": [{"amount": draw(money)}]}
    if draw(st.booleans()):
        gates = draw(st.lists(st.sampled_from(ahead), unique=True, max_size=len(ahead)))
        terms["milestones"] = [{"gate": g, "amount": draw(money)} for g in gates]
    if draw(st.booleans()):
        starts = sorted(set(draw(st.lists(st.floats(1.0, 1e10), max_size=3))))
        terms["royalties"] = {
            "tiers": [{"from": s, "rate": draw(fraction)} for s in [0.0, *starts]],
            "floor": draw(fraction),
            "mode": draw(st.sampled_from(["marginal", "whole_sales"])),
        }
    if draw(st.booleans()):
        terms["sales_milestones"] = [{"threshold": draw(money), "amount": draw(money)}]
    if draw(st.booleans()):
        terms["licensor_cost_share"] = {g: draw(fraction) for g in ahead}
    if draw(st.booleans()):
        terms["opt_in"] = {
            "holder": draw(st.sampled_from(["licensor", "licensee"])),
            "after": draw(st.sampled_from(ahead)),
            "fee": draw(money),
            "profit_split": draw(fraction),
        }
    return {
        "name": "Generated",
        "valuation_date": "2026-01-01",
        "horizon_years": draw(st.integers(1, 40)),
        "convention": draw(st.sampled_from(["mid", "end", "begin"])),
        "discount_rate": {"licensor": draw(fraction), "licensee": draw(fraction)},
        "asset": {
            "current_phase": current,
            "commercial": {
                "peak_sales": draw(money),
                "peak_sales_sigma": draw(st.floats(0.0, 2.0)),
                "loe_year": draw(st.integers(1900, 2200)),
                "ramp_years": draw(st.floats(0.1, 20.0)),
            },
        },
        "terms": terms,
    }


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


UPFRONT_ONLY = variant(FAIR, terms={"upfront": [{"amount": 1.0e7}]})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deal=deals())
def test_the_command_line_values_every_valid_deal(
    deal: dict[str, Any], tmp_path_factory: Any
) -> None:
    """``pactum value --json`` exits 0 with finite numbers for every generated deal."""
    path = Path(tmp_path_factory.mktemp("deal")) / "deal.json"
    path.write_text(json.dumps(deal))
    result = runner.invoke(app, ["value", str(path), "--trials", "500", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert _finite(data["exact"])
    assert _finite(data["monte_carlo"])


def test_an_upfront_only_deal_values(tmp_path: Path) -> None:
    """A party value constant across trials (only an upfront): no ZeroDivisionError; the
    distribution is that one value."""
    path = tmp_path / "deal.json"
    path.write_text(json.dumps(UPFRONT_ONLY))
    result = runner.invoke(app, ["value", str(path), "--trials", "2000", "--json"])
    assert result.exit_code == 0, result.output
    licensor = json.loads(result.output)["monte_carlo"]["licensor"]
    assert licensor["p5"] == pytest.approx(licensor["p95"]) == pytest.approx(1.0e7, rel=1e-6)
    table = runner.invoke(app, ["value", str(path), "--trials", "2000"])
    assert table.exit_code == 0, table.output


def test_the_scenarios_api_values_an_upfront_only_deal(client: TestClient, world: World) -> None:
    """The API answers 201, not 500, for the same deal."""
    answer = client.post(
        f"/api/v1/alliances/{world.alliance_id}/scenarios",
        headers=world["a_manager"].headers,
        json={"name": "Upfront only", "deal": UPFRONT_ONLY, "trials": 1000},
    )
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize(
    ("change", "path", "rule"),
    [
        ({"asset__commercial__loe_year": 10000}, "asset.commercial.loe_year", "less than or equal"),
        ({"asset__commercial__peak_sales": math.nan}, "asset.commercial.peak_sales", "finite"),
        ({"asset__commercial__peak_sales": math.inf}, "asset.commercial.peak_sales", "finite"),
        ({"asset__commercial__peak_sales": 1e300}, "asset.commercial.peak_sales", "at most"),
        ({"valuation_date": "9999-12-31"}, "valuation_date", "between 1900-01-01"),
    ],
)
def test_numbers_no_deal_can_use_are_refused(change: dict[str, Any], path: str, rule: str) -> None:
    """Out-of-range years, NaN, infinity and overflowing amounts: a path and a rule."""
    with pytest.raises(DealFileError) as refused:
        parse(variant(FAIR, **change))
    assert any(p.startswith(path) and rule in p for p in refused.value.problems), refused.value


def test_the_opt_in_values_share_one_basis() -> None:
    """Committed, base-case and option values are all expected over the same peak-sales
    distribution: the option is worth at least committing, and committing is
    ``P(gate) DF (E[V] - fee)`` with ``E[V]`` above ``V`` at the median (lognormal)."""
    data = variant(FAIR, asset__commercial__peak_sales_sigma=0.6)
    data["terms"]["royalties"] = {"tiers": [{"from": 0, "rate": 0.10}]}
    data["terms"]["opt_in"] = {"after": "phase2", "fee": 5e7, "profit_split": 0.5}
    value = option_value(parse(data), trials=50_000, seed=2)
    assert value is not None
    assert value.basis.startswith("expected over the distribution of peak sales")
    assert value.expected_gain_at_gate > value.gain_at_gate
    assert value.simulated_value >= value.committed_value
    scale = value.committed_value / (value.expected_gain_at_gate - value.fee)
    assert 0 < scale <= value.probability_of_gate


def test_solve_prints_the_rows_that_have_a_solution(tmp_path: Path) -> None:
    """No solution at the base point: the menu is still printed, rows without one marked."""
    data = variant(FAIR, terms__upfront=[{"amount": 5.0e9}])
    path = tmp_path / "deal.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(
        app,
        [
            "value",
            "solve",
            str(path),
            "--term",
            "terms.milestones[0].amount",
            "--party",
            "licensor",
            "--share",
            "0.5",
            "--vary",
            "terms.upfront[0].amount",
            "--values",
            "0,1e7,5e9",
        ],
    )
    assert "Cannot solve" in result.output
    assert "no solution" in result.output
    assert "of 3 values of terms.upfront[0].amount have a solution" in result.output
    assert result.exit_code == 0, result.output
