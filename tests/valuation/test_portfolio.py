"""Portfolio: correlation leaves the mean unchanged and widens the spread."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pactum.cli.main import app
from pactum.valuation.model import compile_deal
from pactum.valuation.portfolio import simulate_portfolio
from pactum.valuation.schema import load

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "deals").glob("*.yaml"))


@pytest.fixture(scope="module")
def models():  # type: ignore[no-untyped-def]
    return [compile_deal(load(path)) for path in EXAMPLES]


@pytest.mark.parametrize("rho", [0.0, 0.6])
def test_mean_and_expected_approvals_are_unchanged(models, rho: float) -> None:  # type: ignore[no-untyped-def]
    """Outcome-only: the portfolio mean is the sum of exact rNPVs within 4 standard errors,
    and the mean number of approvals is the sum of the probabilities of approval."""
    result = simulate_portfolio(models, trials=300_000, seed=8, rho=rho, outcome_only=True)
    for party, summary in result.parties.items():
        assert abs(summary.mean - result.exact_rnpv[party]) <= 4 * summary.std_error, party
    mean_approvals = sum(k * c for k, c in enumerate(result.approvals)) / result.trials
    assert mean_approvals == pytest.approx(result.expected_approvals, abs=0.005)
    assert sum(result.approvals) == result.trials


def test_correlation_widens_the_spread(models) -> None:  # type: ignore[no-untyped-def]
    """More correlation: a wider value distribution and more all-or-nothing approvals."""
    low = simulate_portfolio(models, trials=200_000, seed=8, rho=0.0, outcome_only=True)
    high = simulate_portfolio(models, trials=200_000, seed=8, rho=0.8, outcome_only=True)
    assert high.parties["total"].std > 1.1 * low.parties["total"].std
    assert high.approvals[0] > low.approvals[0]
    assert high.approvals[-1] > low.approvals[-1]


def test_rho_is_validated(models) -> None:  # type: ignore[no-untyped-def]
    """Correlation must lie in [0, 1)."""
    with pytest.raises(ValueError, match="rho"):
        simulate_portfolio(models, trials=10, seed=1, rho=1.0)


def test_portfolio_command() -> None:
    """``pactum value portfolio FILE...`` prints the table or JSON."""
    runner = CliRunner()
    args = ["value", "portfolio", *map(str, EXAMPLES), "--trials", "20000", "--rho", "0.4"]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "Number of approvals" in table.output
    data = json.loads(runner.invoke(app, [*args, "--json"]).output)
    assert data["rho"] == 0.4
    assert sum(data["approvals"]["counts"]) == 20000
    bad = runner.invoke(app, ["value", "portfolio", str(EXAMPLES[0]), "--rho", "1.5"])
    assert bad.exit_code == 2
