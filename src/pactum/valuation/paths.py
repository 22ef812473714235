"""The net present values of one development path, as fast scalar code.

One source, two uses: plain Python (the exact evaluator's cross-check and the reference
loop in the benchmark) and compiled by Numba inside the Monte Carlo kernel. ``scal`` packs
the model's scalars (indices below); ``reached`` is the number of gates passed (all of them
means approval).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from pactum.valuation.formulas import cumulative_sales, ramp_area, royalty
from pactum.valuation.model import Model

(
    LAUNCH_COST, PEAK, SIGMA, RAMP, S_CURVE, LOE, EROSION, COGS, SGA, TAX, FLOOR, SPLIT,
    WHOLE, DUR_LOW, DUR_MODE, DUR_HIGH, HORIZON, OFFSET, RATE_TOTAL, RATE_LICENSOR,
    RATE_LICENSEE, HAS_ROYALTIES,
) = range(22)  # fmt: skip
N_SCALARS = 22


def pack(model: Model) -> NDArray[np.float64]:
    """The model's scalars as one array (see the index constants)."""
    scal = np.zeros(N_SCALARS)
    scal[LAUNCH_COST] = model.launch_cost
    scal[PEAK] = model.peak_sales
    scal[SIGMA] = model.peak_sigma
    scal[RAMP] = model.ramp_years
    scal[S_CURVE] = 1.0 if model.s_curve else 0.0
    scal[LOE] = model.loe_time
    scal[EROSION] = model.erosion
    scal[COGS] = model.cogs
    scal[SGA] = model.sga
    scal[TAX] = model.tax
    scal[FLOOR] = model.floor
    scal[SPLIT] = model.profit_split
    scal[WHOLE] = 1.0 if model.royalty_whole else 0.0
    scal[DUR_LOW], scal[DUR_MODE], scal[DUR_HIGH] = model.dur_low, model.dur_mode, model.dur_high
    scal[HORIZON] = model.horizon
    scal[OFFSET] = model.offset
    scal[RATE_TOTAL] = model.rate_total
    scal[RATE_LICENSOR] = model.rate_licensor
    scal[RATE_LICENSEE] = model.rate_licensee
    scal[HAS_ROYALTIES] = 1.0 if model.has_royalties else 0.0
    return scal


def factors_for(model: Model) -> NDArray[np.float64]:
    """Discount factors of each period's operating flows: rows total, licensor, licensee."""
    times = np.arange(model.horizon) + model.offset
    rates = np.array([model.rate_total, model.rate_licensor, model.rate_licensee])
    return np.ascontiguousarray((1.0 + rates[:, None]) ** -times[None, :])


def arrays(model: Model) -> tuple[NDArray[Any], ...]:
    """The model's arrays in the order :func:`path_npv` takes them."""
    return (
        model.cost_fixed, model.cost_per_year, model.licensor_share, model.milestone,
        model.upfront_at, model.upfront_amount, model.sales_threshold, model.sales_amount,
        model.tier_from, model.tier_rate, model.reduction_code, model.reduction_a,
        model.reduction_b, model.reduction_c, factors_for(model),
    )  # fmt: skip


@njit(cache=True)
def path_npv(
    scal: NDArray[Any],
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
    reached: int,
    durations: NDArray[Any],
    peak: float,
) -> tuple[float, float, float]:
    """(total, licensor, licensee) NPV of one path: ``reached`` gates passed.

    ``factors[party, k]`` discounts period ``k``'s operating flows (see :func:`factors_for`).
    """
    horizon = scal[HORIZON]
    lt = math.log1p(scal[RATE_TOTAL])
    lr = math.log1p(scal[RATE_LICENSOR])
    le = math.log1p(scal[RATE_LICENSEE])
    total = 0.0
    licensor = 0.0
    licensee = 0.0
    for i in range(len(upfront_at)):
        t = upfront_at[i]
        if t <= horizon:
            licensor += upfront_amount[i] * math.exp(-lr * t)
            licensee -= upfront_amount[i] * math.exp(-le * t)
    n = len(durations)
    start = 0.0
    for i in range(n):
        if i > reached:
            break
        dur = durations[i]
        end = start + dur
        cost = cost_fixed[i] + cost_per_year[i] * dur
        k = int(start)
        while k < horizon and k < end:
            overlap = min(end, k + 1.0) - max(start, float(k))
            if overlap > 0.0:
                amount = cost * overlap / dur
                total -= amount * factors[0, k]
                licensor -= share[i] * amount * factors[1, k]
                licensee -= (1.0 - share[i]) * amount * factors[2, k]
            k += 1
        if i < reached and milestone[i] != 0.0 and end <= horizon:
            licensor += milestone[i] * math.exp(-lr * end)
            licensee -= milestone[i] * math.exp(-le * end)
        start = end
    if reached < n:
        return total, licensor, licensee
    launch = start
    split = scal[SPLIT]
    if launch <= horizon and scal[LAUNCH_COST] > 0.0:
        cost = scal[LAUNCH_COST]
        total -= cost * math.exp(-lt * launch)
        licensor -= split * cost * math.exp(-lr * launch)
        licensee -= (1.0 - split) * cost * math.exp(-le * launch)
    ramp = scal[RAMP]
    s_curve = scal[S_CURVE] > 0.5
    loe = scal[LOE]
    erosion = scal[EROSION]
    margin = 1.0 - scal[COGS] - scal[SGA]
    keep = 1.0 - scal[TAX]
    whole = scal[WHOLE] > 0.5
    has_royalties = scal[HAS_ROYALTIES] > 0.5
    next_ms = 0
    n_ms = len(ms_threshold)
    k = int(launch)
    before = cumulative_sales(float(k), launch, ramp, s_curve, loe, erosion)
    while k < horizon:
        after = cumulative_sales(k + 1.0, launch, ramp, s_curve, loe, erosion)
        sales = peak * (after - before)
        before = after
        if sales > 0.0:
            post = 0.0
            if k + 1.0 > loe:
                post = (
                    peak
                    * (1.0 - erosion)
                    * (
                        ramp_area(k + 1.0 - launch, ramp, s_curve)
                        - ramp_area(max(float(k), loe) - launch, ramp, s_curve)
                    )
                )
            profit = sales * margin
            due = 0.0
            if has_royalties:
                due = royalty(
                    sales, post, tier_from, tier_rate, whole, codes, red_a, red_b, red_c,
                    scal[FLOOR],
                )  # fmt: skip
            transfer = due + split * profit
            total += profit * keep * factors[0, k]
            licensor += transfer * keep * factors[1, k]
            licensee += (profit - transfer) * keep * factors[2, k]
            while next_ms < n_ms and sales >= ms_threshold[next_ms]:
                t_ms = k + 1.0
                licensor += ms_amount[next_ms] * math.exp(-lr * t_ms)
                licensee -= ms_amount[next_ms] * math.exp(-le * t_ms)
                next_ms += 1
        k += 1
    return total, licensor, licensee
