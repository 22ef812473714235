"""Sales imports for statements that convert: any currency with an agreed rate."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pactum.finance.imports import ImportedLine, ImportRejected, parse_sales_lines

HEADER = "country,product,net_sales,currency\n"


def test_rows_keep_their_currency_when_it_has_an_agreed_rate() -> None:
    """USD is the target; EUR has an agreed rate: both import, each with its currency."""
    text = HEADER + "US,HLX,10.00,usd\nDE,HLX,20.50,EUR\n"
    lines = parse_sales_lines(text.encode(), filename="q.csv", target="USD", accepted={"EUR"})
    assert lines == [
        ImportedLine("US", "HLX", Decimal("10.00"), "USD"),
        ImportedLine("DE", "HLX", Decimal("20.50"), "EUR"),
    ]


def test_a_currency_without_an_agreed_rate_is_a_row_error() -> None:
    """GBP is a real currency but has no agreed rate for the quarter: rejected by row,
    naming the quarter; nothing is imported."""
    text = HEADER + "US,HLX,10.00,USD\nGB,HLX,5.00,GBP\nFR,HLX,1.00,XYZ\n"
    with pytest.raises(ImportRejected) as rejected:
        parse_sales_lines(
            text.encode(), filename="q.csv", target="USD", accepted={"EUR"}, period="2027 Q1"
        )
    assert [(e.row, e.column, e.rule) for e in rejected.value.errors] == [
        (
            3,
            "currency",
            "GBP has no agreed rate into USD for 2027 Q1; agree one in the FX table first",
        ),
        (4, "currency", "'XYZ' is not an ISO 4217 code"),
    ]
