"""Cost-line imports (CSV/XLSX): a per-row error report, nothing imported on any error."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from pactum.finance.imports import ImportRejected, parse_costs

HEADER = "work_package,category,description,amount,currency\n"


def test_a_good_csv_imports_every_line() -> None:
    """Amounts are exact decimals; a thousands separator is accepted; currency in any case."""
    text = HEADER + 'WP1,CRO,Site fees,"1,000.50",eur\nWP2,CMC,,200,EUR\n'
    rows = parse_costs(text.encode(), filename="q1.csv", currency="EUR")
    assert [(r.work_package, r.category, r.description, r.amount) for r in rows] == [
        ("WP1", "CRO", "Site fees", Decimal("1000.50")),
        ("WP2", "CMC", "", Decimal("200")),
    ]


def test_every_bad_row_is_reported_and_nothing_imported() -> None:
    """Missing work package or category, negative, sub-cent, non-numeric, foreign or unknown
    currency, an extra column: each reported with its row and column."""
    text = (
        HEADER
        + ",CRO,x,1,EUR\n"
        + "WP1,,x,1,EUR\n"
        + "WP1,CRO,x,-1,EUR\n"
        + "WP1,CRO,x,1.001,EUR\n"
        + "WP1,CRO,x,lots,EUR\n"
        + "WP1,CRO,x,1,USD\n"
        + "WP1,CRO,x,1,ZZZ\n"
        + "WP1,CRO,x,1,EUR,extra\n"
        + "WP1,CRO,"
        + "d" * 301
        + ",1,EUR\n"
        + "WP1,CRO,fine,1,EUR\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        parse_costs(text.encode(), filename="q1.csv", currency="EUR")
    found = [(e.row, e.column) for e in rejected.value.errors]
    assert found == [
        (2, "work_package"),
        (3, "category"),
        (4, "amount"),
        (5, "amount"),
        (6, "amount"),
        (7, "currency"),
        (8, "currency"),
        (9, "row"),
        (10, "description"),
    ]


@pytest.mark.parametrize(
    ("data", "column"),
    [
        (b"", "file"),
        (b"country,product,net_sales,currency\nDE,x,1,EUR\n", "header"),
        (b"\xff\xfe\x00bad", "file"),
        (HEADER.encode() + b"WP,c,x,1e400,EUR\n", "amount"),
    ],
)
def test_unreadable_files_are_refused(data: bytes, column: str) -> None:
    """Empty, a sales file, not UTF-8, an absurd amount: one clear error."""
    with pytest.raises(ImportRejected) as rejected:
        parse_costs(data, filename="q1.csv", currency="EUR")
    assert rejected.value.errors[0].column == column


def test_an_xlsx_workbook_imports() -> None:
    """The first sheet of a workbook, numbers as cells."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["work_package", "category", "description", "amount", "currency"])
    sheet.append(["WP1", "CRO", "Site fees", 1250.25, "EUR"])
    sheet.append(["WP1", "Lab", None, 10, "EUR"])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = parse_costs(buffer.getvalue(), filename="Q1.XLSX", currency="EUR")
    assert [(r.category, r.amount) for r in rows] == [
        ("CRO", Decimal("1250.25")),
        ("Lab", Decimal("10")),
    ]
    with pytest.raises(ImportRejected):
        parse_costs(b"not a workbook", filename="q1.xlsx", currency="EUR")
