"""Properties of the stored true-up computation: positions add up, no cent is created or
lost, and recomputing the stored inputs gives the stored result."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pactum.statements.trueup.calc import PARTIES, compute

D = Decimal
money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
line = st.tuples(st.sampled_from(PARTIES), money, st.booleans())


@st.composite
def inputs(draw: st.DrawFn) -> dict[str, Any]:
    """Random but valid stored inputs."""
    return {
        "overrun": str(draw(st.decimals(min_value=0, max_value=1, places=2))),
        "licensor_share": str(D(draw(st.integers(0, 10_000))) / 10_000),
        "parties": {"licensor": "org-a", "licensee": "org-b"},
        "budgets": {p: {"amount": str(draw(money)), "decision": "JSC"} for p in PARTIES},
        "lines": [
            {
                "id": str(i),
                "party": party,
                "work_package": "WP",
                "category": "c",
                "description": "",
                "amount": str(amount),
                "disputed": disputed,
                "dispute_reason": "",
            }
            for i, (party, amount, disputed) in enumerate(draw(st.lists(line, max_size=8)))
        ],
    }


def _cents(text: str) -> D:
    value = D(text)
    assert value == value.quantize(D("0.01")), text
    assert len(text.rpartition(".")[2]) == 2, text
    return value


@given(inputs())
def test_positions_add_up_to_the_totals(data: dict[str, Any]) -> None:
    """Shares sum to the shareable total; balances cancel out; each party ends at its share."""
    result = compute(data)
    parties = result["parties"]
    total = _cents(result["shareable_total"])
    assert sum(_cents(parties[p]["share"]) for p in PARTIES) == total
    assert sum(_cents(parties[p]["shareable"]) for p in PARTIES) == total
    assert sum(_cents(parties[p]["balance_now"]) for p in PARTIES) == 0
    assert sum(_cents(parties[p]["balance_held"]) for p in PARTIES) == 0
    for p in PARTIES:
        pos = parties[p]
        carried = (
            _cents(pos["shareable"]) + _cents(pos["balance_now"]) + _cents(pos["balance_held"])
        )
        assert carried == _cents(pos["share"])
        assert _cents(pos["shareable"]) == min(_cents(pos["reported"]), _cents(pos["cap"]))
        assert _cents(pos["excess"]) >= 0
    exact = D(data["licensor_share"]) * total
    assert abs(_cents(parties["licensor"]["share"]) - exact) < D("0.01")


@given(inputs())
def test_no_cent_is_created_or_lost(data: dict[str, Any]) -> None:
    """Every reported cent is either shareable or excess; payments match the balances."""
    result = compute(data)
    reported = sum((D(ln["amount"]) for ln in data["lines"]), D(0))
    parties = result["parties"]
    assert sum(_cents(parties[p]["shareable"]) + _cents(parties[p]["excess"]) for p in PARTIES) == (
        reported
    )
    for key, field in (("payment_now", "balance_now"), ("payment_held", "balance_held")):
        payment = result[key]
        positive = [p for p in PARTIES if D(parties[p][field]) > 0]
        if payment is None:
            assert positive == []
        else:
            assert positive == [payment["payer"]]
            assert payment["amount"] == parties[payment["payer"]][field]


@given(inputs())
def test_recomputing_gives_the_same_result(data: dict[str, Any]) -> None:
    """Stored as JSON and computed again: identical."""
    stored = json.loads(json.dumps(compute(data)))
    assert compute(json.loads(json.dumps(data))) == stored
