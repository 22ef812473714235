"""Royalty statements: worked examples derived by hand, and properties."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pactum.finance.money import allocate, to_cents
from pactum.finance.royalty import (
    QuarterInput,
    RoyaltyTerms,
    SalesLine,
    StepDown,
    ThirdPartyOffset,
    Tier,
    year,
)

D = Decimal

TIERS = (Tier(D(0), D("0.10")), Tier(D(1000), D("0.15")))
REDUCTIONS = (ThirdPartyOffset(D("0.5"), D("0.5")), StepDown(D("0.5")))
Q1 = QuarterInput((SalesLine("DE", "HLX", D(600)), SalesLine("FR", "HLX", D(200))), D(40))
Q2 = QuarterInput(
    (SalesLine("DE", "HLX", D(500)), SalesLine("FR", "HLX", D(300))),
    D(200),
    exclusivity_lost=frozenset({"FR"}),
)


def test_marginal_two_quarters_with_offset_step_down_floor_and_carry_forward() -> None:
    """Tiers 10% to 1,000 then 15% (marginal); offset 50% creditable, at most 50% of the
    royalty; step-down 50% after LOE; floor 5%.

    Q1: sales 800 (DE 600, FR 200). Base 10% x 800 = 80. Credit 0.5 x 40 = 20 (cap 40): 60.
        Floor 40: no change. DE 45.00, FR 15.00. Credit carried 0.
    Q2: sales 800, YTD 1,600. Base = (100 + 15% x 600) - 80 = 110. Credit 0.5 x 200 = 100,
        cap 55: royalty 55, credit carried 45. FR lost exclusivity: 55 x 50% x 300/800 =
        10.3125 -> 44.6875 -> 44.69. DE 27.93125 -> 27.93, FR 16.75875 -> 16.76 (the spare
        cent goes to the larger remainder).
    """
    terms = RoyaltyTerms(TIERS, "marginal", REDUCTIONS, D("0.05"))
    q1, q2 = year(terms, [Q1, Q2])
    assert (q1.royalty, q1.by_country, q1.credit_carried) == (
        D("60.00"),
        {"DE": D("45.00"), "FR": D("15.00")},
        D(0),
    )
    assert q2.ytd_sales == D(1600)
    assert q2.royalty == D("44.69")
    assert q2.by_country == {"DE": D("27.93"), "FR": D("16.76")}
    assert q2.credit_carried == D(45)
    assert [s.amount for s in q2.steps][-1] == D("44.69")


def test_whole_sales_catches_up_when_a_tier_is_crossed() -> None:
    """Whole-sales: Q1 at 10% of 800 = 80 (offset 20 -> 60). Q2: 15% of 1,600 = 240, less
    80 already due = 160; offset min(100, 80) = 80 -> 80, credit 20; step-down
    80 x 50% x 3/8 = 15 -> 65.00."""
    terms = RoyaltyTerms(TIERS, "whole_sales", REDUCTIONS, D("0.05"))
    q1, q2 = year(terms, [Q1, Q2])
    assert q1.royalty == D("60.00")
    assert q2.royalty == D("65.00")
    assert q2.credit_carried == D(20)


def test_floor_keeps_unused_credit_for_later() -> None:
    """With no cap the offset would wipe out Q1's royalty (80 - 100); the floor (5% x 800 =
    40) holds, and the 40 of credit it kept unused carries forward: 100 - 80 + 40 = 60."""
    terms = RoyaltyTerms(TIERS, "marginal", (ThirdPartyOffset(D("0.5"), D(1)),), D("0.05"))
    (q1,) = year(terms, [QuarterInput(Q1.lines, D(200))])
    assert q1.royalty == D("40.00")
    assert q1.credit_carried == D(60)


def test_royalty_term_ends_country_by_country() -> None:
    """France's term has ended: its sales are listed but bear no royalty (10% of 600)."""
    terms = RoyaltyTerms(TIERS)
    (q1,) = year(terms, [QuarterInput(Q1.lines, term_ended=frozenset({"FR"}))])
    assert q1.royalty == D("60.00")
    assert q1.by_country == {"DE": D("60.00")}
    assert any("royalty term ended" in s.label for s in q1.steps)


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)


@given(
    total=st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    weights=st.lists(amounts, min_size=1, max_size=30),
)
def test_allocation_never_creates_or_loses_a_cent(total: D, weights: list[D]) -> None:
    """Allocated parts are whole cents and add up exactly to the total."""
    parts = allocate(total, weights)
    assert sum(parts, D(0)) == to_cents(total)
    assert all(p == to_cents(p) for p in parts)


@given(
    sales=st.lists(st.lists(amounts, min_size=1, max_size=5), min_size=1, max_size=4),
    third=st.lists(amounts, min_size=4, max_size=4),
    whole=st.booleans(),
)
def test_statements_are_exact_above_the_floor_and_repeatable(
    sales: list[list[D]], third: list[D], whole: bool
) -> None:
    """Country lines add up to the royalty, the royalty is at least the floor, and
    computing the year again gives the very same statements."""
    terms = RoyaltyTerms(TIERS, "whole_sales" if whole else "marginal", REDUCTIONS, D("0.02"))
    quarters = [
        QuarterInput(
            tuple(SalesLine(f"C{i}", "P", v) for i, v in enumerate(q)),
            third[n],
            exclusivity_lost=frozenset({"C0"}),
        )
        for n, q in enumerate(sales)
    ]
    first = year(terms, quarters)
    for result in first:
        assert sum(result.by_country.values(), D(0)) == result.royalty
        assert result.royalty >= to_cents(D("0.02") * result.royalty_bearing_sales) - D("0.01")
        assert result.credit_carried >= 0
    assert year(terms, quarters) == first
