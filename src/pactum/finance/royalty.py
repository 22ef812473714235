"""Quarterly royalty statements, computed exactly and shown step by step.

Rules (in this order):

1. **Royalty-bearing sales**: a country's net sales count while its royalty term runs
   (the term ends country by country); others are listed but bear no royalty.
2. **Tiers on annual cumulative sales**: the quarter's royalty is the tiered royalty on
   year-to-date royalty-bearing sales minus the same on the year-to-date before this quarter
   (so a tier crossed mid-year applies from the crossing; whole-sales tiers catch up).
3. **Reductions in contract order**: a step-down cuts the royalty on sales of countries whose
   exclusivity is lost; a third-party offset deducts the creditable share of third-party
   royalties paid, plus unused credit carried from earlier quarters, but never more than
   ``max_reduction`` of the royalty.
4. **Floor**: the royalty is never below ``floor`` x royalty-bearing sales; credit the floor
   keeps from being used is carried forward.
5. **Rounding**: the quarter's total to the cent (half away from zero); country lines are
   allocated from that total by largest remainder, so they add up to it exactly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from pactum.finance.money import ZERO, allocate, to_cents


@dataclass(frozen=True)
class Tier:
    """A rate applying from an annual cumulative sales level upward."""

    start: Decimal
    rate: Decimal


@dataclass(frozen=True)
class ThirdPartyOffset:
    """Deduct ``creditable`` of third-party royalties paid, at most ``max_reduction`` of the
    royalty; unused credit carries forward."""

    creditable: Decimal
    max_reduction: Decimal = Decimal(1)


@dataclass(frozen=True)
class StepDown:
    """Cut the royalty on sales in countries past loss of exclusivity by ``reduction``."""

    reduction: Decimal


@dataclass(frozen=True)
class RoyaltyTerms:
    """The contract's royalty clause."""

    tiers: tuple[Tier, ...]
    mode: Literal["marginal", "whole_sales"] = "marginal"
    reductions: tuple[ThirdPartyOffset | StepDown, ...] = ()
    floor: Decimal = ZERO


@dataclass(frozen=True)
class SalesLine:
    """Net sales of one product in one country in the quarter."""

    country: str
    product: str
    net_sales: Decimal


@dataclass(frozen=True)
class QuarterInput:
    """What the booking party reports for a quarter."""

    lines: tuple[SalesLine, ...]
    third_party_royalties: Decimal = ZERO
    term_ended: frozenset[str] = frozenset()
    exclusivity_lost: frozenset[str] = frozenset()


@dataclass
class Step:
    """One line of the statement's working."""

    label: str
    amount: Decimal


@dataclass
class Statement:
    """A quarter's royalty statement."""

    quarter: int
    royalty_bearing_sales: Decimal
    ytd_sales: Decimal
    royalty: Decimal
    by_country: dict[str, Decimal]
    credit_carried: Decimal
    steps: list[Step] = field(default_factory=list)


def tiered(terms: RoyaltyTerms, sales: Decimal) -> Decimal:
    """Royalty on cumulative annual ``sales`` (unrounded)."""
    if sales <= 0:
        return ZERO
    tiers = terms.tiers
    if terms.mode == "whole_sales":
        rate = ZERO
        for tier in tiers:
            if sales >= tier.start:
                rate = tier.rate
        return rate * sales
    due = ZERO
    for i, tier in enumerate(tiers):
        upper = tiers[i + 1].start if i + 1 < len(tiers) else None
        top = sales if upper is None else min(sales, upper)
        if top > tier.start:
            due += tier.rate * (top - tier.start)
    return due


def statement(
    terms: RoyaltyTerms,
    quarter: int,
    data: QuarterInput,
    *,
    ytd_before: Decimal,
    credit_before: Decimal,
) -> Statement:
    """One quarter's statement, given the year's royalty-bearing sales before it and the
    unused offset credit carried into it."""
    by_country: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in data.lines:
        if line.country not in data.term_ended:
            by_country[line.country] += line.net_sales
    sales = sum(by_country.values(), ZERO)
    steps = [Step("Royalty-bearing net sales this quarter", sales)]
    excluded = sum((ln.net_sales for ln in data.lines if ln.country in data.term_ended), ZERO)
    if excluded:
        steps.append(Step("Net sales in countries whose royalty term ended (no royalty)", excluded))
    ytd = ytd_before + sales
    base = tiered(terms, ytd) - tiered(terms, ytd_before)
    steps.append(
        Step(
            f"Tiered royalty ({terms.mode.replace('_', '-')}) on year-to-date "
            f"{ytd} less {ytd_before}",
            base,
        )
    )
    royalty = base
    credit = credit_before
    offset_used = ZERO
    for reduction in terms.reductions:
        if isinstance(reduction, StepDown):
            lost = sum((v for c, v in by_country.items() if c in data.exclusivity_lost), ZERO)
            if sales > 0 and lost > 0:
                cut = royalty * reduction.reduction * lost / sales
                royalty -= cut
                steps.append(
                    Step(
                        f"Step-down of {reduction.reduction:%} on sales after loss of exclusivity",
                        -cut,
                    )
                )
        else:
            credit += reduction.creditable * data.third_party_royalties
            cap = reduction.max_reduction * royalty
            used = min(credit, cap)
            royalty -= used
            credit -= used
            offset_used += used
            steps.append(
                Step(
                    "Third-party offset (creditable share of third-party royalties "
                    "and carried credit, capped)",
                    -used,
                )
            )
    floor = terms.floor * sales
    if royalty < floor:
        restored = floor - royalty
        credit += min(restored, offset_used)  # credit the floor kept unused carries on
        royalty = floor
        steps.append(Step(f"Raised to the floor of {terms.floor} x sales", restored))
    total = to_cents(royalty)
    steps.append(Step("Royalty due (rounded to the cent)", total))
    countries = sorted(by_country)
    parts = allocate(total, [by_country[c] for c in countries])
    return Statement(
        quarter=quarter,
        royalty_bearing_sales=sales,
        ytd_sales=ytd,
        royalty=total,
        by_country=dict(zip(countries, parts, strict=True)),
        credit_carried=credit,
        steps=steps,
    )


def year(
    terms: RoyaltyTerms, quarters: list[QuarterInput], *, credit: Decimal = ZERO
) -> list[Statement]:
    """Statements for consecutive quarters of one contract year (credit carries forward)."""
    out = []
    ytd = ZERO
    for number, data in enumerate(quarters, start=1):
        result = statement(terms, number, data, ytd_before=ytd, credit_before=credit)
        out.append(result)
        ytd = result.ytd_sales
        credit = result.credit_carried
    return out
