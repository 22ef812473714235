"""The opt-in right as an option: the holder pays the fee only if what it switches on is
worth more than the fee, so the right is worth ``E[max(V - K, 0)]`` - more than committing.

``V`` is the holder's expected gain from exercising, valued at the gate (once it is passed):
the difference of the holder's rNPV with and without exercise (fee left out), divided by the
probability of passing the gate and the holder's discount factor to the gate. The decision
uses what is known at the gate; peak sales are the uncertainty the readout does not resolve.

* ``decide``: the base case - exercise when ``V`` exceeds the fee; the deal is then valued
  with that decision.
* ``option_value``: the option by simulation over lognormal peak sales (``V`` is evaluated
  exactly on a grid of peak sales and interpolated), and in closed form (Black-Scholes
  on a lognormal ``S``) when ``V`` is affine in peak sales - checked numerically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pactum.valuation.exact import evaluate
from pactum.valuation.model import Model, compile_deal
from pactum.valuation.schema import DealFile

GRID = 64
BASIS = "expected over the distribution of peak sales, at the valuation date"


@dataclass(frozen=True)
class OptionValue:
    """The opt-in right, from the holder's side, in money at the valuation date.

    All three values are on one basis (``basis``): expected over the same distribution
    of peak sales, in money at the valuation date. ``committed_value``: exercising
    whatever happens, ``P(gate) DF (E[V] - fee)``; ``base_case_value``: the decision
    taken on the base case (median peak sales), then valued over the distribution;
    ``simulated_value`` / ``closed_form_value``: deciding once peak sales are known, i.e.
    the option's value ``P(gate) DF E[max(V - fee, 0)]``. So the option is worth at least
    as much as committing. ``gain_at_gate`` is ``V`` at the median peak sales (the base
    case's decision), ``expected_gain_at_gate`` is ``E[V]``.
    """

    holder: str
    gate: str
    fee: float
    probability_of_gate: float
    gain_at_gate: float
    expected_gain_at_gate: float
    exercise: bool
    committed_value: float
    base_case_value: float
    simulated_value: float
    simulated_std_error: float
    probability_of_exercise: float
    closed_form_value: float | None
    basis: str = BASIS


def _gate(deal: DealFile, base: Model) -> tuple[int, float, float]:
    """Index of the gate, probability of passing it, time it is passed."""
    assert deal.terms.opt_in is not None
    gate = base.phases.index(deal.terms.opt_in.after)
    return gate, float(np.prod(base.p[: gate + 1])), float(np.sum(base.duration[: gate + 1]))


def _gain(deal: DealFile, holder: str, peak: float | None = None) -> float:
    """Holder's rNPV with exercise (no fee) minus without, at the valuation date."""
    with_it = compile_deal(deal, exercise=True, fee=False)
    without = compile_deal(deal, exercise=False)
    if peak is not None:
        with_it = with_it.with_changes(peak_sales=peak)
        without = without.with_changes(peak_sales=peak)
    return evaluate(with_it).rnpv[holder] - evaluate(without).rnpv[holder]


def decide(deal: DealFile) -> bool:
    """Whether the holder exercises in the base case."""
    opt_in = deal.terms.opt_in
    if opt_in is None:
        return False
    base = compile_deal(deal)
    _gate_index, prob, when = _gate(deal, base)
    rate = base.rate_licensor if opt_in.holder == "licensor" else base.rate_licensee
    scale = prob * (1.0 + rate) ** -when
    return bool(scale > 0 and _gain(deal, opt_in.holder) / scale > opt_in.fee)


def compile_for_valuation(deal: DealFile) -> Model:
    """The model to value: with the opt-in exercised when the base case says so."""
    return compile_deal(deal, exercise=decide(deal))


def option_value(deal: DealFile, *, trials: int = 100_000, seed: int = 1) -> OptionValue | None:
    """Value the opt-in right (``None`` if the deal has none)."""
    opt_in = deal.terms.opt_in
    if opt_in is None:
        return None
    base = compile_deal(deal)
    _gate_index, prob, when = _gate(deal, base)
    holder = opt_in.holder
    rate = base.rate_licensor if holder == "licensor" else base.rate_licensee
    scale = prob * (1.0 + rate) ** -when
    fee = opt_in.fee
    gain = _gain(deal, holder) / scale if scale > 0 else 0.0
    sigma, peak = base.peak_sigma, base.peak_sales
    draws = peak * np.exp(sigma * np.random.default_rng(seed).standard_normal(trials))
    grid = np.linspace(float(draws.min()), float(draws.max()), GRID) if sigma > 0 else None
    if grid is None:
        gains = np.full(trials, gain)
    else:
        values = np.array([_gain(deal, holder, float(s)) / scale for s in grid])
        gains = np.interp(draws, grid, values)
    payoff = np.maximum(gains - fee, 0.0) * scale
    expected = float(gains.mean())
    exercise = bool(gain > fee)
    return OptionValue(
        holder=holder,
        gate=opt_in.after,
        fee=fee,
        probability_of_gate=prob,
        gain_at_gate=float(gain),
        expected_gain_at_gate=expected,
        exercise=exercise,
        committed_value=float(scale * (expected - fee)),
        base_case_value=float(scale * (expected - fee)) if exercise else 0.0,
        simulated_value=float(payoff.mean()),
        simulated_std_error=float(payoff.std(ddof=1) / math.sqrt(trials)) if trials > 1 else 0.0,
        probability_of_exercise=float(np.mean(gains > fee)),
        closed_form_value=_closed_form(deal, holder, scale, fee, peak, sigma),
    )


def _closed_form(
    deal: DealFile, holder: str, scale: float, fee: float, peak: float, sigma: float
) -> float | None:
    """Black-Scholes value when the gain is affine in peak sales: ``V = a S + b``."""
    if scale <= 0:
        return None
    points = [0.0, peak, 2.0 * peak, 4.0 * peak]
    values = [_gain(deal, holder, s) / scale for s in points]
    b = values[0]
    a = (values[1] - b) / peak if peak > 0 else 0.0
    tolerance = 1e-7 * max(1.0, *(abs(v) for v in values))
    if any(abs(v - (a * s + b)) > tolerance for s, v in zip(points, values, strict=True)):
        return None  # tiers, floors or offsets make the gain non-linear in sales
    strike = fee - b
    if sigma <= 0 or a <= 0 or strike <= 0:
        expected = a * peak * math.exp(0.5 * sigma * sigma) if sigma > 0 else a * peak
        if a >= 0 and strike <= 0:
            return float(scale * (expected - strike))  # always exercised
        if sigma <= 0:
            return float(scale * max(a * peak - strike, 0.0))
        return None
    forward = a * peak
    d2 = math.log(forward / strike) / sigma
    d1 = d2 + sigma
    phi = 0.5 * (1.0 + math.erf(d1 / math.sqrt(2.0)))
    phi2 = 0.5 * (1.0 + math.erf(d2 / math.sqrt(2.0)))
    return float(scale * (forward * math.exp(0.5 * sigma * sigma) * phi - strike * phi2))
