"""Importing net sales from CSV or XLSX: every row checked, nothing imported on any error."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pycountry

from pactum.core.text import text_problem
from pactum.finance.royalty import SalesLine

COLUMNS = ("country", "product", "net_sales", "currency")
MAX_PRODUCT = 200
MAX_AMOUNT = Decimal("9999999999999.99")
MAX_ROWS = 100_000


@dataclass(frozen=True)
class RowError:
    """A problem on one row (row 1 is the header)."""

    row: int
    column: str
    rule: str


class ImportRejected(ValueError):
    """The file had errors; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s); nothing imported")
        self.errors = errors


def _bad_cell(number: int, columns: tuple[str, ...], cells: list[str]) -> RowError | None:
    """The first cell that breaks the text rules (IN-1), as a row error naming its column."""
    for column, cell in zip(columns, cells, strict=False):
        problem = text_problem(cell)
        if problem is not None:
            return RowError(number, column, problem)
    return None


def _rows_from_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowError(0, "file", "must be UTF-8 text")]) from exc
    reader = csv.reader(io.StringIO(text))
    try:
        return [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:  # e.g. a cell over the csv module's 128 KB field limit
        line = reader.line_num
        raise ImportRejected([RowError(line, "file", f"is not readable CSV ({exc})")]) from exc


def _rows_from_xlsx(data: bytes) -> list[list[str]]:
    try:
        from openpyxl import load_workbook  # loaded when a spreadsheet is read

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ImportRejected([RowError(0, "file", "is not a readable .xlsx workbook")]) from exc
    if sheet is None:
        raise ImportRejected([RowError(0, "file", "has no worksheet")])
    return [
        ["" if v is None else str(v) for v in row]
        for row in sheet.iter_rows(values_only=True)
        if any(v not in (None, "") for v in row)
    ]


@dataclass(frozen=True)
class ImportedLine:
    """One imported row: net sales of a product in a country, in the row's currency."""

    country: str
    product: str
    net_sales: Decimal
    currency: str


def parse_sales(data: bytes, *, filename: str, currency: str) -> list[SalesLine]:
    """Sales lines from a file with columns country, product, net_sales, currency.

    Countries are ISO 3166 alpha-2 codes, currencies ISO 4217 and must be the statement's;
    net sales are non-negative amounts with at most two decimals. Any problem anywhere
    rejects the whole file with a per-row report.
    """

    def only_ours(code: str) -> str | None:
        return None if code == currency else f"must be {currency}, got {code}"

    return [
        SalesLine(line.country, line.product, line.net_sales)
        for line in _parse(data, filename, only_ours)
    ]


def parse_sales_lines(
    data: bytes, *, filename: str, target: str, accepted: Collection[str], period: str = ""
) -> list[ImportedLine]:
    """Like :func:`parse_sales`, but a row may be in any currency that converts into
    ``target``: ``target`` itself or one of ``accepted`` (those with an agreed rate for the
    ``period``). A row in another ISO 4217 currency is a row error."""
    allowed = {target, *accepted}

    def convertible(code: str) -> str | None:
        if code in allowed:
            return None
        when = f" for {period}" if period else ""
        return f"{code} has no agreed rate into {target}{when}; agree one in the FX table first"

    return _parse(data, filename, convertible)


def _parse(
    data: bytes, filename: str, check_currency: Callable[[str], str | None]
) -> list[ImportedLine]:
    """Every row checked; ``check_currency`` says what is wrong with a valid ISO code."""
    rows = _rows_from_xlsx(data) if filename.lower().endswith(".xlsx") else _rows_from_csv(data)
    if not rows:
        raise ImportRejected([RowError(1, "file", "is empty; expected a header row")])
    header = [cell.strip().lower() for cell in rows[0]]
    if tuple(header) != COLUMNS:
        raise ImportRejected(
            [
                RowError(
                    1,
                    "header",
                    f"must be {', '.join(COLUMNS)}; got {', '.join(header) or 'nothing'}",
                )
            ]
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ImportRejected([RowError(1, "file", f"has more than {MAX_ROWS:,} rows")])
    errors: list[RowError] = []
    lines: list[ImportedLine] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in row] + [""] * (len(COLUMNS) - len(row))
        if any("\x00" in cell for cell in cells):
            errors.append(RowError(number, "row", "must not contain NUL characters"))
            continue
        if len(row) > len(COLUMNS):
            errors.append(RowError(number, "row", f"has {len(row)} columns; expected 4"))
            continue
        bad = _bad_cell(number, COLUMNS, cells)
        if bad is not None:
            errors.append(bad)
            continue
        country, product, amount, money = cells[:4]
        if pycountry.countries.get(alpha_2=country.upper()) is None:
            errors.append(RowError(number, "country", f"{country!r} is not an ISO 3166 code"))
        if not product:
            errors.append(RowError(number, "product", "is required"))
        elif len(product) > MAX_PRODUCT:
            errors.append(RowError(number, "product", f"must be at most {MAX_PRODUCT} characters"))
        if pycountry.currencies.get(alpha_3=money.upper()) is None:
            errors.append(RowError(number, "currency", f"{money!r} is not an ISO 4217 code"))
        elif (problem := check_currency(money.upper())) is not None:
            errors.append(RowError(number, "currency", problem))
        try:
            value = Decimal(amount.replace(",", ""))
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.append(RowError(number, "net_sales", f"{amount!r} is not a number"))
            continue
        if value < 0:
            errors.append(RowError(number, "net_sales", f"must not be negative, got {value}"))
        elif value > MAX_AMOUNT:
            errors.append(RowError(number, "net_sales", f"must be at most {MAX_AMOUNT}"))
        elif value != value.quantize(Decimal("0.01")):
            errors.append(RowError(number, "net_sales", "must have at most two decimals"))
        else:
            lines.append(ImportedLine(country.upper(), product, value, money.upper()))
    if errors:
        raise ImportRejected(errors)
    return lines


COST_COLUMNS = ("work_package", "category", "description", "amount", "currency")
COST_TEXT_LIMITS = {"work_package": 120, "category": 120, "description": 300}
MAX_COST = Decimal("9999999999999.99")


@dataclass(frozen=True)
class CostRow:
    """One imported cost line of a true-up."""

    work_package: str
    category: str
    description: str
    amount: Decimal


def parse_costs(data: bytes, *, filename: str, currency: str) -> list[CostRow]:
    """Cost lines from a file with columns work_package, category, description, amount,
    currency.

    Work package and category are required (at most 120 characters), the description is
    optional (at most 300); amounts are non-negative with at most two decimals, in the
    true-up's currency. Any problem anywhere rejects the whole file with a per-row report.
    """
    rows = _rows_from_xlsx(data) if filename.lower().endswith(".xlsx") else _rows_from_csv(data)
    if not rows:
        raise ImportRejected([RowError(1, "file", "is empty; expected a header row")])
    header = [cell.strip().lower() for cell in rows[0]]
    if tuple(header) != COST_COLUMNS:
        expected = ", ".join(COST_COLUMNS)
        raise ImportRejected(
            [RowError(1, "header", f"must be {expected}; got {', '.join(header) or 'nothing'}")]
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ImportRejected([RowError(1, "file", f"has more than {MAX_ROWS:,} rows")])
    errors: list[RowError] = []
    found: list[CostRow] = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > len(COST_COLUMNS):
            errors.append(RowError(number, "row", f"has {len(row)} columns; expected 5"))
            continue
        cells = [cell.strip() for cell in row] + [""] * (len(COST_COLUMNS) - len(row))
        if any("\x00" in cell for cell in cells):
            errors.append(RowError(number, "row", "must not contain NUL characters"))
            continue
        bad = _bad_cell(number, COST_COLUMNS, cells)
        if bad is not None:
            errors.append(bad)
            continue
        work_package, category, description, amount, money = cells[:5]
        for column, text in zip(COST_COLUMNS[:3], cells[:3], strict=True):
            if column != "description" and not text:
                errors.append(RowError(number, column, "is required"))
            elif len(text) > COST_TEXT_LIMITS[column]:
                limit = COST_TEXT_LIMITS[column]
                errors.append(RowError(number, column, f"must be at most {limit} characters"))
        if pycountry.currencies.get(alpha_3=money.upper()) is None:
            errors.append(RowError(number, "currency", f"{money!r} is not an ISO 4217 code"))
        elif money.upper() != currency:
            errors.append(RowError(number, "currency", f"must be {currency}, got {money.upper()}"))
        try:
            value = Decimal(amount.replace(",", ""))
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.append(RowError(number, "amount", f"{amount!r} is not a number"))
            continue
        if value < 0:
            errors.append(RowError(number, "amount", f"must not be negative, got {value}"))
        elif value > MAX_COST:
            errors.append(RowError(number, "amount", f"must be at most {MAX_COST}"))
        elif value != value.quantize(Decimal("0.01")):
            errors.append(RowError(number, "amount", "must have at most two decimals"))
        else:
            found.append(CostRow(work_package, category, description, value))
    if errors:
        raise ImportRejected(errors)
    return found
