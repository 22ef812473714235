"""Sales imports: a per-row error report, and nothing imported on any error."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from pactum.finance.imports import ImportRejected, parse_sales

GOOD = "country,product,net_sales,currency\nDE,HLX-204,1000.50,EUR\nfr,HLX-204,200,EUR\n"


def test_a_good_csv_imports_every_line() -> None:
    """Codes are normalised; amounts are exact decimals."""
    lines = parse_sales(GOOD.encode(), filename="q1.csv", currency="EUR")
    assert [(ln.country, ln.net_sales) for ln in lines] == [
        ("DE", Decimal("1000.50")),
        ("FR", Decimal("200")),
    ]


def test_bad_rows_are_all_reported_and_nothing_is_imported() -> None:
    """Negative sales, an unknown country, an unknown or foreign currency, a bad number."""
    text = (
        "country,product,net_sales,currency\n"
        "DE,HLX-204,-5,EUR\n"
        "XX,HLX-204,10,EUR\n"
        "FR,HLX-204,10,ZZZ\n"
        "IT,HLX-204,10,USD\n"
        "ES,HLX-204,lots,EUR\n"
        "PT,,10.001,EUR\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        parse_sales(text.encode(), filename="q1.csv", currency="EUR")
    found = {(e.row, e.column) for e in rejected.value.errors}
    assert found == {
        (2, "net_sales"),
        (3, "country"),
        (4, "currency"),
        (5, "currency"),
        (6, "net_sales"),
        (7, "product"),
        (7, "net_sales"),
    }
    assert "must not be negative" in next(e.rule for e in rejected.value.errors if e.row == 2)


def test_a_wrong_column_rejects_the_file() -> None:
    """The header must name the four columns."""
    with pytest.raises(ImportRejected) as rejected:
        parse_sales(
            b"country,product,sales,currency\nDE,X,1,EUR\n", filename="q.csv", currency="EUR"
        )
    assert rejected.value.errors[0].column == "header"


def test_xlsx_imports_and_bad_files_are_refused() -> None:
    """Excel workbooks work the same way; a broken file gets a clear error."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (("country", "product", "net_sales", "currency"), ("US", "HLX", 12.5, "USD")):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    lines = parse_sales(buffer.getvalue(), filename="q.xlsx", currency="USD")
    assert lines[0].net_sales == Decimal("12.5")
    with pytest.raises(ImportRejected, match="nothing imported"):
        parse_sales(b"not a workbook", filename="q.xlsx", currency="USD")
