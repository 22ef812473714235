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
FACTOR_KEY = np.uint64(0xC2B2AE3D27D4EB4F)  # keys the common factor's stream


@njit(cache=True)
def inverse_normal(p: float) -> float:
    """The standard normal quantile (Acklam's rational approximation, refined once)."""
    if p <= 0.0:
        return -np.inf
    if p >= 1.0:
        return np.inf
    a = (
        -3.969683028665376e01,
        2.209460984245205e02,
        -2.759285104469687e02,
        1.383577518672690e02,
        -3.066479806614716e01,
        2.506628277459239e00,
    )
    b = (
        -5.447609879822406e01,
        1.615858368580409e02,
        -1.556989798598866e02,
        6.680131188771972e01,
        -1.328068155288572e01,
    )
    c = (
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e00,
        -2.549732539343734e00,
        4.374664141464968e00,
        2.938163982698783e00,
    )
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00,
         3.754408661907416e00)  # fmt: skip
    if p < 0.02425:
        q = math.sqrt(-2.0 * math.log(p))
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / (
            (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0
        )
    elif p > 1.0 - 0.02425:
        q = math.sqrt(-2.0 * math.log(1.0 - p))
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / (
            (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0
        )
    else:
        q = p - 0.5
        r = q * q
        x = (
            (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
            * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0)
        )
    # One Halley step against the exact CDF.
    e = 0.5 * math.erfc(-x / math.sqrt(2.0)) - p
    u = e * math.sqrt(2.0 * math.pi) * math.exp(x * x / 2.0)
    return x - u / (1.0 + x * u / 2.0)


@njit(cache=True)
def common_factor(seed: np.uint64, trial: np.uint64, slot: np.int64) -> float:
    """The trial's common standard-normal factor for one development phase (``slot`` is
    its index in preclinical ... regulatory), shared by every asset in that phase."""
    state = trial_state(seed ^ FACTOR_KEY, trial) + GOLDEN * np.uint64(2 * slot)
    u1 = 1.0 - uniform(state + GOLDEN)
    u2 = uniform(state + GOLDEN + GOLDEN)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


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
    rho: float,
    factor_seed: np.uint64,
    first_slot: np.int64,
) -> int:
    """Draw one trial's durations into ``buffer``; return the gates it passes.

    With ``rho > 0`` a phase passes when ``sqrt(rho) Z + sqrt(1 - rho) Phi^-1(u)`` is below
    ``Phi^-1(p)``, ``Z`` being the trial's factor for that phase: each probability is
    unchanged, outcomes of different assets in the same phase are correlated, and an
    asset's own phases stay independent (so its probability of approval is unchanged).
    """
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
        if rho > 0.0:
            factor = common_factor(factor_seed, trial, first_slot + i)
            latent = math.sqrt(rho) * factor + math.sqrt(1.0 - rho) * inverse_normal(u_outcome)
            passes = latent < inverse_normal(prob)
        else:
            passes = u_outcome < prob
        if reached == n and not passes:
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
    rho: float,
    factor_seed: np.uint64,
    first_slot: np.int64,
) -> None:
    """Fill ``out[j]`` with (total, licensor, licensee) NPV of trial ``start + j`` and, in
    ``out[j, 3]``, 1.0 if it was approved."""
    count = out.shape[0]
    n = len(duration)
    blocks = (count + BLOCK - 1) // BLOCK
    for b in prange(blocks):
        buffer = np.empty(n)
        first = b * BLOCK
        last = min(count, first + BLOCK)
        for j in range(first, last):
            trial = np.uint64(start + j)
            reached = one_trial(
                scal, p_low, p_high, duration, seed, trial, outcome_only, buffer, rho,
                factor_seed, first_slot,
            )  # fmt: skip
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
            out[j, 3] = 1.0 if reached == n else 0.0
