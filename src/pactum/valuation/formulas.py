"""Scalar formulas shared, as one source, by the exact evaluator and the Monte Carlo kernel.

Compiled by Numba (cached on disk); with ``NUMBA_DISABLE_JIT=1`` the very same source runs
as plain Python, which the benchmark uses as its reference loop."""

from __future__ import annotations

import math
from typing import Any

from numba import njit
from numpy.typing import NDArray


@njit(cache=True)
def ramp_area(u: float, ramp: float, s_curve: bool) -> float:
    """Integral over ``[0, u]`` of the uptake curve (0 before launch, 1 at peak).

    Linear: ``g(x) = x`` on ``[0, 1]`` (``x = u / ramp``); S-curve: ``g(x) = 3x^2 - 2x^3``.
    Antiderivatives: ``ramp * x^2 / 2`` and ``ramp * (x^3 - x^4 / 2)``; both equal
    ``ramp / 2`` at peak, then grow by ``u - ramp``.
    """
    if u <= 0.0:
        return 0.0
    if u >= ramp:
        return 0.5 * ramp + (u - ramp)
    x = u / ramp
    if s_curve:
        return ramp * (x * x * x - 0.5 * x * x * x * x)
    return 0.5 * ramp * x * x


@njit(cache=True)
def cumulative_sales(
    t: float, launch: float, ramp: float, s_curve: bool, loe: float, erosion: float
) -> float:
    """Net sales from time 0 to ``t`` per unit of peak sales (exclusivity lost at ``loe``)."""
    total = ramp_area(t - launch, ramp, s_curve)
    if t > loe:
        total -= erosion * (total - ramp_area(loe - launch, ramp, s_curve))
    return total


@njit(cache=True)
def tiered_royalty(
    sales: float, tier_from: NDArray[Any], tier_rate: NDArray[Any], whole: bool
) -> float:
    """Royalty on annual ``sales``: marginal (each rate on its band) or whole-sales."""
    n = len(tier_rate)
    if whole:
        rate = 0.0
        for j in range(n):
            if sales >= tier_from[j]:
                rate = tier_rate[j]
        return rate * sales
    due = 0.0
    for j in range(n):
        upper = tier_from[j + 1] if j + 1 < n else math.inf
        band = min(sales, upper) - tier_from[j]
        if band > 0.0:
            due += tier_rate[j] * band
    return due


@njit(cache=True)
def royalty(
    sales: float,
    sales_after_loe: float,
    tier_from: NDArray[Any],
    tier_rate: NDArray[Any],
    whole: bool,
    codes: NDArray[Any],
    a: NDArray[Any],
    b: NDArray[Any],
    c: NDArray[Any],
    floor: float,
) -> float:
    """The royalty due on a year's sales: tiers, reductions in contract order, then floor.

    Codes: 1 = third-party offset (deduct ``b`` x third-party royalties at rate ``a`` of
    sales, never more than ``c`` of the royalty); 2 = step-down after loss of exclusivity
    (cut the royalty on post-LOE sales by ``a``).
    """
    if sales <= 0.0:
        return 0.0
    due = tiered_royalty(sales, tier_from, tier_rate, whole)
    for i in range(len(codes)):
        if codes[i] == 1:
            due -= min(b[i] * a[i] * sales, c[i] * due)
        elif codes[i] == 2:
            due -= due * a[i] * (sales_after_loe / sales)
    return max(due, floor * sales)
