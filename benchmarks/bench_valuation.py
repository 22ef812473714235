"""Benchmarks of the valuation engine on the issue's reference problem.

Run: ``make bench-valuation`` (or ``.venv/bin/python benchmarks/bench_valuation.py``).

Measures, on ``benchmarks/reference_deal.yaml``:
1. Monte Carlo throughput with parameter uncertainty on all cores (whole runs, statistics
   included, and the compiled kernel alone), against a plain Python loop over the very same
   source (Numba switched off) - the ratio is printed;
2. peak memory of a 10-million-trial run (a fresh process, ``ru_maxrss``);
3. exact evaluation and fair-split solve times (medians);
4. the JIT cost: a first CLI run with an empty Numba cache, then a second run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEAL = ROOT / "benchmarks" / "reference_deal.yaml"
BIN = Path(sys.executable).parent

CHILD_MEMORY = """
import resource, sys
from pactum.valuation.model import compile_deal
from pactum.valuation.schema import load
from pactum.valuation.montecarlo import simulate
model = compile_deal(load(sys.argv[1]))
simulate(model, trials=1000, seed=1)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = simulate(model, trials=10_000_000, seed=1)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before / 1024, after / 1024, result.parties["total"].mean)
"""

CHILD_PLAIN = """
import sys, time
from pactum.valuation.model import compile_deal
from pactum.valuation.schema import load
from pactum.valuation.montecarlo import run_chunk
model = compile_deal(load(sys.argv[1]))
n = int(sys.argv[2])
started = time.perf_counter()
run_chunk(model, seed=1, start=0, count=n)
print(n / (time.perf_counter() - started))
"""


def _median_time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    """Print every figure."""
    from pactum.valuation.exact import evaluate
    from pactum.valuation.model import compile_deal
    from pactum.valuation.montecarlo import run_chunk, simulate
    from pactum.valuation.schema import load
    from pactum.valuation.solve import solve_share

    deal = load(DEAL)
    model = compile_deal(deal)
    simulate(model, trials=10_000, seed=1)  # compile or load the cached kernel
    print(f"reference problem: {DEAL.relative_to(ROOT)}  ({os.cpu_count()} cores)")

    runs = [
        _median_time(lambda s=s: simulate(model, trials=10_000_000, seed=s), 1) for s in (1, 2, 3)
    ]
    rate = 10_000_000 / statistics.median(runs)
    kernel = _median_time(lambda: run_chunk(model, seed=1, start=0, count=1_000_000), 5)
    print(
        f"Monte Carlo, 10M trials, statistics included: {rate / 1e6:.2f} M trials/s "
        f"(median of 3 runs: {', '.join(f'{r:.2f}' for r in runs)} s)"
    )
    print(f"  compiled kernel alone: {1 / kernel:.2f} M trials/s")

    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    plain = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", CHILD_PLAIN, str(DEAL), "20000"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    plain_rate = float(plain.stdout.strip())
    print(
        f"  plain Python loop (same source, Numba off): {plain_rate:,.0f} trials/s "
        f"-> the fused loop is {rate / plain_rate:,.0f}x faster"
    )

    memory = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", CHILD_MEMORY, str(DEAL)],
        capture_output=True,
        text=True,
        check=True,
    )
    base, peak, _mean = (float(x) for x in memory.stdout.split())
    print(f"peak memory, 10M trials: {peak:.0f} MB resident (process after warm-up: {base:.0f} MB)")

    exact = _median_time(lambda: evaluate(model), 200)
    print(f"exact evaluation: {exact * 1e3:.3f} ms (median of 200)")
    solve = _median_time(
        lambda: solve_share(deal, term="terms.upfront[0].amount", party="licensor", share=0.5), 20
    )
    solved = solve_share(deal, term="terms.upfront[0].amount", party="licensor", share=0.5)
    print(
        f"fair-split solve (the upfront giving the licensor 50%: {solved.value:,.0f}): "
        f"{solve * 1e3:.2f} ms (median of 20)"
    )

    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        cli = [str(BIN / "pactum"), "value", str(DEAL), "--trials", "100000", "--json"]
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            subprocess.run(cli, capture_output=True, env=env, check=True)
            timings.append(time.perf_counter() - started)
    print(
        f"CLI run with an empty JIT cache: {timings[0]:.2f} s; second run: {timings[1]:.2f} s "
        f"(compiled code cached on disk)"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
