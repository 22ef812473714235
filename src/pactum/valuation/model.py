"""A deal file compiled to plain numbers: what the exact evaluator and the kernels read.

Time runs in years from the valuation date. Period ``k`` is ``[k, k+1)``; operating flows
(costs spread over a phase, sales, royalties, tax) are summed per period and discounted at
``k + offset`` (0.5 mid-year, 1.0 end, 0.0 beginning); one-off payments (upfront
instalments, milestones, launch cost, sales milestones) are discounted at their event time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from numpy.typing import NDArray

from pactum.valuation import defaults
from pactum.valuation.schema import DealFile, Phase

OFFSETS = {"mid": 0.5, "end": 1.0, "begin": 0.0}
# Reduction codes, applied in the contract's order.
THIRD_PARTY_OFFSET = 1
LOE_STEP_DOWN = 2

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Model:
    """Every number a valuation needs; arrays are per phase unless noted."""

    currency: str
    phases: tuple[str, ...]
    p: F64
    p_low: F64
    p_high: F64
    duration: F64
    cost_fixed: F64
    cost_per_year: F64
    licensor_share: F64
    milestone: F64
    upfront_at: F64
    upfront_amount: F64
    launch_cost: float
    peak_sales: float
    peak_sigma: float
    ramp_years: float
    s_curve: bool
    loe_time: float
    erosion: float
    cogs: float
    sga: float
    tax: float
    sales_threshold: F64
    sales_amount: F64
    royalty_whole: bool
    tier_from: F64
    tier_rate: F64
    reduction_code: NDArray[np.int64]
    reduction_a: F64
    reduction_b: F64
    reduction_c: F64
    floor: float
    profit_split: float
    dur_low: float
    dur_mode: float
    dur_high: float
    horizon: int
    offset: float
    rate_total: float
    rate_licensor: float
    rate_licensee: float

    @property
    def n(self) -> int:
        """Number of phases still ahead."""
        return len(self.phases)

    @property
    def has_royalties(self) -> bool:
        """Whether royalties are payable (no profit split)."""
        return len(self.tier_rate) > 0 and self.profit_split <= 0

    def with_changes(self, **changes: object) -> Model:
        """A copy with some fields replaced (for solvers and sensitivity)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def years_between(start: date, end: date) -> float:
    """Years from ``start`` to ``end`` (365.25-day years)."""
    return (end - start).days / 365.25


def compile_deal(deal: DealFile, *, exercise: bool = False, fee: bool = True) -> Model:
    """Turn a validated deal file into a :class:`Model`, filling area defaults.

    With ``exercise`` the deal's opt-in is taken as exercised: the holder pays the fee at
    the gate (unless ``fee`` is false) and the switched-on terms apply from then on.
    """
    asset = deal.asset
    area = asset.therapeutic_area
    names = defaults.PHASES[defaults.PHASES.index(asset.current_phase) :]
    given: dict[str, Phase] = {p.name: p for p in asset.phases}
    p, low, high, dur, fixed, per_year = [], [], [], [], [], []
    for name in names:
        phase = given.get(name)
        prob = phase.probability if phase and phase.probability is not None else None
        prob = defaults.probability(area, name) if prob is None else prob
        p.append(prob)
        rng = phase.probability_range if phase and phase.probability_range else (prob, prob)
        low.append(rng[0])
        high.append(rng[1])
        years = phase.duration_years if phase and phase.duration_years else None
        dur.append(years if years is not None else defaults.duration(area, name))
        if phase and phase.cost_per_year is not None:
            fixed.append(0.0)
            per_year.append(phase.cost_per_year)
        else:
            cost = phase.cost if phase and phase.cost is not None else defaults.COSTS[name]
            fixed.append(cost)
            per_year.append(0.0)
    terms = deal.terms
    milestone = [sum(m.amount for m in terms.milestones if m.gate == name) for name in names]
    shares = {str(k): v for k, v in terms.licensor_cost_share.items()}
    share = [shares.get(name, 0.0) for name in names]
    split = terms.profit_split if terms.profit_split is not None else 0.0
    opt_in = terms.opt_in
    if opt_in is not None and exercise:
        gate = names.index(opt_in.after)
        if fee:  # a milestone runs licensee -> licensor; the licensor's fee runs the other way
            milestone[gate] += opt_in.fee if opt_in.holder == "licensee" else -opt_in.fee
        if opt_in.cost_share is not None:
            share = [opt_in.cost_share if i > gate else s for i, s in enumerate(share)]
        if opt_in.profit_split is not None:
            split = opt_in.profit_split
    commercial = asset.commercial
    sales_ms = sorted((m.threshold, m.amount) for m in terms.sales_milestones)
    royalties = terms.royalties
    codes, a, b, c = [], [], [], []
    if royalties is not None:
        for red in royalties.reductions:
            if red.type == "third_party_offset":
                codes.append(THIRD_PARTY_OFFSET)
                a.append(red.third_party_rate)
                b.append(red.creditable)
                c.append(red.max_reduction)
            else:
                codes.append(LOE_STEP_DOWN)
                a.append(red.reduction)
                b.append(0.0)
                c.append(0.0)
    tri = asset.duration_uncertainty
    rates = deal.discount_rate
    return Model(
        currency=deal.currency,
        phases=tuple(names),
        p=np.array(p),
        p_low=np.array(low),
        p_high=np.array(high),
        duration=np.array(dur),
        cost_fixed=np.array(fixed),
        cost_per_year=np.array(per_year),
        licensor_share=np.array(share),
        milestone=np.array(milestone, dtype=float),
        upfront_at=np.array([i.at_years for i in terms.upfront], dtype=float),
        upfront_amount=np.array([i.amount for i in terms.upfront], dtype=float),
        launch_cost=commercial.launch_cost,
        peak_sales=commercial.peak_sales,
        peak_sigma=commercial.peak_sales_sigma,
        ramp_years=commercial.ramp_years,
        s_curve=commercial.ramp_shape == "s_curve",
        loe_time=years_between(deal.valuation_date, date(commercial.loe_year, 1, 1)),
        erosion=commercial.post_loe_erosion,
        cogs=commercial.cogs,
        sga=commercial.sga,
        tax=commercial.tax_rate,
        sales_threshold=np.array([t for t, _ in sales_ms], dtype=float),
        sales_amount=np.array([m for _, m in sales_ms], dtype=float),
        royalty_whole=bool(royalties and royalties.mode == "whole_sales"),
        tier_from=np.array(
            [t.from_sales for t in royalties.tiers] if royalties else [], dtype=float
        ),
        tier_rate=np.array([t.rate for t in royalties.tiers] if royalties else [], dtype=float),
        reduction_code=np.array(codes, dtype=np.int64),
        reduction_a=np.array(a, dtype=float),
        reduction_b=np.array(b, dtype=float),
        reduction_c=np.array(c, dtype=float),
        floor=royalties.floor if royalties else 0.0,
        profit_split=split,
        dur_low=tri.low if tri else 1.0,
        dur_mode=tri.mode if tri else 1.0,
        dur_high=tri.high if tri else 1.0,
        horizon=deal.horizon_years,
        offset=OFFSETS[deal.convention],
        rate_total=rates.total if rates.total is not None else rates.licensee,
        rate_licensor=rates.licensor,
        rate_licensee=rates.licensee,
    )
