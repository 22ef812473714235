"""A portfolio of assets whose phase outcomes are correlated by a one-factor Gaussian copula.

Each trial draws one common factor ``Z``; a phase of any asset passes when
``sqrt(rho) Z + sqrt(1 - rho) e < Phi^-1(p)`` with ``e`` the asset's own normal draw. Every
marginal probability is unchanged - so is the expected portfolio value - while the spread of
the portfolio's value and of its number of approvals widens with ``rho``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pactum.valuation.exact import PARTIES, evaluate
from pactum.valuation.model import Model
from pactum.valuation.montecarlo import CHUNK, Summary, _Accumulator, run_chunk

MASK = (1 << 64) - 1


def asset_seed(seed: int, index: int) -> int:
    """An independent stream per asset (the common factor stays keyed by ``seed``)."""
    z = (seed + (index + 1) * 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return (z ^ (z >> 31)) & 0x7FFFFFFFFFFFFFFF


@dataclass(frozen=True)
class PortfolioResult:
    """Distribution of the portfolio's NPV per party, and of its number of approvals."""

    trials: int
    seed: int
    rho: float
    exact_rnpv: dict[str, float]
    parties: dict[str, Summary]
    approvals: list[int]
    expected_approvals: float


def simulate_portfolio(
    models: list[Model], *, trials: int, seed: int, rho: float, outcome_only: bool = False
) -> PortfolioResult:
    """Simulate every asset with one common factor per trial and add them up."""
    if not 0.0 <= rho < 1.0:
        raise ValueError(f"rho: must be at least 0 and below 1, got {rho}")
    accumulators = [_Accumulator() for _ in PARTIES]
    approvals = np.zeros(len(models) + 1, dtype=np.int64)
    done = 0
    while done < trials:
        count = min(CHUNK, trials - done)
        totals = np.zeros((count, 3))
        approved = np.zeros(count, dtype=np.int64)
        for index, model in enumerate(models):
            values = run_chunk(
                model, seed=asset_seed(seed, index), start=done, count=count,
                outcome_only=outcome_only, rho=rho, factor_seed=seed,
            )  # fmt: skip
            totals += values[:, :3]
            approved += values[:, 3].astype(np.int64)
        for party, acc in enumerate(accumulators):
            acc.add(np.ascontiguousarray(totals[:, party]), keep=trials <= CHUNK)
        approvals += np.bincount(approved, minlength=len(models) + 1)
        done += count
    exact = [evaluate(model) for model in models]
    return PortfolioResult(
        trials=trials,
        seed=seed,
        rho=rho,
        exact_rnpv={p: float(sum(e.rnpv[p] for e in exact)) for p in PARTIES},
        parties={name: acc.summary() for name, acc in zip(PARTIES, accumulators, strict=True)},
        approvals=[int(c) for c in approvals],
        expected_approvals=float(sum(e.probability_of_approval for e in exact)),
    )
