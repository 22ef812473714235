"""Cells of spreadsheet exports (CSV and XLSX) that survive whatever is stored.

Text that a spreadsheet program would run as a formula (``=``, ``+``, ``-``, ``@`` or a
tab or carriage return first) is kept as text with a leading apostrophe; numbers are
never touched, so ``-12.50`` stays a number. Characters a workbook cannot hold (control
and non-characters) become U+FFFD, and dates are written as ISO text where a
spreadsheet cannot show them as dates (before 1900).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pactum.core.text import printable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXCEL_FIRST_YEAR = 1900


def amount(value: Any) -> Any:
    """A stored amount (JSON keeps them as strings) as an exact number for a cell; any
    other value as it is."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def safe_text(text: str) -> str:
    """Stored text as a cell: printable, never a formula."""
    text = printable(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def iso_time(value: datetime) -> str:
    """A time in UTC as ``YYYY-MM-DD HH:MM:SS`` (every year four digits)."""
    try:
        moved = value.astimezone(UTC)
    except OverflowError:
        moved = value
    return (
        f"{moved.year:04d}-{moved.month:02d}-{moved.day:02d} "
        f"{moved.hour:02d}:{moved.minute:02d}:{moved.second:02d}"
    )


def text_cell(value: Any) -> str:
    """Any stored value as the text of a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return iso_time(value)
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return safe_text(str(value))


def workbook_cell(value: Any) -> Any:
    """Any stored value as an XLSX cell's value: numbers as numbers (a Decimal as a float
    when the float is exact, else as text, never rounded), dates as dates where the
    spreadsheet can show them, text as safe text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value.normalize() else str(value)
    if isinstance(value, datetime):
        if value.year <= EXCEL_FIRST_YEAR:
            return iso_time(value)
        try:
            return value.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            return iso_time(value)
    if isinstance(value, date):
        return value if value.year > EXCEL_FIRST_YEAR else text_cell(value)
    return safe_text(str(value))
