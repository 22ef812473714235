"""Monte Carlo: agreement with the exact value, reproducibility, common random numbers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from pactum.valuation import paths
from pactum.valuation.exact import evaluate
from pactum.valuation.model import compile_deal
from pactum.valuation.montecarlo import run_chunk, simulate
from pactum.valuation.schema import parse
from tests.valuation.cases import RICH, SIMPLE, variant


@pytest.mark.parametrize("deal", [RICH, SIMPLE, variant(RICH, convention="end")])
@pytest.mark.parametrize("seed", [1, 2024])
def test_outcome_only_mean_agrees_with_the_exact_value(deal: dict, seed: int) -> None:  # type: ignore[type-arg]
    """Within 4 standard errors, for every party."""
    model = compile_deal(parse(deal))
    exact = evaluate(model).rnpv
    result = simulate(model, trials=200_000, seed=seed, outcome_only=True)
    for party, summary in result.parties.items():
        assert abs(summary.mean - exact[party]) <= 4 * summary.std_error + 1e-6, party


def test_reproducible_whatever_the_threads_and_chunks() -> None:
    """The same seed gives identical statistics on 1 or 2 threads, and identical trials
    whatever the chunk boundaries."""
    model = compile_deal(parse(RICH))
    one = simulate(model, trials=50_000, seed=9, threads=1)
    two = simulate(model, trials=50_000, seed=9, threads=2)
    assert one == two
    whole = run_chunk(model, seed=9, start=0, count=3000)
    parts = np.vstack([run_chunk(model, seed=9, start=s, count=1000) for s in (0, 1000, 2000)])
    assert np.array_equal(whole, parts)
    other = simulate(model, trials=50_000, seed=10)
    assert other.parties["total"].mean != one.parties["total"].mean


def test_common_random_numbers_across_deal_variants() -> None:
    """Two royalty variants share their draws: the project's NPV is identical trial by
    trial, and only the split between the parties moves."""
    low = compile_deal(parse(RICH))
    high = compile_deal(parse(variant(RICH, terms__royalties__tiers=[{"from": 0, "rate": 0.2}])))
    a = run_chunk(low, seed=5, start=0, count=20_000)
    b = run_chunk(high, seed=5, start=0, count=20_000)
    assert np.array_equal(a[:, 0], b[:, 0])
    assert (b[:, 1] >= a[:, 1] - 1e-6).all()


def test_summary_statistics_are_consistent() -> None:
    """Percentiles are ordered, the histogram counts every trial, P(loss) is a fraction."""
    result = simulate(compile_deal(parse(RICH)), trials=30_000, seed=3)
    for summary in result.parties.values():
        values = list(summary.percentiles.values())
        assert values == sorted(values)
        assert sum(summary.histogram_counts) == 30_000
        assert 0.0 <= summary.prob_negative <= 1.0


def test_chunked_percentiles_match_exact_ones_closely() -> None:
    """Beyond one chunk, histogram percentiles stay within 0.1% of the range of exact ones."""
    model = compile_deal(parse(RICH))
    exact = simulate(model, trials=40_000, seed=4)
    chunked = simulate(model, trials=40_000, seed=4, chunk=10_000)
    for party in ("total", "licensor", "licensee"):
        spread = exact.parties[party].percentiles[95] - exact.parties[party].percentiles[5]
        for q, value in exact.parties[party].percentiles.items():
            assert chunked.parties[party].percentiles[q] == pytest.approx(value, abs=1e-3 * spread)
        assert chunked.parties[party].mean == pytest.approx(exact.parties[party].mean)


def test_the_compiled_loop_equals_plain_python() -> None:
    """With Numba switched off the same source runs as plain Python and gives the same
    trials - the compiled kernel is a faster copy, not a different model."""
    model = compile_deal(parse(RICH))
    fused = run_chunk(model, seed=11, start=100, count=5)
    script = (
        "import json, sys\n"
        "from pactum.valuation.model import compile_deal\n"
        "from pactum.valuation.schema import parse\n"
        "from pactum.valuation.montecarlo import run_chunk\n"
        "model = compile_deal(parse(json.loads(sys.argv[1])))\n"
        "print(json.dumps(run_chunk(model, seed=11, start=100, count=5).tolist()))\n"
    )
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script, json.dumps(RICH)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    plain = np.array(json.loads(done.stdout))
    assert plain == pytest.approx(fused, rel=1e-12, abs=1e-6)
    assert len(paths.pack(model)) == paths.N_SCALARS
