"""True-ups and P&L shares: worked examples by hand, and properties."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pactum.finance.money import to_cents
from pactum.finance.sharing import CostLine, pnl_share, true_up

D = Decimal


def test_true_up_with_an_overrun_above_the_cap_and_a_disputed_line() -> None:
    """Budgets: Helix 1,000, Meridian 1,500; permitted overrun 10%; split 50/50.

    Helix reports 1,300: shareable min(1,300, 1,100) = 1,100; the excess 200 stays with Helix.
    Meridian reports 1,300 plus 100 that Helix disputes: 1,400, all within 1,650.
    All costs: shareable 2,500, each carries 1,250: Helix pays 150 in all.
    Undisputed only: 1,100 + 1,300 = 2,400, each 1,200: Helix pays 100 now; 50 is held
    until the disputed line is resolved.
    """
    lines = [
        CostLine("Helix", "WP1", "CRO", D(1300)),
        CostLine("Meridian", "WP1", "CRO", D(1300)),
        CostLine("Meridian", "WP2", "CMC", D(100), disputed=True),
    ]
    result = true_up(
        lines,
        budgets={"Helix": D(1000), "Meridian": D(1500)},
        overrun=D("0.10"),
        split={"Helix": D("0.5"), "Meridian": D("0.5")},
    )
    helix, meridian = result.parties["Helix"], result.parties["Meridian"]
    assert (helix.shareable, helix.excess) == (D(1100), D(200))
    assert result.shareable_total == D(2500)
    assert (helix.balance_now, helix.balance_held) == (D(100), D(50))
    assert (meridian.balance_now, meridian.balance_held) == (D(-100), D(-50))


def test_pnl_share_when_the_booking_party_is_the_minority() -> None:
    """Meridian books sales 1,000 and COGS 200; expenses Meridian 150, Helix 250; split
    Helix 65% / Meridian 35% (Meridian, the booking party, is the minority).

    Operating profit = 1,000 - 200 - 150 - 250 = 400. Helix is entitled to 250 + 260 = 510,
    Meridian to 150 + 140 = 290. Meridian pays Helix 510 and keeps 1,000 - 200 - 150 - 510
    = 140 = its 35% of the profit."""
    result = pnl_share(
        booking="Meridian",
        net_sales=D(1000),
        cogs=D(200),
        expenses={"Meridian": D(150), "Helix": D(250)},
        split={"Helix": D("0.65"), "Meridian": D("0.35")},
    )
    assert result.operating_profit == D(400)
    assert result.entitlement == {"Helix": D(510), "Meridian": D(290)}
    assert result.payments == {"Helix": D(510)}


money = st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False)
shares = st.integers(1, 99).map(lambda n: D(n) / 100)


@given(
    a=money,
    b=money,
    disputed=money,
    budget_a=money,
    budget_b=money,
    share=shares,
    overrun=st.decimals(min_value=0, max_value=1, places=2),
)
def test_true_up_positions_add_up(
    a: D, b: D, disputed: D, budget_a: D, budget_b: D, share: D, overrun: D
) -> None:
    """Balances cancel out; shares sum to the shareable total; nothing is created or lost."""
    lines = [
        CostLine("A", "WP", "c", a),
        CostLine("B", "WP", "c", b),
        CostLine("B", "WP", "c", disputed, disputed=True),
    ]
    result = true_up(
        lines,
        budgets={"A": budget_a, "B": budget_b},
        overrun=overrun,
        split={"A": share, "B": 1 - share},
    )
    parties = result.parties.values()
    assert sum((p.balance_now for p in parties), D(0)) == 0
    assert sum((p.balance_held for p in parties), D(0)) == 0
    assert sum((p.share for p in parties), D(0)) == result.shareable_total
    for p in parties:
        assert p.shareable + p.excess == p.reported
        assert p.shareable + p.balance_now + p.balance_held == p.share
        assert p.share == to_cents(p.share)


@given(sales=money, cogs=money, ea=money, eb=money, share=shares, booking=st.sampled_from("AB"))
def test_pnl_positions_sum_to_the_profit(
    sales: D, cogs: D, ea: D, eb: D, share: D, booking: str
) -> None:
    """After the payment each party's net result is its share; the results sum to the
    operating profit exactly."""
    result = pnl_share(
        booking=booking,
        net_sales=sales,
        cogs=cogs,
        expenses={"A": ea, "B": eb},
        split={"A": share, "B": 1 - share},
    )
    other = "B" if booking == "A" else "A"
    spent = {"A": ea, "B": eb}
    net = {
        booking: sales - cogs - spent[booking] - result.payments[other],
        other: result.payments[other] - spent[other],
    }
    assert net["A"] + net["B"] == result.operating_profit
    assert (
        pnl_share(
            booking=booking,
            net_sales=sales,
            cogs=cogs,
            expenses={"A": ea, "B": eb},
            split={"A": share, "B": 1 - share},
        )
        == result
    )
