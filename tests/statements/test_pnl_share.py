"""P&L-share working from stored inputs: worked examples derived by hand, and properties
(positions sum to the operating profit, no cent created or lost, recomputing repeats)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pactum.statements.pnl.calc import compute

D = Decimal


def _inputs(
    *,
    booking: str = "licensee",
    net_sales: str,
    cogs: str,
    licensor: str,
    licensee: str,
    split: str,
    currency: str = "USD",
    rate: str | None = None,
) -> dict[str, Any]:
    return {
        "currency": "USD",
        "year": 2027,
        "quarter": 1,
        "terms_version": 1,
        "payment_days": 30,
        "booking": booking,
        "input_currency": currency,
        "fx": {currency: rate} if rate else {},
        "net_sales": net_sales,
        "cogs": cogs,
        "expenses": {"licensor": licensor, "licensee": licensee},
        "split": {"licensor": split, "licensee": str(1 - D(split))},
        "split_source": "statement",
    }


def test_the_booking_party_holds_the_minority_share() -> None:
    """The licensee books the sales but keeps only 40% of profit (licensor 60%).

    Net sales 1,000,000; COGS 200,000; licensor's expenses 50,000; licensee's 150,000.
    Operating profit = 1,000,000 - 200,000 - 50,000 - 150,000 = 600,000.
    Shares: licensor 60% = 360,000; licensee 40% = 240,000.
    Entitlements (expenses back plus share): licensor 410,000; licensee 390,000; together
    800,000 = net sales less COGS, which the licensee holds. So the licensee pays the
    licensor 410,000. Positions after the payment: licensor 410,000 - 50,000 = 360,000;
    licensee 1,000,000 - 200,000 - 150,000 - 410,000 = 240,000; they sum to 600,000.
    """
    result = compute(
        _inputs(
            net_sales="1000000.00",
            cogs="200000.00",
            licensor="50000.00",
            licensee="150000.00",
            split="0.6",
        )
    )
    assert D(result["operating_profit"]) == D(600000)
    assert {k: D(v) for k, v in result["shares"].items()} == {
        "licensor": D(360000),
        "licensee": D(240000),
    }
    assert {k: D(v) for k, v in result["entitlement"].items()} == {
        "licensor": D(410000),
        "licensee": D(390000),
    }
    assert result["payment"] == {"payer": "licensee", "payee": "licensor", "amount": "410000.00"}
    assert {k: D(v) for k, v in result["positions"].items()} == {
        "licensor": D(360000),
        "licensee": D(240000),
    }
    assert result["steps"][-1]["label"] == "Balancing payment from the licensee to the licensor"


def test_a_loss_makes_the_partner_pay_the_booking_party() -> None:
    """Net sales 100,000; COGS 20,000; licensor's expenses 10,000; licensee's 150,000:
    operating profit -80,000. Licensor's share (60%) -48,000, entitlement 10,000 - 48,000 =
    -38,000: the licensor pays the licensee 38,000. Positions: licensor -38,000 - 10,000 =
    -48,000; licensee 100,000 - 20,000 - 150,000 + 38,000 = -32,000 (40% of the loss)."""
    result = compute(
        _inputs(
            net_sales="100000.00",
            cogs="20000.00",
            licensor="10000.00",
            licensee="150000.00",
            split="0.6",
        )
    )
    assert D(result["balance"]) == D(-38000)
    assert result["payment"] == {"payer": "licensor", "payee": "licensee", "amount": "38000.00"}
    assert {k: D(v) for k, v in result["positions"].items()} == {
        "licensor": D(-48000),
        "licensee": D(-32000),
    }


def test_converted_figures_round_once_and_the_odd_cent_is_not_lost() -> None:
    """In EUR at 1.0850: net sales 1,000.01 -> 1,085.0108... -> 1,085.01; COGS 333.33 ->
    361.663... -> 361.66; profit 723.35, split 50/50: 72,335 cents cannot halve, so the
    licensor (first by largest remainder, ties to the earlier party) gets 361.68 and the
    licensee 361.67. The licensee pays the licensor 361.68."""
    result = compute(
        _inputs(
            net_sales="1000.01",
            cogs="333.33",
            licensor="0.00",
            licensee="0.00",
            split="0.5",
            currency="EUR",
            rate="1.0850",
        )
    )
    assert (result["net_sales"], result["cogs"], result["operating_profit"]) == (
        "1085.01",
        "361.66",
        "723.35",
    )
    assert result["shares"] == {"licensor": "361.68", "licensee": "361.67"}
    assert result["payment"]["amount"] == "361.68"
    assert "(converted from EUR at 1.0850)" in result["steps"][0]["label"]


cents = st.integers(min_value=0, max_value=10**11).map(lambda c: str(D(c).scaleb(-2)))
shares = st.integers(min_value=0, max_value=10**6).map(lambda n: str(D(n).scaleb(-6)))
rates = st.one_of(
    st.none(), st.integers(min_value=1, max_value=10**8).map(lambda n: str(D(n).scaleb(-4)))
)


@settings(max_examples=300, deadline=None)
@given(
    booking=st.sampled_from(["licensor", "licensee"]),
    net_sales=cents,
    cogs=cents,
    licensor=cents,
    licensee=cents,
    split=shares,
    rate=rates,
)
def test_positions_sum_to_the_profit_and_no_cent_is_created_or_lost(
    booking: str,
    net_sales: str,
    cogs: str,
    licensor: str,
    licensee: str,
    split: str,
    rate: str | None,
) -> None:
    """Shares add up to the operating profit; each position after the payment equals its
    share; entitlements add up to net sales less COGS; every amount is whole cents; and
    the stored (JSON) inputs recompute to the same result."""
    inputs = _inputs(
        booking=booking,
        net_sales=net_sales,
        cogs=cogs,
        licensor=licensor,
        licensee=licensee,
        split=split,
        currency="EUR" if rate else "USD",
        rate=rate,
    )
    result = compute(inputs)
    profit = D(result["operating_profit"])
    positions = {k: D(v) for k, v in result["positions"].items()}
    shares_ = {k: D(v) for k, v in result["shares"].items()}
    assert sum(positions.values()) == profit == sum(shares_.values())
    assert positions == shares_
    entitled = sum(D(v) for v in result["entitlement"].values())
    assert entitled == D(result["net_sales"]) - D(result["cogs"])
    for value in [profit, *positions.values(), D(result["balance"])]:
        assert value == value.quantize(D("0.01"))
    assert D(result["payment"]["amount"]) == abs(D(result["balance"]))
    assert compute(json.loads(json.dumps(inputs))) == result
