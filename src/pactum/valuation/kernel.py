"""The Monte Carlo kernel: one fused, compiled loop over trials, run on every core.

Random numbers are counter-based (SplitMix64 keyed by the seed and the trial's index), so
trial ``i`` draws the same numbers whatever the chunking or the thread count, and two deal
variants valued with one seed share their draws (common random numbers). Each trial draws
``3 n + 2`` uniforms: for each phase an outcome, a probability and a duration multiplier,
then two for the peak-sales normal (Box-Muller).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from pactum.valuation.paths import (
    DUR_HIGH,
    DUR_LOW,
    DUR_MODE,
    SIGMA,
    path_npv,
)

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
S30 = np.uint64(30)
S27 = np.uint64(27)
S31 = np.uint64(31)
S11 = np.uint64(11)
TO_UNIT = 2.0**-53
BLOCK = 2048


@njit(cache=True)
def mix(z: np.uint64) -> np.uint64:
    """SplitMix64's output function."""
    z = (z ^ (z >> S30)) * MIX1
    z = (z ^ (z >> S27)) * MIX2
    return z ^ (z >> S31)


@njit(cache=True)
def trial_state(seed: np.uint64, trial: np.uint64) -> np.uint64:
    """The first state of a trial's stream."""
    return mix(seed ^ mix(trial + GOLDEN))


@njit(cache=True)
def uniform(state: np.uint64) -> float:
    """A uniform number in [0, 1) from a state."""
    return float(mix(state) >> S11) * TO_UNIT


@njit(cache=True)
def triangular(u: float, low: float, mode: float, high: float) -> float:
    """Inverse CDF of the triangular distribution."""
    if high <= low:
        return low
    cut = (mode - low) / (high - low)
    if u < cut:
        return low + math.sqrt(u * (high - low) * (mode - low))
    return high - math.sqrt((1.0 - u) * (high - low) * (high - mode))


@njit(cache=True)
def one_trial(
    scal: NDArray[Any],
    p_low: NDArray[Any],
    p_high: NDArray[Any],
    duration: NDArray[Any],
    seed: np.uint64,
    trial: np.uint64,
    outcome_only: bool,
    buffer: NDArray[Any],
) -> int:
    """Draw one trial's durations into ``buffer``; return the gates it passes."""
    state = trial_state(seed, trial)
    n = len(duration)
    reached = n
    for i in range(n):
        state += GOLDEN
        u_outcome = uniform(state)
        state += GOLDEN
        u_prob = uniform(state)
        state += GOLDEN
        u_dur = uniform(state)
        if outcome_only:
            prob = p_low[i]
            buffer[i] = duration[i]
        else:
            prob = p_low[i] + u_prob * (p_high[i] - p_low[i])
            buffer[i] = duration[i] * triangular(
                u_dur, scal[DUR_LOW], scal[DUR_MODE], scal[DUR_HIGH]
            )
        if reached == n and u_outcome >= prob:
            reached = i
    return reached


@njit(cache=True)
def peak_draw(scal: NDArray[Any], peak: float, seed: np.uint64, trial: np.uint64, n: int) -> float:
    """Peak sales of a trial: lognormal with median ``peak`` (or ``peak`` if no sigma)."""
    sigma = scal[SIGMA]
    if sigma <= 0.0:
        return peak
    state = trial_state(seed, trial) + GOLDEN * np.uint64(3 * n + 1)
    u1 = 1.0 - uniform(state)
    u2 = uniform(state + GOLDEN)
    z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
    return peak * math.exp(sigma * z)


@njit(parallel=True, cache=True)
def simulate(
    scal: NDArray[Any],
    p_low: NDArray[Any],
    p_high: NDArray[Any],
    duration: NDArray[Any],
    cost_fixed: NDArray[Any],
    cost_per_year: NDArray[Any],
    share: NDArray[Any],
    milestone: NDArray[Any],
    upfront_at: NDArray[Any],
    upfront_amount: NDArray[Any],
    ms_threshold: NDArray[Any],
    ms_amount: NDArray[Any],
    tier_from: NDArray[Any],
    tier_rate: NDArray[Any],
    codes: NDArray[Any],
    red_a: NDArray[Any],
    red_b: NDArray[Any],
    red_c: NDArray[Any],
    factors: NDArray[Any],
    peak: float,
    seed: np.uint64,
    start: np.int64,
    out: NDArray[Any],
    outcome_only: bool,
) -> None:
    """Fill ``out[j]`` with (total, licensor, licensee) NPV of trial ``start + j``."""
    count = out.shape[0]
    n = len(duration)
    blocks = (count + BLOCK - 1) // BLOCK
    for b in prange(blocks):
        buffer = np.empty(n)
        first = b * BLOCK
        last = min(count, first + BLOCK)
        for j in range(first, last):
            trial = np.uint64(start + j)
            reached = one_trial(scal, p_low, p_high, duration, seed, trial, outcome_only, buffer)
            trial_peak = peak if outcome_only else peak_draw(scal, peak, seed, trial, n)
            total, licensor, licensee = path_npv(
                scal,
                cost_fixed,
                cost_per_year,
                share,
                milestone,
                upfront_at,
                upfront_amount,
                ms_threshold,
                ms_amount,
                tier_from,
                tier_rate,
                codes,
                red_a,
                red_b,
                red_c,
                factors,
                reached,
                buffer,
                trial_peak,
            )
            out[j, 0] = total
            out[j, 1] = licensor
            out[j, 2] = licensee
