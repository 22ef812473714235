"""The exact evaluator: expected cash flows per year and per item, and rNPV per party.

Every development outcome is enumerated - failure in phase ``i`` (probability: all earlier
gates passed, this one failed) or approval (every gate passed) - and its cash flows are
weighted by that probability. So each flow is weighted by the probability that the
programme is still alive when it occurs (Stewart, Allison & Johnson 2001): a phase's cost by
the probability of entering it, a gate's milestone by the probability of passing it, sales,
royalties and launch costs by the probability of approval.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pactum.valuation.formulas import cumulative_sales, ramp_area, royalty
from pactum.valuation.model import Model

PARTIES = ("total", "licensor", "licensee")


@dataclass
class Flows:
    """Cash flows of one path (or their expectation): periodic and one-off, per item."""

    horizon: int
    periodic: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    events: list[tuple[str, float, tuple[float, float, float]]] = field(default_factory=list)

    def add_periodic(self, item: str, k: int, amounts: tuple[float, float, float]) -> None:
        """Add ``amounts`` (total, licensor, licensee) to period ``k`` of ``item``."""
        if item not in self.periodic:
            self.periodic[item] = np.zeros((3, self.horizon))
        self.periodic[item][:, k] += amounts

    def add_event(self, item: str, t: float, amounts: tuple[float, float, float]) -> None:
        """A one-off payment at time ``t`` (ignored beyond the horizon)."""
        if t <= self.horizon:
            self.events.append((item, t, amounts))


def path_flows(model: Model, reached: int, durations: NDArray[Any], peak: float) -> Flows:
    """Itemised cash flows of the path on which ``reached`` gates are passed."""
    flows = Flows(model.horizon)
    for t, amount in zip(model.upfront_at, model.upfront_amount, strict=True):
        flows.add_event("upfront", float(t), (0.0, amount, -amount))
    start = 0.0
    for i, name in enumerate(model.phases):
        if i > reached:
            break
        dur = float(durations[i])
        end = start + dur
        cost = model.cost_fixed[i] + model.cost_per_year[i] * dur
        share = float(model.licensor_share[i])
        for k in range(int(start), min(model.horizon, math.ceil(end))):
            overlap = min(end, k + 1.0) - max(start, float(k))
            if overlap > 0:
                amount = cost * overlap / dur
                flows.add_periodic(
                    f"cost {name}", k, (-amount, -share * amount, -(1 - share) * amount)
                )
        if i < reached and model.milestone[i] != 0:
            m = float(model.milestone[i])
            flows.add_event(f"milestone {name}", end, (0.0, m, -m))
        start = end
    if reached < model.n:
        return flows
    _commercial(model, flows, launch=start, peak=peak)
    return flows


def _commercial(model: Model, flows: Flows, *, launch: float, peak: float) -> None:
    split = model.profit_split
    if model.launch_cost > 0:
        cost = model.launch_cost
        flows.add_event("launch cost", launch, (-cost, -split * cost, -(1 - split) * cost))
    margin = 1.0 - model.cogs - model.sga
    keep = 1.0 - model.tax
    paid = 0
    args = (launch, model.ramp_years, model.s_curve, model.loe_time, model.erosion)
    for k in range(int(launch), model.horizon):
        sales = peak * (cumulative_sales(k + 1.0, *args) - cumulative_sales(float(k), *args))
        if sales <= 0:
            continue
        post = 0.0
        if k + 1.0 > model.loe_time:
            post = (
                peak
                * (1 - model.erosion)
                * (
                    ramp_area(k + 1.0 - launch, model.ramp_years, model.s_curve)
                    - ramp_area(
                        max(float(k), model.loe_time) - launch, model.ramp_years, model.s_curve
                    )
                )
            )
        profit = sales * margin
        due = 0.0
        if model.has_royalties:
            due = royalty(
                sales, post, model.tier_from, model.tier_rate, model.royalty_whole,
                model.reduction_code, model.reduction_a, model.reduction_b, model.reduction_c,
                model.floor,
            )  # fmt: skip
        shared = split * profit
        flows.add_periodic("net sales", k, (sales, 0.0, sales))
        flows.add_periodic("COGS and SG&A", k, (profit - sales, 0.0, profit - sales))
        if due:
            flows.add_periodic("royalties", k, (0.0, due, -due))
        if shared:
            flows.add_periodic("profit split", k, (0.0, shared, -shared))
        tax = model.tax
        flows.add_periodic(
            "tax", k, (-tax * profit, -tax * (due + shared), -tax * (profit - due - shared))
        )
        while paid < len(model.sales_threshold) and sales >= model.sales_threshold[paid]:
            amount = float(model.sales_amount[paid])
            flows.add_event(
                f"sales milestone {model.sales_threshold[paid]:,.0f}",
                k + 1.0,
                (0.0, amount, -amount),
            )
            paid += 1
    del keep


def outcomes(p: NDArray[Any]) -> list[tuple[int, float]]:
    """(gates passed, probability) of every development outcome."""
    result = []
    alive = 1.0
    for i, prob in enumerate(p):
        result.append((i, alive * (1.0 - prob)))
        alive *= prob
    result.append((len(p), alive))
    return result


@dataclass(frozen=True)
class Exact:
    """The exact evaluation."""

    rnpv: dict[str, float]
    npv: dict[str, float]
    probability_of_approval: float
    years: list[int]
    cash_flows: dict[str, list[float]]
    breakdown: dict[str, dict[str, float]]


def _rate(model: Model, party: int) -> float:
    return (model.rate_total, model.rate_licensor, model.rate_licensee)[party]


def present_values(model: Model, flows: Flows) -> dict[str, dict[str, float]]:
    """Present value of each item, per party."""
    k = np.arange(model.horizon) + model.offset
    values: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(PARTIES, 0.0))
    for party in range(3):
        factor = (1.0 + _rate(model, party)) ** -k
        for item, matrix in flows.periodic.items():
            values[item][PARTIES[party]] += float(matrix[party] @ factor)
        for item, t, amounts in flows.events:
            values[item][PARTIES[party]] += amounts[party] * (1.0 + _rate(model, party)) ** -t
    return dict(values)


def expected_flows(model: Model) -> tuple[Flows, float]:
    """Probability-weighted flows over all outcomes, and the probability of approval."""
    merged = Flows(model.horizon)
    approval = 0.0
    for reached, prob in outcomes(model.p):
        if prob <= 0:
            continue
        path = path_flows(model, reached, model.duration, model.peak_sales)
        for item, matrix in path.periodic.items():
            if item not in merged.periodic:
                merged.periodic[item] = np.zeros((3, model.horizon))
            merged.periodic[item] += prob * matrix
        merged.events += [(i, t, tuple(prob * a for a in amt)) for i, t, amt in path.events]  # type: ignore[misc]
        if reached == model.n:
            approval = prob
    return merged, approval


def evaluate(model: Model) -> Exact:
    """rNPV, unrisked NPV, probability of approval, yearly flows and item breakdown."""
    flows, approval = expected_flows(model)
    breakdown = present_values(model, flows)
    rnpv = {party: sum(v[party] for v in breakdown.values()) for party in PARTIES}
    unrisked = present_values(model, path_flows(model, model.n, model.duration, model.peak_sales))
    npv = {party: sum(v[party] for v in unrisked.values()) for party in PARTIES}
    yearly = np.zeros((3, model.horizon))
    for matrix in flows.periodic.values():
        yearly += matrix
    for _item, t, amounts in flows.events:
        yearly[:, min(int(t), model.horizon - 1)] += amounts
    return Exact(
        rnpv=rnpv,
        npv=npv,
        probability_of_approval=approval,
        years=list(range(model.horizon)),
        cash_flows={PARTIES[i]: [float(x) for x in yearly[i]] for i in range(3)},
        breakdown=breakdown,
    )
