"""Monte Carlo valuation: outcome uncertainty (pass/fail per phase) plus parameter
uncertainty (durations, probabilities, peak sales), in bounded-memory chunks.

Statistics are reduced in a fixed order from per-trial values, so a run is reproducible
whatever the thread count. Percentiles are exact while all trials fit in one chunk; beyond
that they come from a fine histogram (20,000 bins over the first chunk's range, widened),
accurate to a fraction of a per cent of that range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
from numba import njit
from numpy.typing import NDArray

from pactum.valuation import kernel, paths
from pactum.valuation.defaults import PHASES
from pactum.valuation.exact import PARTIES
from pactum.valuation.model import Model

CHUNK = 1_000_000
BINS = 20_000
PERCENTILES = (5, 10, 25, 50, 75, 90, 95)
HISTOGRAM_BARS = 40


@dataclass(frozen=True)
class Summary:
    """Distribution of one party's NPV over the trials."""

    mean: float
    std_error: float
    std: float
    percentiles: dict[int, float]
    prob_negative: float
    histogram_edges: list[float]
    histogram_counts: list[int]

    def as_dict(self) -> dict[str, object]:
        """The JSON form (``p5`` ... ``p95``)."""
        out: dict[str, object] = {"mean": self.mean, "std_error": self.std_error, "std": self.std}
        out.update({f"p{q}": v for q, v in self.percentiles.items()})
        out["prob_negative"] = self.prob_negative
        out["histogram"] = {"edges": self.histogram_edges, "counts": self.histogram_counts}
        return out


@dataclass(frozen=True)
class Result:
    """A Monte Carlo run."""

    trials: int
    seed: int
    outcome_only: bool
    parties: dict[str, Summary]


@njit(cache=True)
def _one_pass(
    values: NDArray[np.float64], first_edge: float, width: float, counts: NDArray[np.int64]
) -> tuple[float, float, int, float, float]:
    """Sum, sum of squares, negatives, min, max and histogram counts in one ordered pass."""
    total = 0.0
    squares = 0.0
    negative = 0
    low = np.inf
    high = -np.inf
    last = len(counts) - 1
    for v in values:
        total += v
        squares += v * v
        if v < 0.0:
            negative += 1
        low = min(low, v)
        high = max(high, v)
        index = int((v - first_edge) / width)
        counts[min(max(index, 0), last)] += 1
    return total, squares, negative, low, high


class _Accumulator:
    """Running sums and a histogram of one party's values."""

    def __init__(self) -> None:
        self.n = 0
        self.total = 0.0
        self.squares = 0.0
        self.negative = 0
        self.edges: NDArray[np.float64] | None = None
        self.counts: NDArray[np.int64] | None = None
        self.low = np.inf
        self.high = -np.inf
        self.kept: NDArray[np.float64] | None = None

    def add(self, values: NDArray[np.float64], keep: bool) -> None:
        if keep:
            self.kept = values.copy()
        if self.edges is None:
            low, high = float(values.min()), float(values.max())
            # Constant values (a deal of fixed payments only) still need bins wide
            # enough to differ in floating point around the value.
            span = max(high - low, 1e-6 * max(1.0, abs(low), abs(high)))
            self.edges = np.linspace(low - 0.5 * span, high + 0.5 * span, BINS + 1)
            self.counts = np.zeros(BINS, dtype=np.int64)
        assert self.counts is not None
        total, squares, negative, low, high = _one_pass(
            values, float(self.edges[0]), float(self.edges[1] - self.edges[0]), self.counts
        )
        self.n += len(values)
        self.total += total
        self.squares += squares
        self.negative += negative
        self.low = min(self.low, low)
        self.high = max(self.high, high)

    def _percentile(self, q: float) -> float:
        if self.kept is not None:
            return float(np.percentile(self.kept, q))
        assert self.counts is not None
        assert self.edges is not None
        target = q / 100.0 * self.n
        cumulative = np.cumsum(self.counts)
        i = int(np.searchsorted(cumulative, target))
        before = cumulative[i - 1] if i > 0 else 0
        inside = self.counts[i]
        frac = (target - before) / inside if inside else 0.0
        value = self.edges[i] + frac * (self.edges[i + 1] - self.edges[i])
        return float(min(max(value, self.low), self.high))

    def summary(self) -> Summary:
        mean = self.total / self.n
        variance = max(self.squares / self.n - mean * mean, 0.0) * self.n / max(self.n - 1, 1)
        std = variance**0.5
        if self.kept is not None:
            counts, edges = np.histogram(self.kept, bins=HISTOGRAM_BARS)
        else:
            assert self.counts is not None
            assert self.edges is not None
            nonzero = np.nonzero(self.counts)[0]
            lo, hi = nonzero[0], nonzero[-1] + 1
            step = max(1, (hi - lo) // HISTOGRAM_BARS)
            counts = np.add.reduceat(self.counts[lo:hi], np.arange(0, hi - lo, step))
            edges = np.append(self.edges[lo:hi:step], self.edges[hi])[: len(counts) + 1]
        return Summary(
            mean=mean,
            std_error=std / self.n**0.5,
            std=std,
            percentiles={q: self._percentile(q) for q in PERCENTILES},
            prob_negative=self.negative / self.n,
            histogram_edges=[float(e) for e in edges],
            histogram_counts=[int(c) for c in counts],
        )


def run_chunk(
    model: Model,
    *,
    seed: int,
    start: int,
    count: int,
    outcome_only: bool = False,
    rho: float = 0.0,
    factor_seed: int | None = None,
) -> NDArray[np.float64]:
    """Trials ``start`` .. ``start+count-1``: columns total, licensor, licensee NPV and an
    approval flag. ``rho`` correlates phase outcomes through a common factor drawn from
    ``factor_seed`` (default: ``seed``), shared by every asset valued with that seed."""
    out = np.empty((count, 4))
    fused: Any = kernel.simulate  # a Numba dispatcher: checked by Numba, not mypy
    fused(
        paths.pack(model), model.p_low if not outcome_only else model.p, model.p_high,
        model.duration, *paths.arrays(model), model.peak_sales, np.uint64(seed),
        np.int64(start), out, outcome_only, rho,
        np.uint64(seed if factor_seed is None else factor_seed),
        np.int64(PHASES.index(model.phases[0])),
    )  # fmt: skip
    return out


def simulate(
    model: Model,
    *,
    trials: int,
    seed: int,
    outcome_only: bool = False,
    threads: int | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
) -> Result:
    """Run ``trials`` trials in chunks; ``progress`` is told how many trials are done."""
    if threads is not None:
        available: int = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
        numba.set_num_threads(max(1, min(threads, available)))
    accumulators = [_Accumulator() for _ in PARTIES]
    done = 0
    while done < trials:
        count = min(chunk, trials - done)
        values = run_chunk(model, seed=seed, start=done, count=count, outcome_only=outcome_only)
        for party, acc in enumerate(accumulators):
            acc.add(np.ascontiguousarray(values[:, party]), keep=trials <= chunk)
        done += count
        if progress is not None:
            progress(done)
    return Result(
        trials=trials,
        seed=seed,
        outcome_only=outcome_only,
        parties={name: acc.summary() for name, acc in zip(PARTIES, accumulators, strict=True)},
    )
