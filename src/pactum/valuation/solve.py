"""Fair-split solving, iso-value menus and tornado sensitivity, on the exact evaluator."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pactum.valuation.exact import evaluate
from pactum.valuation.model import Model, compile_deal
from pactum.valuation.schema import DealFile, DealFileError, parse

_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


class SolveError(ValueError):
    """The term cannot be solved for (bad path, or no value reaches the target)."""


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in path.split("."):
        matched = _STEP.findall(part)
        if not matched or "".join(n or f"[{i}]" for n, i in matched) != part:
            raise SolveError(f"--term: cannot read {path!r} (e.g. terms.royalties.tiers[0].rate)")
        steps += [name if name else int(index) for name, index in matched]
    return steps


def _set(data: dict[str, Any], path: str, value: float) -> None:
    steps = _steps(path)
    node: Any = data
    for step in steps[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError) as exc:
            raise SolveError(f"--term: {path!r} does not exist in this deal file") from exc
    last = steps[-1]
    try:
        current = node[last]
    except (KeyError, IndexError, TypeError) as exc:
        raise SolveError(f"--term: {path!r} does not exist in this deal file") from exc
    if not isinstance(current, int | float) or isinstance(current, bool):
        raise SolveError(f"--term: {path!r} is not a number")
    node[last] = value


def _is_fraction(path: str) -> bool:
    return path.endswith(("rate", "floor", "creditable", "reduction", "profit_split")) or (
        "licensor_cost_share" in path
    )


@dataclass(frozen=True)
class Solution:
    """The solved term."""

    term: str
    value: float
    party: str
    share: float
    party_rnpv: float
    total_rnpv: float
    iterations: int


def _evaluator(deal: DealFile, path: str) -> Callable[[float], tuple[float, float, float]]:
    base = deal.model_dump(by_alias=True, mode="json")
    _set(copy.deepcopy(base), path, 0.0)  # validates the path once

    def rnpv(value: float) -> tuple[float, float, float]:
        data = copy.deepcopy(base)
        _set(data, path, value)
        try:
            result = evaluate(compile_deal(parse(data)))
        except DealFileError as exc:
            raise SolveError(f"--term: value {value:g} makes the deal invalid: {exc}") from exc
        return result.rnpv["total"], result.rnpv["licensor"], result.rnpv["licensee"]

    return rnpv


def solve_share(deal: DealFile, *, term: str, party: str, share: float) -> Solution:
    """Find the value of ``term`` that gives ``party`` ``share`` of the total rNPV."""
    if party not in {"licensor", "licensee"}:
        raise SolveError("--party: must be licensor or licensee")
    if not 0.0 <= share <= 1.0:
        raise SolveError(f"--share: must be between 0 and 1, got {share}")
    rnpv = _evaluator(deal, term)
    index = 1 if party == "licensor" else 2

    def gap(x: float) -> float:
        values = rnpv(x)
        return values[index] - share * values[0]

    low, high = 0.0, 1.0 if _is_fraction(term) else max(abs(rnpv(0.0)[0]), 1.0)
    g_low, g_high = gap(low), gap(high)
    iterations = 2
    while g_low * g_high > 0 and not _is_fraction(term) and high < 1e15:
        high *= 4.0
        g_high = gap(high)
        iterations += 1
    if g_low * g_high > 0:
        raise SolveError(
            f"no value of {term} between {low:g} and {high:g} gives the {party} {share:.0%} "
            "of the deal value"
        )
    x = low if g_low == 0 else high
    for _ in range(100):  # secant steps, kept inside the bracket (Illinois variant)
        if g_high == g_low:  # flat: the bracket's ends already meet the target
            break
        x = high - g_high * (high - low) / (g_high - g_low)
        g = gap(x)
        iterations += 1
        if abs(g) <= 1e-6 * max(1.0, abs(share * rnpv(x)[0])) or high - low < 1e-12:
            break
        if g * g_high < 0:
            low, g_low = high, g_high
        else:
            g_low *= 0.5
        high, g_high = x, g
    total, licensor, licensee = rnpv(x)
    value = licensor if index == 1 else licensee
    return Solution(term, x, party, value / total if total else float("nan"), value, total,
                    iterations)  # fmt: skip


def iso_value_menu(
    deal: DealFile, *, term: str, other: str, values: list[float], party: str, share: float
) -> list[tuple[float, float | None]]:
    """For each value of ``other``, the value of ``term`` that keeps the same split."""
    menu: list[tuple[float, float | None]] = []
    _set(deal.model_dump(by_alias=True, mode="json"), other, 0.0)  # --vary must exist
    for value in values:
        data = deal.model_dump(by_alias=True, mode="json")
        try:
            _set(data, other, value)
            solved = solve_share(parse(data), term=term, party=party, share=share)
            menu.append((value, solved.value))
        except (SolveError, DealFileError):
            menu.append((value, None))
    return menu


def _scale(field: str) -> Callable[[Model, float], Model]:
    return lambda m, f: m.with_changes(**{field: getattr(m, field) * f})


def _rates(m: Model, delta: float) -> Model:
    return m.with_changes(
        rate_total=m.rate_total + delta,
        rate_licensor=m.rate_licensor + delta,
        rate_licensee=m.rate_licensee + delta,
    )


# input -> (change, low setting, high setting, label)
SENSITIVITIES: dict[str, tuple[Callable[[Model, float], Model], float, float, str]] = {
    "peak sales": (_scale("peak_sales"), 0.8, 1.2, "x0.8 / x1.2"),
    "phase durations": (_scale("duration"), 1.2, 0.8, "x1.2 / x0.8"),
    "success probabilities": (
        lambda m, f: m.with_changes(p=(m.p * f).clip(0, 1)),
        0.9,
        1.1,
        "x0.9 / x1.1",
    ),
    "discount rates": (_rates, 0.02, -0.02, "+2 / -2 points"),
    "COGS and SG&A": (
        lambda m, f: m.with_changes(cogs=m.cogs * f, sga=m.sga * f),
        1.2,
        0.8,
        "x1.2 / x0.8",
    ),
    "time to peak": (_scale("ramp_years"), 1.25, 0.75, "x1.25 / x0.75"),
    "loss of exclusivity": (
        lambda m, f: m.with_changes(loe_time=m.loe_time + f),
        -2.0,
        2.0,
        "-2 / +2 years",
    ),
}


@dataclass(frozen=True)
class Bar:
    """One tornado bar: a party's rNPV at the input's low and high setting."""

    input: str
    change: str
    low: float
    high: float
    base: float

    @property
    def swing(self) -> float:
        """Width of the bar."""
        return abs(self.high - self.low)


def tornado(model: Model, party: str = "licensee") -> list[Bar]:
    """Sensitivity of ``party``'s rNPV to each input, widest bar first."""
    base = evaluate(model).rnpv[party]
    bars = []
    for name, (apply, down, up, label) in SENSITIVITIES.items():
        low = evaluate(apply(model, down)).rnpv[party]
        high = evaluate(apply(model, up)).rnpv[party]
        bars.append(Bar(name, label, low, high, base))
    return sorted(bars, key=lambda b: b.swing, reverse=True)
